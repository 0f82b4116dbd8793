import { InvalidRequestError } from './errors.js';

/**
 * How keys, values and header values are written, as in the API: `json` (default) — the
 * value is any JSON, stored as its JSON text in UTF-8, key and headers UTF-8 strings;
 * `string` — all UTF-8 strings; `base64` — bytes (pass Uint8Array or base64 text; records
 * come back as Uint8Array).
 */
export type Encoding = 'json' | 'string' | 'base64';

export interface Message {
  key?: string | Uint8Array | null | undefined;
  /** null (or absent) is a tombstone. */
  value?: unknown;
  headers?: Record<string, string | Uint8Array | null> | undefined;
  /** Overrides the key's partition. */
  partition?: number | undefined;
  /** CreateTime, ms since the epoch; when absent, the producer's clock when the message was sent. */
  timestamp?: number | undefined;
}

/** A message field as text of `encoding` (base64 text for bytes), or INVALID_MESSAGE. */
export function toText(v: unknown, encoding: Encoding, path: string): string {
  if (encoding === 'base64') {
    if (v instanceof Uint8Array) return toBase64(v);
    if (typeof v === 'string') return v;
    throw invalid(`${path} must be a Uint8Array or base64 text`);
  }
  if (typeof v === 'string') return v;
  throw invalid(`${path} must be a string with encoding '${encoding}'${v instanceof Uint8Array ? " (use encoding 'base64' for bytes)" : ''}`);
}

export const invalid = (detail: string) => new InvalidRequestError({ code: 'INVALID_MESSAGE', status: 0, title: 'Invalid message', detail });

/**
 * False for a string holding a UTF-16 surrogate without its other half: not Unicode, so
 * UTF-8 would silently store U+FFFD instead. The server refuses such text in a JSON
 * produce; the producer refuses it before sending.
 */
export function wellFormed(text: string): boolean {
  const s = text as unknown as { isWellFormed?: () => boolean };
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !LONE_SURROGATE.test(text);
}
const LONE_SURROGATE = /\p{Cs}/u;

/** Padded base64 in the standard alphabet: what the API's `base64` encoding accepts. */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

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
