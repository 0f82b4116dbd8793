import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenWebhookUrlError } from '../../shared/errors.js';
import { deliverOnce } from '../../shared/subscriptions/delivery.js';
import { dispatchOnce } from '../../shared/subscriptions/dispatcher.js';
import { vetWebhookUrl } from '../../shared/subscriptions/ssrf-guard.js';
import { createHarness, type Harness, partitionsOf, subscribe } from './harness.js';
import { Receiver } from './receiver.js';

/** Outside local mode; made-up names resolve through this table. */
const names: Record<string, string[]> = {
  'rebind.example': ['127.0.0.1'],
  'mixed.example': ['93.184.216.34', '10.1.2.3'],
  'metadata.example': ['169.254.169.254'],
  'public.example': ['93.184.216.34'],
};
const strict = { allowLoopback: false, resolve: async (host: string) => (names[host] ?? []).map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) })) };

const FORBIDDEN_URLS = [
  'https://127.0.0.1/',
  'https://127.8.9.10/',
  'https://0.0.0.0/',
  'https://0.1.2.3/',
  'https://10.0.0.1/',
  'https://172.16.0.1/',
  'https://172.31.255.254/',
  'https://192.168.1.1/',
  'https://100.64.0.1/',
  'https://100.127.255.255/',
  'https://169.254.169.254/latest/meta-data/',
  'https://[::1]/',
  'https://[fc00::1]/',
  'https://[fd12:3456::1]/',
  'https://[fe80::1]/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:169.254.169.254]/',
  'https://[::ffff:a00:1]/',
  'https://[64:ff9b::a9fe:a9fe]/',
  'https://2130706433/', // 127.0.0.1 written as one number
  'https://0x7f000001/',
  'https://rebind.example/',
  'https://mixed.example/',
  'https://metadata.example/',
  'https://unresolvable.example/',
  'http://public.example/', // plain http outside local mode
  'http://localhost:8080/',
  'https://user:pass@public.example/',
  'ftp://public.example/',
];

describe('the SSRF guard', () => {
  it.each(FORBIDDEN_URLS)('refuses %s', async (url) => {
    await expect(vetWebhookUrl(url, strict)).rejects.toBeInstanceOf(ForbiddenWebhookUrlError);
  });

  it('allows a public https address, and connects to the address it checked', async () => {
    const vetted = await vetWebhookUrl('https://public.example/hook', strict);
    expect(vetted.address).toEqual({ address: '93.184.216.34', family: 4 });
    await expect(vetWebhookUrl('https://[2606:4700::1111]/', strict)).resolves.toBeDefined();
  });

  it('allows http to loopback only in local mode, and still refuses private networks there', async () => {
    const local = { ...strict, allowLoopback: true };
    await expect(vetWebhookUrl('http://127.0.0.1:9000/x', local)).resolves.toBeDefined();
    await expect(vetWebhookUrl('http://10.0.0.1/', local)).rejects.toBeInstanceOf(ForbiddenWebhookUrlError);
    await expect(vetWebhookUrl('http://public.example/', local)).rejects.toBeInstanceOf(ForbiddenWebhookUrlError);
    await expect(vetWebhookUrl('https://169.254.169.254/', local)).rejects.toBeInstanceOf(ForbiddenWebhookUrlError);
  });

  it('fails an attempt whose name resolves to loopback (DNS rebinding) before sending anything', async () => {
    const rx = await new Receiver().start();
    try {
      const port = new URL(rx.url).port;
      const result = await deliverOnce({ url: `http://rebind.example:${port}/hook`, headers: {}, body: '{}', timeoutMs: 1000, policy: strict, now: Date.now() });
      expect(result.status).toBeNull();
      expect(result.error).toContain('127.0.0.1');
      expect(rx.requests).toHaveLength(0);
    } finally {
      await rx.stop();
    }
  });
});

describe('subscriptions and the SSRF guard', () => {
  let h: Harness;
  let rx: Receiver;
  beforeAll(async () => {
    [h, rx] = await Promise.all([createHarness({ allowLoopback: false }), new Receiver().start()]);
    h.policy.names.set('rebind.example', [{ address: '127.0.0.1', family: 4 }]);
    h.policy.names.set('public.example', [{ address: '93.184.216.34', family: 4 }]);
    await h.topic('s-topic', 1);
  });
  afterAll(() => rx.stop());

  it.each(['https://169.254.169.254/', 'https://rebind.example/', 'https://[::ffff:10.0.0.1]/', 'http://public.example/'])('answers 422 when creating one for %s', async (url) => {
    const res = await h.call<{ code: string }>('POST', '/v1/subscriptions', { name: 'x', topic: 's-topic', url });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('WEBHOOK_URL_FORBIDDEN');
    expect((await h.call<{ subscriptions: unknown[] }>('GET', '/v1/subscriptions')).body.subscriptions).toHaveLength(0);
  });

  it('fails the attempt with a clear last error when a name later resolves to a forbidden address', async () => {
    const sub = await subscribe(h, { topic: 's-topic', url: 'https://public.example/hook' });
    h.policy.names.set('public.example', [{ address: '10.0.0.7', family: 4 }]);
    await h.produce('s-topic', [{ value: 1 }]);
    await dispatchOnce(h.ctx);
    const [p] = await partitionsOf(h, sub.id);
    expect(p).toMatchObject({ cursor: 0, attempts: 1, lastStatus: null });
    expect(p!.lastError).toContain('10.0.0.7');
    expect(p!.lastError).toContain('private');
    expect((await h.call('PATCH', `/v1/subscriptions/${sub.id}`, { url: 'https://[fe80::1]/' })).status).toBe(422);
    expect((await h.call('DELETE', `/v1/subscriptions/${sub.id}`)).status).toBe(204);
  });
});

describe('redirects', () => {
  it('never follows a redirect to 169.254.169.254: the 302 is a retryable failure with a clear last error', async () => {
    const h = await createHarness({ allowLoopback: true });
    const rx = await new Receiver().start();
    try {
      rx.reply = () => ({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' } });
      await h.topic('r-topic', 1);
      const sub = await subscribe(h, { topic: 'r-topic', url: rx.url });
      await h.produce('r-topic', [{ value: 1 }]);
      await dispatchOnce(h.ctx);
      expect(rx.requests).toHaveLength(1);
      const [p] = await partitionsOf(h, sub.id);
      expect(p).toMatchObject({ cursor: 0, attempts: 1, lastStatus: 302 });
      expect(p!.lastError).toContain('not followed');
      expect(p!.lastError).toContain('169.254.169.254');
      expect(p!.nextAttemptAt).not.toBeNull();
    } finally {
      await rx.stop();
    }
  });
});
