import { pad20 } from './keys.js';

/**
 * The bucket's object layout, the S3 counterpart of `keys.ts`: every object key and prefix
 * is built here, and the CDK storage construct grants access by the same prefixes.
 *
 * - `batches/{topic}/{yyyy-mm-dd-hh}/{ulid}`: one object per produce request; the hour
 *   prefix lets GC and lifecycle rules list by age. Its RecordBatches store base offset 0
 *   (the index knows the real one).
 * - `segments/{topic}-{topicId}/{partition}/{baseOffset:020}.{ulid}`: compacted runs of one
 *   partition, keyed by the incarnation so a re-created topic never shares them.
 */
export const BATCHES_PREFIX = 'batches/';
export const SEGMENTS_PREFIX = 'segments/';

export const batchKey = (topic: string, hour: string, id: string): string => `${BATCHES_PREFIX}${topic}/${hour}/${id}`;
export const topicBatchesPrefix = (topic: string): string => `${BATCHES_PREFIX}${topic}/`;

export const topicSegmentsPrefix = (topic: string, topicId: string): string => `${SEGMENTS_PREFIX}${topic}-${topicId}/`;
export const segmentKey = (topic: string, topicId: string, partition: number, baseOffset: number, id: string): string =>
  `${topicSegmentsPrefix(topic, topicId)}${partition}/${pad20(baseOffset)}.${id}`;

/** Index entries whose records sit in a segment object rather than a produce's batch object. */
export const isSegmentKey = (objectKey: string): boolean => objectKey.startsWith(SEGMENTS_PREFIX);

/** The top-level prefixes, without their slash: what IAM grants and lifecycle rules name. */
export const OBJECT_PREFIXES = { batches: BATCHES_PREFIX.slice(0, -1), segments: SEGMENTS_PREFIX.slice(0, -1) } as const;
