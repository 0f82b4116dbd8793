import { InvalidRequestError } from './errors.js';

/**
 * How keys, values and header values travel in JSON, as in the API: `json` (default) —
 * the value is any JSON, key and headers UTF-8 strings; `string` — all UTF-8 strings;
 * `base64` — bytes (pass Uint8Array or base64 text; records come back as Uint8Array).
 */
export type Encoding = 'json' | 'string' | 'base64';

export interface Message {
  key?: string | Uint8Array | null | undefined;
  /** null (or absent) is a tombstone. */
  value?: unknown;
  headers?: Record<string, string | Uint8Array | null> | undefined;
  /** Overrides the key's partition. */
  partition?: number | undefined;
  /** CreateTime, ms since the epoch; the append time when absent. */
  timestamp?: number | undefined;
}

/** A message as it goes on the wire, with what batching needs to know about it. */
export interface WireRecord {
  /** The key's bytes exactly as the server will hash them (null when unkeyed). */
  keyBytes: Uint8Array | null;
  /** The record's JSON fields (without `partition`), as text: `"key":…,"value":…`. */
  fields: string;
  /** UTF-8 bytes of the record's JSON in the request body. */
  wireBytes: number;
  /** Key + value + headers bytes, as the server counts them against its 1 MiB limit. */
  recordBytes: number;
  partition: number | undefined;
}

const utf8 = new TextEncoder();
const NON_ASCII = /[^ -~\t\n\r]/; // anything but printable ASCII and common whitespace (then counted by hand)

export function toWireRecord(m: Message, encoding: Encoding, index = 0): WireRecord {
  const at = `messages[${index}]`;
  const key = m.key === undefined || m.key === null ? null : toText(m.key, encoding, `${at}.key`);
  const keyBytes = key === null ? null : encoding === 'base64' ? fromBase64(key) : utf8.encode(key);
  // The value is serialized once: its text is both measured and spliced into the body.
  let valueText: string;
  let valueBytes: number;
  if (m.value === undefined || m.value === null) {
    valueText = 'null';
    valueBytes = 0;
  } else if (encoding === 'json') {
    if (m.value instanceof Uint8Array) throw invalid(`${at}.value is bytes: use encoding 'base64'`);
    const text = JSON.stringify(m.value);
    if (text === undefined) throw invalid(`${at}.value is not JSON-serializable`);
    valueText = text;
    valueBytes = utf8Length(text);
  } else {
    const text = toText(m.value, encoding, `${at}.value`);
    valueText = JSON.stringify(text);
    valueBytes = encoding === 'base64' ? base64Length(text) : utf8Length(text);
  }
  let headerBytes = 0;
  let headers: Record<string, string | null> | undefined;
  if (m.headers) {
    headers = {};
    for (const [name, v] of Object.entries(m.headers)) {
      const text = v === null ? null : toText(v, encoding === 'json' ? 'string' : encoding, `${at}.headers.${name}`);
      headers[name] = text;
      headerBytes += utf8Length(name) + (text === null ? 0 : encoding === 'base64' ? base64Length(text) : utf8Length(text));
    }
  }
  if (m.partition !== undefined && (!Number.isInteger(m.partition) || m.partition < 0)) throw invalid(`${at}.partition must be a non-negative integer`);
  let fields = `"key":${key === null ? 'null' : JSON.stringify(key)},"value":${valueText}`;
  if (headers) fields += `,"headers":${JSON.stringify(headers)}`;
  if (m.timestamp !== undefined) fields += `,"timestamp":${Number(m.timestamp)}`;
  return {
    keyBytes,
    fields,
    wireBytes: utf8Length(fields) + 20, // plus braces, comma and "partition":NNNN
    recordBytes: (keyBytes?.length ?? 0) + valueBytes + headerBytes,
    partition: m.partition,
  };
}

function toText(v: unknown, encoding: Encoding, path: string): string {
  if (encoding === 'base64') {
    if (v instanceof Uint8Array) return toBase64(v);
    if (typeof v === 'string') return v;
    throw invalid(`${path} must be a Uint8Array or base64 text`);
  }
  if (typeof v === 'string') return v;
  throw invalid(`${path} must be a string with encoding '${encoding}'${v instanceof Uint8Array ? " (use encoding 'base64' for bytes)" : ''}`);
}

const invalid = (detail: string) => new InvalidRequestError({ code: 'INVALID_MESSAGE', status: 0, title: 'Invalid message', detail });

/** UTF-8 length without allocating (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(s: string): number {
  // Most text is ASCII: one native scan answers, and only other text is counted by hand.
  if (!NON_ASCII.test(s)) return s.length;
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

const base64Length = (b64: string) => Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
