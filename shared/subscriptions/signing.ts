import { createHmac } from 'node:crypto';
import type { Subscription } from '../model/subscription.js';
import { secretKey } from './secret.js';

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** `v1,` + base64 HMAC-SHA256 over `{id}.{timestamp}.{body}` (Standard Webhooks). */
export function signature(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The secrets signing at `now`: the current one, plus the previous one during a rotation's overlap. */
export function signingSecrets(sub: Pick<Subscription, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now: number): string[] {
  const live = sub.previousSecret !== null && (sub.previousSecretExpiresAt ?? 0) > now;
  return live ? [sub.secret, sub.previousSecret!] : [sub.secret];
}

/**
 * The three headers of one attempt. Several signatures are space-separated, as the spec
 * allows: a receiver holding either secret finds one that verifies.
 */
export function signHeaders(secrets: readonly string[], webhookId: string, now: number, body: string): SignatureHeaders {
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signature(s, webhookId, timestamp, body)).join(' '),
  };
}
