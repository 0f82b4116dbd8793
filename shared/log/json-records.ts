import { InvalidRequestError, UnprocessableError } from '../errors.js';
import type { ProduceRecord } from '../log/produce.js';
import type { DecodedRecord } from '../log/record-batch-codec.js';
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

function depthOf(value: unknown): number {
  let depth = 0;
  let level: unknown[] = [value];
  while (level.length > 0) {
    const next: unknown[] = [];
    for (const v of level) if (typeof v === 'object' && v !== null) next.push(...Object.values(v));
    if (next.length === 0 && !level.some((v) => typeof v === 'object' && v !== null)) break;
    depth++;
    if (depth > MAX_VALUE_DEPTH) return depth;
    level = next;
  }
  return depth;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function toProduceRecords(records: readonly JsonProduceRecord[], encoding: RecordEncoding): ProduceRecord[] {
  const errors: { path: string; message: string }[] = [];
  const bytes = (text: unknown, path: string): Uint8Array | null => {
    if (text === null || text === undefined) return null;
    if (typeof text !== 'string') {
      errors.push({ path, message: `must be a string with encoding ${encoding}` });
      return null;
    }
    if (encoding !== 'base64') return utf8.encode(text);
    if (!BASE64.test(text)) {
      errors.push({ path, message: 'is not valid base64' });
      return null;
    }
    return Buffer.from(text, 'base64');
  };
  const converted = records.map((r, i) => {
    const at = `records.${i}`;
    if (depthOf(r.value) > MAX_VALUE_DEPTH) errors.push({ path: `${at}.value`, message: `nests deeper than ${MAX_VALUE_DEPTH} levels` });
    if (!('value' in r)) errors.push({ path: `${at}.value`, message: 'is required (null for a tombstone)' });
    const value =
      encoding === 'json' ? (r.value === null || r.value === undefined ? null : utf8.encode(JSON.stringify(r.value))) : bytes(r.value, `${at}.value`);
    return {
      key: bytes(r.key, `${at}.key`),
      value,
      headers: Object.entries(r.headers ?? {}).map(([key, v]) => ({ key, value: bytes(v, `${at}.headers.${key}`) })),
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
