/**
 * Partition choice for keyed records, identical to Kafka's DefaultPartitioner /
 * BuiltInPartitioner, so clients that mix Freshet and Kafka see one key on one partition.
 */
import { murmur2, toPositive } from './murmur2.js';

/** toPositive(murmur2(key)) % partitions. */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  return toPositive(murmur2(key)) % partitions;
}
