/**
 * The examples openapi.yaml shows for every request and response (Swagger UI at /docs shows
 * them, "try it" starts from them). One consistent story: topic `orders`, group `billing`,
 * subscription `orders-to-billing`. test/http/openapi-examples.test.ts checks that every
 * operation has them and that each one is valid against its own schema.
 */
import { encodeRecordBatch } from '../log/record-batch-codec.js';
import { frameRecordBatches } from '../log/record-batches-body.js';

const T0 = 1_764_583_200_000; // 2025-12-01T10:00:00Z

const retention = { ms: 604_800_000, bytes: -1, hotMs: 86_400_000 };
const compaction = { minLagMs: 0, maxLagMs: null, deleteRetentionMs: 86_400_000, minCleanableDirtyRatio: 0.5 };
export const topic = { name: 'orders', topicId: '01KB0Q7V1D8X5G2M3N4P5Q6R7S', partitions: 3, compression: 'none', retention, cleanupPolicy: 'delete', compaction, createdAt: T0 };
export const topicList = { topics: [topic] };
export const createTopic = { name: 'orders', partitions: 3, retention: { ms: 604_800_000 }, compression: 'none' };
export const updateTopic = { partitions: 6, retention: { ms: 1_209_600_000 } };
export const partitions = {
  partitions: [
    { partition: 0, logStartOffset: 0, highWatermark: 1_204, bytes: 318_402, lastAppendTime: T0 + 3_600_000, dirtyRatio: null },
    { partition: 1, logStartOffset: 0, highWatermark: 1_187, bytes: 311_936, lastAppendTime: T0 + 3_590_000, dirtyRatio: null },
    { partition: 2, logStartOffset: 0, highWatermark: 0, bytes: 0, lastAppendTime: null, dirtyRatio: null },
  ],
};
export const offsetForTime = { offset: 1_180, timestamp: T0 + 3_540_000 };

export const produce = {
  records: [
    { key: 'customer-17', value: { orderId: 'o-1001', total: 42.5 }, headers: { source: 'checkout' } },
    { key: 'customer-23', value: { orderId: 'o-1002', total: 9.9 } },
  ],
  encoding: 'json',
};
/**
 * The same first record as `produce`, as the client sends it (application/vnd.freshet.record-batches):
 * partition 1's int32, then its RecordBatch v2 — the real bytes, shown as hex.
 */
export const produceRecordBatches = Buffer.from(
  frameRecordBatches([
    {
      partition: 1,
      batch: encodeRecordBatch(
        [{ key: Buffer.from('customer-17'), value: JSON.stringify(produce.records[0]!.value), headers: [{ key: 'source', value: Buffer.from('checkout') }], timestamp: T0 + 3_600_000 }],
        { compression: 'none' },
      ),
    },
  ]),
).toString('hex');
export const produced = { topic: 'orders', offsets: [ { partition: 1, offset: 1_187 }, { partition: 0, offset: 1_204 } ] };
const record = { offset: 1_204, partition: 0, timestamp: T0 + 3_600_000, key: 'customer-17', value: { orderId: 'o-1001', total: 42.5 }, headers: { source: 'checkout' } };
export const fetched = { records: [record], nextOffset: 1_205, highWatermark: 1_205, logStartOffset: 0 };
const object = 'batches/orders/2025-12-01-11/01KB0T2Z9M4C7Q8R1S2T3V4W5X';
export const directFetched = {
  ranges: [
    {
      url: `https://freshet-bucket.s3.eu-west-1.amazonaws.com/${object}?x-id=GetObject&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-SignedHeaders=host%3Brange&X-Amz-Signature=EXAMPLE`,
      headers: { range: 'bytes=1048-2319' },
      object,
      byteOffset: 1_048,
      byteLength: 1_272,
      baseOffset: 1_200,
      lastOffset: 1_204,
      compression: 'none',
      expiresAt: T0 + 3_900_000,
    },
  ],
  nextOffset: 1_205,
  highWatermark: 1_205,
  logStartOffset: 0,
};

