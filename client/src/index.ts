/**
 * @freshet/client: a web-standard (fetch only) client for Freshet. Nothing here may import
 * from `node:`; Node-only helpers live in `./node/` (a separate entry point).
 */
export { Admin, type ApiKey, type GroupDescription, type Replay, type Subscription, type Topic, type TopicSchema } from './admin.js';
export {
  type Batch,
  Consumer,
  type ConsumerEvent,
  type ConsumerOptions,
  type EachBatchPayload,
  type EachMessagePayload,
  type RunOptions,
  type TopicPartition,
  type TopicPartitionOffset,
} from './consumer.js';
export type { Encoding, Message } from './encoding.js';
// A faster CRC-32C for the batches the client encodes and checks (docs/client.md, "A faster CRC-32C in Node").
export { accelerateCrc32c } from '../../shared/log/crc32c.js';
export {
  AuthenticationError,
  ClientStateError,
  ConflictError,
  DeadlineExceededError,
  FreshetError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  OffsetOutOfRangeError,
  type Problem,
  RebalanceError,
  ServerUnavailableError,
} from './errors.js';
export { Freshet } from './freshet.js';
export type { components as ApiSchemas, paths as ApiPaths } from './generated/openapi.js';
export type { ConnectionOptions } from './http.js';
export { partitionOf, Producer, type ProducerOptions, type ProducerRecord, type ProducerStats, type RecordMetadata } from './producer.js';
export type { ReadPartitionOptions } from './read-partition.js';
export { type OffsetCommitter, type SendWithOffsetsRecord, sendWithOffsets } from './transactional.js';
export type { KafkaMessage } from './records.js';
export type { RetryOptions } from './retry.js';
