import { partitionForKey } from '../../shared/log/partitioner.js';
import { type EncodeOptions, encodeRecordBatchWith } from '../../shared/log/record-batch-encode.js';
import { frameRecordBatches, RECORD_BATCHES_MEDIA_TYPE } from '../../shared/log/record-batches-body.js';
import { type Batch, Accumulator, estimatedBytes, SERVER_LIMITS } from './accumulator.js';
import { toBatchRecord } from './batch-record.js';
import { ClientStateError, InvalidRequestError } from './errors.js';
import type { Encoding, Message } from './encoding.js';
import { encodePath, type HttpClient } from './http.js';
import type { RetryOptions } from './retry.js';
import type { components } from './generated/openapi.js';
import { type SendWithOffsetsRecord, sendWithOffsets } from './transactional.js';

export interface ProducerOptions {
  /** How long a partial batch waits for more messages (Kafka 4.0's linger.ms default). Default 5. */
  lingerMs?: number;
  /** Target size of a request body (its RecordBatches) and its answer. Default 1 MiB; at most the server's 6 MB. */
  batchMaxBytes?: number;
  /** Default 10,000 (the server's limit). */
  batchMaxRecords?: number;
  /** Bytes accepted but not yet acknowledged; `send` waits beyond this (Kafka's buffer.memory). Default 32 MiB. */
  maxInFlightBytes?: number;
  /** How keys, values and headers are written into the records (as the API's `encoding`). Default 'json'. */
  encoding?: Encoding;
  /** Retries of a request (same Idempotency-Key): its deadline is Kafka's delivery.timeout.ms. */
  retry?: RetryOptions;
  /** Partition counts are re-read this often, so grown topics are noticed. Default 5 min. */
  metadataMaxAgeMs?: number;
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

export interface ProducerStats {
  requests: number;
  records: number;
  /** Request body bytes sent (retries not counted again). */
  bytes: number;
}

type ProduceResponse = components['schemas']['ProduceResponse'];

/** The producer's batches go uncompressed: the topic's codec is the server's to apply (docs/client.md). */
const NO_COMPRESSION: EncodeOptions = { compression: 'none' };
/** The codec's web-standard defaults: TextEncoder, plain Uint8Arrays, no compressor. */
const WEB_RUNTIME = {};

interface TopicMeta {
  partitions: number;
  readAt: number;
  sticky: number;
}

/**
 * kafkajs-shaped producer: `send` resolves with each message's partition and offset once
 * the server committed it. Messages linger up to `lingerMs` and are cut into requests per
 * partition (see Accumulator); each request carries one Kafka RecordBatch per partition
 * (`application/vnd.freshet.record-batches`, encoded with the server's own codec) and an
 * Idempotency-Key, and is retried with it.
 */
export class Producer {
  private readonly opts: Required<Omit<ProducerOptions, 'retry'>> & { retry: RetryOptions };
  private readonly accumulator: Accumulator;
  private readonly topics = new Map<string, Promise<TopicMeta>>();
  private inFlightBytes = 0;
  private readonly waiters: { bytes: number; go: () => void }[] = [];
  private unacked = 0;
  private idle: { promise: Promise<void>; resolve: () => void } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private drainQueued = false;
  private flushing = 0;
  private closed = false;
  private readonly counters: ProducerStats = { requests: 0, records: 0, bytes: 0 };

  constructor(
    private readonly http: HttpClient,
    options: ProducerOptions = {},
  ) {
    this.opts = {
      lingerMs: options.lingerMs ?? 5,
      batchMaxBytes: Math.min(options.batchMaxBytes ?? 1024 * 1024, SERVER_LIMITS.maxRequestBytes - 64 * 1024),
      batchMaxRecords: Math.min(options.batchMaxRecords ?? SERVER_LIMITS.maxRecordsPerRequest, SERVER_LIMITS.maxRecordsPerRequest),
      maxInFlightBytes: options.maxInFlightBytes ?? 32 * 1024 * 1024,
      encoding: options.encoding ?? 'json',
      metadataMaxAgeMs: options.metadataMaxAgeMs ?? 300_000,
      retry: options.retry ?? {},
    };
    this.accumulator = new Accumulator(this.opts);
  }

