import type { RecordHeader } from '../../shared/log/record-batch-decode.js';
import { type EncodableRecord, recordBodySize } from '../../shared/log/record-batch-encode.js';
import { BASE64, type Encoding, fromBase64, invalid, type Message, toText, wellFormed } from './encoding.js';

/** The latest timestamp the server accepts: 9999-12-31T23:59:59.999Z (shared/log/limits.ts MAX_TIMESTAMP). */
export const MAX_TIMESTAMP = 253_402_300_799_999;

/**
 * A message as its record in a RecordBatch: the bytes the server stores, as the server
 * would store the same message sent as JSON with the producer's encoding
 * (shared/log/json-records.ts): `json` — the value's JSON text, key and header values
 * UTF-8 strings; `string` — UTF-8; `base64` — the bytes. A null or absent value is a
 * tombstone (Kafka's null). A value that is text stays a string, which the codec writes as
 * UTF-8 straight into the batch: it is encoded once.
 */
export interface BatchRecord extends EncodableRecord {
  /** From the message, or checked against the topic's partitions by the producer. */
  partition: number | undefined;
  /** Key + value + headers bytes, as the server counts them against its 1 MiB limit. */
  recordBytes: number;
  /** Its bytes in a batch but for timestampDelta, offsetDelta and the length prefix (recordBodySize). */
  bodyBytes: number;
}

const utf8 = new TextEncoder();
const NO_HEADERS: RecordHeader[] = [];

/**
 * Checks a message (INVALID_MESSAGE naming the field) and turns it into its record.
 * `now` is the producer's clock at send: the CreateTime of a message without a timestamp,
 * as Kafka's producers stamp records.
 */
export function toBatchRecord(m: Message, encoding: Encoding, index: number, now: number): BatchRecord {
  const at = `messages[${index}]`;
  const key = m.key === undefined || m.key === null ? null : toBytes(m.key, encoding, `${at}.key`);
  let value: Uint8Array | string | null;
  if (m.value === undefined || m.value === null) value = null;
  else if (encoding === 'json') {
    if (m.value instanceof Uint8Array) throw invalid(`${at}.value is bytes: use encoding 'base64'`);
    const text = JSON.stringify(m.value);
    // JSON.stringify escapes lone surrogates, so its text is always well-formed.
    if (text === undefined) throw invalid(`${at}.value is not JSON-serializable`);
    value = text;
  } else if (encoding === 'string') value = wellFormedText(m.value, encoding, `${at}.value`);
  else value = toBytes(m.value, encoding, `${at}.value`);
  let headers = NO_HEADERS;
  if (m.headers) {
    headers = [];
    for (const [name, v] of Object.entries(m.headers)) {
      if (!wellFormed(name)) throw invalid(`${at}.headers has a header name with a lone UTF-16 surrogate, which is not valid Unicode`);
      headers.push({ key: name, value: v === null ? null : toBytes(v, encoding === 'json' ? 'string' : encoding, `${at}.headers.${name}`) });
    }
  }
  if (m.partition !== undefined && (!Number.isInteger(m.partition) || m.partition < 0)) throw invalid(`${at}.partition must be a non-negative integer`);
  const timestamp = m.timestamp === undefined ? now : Number(m.timestamp);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP) {
    throw invalid(`${at}.timestamp must be an integer in 0..${MAX_TIMESTAMP} (up to 9999-12-31T23:59:59.999Z)`);
  }
  const record = { key, value, headers, timestamp, partition: m.partition, recordBytes: 0, bodyBytes: 0 };
  // One measuring pass gives both sizes: the UTF-8 lengths it takes (the text value, then each header name) are reused.
  const textLengths: number[] = [];
  record.bodyBytes = recordBodySize(record, undefined, textLengths);
  let next = 0;
  let recordBytes = (key?.length ?? 0) + (typeof value === 'string' ? textLengths[next++]! : (value?.length ?? 0));
  for (const h of headers) recordBytes += textLengths[next++]! + (h.value?.length ?? 0);
  record.recordBytes = recordBytes;
  return record;
}

/** A key, value or header value as bytes of `encoding`. */
function toBytes(v: unknown, encoding: Encoding, path: string): Uint8Array {
  if (encoding !== 'base64') return utf8.encode(wellFormedText(v, encoding, path));
  // A copy (`new Uint8Array(view)` copies; a Node Buffer's slice() would not): the caller may reuse its array while the message lingers in a batch.
  if (v instanceof Uint8Array) return new Uint8Array(v);
  const text = toText(v, encoding, path);
  if (!BASE64.test(text)) throw invalid(`${path} is not valid base64`);
  return fromBase64(text);
}

function wellFormedText(v: unknown, encoding: Exclude<Encoding, 'base64'>, path: string): string {
  const text = toText(v, encoding, path);
  if (!wellFormed(text)) throw invalid(`${path} has a lone UTF-16 surrogate, which is not valid Unicode (it would be stored as U+FFFD)`);
  return text;
}
