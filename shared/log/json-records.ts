import { InvalidRequestError, UnprocessableError } from '../errors.js';
import { ByteSlab } from './byte-slab.js';
import { checkRecordCount } from './limits.js';
import type { ProduceRecord } from './produce.js';
import type { DecodedRecord, RecordHeader } from './record-batch-codec.js';
import type { RecordEncoding } from '../model/record-encoding.js';


export interface JsonProduceRecord {
  key?: string | null | undefined;
  value?: unknown;
  headers?: Record<string, string | null> | undefined;
  partition?: number | undefined;
  timestamp?: number | undefined;
}

/** JSON values nest at most this deep: deeper ones are refused before anything recurses on them. */
const MAX_VALUE_DEPTH = 64;
/**
 * False for a string holding a UTF-16 surrogate not paired with its other half: not a
 * Unicode scalar, so not UTF-8-encodable. `String.prototype.isWellFormed` (Node 20+,
 * not yet in the ES2023 lib) answers a one-byte string at once, where a /\p{Cs}/u scan
 * read every character of every value.
 */
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Why a JSON value cannot be stored as it is, or null. One iterative walk (an explicit
 * stack, no recursion and no spreading of children into arguments), so a value with
 * 200,000 elements or keys, or nested 5,000 deep, costs time proportional to its size
 * and never the call stack. Refused: nesting past MAX_VALUE_DEPTH; numbers JSON.parse
 * turned into ±Infinity (`1e400`), which JSON.stringify would silently store as null;
 * strings and object keys with a lone surrogate, which UTF-8 would silently turn into U+FFFD.
 */
function jsonValueProblem(value: unknown): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'holds a number outside the range of a double (e.g. 1e400)';
    } else if (typeof v === 'string') {
      if (!wellFormed(v)) return 'holds a string with a lone UTF-16 surrogate, which is not valid Unicode';
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= MAX_VALUE_DEPTH) return `nests deeper than ${MAX_VALUE_DEPTH} levels`;
      if (Array.isArray(v)) {
        for (const item of v) if (typeof item === 'object' || typeof item === 'number' || typeof item === 'string') stack.push([item, depth + 1]);
      } else {
        for (const key of Object.keys(v)) {
          if (!wellFormed(key)) return 'has an object key with a lone UTF-16 surrogate, which is not valid Unicode';
          stack.push([(v as Record<string, unknown>)[key], depth + 1]);
        }
      }
    }
  }
  return null;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The headers of every record sent without any: one shared, frozen empty list instead of one per record. */
const NO_HEADERS = Object.freeze([]) as unknown as RecordHeader[];

/**
 * The records of a JSON produce request, checked (400 naming every bad field) and ready
 * to encode. Keys and header values become bytes (views into a shared slab: the
 * partitioner hashes keys); a value that is text stays a string — its JSON text (json),
 * or the string itself (string) — which the record batch codec writes as UTF-8 straight
 * into the batch buffer, so a value is encoded once, with no copy of its own.
 */
export function toProduceRecords(records: readonly JsonProduceRecord[], encoding: RecordEncoding): ProduceRecord[] {
  // Before converting anything: 10,001 records is a 413, whatever else is wrong with them.
  checkRecordCount(records.length);
  const errors: { path: string; message: string }[] = [];
  // Every field's bytes are views into a few shared buffers (byte-slab.ts), not one allocation each.
  const slab = new ByteSlab();
  /** A well-formed string, or null; a string with lone surrogates or not a string at all is recorded as an error. */
  const text = (field: unknown, path: string): string | null => {
    if (field === null || field === undefined) return null;
    if (typeof field !== 'string') {
      errors.push({ path, message: `must be a string with encoding ${encoding}` });
      return null;
    }
    if (encoding !== 'base64' && !wellFormed(field)) {
      errors.push({ path, message: 'has a lone UTF-16 surrogate, which is not valid Unicode (it would be stored as U+FFFD)' });
      return null;
    }
    return field;
  };
  const bytes = (field: unknown, path: string): Uint8Array | null => {
    const checked = text(field, path);
    if (checked === null) return null;
    if (encoding !== 'base64') return slab.utf8(checked);
    if (!BASE64.test(checked)) {
      errors.push({ path, message: 'is not valid base64' });
      return null;
    }
    return slab.base64(checked);
  };
  // zod (ProduceBody) has already refused a record without a value, or with a field of the wrong type.
  const converted = records.map((r, i): ProduceRecord => {
    const at = `records.${i}`;
    const key = bytes(r.key, `${at}.key`);
    let value: Uint8Array | string | null;
    if (encoding === 'json') {
      const problem = jsonValueProblem(r.value);
      if (problem) errors.push({ path: `${at}.value`, message: problem });
      value = problem !== null || r.value === null || r.value === undefined ? null : JSON.stringify(r.value);
    } else value = encoding === 'string' ? text(r.value, `${at}.value`) : bytes(r.value, `${at}.value`);
    const headers =
      r.headers === undefined
        ? NO_HEADERS
        : Object.entries(r.headers).map(([name, v]) => {
            if (!wellFormed(name)) errors.push({ path: `${at}.headers`, message: 'has a header name with a lone UTF-16 surrogate, which is not valid Unicode' });
            return { key: name, value: bytes(v, `${at}.headers.${name}`) };
          });
    return { key, value, headers, partition: r.partition, timestamp: r.timestamp };
  });
  if (errors.length > 0) throw new InvalidRequestError(`${errors.length} invalid field(s): ${errors[0]!.path} ${errors[0]!.message}`, errors);
  return converted;
}

export interface JsonFetchedRecord {
  offset: number;
  partition: number;
  timestamp: number;
  key: string | null;
  value: unknown;
  headers: Record<string, string | null>;
}

export function toJsonRecord(r: DecodedRecord, partition: number, encoding: RecordEncoding): JsonFetchedRecord {
  const text = (b: Uint8Array | null, field: string): string | null => {
    if (b === null) return null;
    if (encoding === 'base64') return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
    try {
      return strictUtf8.decode(b);
    } catch {
      throw notDecodable(r.offset, field, 'is not UTF-8');
    }
  };
  let value: unknown = text(r.value, 'value');
  if (encoding === 'json' && value !== null) {
    try {
      value = JSON.parse(value as string);
    } catch {
      throw notDecodable(r.offset, 'value', 'is not JSON');
    }
  }
  return {
    offset: r.offset,
    partition,
    timestamp: r.timestamp,
    key: text(r.key, 'key'),
    value,
    // fromEntries defines own properties, so a header named __proto__ stays plain data.
    headers: Object.fromEntries(r.headers.map((h) => [h.key, text(h.value, `header ${h.key}`)])),
  };
}

function notDecodable(offset: number, field: string, why: string) {
  return new UnprocessableError('RECORD_NOT_DECODABLE', `the ${field} of the record at offset ${offset} ${why}; fetch it with encoding=base64`, {
    offset,
    field,
  });
}