  /** Nothing to open over HTTP; kept for kafkajs-shaped code. */
  async connect(): Promise<void> {}

  /** Resolves, in message order, once every message is acknowledged. */
  /**
   * Produces `messages` and commits a consumer group's offsets in the same transaction
   * (exactly-once consume-transform-produce; see transactional.ts). Sent at once as one
   * request, outside the linger/batching of `send`.
   */
  sendWithOffsets(record: SendWithOffsetsRecord): Promise<RecordMetadata[]> {
    return sendWithOffsets(this.http, record, { encoding: this.opts.encoding, retry: this.opts.retry });
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return (await this.submit(record)).acked;
  }

  /**
   * Resolves as soon as the messages are accepted into the buffer (waiting only for
   * `maxInFlightBytes`), with `acked` resolving like `send`. Lets one caller keep many
   * sends in flight while backpressure still holds it back.
   */
  async submit(record: ProducerRecord): Promise<{ acked: Promise<RecordMetadata[]> }> {
    if (this.closed) throw new ClientStateError('PRODUCER_DISCONNECTED', 'the producer was disconnected');
    // A message without a timestamp gets the producer's clock now, as Kafka's producers stamp CreateTime.
    const now = Date.now();
    const wire = record.messages.map((m, i) => toBatchRecord(m, this.opts.encoding, i, now));
    const tooBig = wire.findIndex((w) => w.recordBytes > SERVER_LIMITS.maxRecordBytes);
    if (tooBig >= 0) {
      throw new InvalidRequestError({
        code: 'RECORD_TOO_LARGE',
        status: 0,
        title: 'Record too large',
        detail: `messages[${tooBig}] is ${wire[tooBig]!.recordBytes} bytes; the limit is ${SERVER_LIMITS.maxRecordBytes}`,
      });
    }
    const meta = await this.metadata(record.topic);
    const partitions = wire.map((w, i) => {
      if (w.partition !== undefined) {
        if (w.partition >= meta.partitions) throw new InvalidRequestError({ code: 'PARTITION_NOT_FOUND', status: 0, detail: `messages[${i}].partition ${w.partition} is not below ${meta.partitions}` });
        return w.partition;
      }
      return w.key ? partitionForKey(w.key, meta.partitions) : meta.sticky;
    });
    const bytes = wire.reduce((n, w) => n + estimatedBytes(w), 0);
    await this.reserve(bytes);

    const results: RecordMetadata[] = new Array(wire.length);
    let remaining = wire.length;
    let failed = false;
    const acked = new Promise<RecordMetadata[]>((resolve, reject) => {
      if (remaining === 0) resolve(results);
      wire.forEach((w, i) => {
        const partition = partitions[i]!;
        this.unacked++;
        this.accumulator.add(
          record.topic,
          {
            record: w,
            partition,
            done: (outcome) => {
              this.unacked--;
              this.release(estimatedBytes(w));
              if ('error' in outcome) {
                if (!failed) reject(outcome.error);
                failed = true;
              } else results[i] = { topic: record.topic, partition, offset: outcome.offset };
              if (--remaining === 0 && !failed) resolve(results);
              if (this.unacked === 0) this.settleIdle();
            },
          },
          Date.now(),
        );
      });
    });
    this.schedule();
    return { acked };
  }

