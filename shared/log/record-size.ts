import type { EncodableRecord } from './record-batch-codec.js';

/**
 * A record's size as every limit counts it: key, value, and each header's key and value,
 * in bytes as stored (a header key is UTF-8 on the wire, so it is counted in UTF-8 bytes,
 * not UTF-16 units; a value given as text, in its UTF-8 bytes). Produce's RECORD_TOO_LARGE and fetch's maxBytes use this one measure.
 */
export function recordSize(r: Pick<EncodableRecord, 'key' | 'value' | 'headers'>): number {
  const value = r.value;
  let size = (r.key?.length ?? 0) + (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : (value?.length ?? 0));
  for (const h of r.headers) size += Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return size;
}
