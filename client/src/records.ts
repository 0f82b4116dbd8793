import type { Encoding } from './encoding.js';
import { fromBase64 } from './encoding.js';
import type { components } from './generated/openapi.js';

type WireFetched = components['schemas']['Record'];

/** A consumed record. With encoding 'base64' key, value and header values are Uint8Array. */
export interface KafkaMessage<V = unknown> {
  offset: number;
  timestamp: number;
  key: string | Uint8Array | null;
  value: V;
  headers: Record<string, string | Uint8Array | null>;
}

export function toMessage(r: WireFetched, encoding: Encoding): KafkaMessage {
  if (encoding !== 'base64') return { offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value ?? null, headers: r.headers };
  const bytes = (v: unknown) => (typeof v === 'string' ? fromBase64(v) : null);
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: bytes(r.key),
    value: bytes(r.value),
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, bytes(v)])),
  };
}
