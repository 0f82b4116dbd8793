/**
 * Kafka's `Utils.murmur2(byte[])`, bit for bit, so a keyed record lands on the same
 * partition here as it would from a Java, librdkafka (murmur2_random) or kafkajs producer.
 * Java ints wrap at 32 bits; Math.imul and `| 0` reproduce that in JS.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Signed 32-bit murmur2 hash of `data`, equal to Kafka's `Utils.murmur2`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const tail = length & ~3;
  for (let i = 0; i < tail; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // Java's switch falls through 3 → 2 → 1; the nested conditions do the same.
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[tail + 2]! << 16;
    if (rest >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit rather than Math.abs, which overflows on MIN_VALUE. */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
