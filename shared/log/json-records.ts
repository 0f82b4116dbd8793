import { InvalidRequestError, UnprocessableError } from '../errors.js';
import { ByteSlab } from './byte-slab.js';
import { checkRecordCount, type ProduceRecord } from './produce.js';
import type { DecodedRecord } from './record-batch-codec.js';
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
/** A UTF-16 surrogate not paired with its other half: not a Unicode scalar, so not UTF-8-encodable. */
const LONE_SURROGATE = /\p{Cs}/u;

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
      if (LONE_SURROGATE.test(v)) return 'holds a string with a lone UTF-16 surrogate, which is not valid Unicode';
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= MAX_VALUE_DEPTH) return `nests deeper than ${MAX_VALUE_DEPTH} levels`;
      if (Array.isArray(v)) {
        for (const item of v) if (typeof item === 'object' || typeof item === 'number' || typeof item === 'string') stack.push([item, depth + 1]);
      } else {
        for (const key of Object.keys(v)) {
          if (LONE_SURROGATE.test(key)) return 'has an object key with a lone UTF-16 surrogate, which is not valid Unicode';
          stack.push([(v as Record<string, unknown>)[key], depth + 1]);
        }
      }
    }
  }
  return null;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function toProduceRecords(records: readonly JsonProduceRecord[], encoding: RecordEncoding): ProduceRecord[] {
  // Before converting anything: 10,001 records is a 413, whatever else is wrong with them.
  checkRecordCount(records.length);
  const errors: { path: string; message: string }[] = [];
  // Every field's bytes are views into a few shared buffers (byte-slab.ts), not one allocation each.
  const slab = new ByteSlab();
  const bytes = (text: unknown, path: string): Uint8Array | null => {
    if (text === null || text === undefined) return null;
    if (typeof text !== 'string') {
      errors.push({ path, message: `must be a string with encoding ${encoding}` });
      return null;
    }
    if (encoding !== 'base64') {
      if (LONE_SURROGATE.test(text)) {
        errors.push({ path, message: 'has a lone UTF-16 surrogate, which is not valid Unicode (it would be stored as U+FFFD)' });
        return null;
      }
      return slab.utf8(text);
    }
    if (!BASE64.test(text)) {
      errors.push({ path, message: 'is not valid base64' });
      return null;
    }
    return slab.base64(text);
  };
  const converted = records.map((r, i) => {
    const at = `records.${i}`;
    const key = bytes(r.key, `${at}.key`);
    if (!('value' in r)) errors.push({ path: `${at}.value`, message: 'is required (null for a tombstone)' });
    const problem = encoding === 'json' ? jsonValueProblem(r.value) : null;
    if (problem) errors.push({ path: `${at}.value`, message: problem });
    const value =
      problem !== null
        ? null
        : encoding === 'json'
          ? r.value === null || r.value === undefined
            ? null
            : slab.utf8(JSON.stringify(r.value))
          : bytes(r.value, `${at}.value`);
    const headers = Object.entries(r.headers ?? {}).map(([key, v]) => {
      if (LONE_SURROGATE.test(key)) errors.push({ path: `${at}.headers`, message: 'has a header name with a lone UTF-16 surrogate, which is not valid Unicode' });
      return { key, value: bytes(v, `${at}.headers.${key}`) };
    });
    return {
      key,
      value,
      headers,
      partition: r.partition,
      timestamp: r.timestamp,
    };
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