  /** Resolves when everything sent so far is acknowledged (or failed). */
  async flush(): Promise<void> {
    if (this.unacked === 0) return;
    this.flushing++;
    try {
      this.schedule();
      this.idle ??= deferred();
      await this.idle.promise;
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then refuses further sends. */
  async disconnect(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
  }

  stats(): ProducerStats {
    return { ...this.counters };
  }

  private schedule(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    // A microtask, so a burst of synchronous sends is cut into requests once.
    queueMicrotask(() => {
      this.drainQueued = false;
      this.drain();
    });
  }

  private drain(): void {
    const now = Date.now();
    for (const batch of this.accumulator.drain(now, this.flushing > 0)) {
      const sticky = this.topics.get(batch.topic);
      void sticky?.then((meta) => {
        if (batch.sections.some((s) => s.partition === meta.sticky)) meta.sticky = Math.floor(Math.random() * meta.partitions);
      });
      void this.ship(batch);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.accumulator.nextDue();
    if (due !== undefined) this.timer = setTimeout(() => this.drain(), Math.max(0, due - Date.now()));
  }

  private async ship(batch: Batch): Promise<void> {
    const items = batch.sections.flatMap((s) => s.items);
    const idempotencyKey = crypto.randomUUID();
    try {
      // Offsets come back in body order, batch by batch and record by record: the order of `items`.
      const body = frameRecordBatches(
        batch.sections.map((s) => ({ partition: s.partition, batch: encodeRecordBatchWith(s.items.map((p) => p.record), WEB_RUNTIME, NO_COMPRESSION) })),
      );
      this.counters.requests++;
      this.counters.records += items.length;
      this.counters.bytes += body.length;
      const response = await this.http.call<ProduceResponse>('POST', `/v1/topics/${encodePath(batch.topic)}/records`, {
        body,
        contentType: RECORD_BATCHES_MEDIA_TYPE,
        headers: { 'idempotency-key': idempotencyKey },
        retry: this.opts.retry,
      });
      for (const [i, p] of items.entries()) p.done({ offset: response.offsets[i]!.offset });
    } catch (error) {
      for (const p of items) p.done({ error });
      // Nothing queued behind a failed batch may overtake it on its partitions.
      for (const p of this.accumulator.evict(batch.topic, batch.sections.map((s) => s.partition))) p.done({ error });
      if (error instanceof Error && 'code' in error && (error.code === 'TOPIC_NOT_FOUND' || error.code === 'PARTITION_NOT_FOUND')) this.topics.delete(batch.topic);
    } finally {
      this.accumulator.release(batch);
      this.schedule();
    }
  }

  private metadata(topic: string): Promise<TopicMeta> {
    const cached = this.topics.get(topic);
    if (cached) {
      void cached.then((m) => {
        if (Date.now() - m.readAt > this.opts.metadataMaxAgeMs && this.topics.get(topic) === cached) this.refresh(topic, m);
      }, () => {});
      return cached;
    }
    const loading = this.readPartitions(topic).then((partitions) => ({ partitions, readAt: Date.now(), sticky: Math.floor(Math.random() * partitions) }));
    this.topics.set(topic, loading);
    loading.catch(() => this.topics.delete(topic));
    return loading;
  }

  private refresh(topic: string, meta: TopicMeta): void {
    meta.readAt = Date.now();
    void this.readPartitions(topic).then((partitions) => {
      meta.partitions = partitions;
    }, () => {});
  }

  private async readPartitions(topic: string): Promise<number> {
    const t = await this.http.call<components['schemas']['Topic']>('GET', `/v1/topics/${encodePath(topic)}`, { retry: this.opts.retry });
    return t.partitions;
  }

  private reserve(bytes: number): Promise<void> {
    // A message bigger than the whole buffer still goes, alone, rather than never.
    if (this.waiters.length === 0 && (this.inFlightBytes + bytes <= this.opts.maxInFlightBytes || this.inFlightBytes === 0)) {
      this.inFlightBytes += bytes;
      return Promise.resolve();
    }
    return new Promise((go) => this.waiters.push({ bytes, go: () => go() }));
  }

  private release(bytes: number): void {
    this.inFlightBytes -= bytes;
    while (this.waiters.length > 0) {
      const next = this.waiters[0]!;
      if (this.inFlightBytes > 0 && this.inFlightBytes + next.bytes > this.opts.maxInFlightBytes) break;
      this.waiters.shift();
      this.inFlightBytes += next.bytes;
      next.go();
    }
  }

  private settleIdle(): void {
    const idle = this.idle;
    this.idle = undefined;
    idle?.resolve();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Kafka's partition for a key's bytes; exported so callers can predict placement. */
export const partitionOf = (keyBytes: Uint8Array, partitions: number) => partitionForKey(keyBytes, partitions);
