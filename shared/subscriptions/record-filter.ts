import type { DecodedRecord } from '../log/record-batch-codec.js';
import type { RecordFilter } from '../model/subscription.js';

const utf8 = new TextEncoder();

/** True when the record passes the filter (a null filter passes everything). Compares bytes, so any encoding works. */
export function passesFilter(record: DecodedRecord, filter: RecordFilter | null): boolean {
  if (!filter) return true;
  if (filter.keyPrefix !== undefined) {
    const prefix = utf8.encode(filter.keyPrefix);
    if (!record.key || record.key.length < prefix.length || !prefix.every((b, i) => record.key![i] === b)) return false;
  }
  for (const [name, wanted] of Object.entries(filter.headers ?? {})) {
    const header = record.headers.find((h) => h.key === name);
    if (!header?.value || Buffer.compare(Buffer.from(header.value), Buffer.from(utf8.encode(wanted))) !== 0) return false;
  }
  return true;
}
