import { Admin } from './admin.js';
import { Consumer, type ConsumerOptions } from './consumer.js';
import { type ConnectionOptions, HttpClient } from './http.js';
import { Producer, type ProducerOptions } from './producer.js';
import { type ReadPartitionOptions, readPartition } from './read-partition.js';

/** The entry point, like kafkajs's `new Kafka({...})`: one connection, many clients. */
export class Freshet {
  readonly http: HttpClient;

  constructor(options: ConnectionOptions) {
    this.http = new HttpClient(options);
  }

  producer(options: ProducerOptions = {}): Producer {
    return new Producer(this.http, options);
  }

  consumer(options: ConsumerOptions): Consumer {
    return new Consumer(this.http, options);
  }

  admin(): Admin {
    return new Admin(this.http);
  }

  /** One partition's records as an async iterator, without a group. */
  readPartition(options: ReadPartitionOptions) {
    return readPartition(this.http, options);
  }
}