const memberId = 'billing-7f3a9c2e-1b4d-4e6f-8a0b-2c4d6e8f0a1b';
export const joinGroup = { topics: ['orders'], sessionTimeoutMs: 30_000, autoOffsetReset: 'earliest' };
export const groupMember = { memberId, generation: 4, assignments: [ { topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 } ], sessionTimeoutMs: 30_000 };
export const groupFetch = { generation: 4, records: [{ ...record, topic: 'orders' }], positions: [ { topic: 'orders', partition: 0, offset: 1_205 }, { topic: 'orders', partition: 1, offset: 1_187 } ] };
export const commitOffsets = { memberId, generation: 4, offsets: [{ topic: 'orders', partition: 0, offset: 1_205 }] };
export const committed = { generation: 4 };
export const groupList = { groups: [{ group: 'billing', generation: 4, members: 2 }] };
export const groupDescription = {
  group: 'billing',
  generation: 4,
  members: [{ memberId, topics: ['orders'], leaseExpiresAt: T0 + 3_630_000, assignments: [ { topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 } ] }],
  offsets: [
    { topic: 'orders', partition: 0, committedOffset: 1_190, highWatermark: 1_205, lag: 15, owner: memberId },
    { topic: 'orders', partition: 1, committedOffset: 1_187, highWatermark: 1_187, lag: 0, owner: memberId },
    { topic: 'orders', partition: 2, committedOffset: null, highWatermark: 0, lag: null, owner: null },
  ],
};
export const seekGroup = { topic: 'orders', partitions: [0], to: { timestamp: T0 } };
export const groupSeeked = { generation: 5, offsets: [{ topic: 'orders', partition: 0, offset: 0 }] };

export const createSubscription = {
  name: 'orders-to-billing',
  topic: 'orders',
  url: 'https://hooks.example.com/freshet',
  startAt: 'latest',
  batchSize: 100,
  maxAttempts: 10,
  backoff: { initialMs: 1_000, maxMs: 600_000 },
  timeoutMs: 10_000,
  format: 'json',
  encoding: 'json',
  filter: { keyPrefix: 'customer-' },
};
export const subscription = {
  id: 'sub_01KB0QAZ3E5F7G9H1J3K5M7N9P',
  ...createSubscription,
  deadLetterTopic: 'orders.dlq',
  state: 'active',
  pausedReason: null,
  previousSecretExpiresAt: null,
  createdAt: T0,
  updatedAt: T0,
};
export const subscriptionWithSecret = { ...subscription, secret: 'whsec_EXAMPLE' };
export const subscriptionList = { subscriptions: [subscription] };
export const subscriptionDetail = {
  ...subscription,
  partitions: [
    { partition: 0, cursor: 1_200, highWatermark: 1_205, lag: 5, attempts: 2, nextAttemptAt: T0 + 3_602_000, lastStatus: 503, lastError: 'the receiver answered 503', lastAttemptAt: T0 + 3_600_000, deliveredCount: 1_200, deadLetteredCount: 0 },
    { partition: 1, cursor: 1_187, highWatermark: 1_187, lag: 0, attempts: 0, nextAttemptAt: null, lastStatus: 200, lastError: null, lastAttemptAt: T0 + 3_590_000, deliveredCount: 1_185, deadLetteredCount: 2 },
  ],
};
export const updateSubscription = { state: 'paused', maxAttempts: 5 };
export const seekSubscription = { to: { timestamp: T0 } };
export const subscriptionSeeked = { offsets: [ { partition: 0, offset: 1_180 }, { partition: 1, offset: 1_170 } ] };

export const createReplay = { topic: 'orders', from: { timestamp: T0 }, to: { timestamp: T0 + 3_600_000 }, target: { topic: 'orders-replayed' } };
export const replay = {
  id: '01kb0qc4r6t8v0w2x4y6z8a0b2',
  topic: 'orders',
  from: T0,
  to: T0 + 3_600_000,
  target: { topic: 'orders-replayed' },
  status: 'running',
  createdAt: T0 + 3_700_000,
  updatedAt: T0 + 3_760_000,
  partitions: [
    { partition: 0, startOffset: 0, endOffset: 1_205, nextOffset: 800, copied: 800, skipped: 0 },
    { partition: 1, startOffset: 0, endOffset: 1_187, nextOffset: 1_187, copied: 1_187, skipped: 0 },
  ],
  copied: 1_987,
  error: null,
};
export const replayList = { replays: [replay], nextBefore: null };

