import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchOnce } from '../../shared/subscriptions/dispatcher.js';
import { ManualClock } from '../support/manual-clock.js';
import { createHarness, type Harness, partitionsOf, subscribe } from './harness.js';
import { parseDelivery, Receiver, verifies } from './receiver.js';

const clock = new ManualClock(Date.now());
let h: Harness;
let rx: Receiver;

beforeAll(async () => {
  [h, rx] = await Promise.all([createHarness({ clock }), new Receiver().start()]);
});
afterAll(() => rx.stop());

describe('seek', () => {
  it('by timestamp re-delivers from the first offset appended at or after it', async () => {
    await h.topic('k-seek', 1);
    const sub = await subscribe(h, { topic: 'k-seek', url: rx.url });
    await h.produce('k-seek', [{ value: 0 }, { value: 1 }]);
    clock.advance(10_000);
    const t = clock.now();
    await h.produce('k-seek', [{ value: 2 }, { value: 3 }]);
    clock.advance(10_000);
    await h.produce('k-seek', [{ value: 4 }]);
    await dispatchOnce(h.ctx);
    const offsets = () => rx.requests.filter((r) => parseDelivery(r).subscription === sub.id).flatMap((r) => parseDelivery(r).records.map((x) => x.offset));
    expect(offsets()).toEqual([0, 1, 2, 3, 4]);

    const seek = await h.call<{ offsets: { partition: number; offset: number }[] }>('POST', `/v1/subscriptions/${sub.id}/seek`, { to: { timestamp: t - 1 } });
    expect(seek.status).toBe(200);
    expect(seek.body.offsets).toEqual([{ partition: 0, offset: 2 }]);
    expect((await partitionsOf(h, sub.id))[0]).toMatchObject({ cursor: 2, lag: 3 });
    await dispatchOnce(h.ctx);
    expect(offsets()).toEqual([0, 1, 2, 3, 4, 2, 3, 4]);

    // And to explicit offsets, and back to the earliest.
    await h.call('POST', `/v1/subscriptions/${sub.id}/seek`, { to: { offsets: [{ partition: 0, offset: 4 }] } });
    await dispatchOnce(h.ctx);
    expect(offsets().slice(8)).toEqual([4]);
    expect((await h.call('POST', `/v1/subscriptions/${sub.id}/seek`, { to: { offsets: [{ partition: 0, offset: 99 }] } })).status).toBe(416);
    await h.call('POST', `/v1/subscriptions/${sub.id}/seek`, { to: 'earliest' });
    await dispatchOnce(h.ctx);
    expect(offsets().slice(9)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('secret rotation', () => {
  it('signs with both secrets for 24 h, so receivers holding only the old or only the new secret both verify', async () => {
    await h.topic('k-rotate', 1);
    const sub = await subscribe(h, { topic: 'k-rotate', url: rx.url });
    const oldSecret = sub.secret;
    const rotated = await h.call<{ secret: string; previousSecretExpiresAt: number }>('POST', `/v1/subscriptions/${sub.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret;
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body.previousSecretExpiresAt).toBe(clock.now() + 24 * 3600_000);

    await h.produce('k-rotate', [{ value: 'during overlap' }]);
    await dispatchOnce(h.ctx);
    const during = rx.requests.at(-1)!;
    expect(during.signature.split(' ')).toHaveLength(2);
    expect(verifies(oldSecret, during.body, during.headers)).toBe(true);
    expect(verifies(newSecret, during.body, during.headers)).toBe(true);

    // After the overlap only the new secret signs. (Verify against the signing time: the clock moved a day.)
    clock.advance(24 * 3600_000 + 1);
    await h.produce('k-rotate', [{ value: 'after overlap' }]);
    await dispatchOnce(h.ctx);
    const after = rx.requests.at(-1)!;
    expect(after.signature.split(' ')).toHaveLength(1);
    // The library's verify checks the timestamp against the real clock (a day behind the manual one), so compare with its sign().
    const { Webhook } = await import('standardwebhooks');
    const signedBy = (secret: string) => new Webhook(secret).sign(after.webhookId, new Date(after.timestamp * 1000), after.body);
    expect(after.signature).toBe(signedBy(newSecret));
    expect(after.signature).not.toBe(signedBy(oldSecret));
    expect(after.signature).not.toContain(' ');
  });

  it('never shows a secret except at creation and rotation', async () => {
    const sub = await subscribe(h, { topic: 'k-rotate', url: rx.url });
    const got = await h.call<Record<string, unknown>>('GET', `/v1/subscriptions/${sub.id}`);
    const listed = await h.call<{ subscriptions: Record<string, unknown>[] }>('GET', '/v1/subscriptions');
    const patched = await h.call<Record<string, unknown>>('PATCH', `/v1/subscriptions/${sub.id}`, { batchSize: 5 });
    for (const body of [got.body, patched.body, ...listed.body.subscriptions]) {
      expect(JSON.stringify(body)).not.toContain('whsec_');
    }
    expect(got.body.id).toBe(sub.id);
  });
});