const keyView = { id: 'key_3f1c0a9e5b7d2c4e6f8a0b1c', name: 'billing service', scopes: [{ topics: 'orders*', actions: ['consume'] }], prefix: 'fk_Q2x9vL', createdAt: T0, lastUsedAt: T0 + 3_600_000 };
export const createKey = { name: 'billing service', scopes: [{ topics: 'orders*', actions: ['consume'] }] };
export const createdKey = { ...keyView, lastUsedAt: null, key: 'fk_EXAMPLE-shown-only-in-this-answer' };
export const keyList = { keys: [keyView] };
export const keySelf = { id: 'key_3f1c0a9e5b7d2c4e6f8a0b1c', admin: false, scopes: [{ topics: 'orders*', actions: ['consume'] }] };

export const maintenanceReport = {
  startedAt: T0,
  durationMs: 1_840,
  complete: true,
  partitions: [{ topic: 'orders', partition: 0, retention: { removedEntries: 12, logStartOffset: 96 }, compaction: { entriesBefore: 40, entriesAfter: 2, segments: 2 }, tieredSegments: 1 }],
  objectsDeleted: 12,
  topicsPurged: [],
  groupsChecked: 1,
  signals: { groupsChecked: 1, groups: [{ group: 'billing', topic: 'orders', lag: 15 }], subscriptions: [{ id: 'sub_01KB0QAZ3E5F7G9H1J3K5M7N9P', topic: 'orders', state: 'active', backlog: 5 }] },
  replays: [{ id: '01kb0qc4r6t8v0w2x4y6z8a0b2', status: 'running', copied: 1_987, error: null }],
};

export const problem = {
  type: 'https://freshet.dev/problems/invalid-request',
  title: 'Invalid request',
  status: 400,
  code: 'INVALID_REQUEST',
  detail: 'invalid json: partitions Too small: expected number to be >=1',
  errors: [{ path: 'partitions', message: 'Too small: expected number to be >=1' }],
};
export const unauthorized = { type: 'https://freshet.dev/problems/unauthorized', title: 'Unauthorized', status: 401, code: 'UNAUTHORIZED', detail: 'the API key is not valid (unknown or revoked)' };
export const forbidden = { type: 'https://freshet.dev/problems/forbidden', title: 'Forbidden', status: 403, code: 'FORBIDDEN', detail: "this key may not consume topic 'payments'" };
export const throttled = { message: 'Too Many Requests' };

/** The problem `code` an error answer of `status` on `path` most often carries, for its example. */
function problemCode(status: number, path: string): string {
  const resource = /^\/v1\/(keys|replays|subscriptions|groups)/.exec(path)?.[1];
  const byResource: Record<string, string> = { keys: 'KEY', replays: 'REPLAY', subscriptions: 'SUBSCRIPTION', groups: 'GROUP' };
  switch (status) {
    case 400:
      return 'INVALID_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return path.includes('{partition}') ? 'PARTITION_NOT_FOUND' : `${resource ? byResource[resource] : 'TOPIC'}_NOT_FOUND`;
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return resource === 'groups' ? 'ILLEGAL_GENERATION' : resource === 'replays' ? 'REPLAY_FINISHED' : 'TOPIC_EXISTS';
    case 413:
      return 'REQUEST_TOO_LARGE';
    case 416:
      return 'OFFSET_OUT_OF_RANGE';
    case 422:
      return resource === 'subscriptions' ? 'WEBHOOK_URL_FORBIDDEN' : resource === 'replays' ? 'EMPTY_WINDOW' : 'RECORD_NOT_DECODABLE';
    case 500:
      return 'CORRUPT_RECORD_BATCH';
    default:
      return 'STORAGE_UNAVAILABLE';
  }
}

/**
 * An example problem+json answer for an error response that names none of its own: the
 * status, the code it most often carries there, and the response's description as detail.
 */
export function problemExample(status: number, path: string, description: string) {
  const code = problemCode(status, path);
  return {
    type: `https://freshet.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: code.charAt(0) + code.slice(1).toLowerCase().replaceAll('_', ' '),
    status,
    code,
    detail: description,
  };
}

// Topic schemas (docs/schemas.md) and the exactly-once produce (docs/exactly-once.md).
const orderSchema = {
  type: 'object',
  required: ['orderId', 'total'],
  properties: { orderId: { type: 'string' }, total: { type: 'number', minimum: 0 } },
};
export const putTopicSchema = { schema: orderSchema, compatibility: 'backward' };
export const topicSchema = { topic: 'orders', version: 2, compatibility: 'backward', schema: orderSchema, createdAt: T0 };
export const topicSchemaVersions = { versions: [{ ...topicSchema, version: 1, schema: { type: 'object' } }, topicSchema] };
