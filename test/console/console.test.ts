import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { ROOT_KEY } from '../support/test-stack.js';
import { type ConsoleStack, RECEIVER_ERROR, startConsoleStack } from './console-stack.js';

/** `npm run screenshots` sets this: each view is saved there as it is reached. */
const SCREENSHOTS = process.env.FRESHET_SCREENSHOTS;

const XSS = {
  value: '<img src=x onerror="window.__xss=1">',
  key: '<script>window.__xss=2</script>',
  header: '"><svg onload="window.__xss=3">',
};

/** A datetime-local input's value for `ms`, in the browser's (this machine's) time zone; milliseconds when `precise`. */
const localInput = (ms: number, precise = false) => {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const seconds = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return precise ? `${seconds}.${p(d.getMilliseconds(), 3)}` : seconds;
};

describe.skipIf(!inject('chromium'))('the console in Chromium', () => {
  let s: ConsoleStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Requests to anything but the API's own origin: the console and /docs must work offline. */
  const outside: string[] = [];
  const pageErrors: string[] = [];
  /** How the next confirm() is answered, and what the dialogs said. */
  let confirmAnswer = true;
  const dialogs: string[] = [];

  async function newContext(): Promise<BrowserContext> {
    const c = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await c.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(s.url) || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    return c;
  }

  async function newPage(c: BrowserContext): Promise<Page> {
    const p = await c.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void (confirmAnswer ? d.accept() : d.dismiss());
    });
    return p;
  }

  async function shot(name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async function signIn(p: Page, key: string): Promise<void> {
    await p.goto(`${s.url}/console/`);
    await p.getByTestId('api-key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByTestId('who').waitFor();
  }

  beforeAll(async () => {
    [s, browser] = await Promise.all([startConsoleStack(), launchChromium()]);
    context = await newContext();
    page = await newPage(context);
  });

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('is served with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${s.url}/console/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(await res.text()).not.toMatch(/<script>[^<]/);
  });

  it('signs in with an API key kept in sessionStorage, never in the URL', async () => {
    await page.goto(`${s.url}/console/`);
    await shot('sign-in');
    await page.getByTestId('api-key').fill('fk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('401');
    expect(await page.evaluate(() => sessionStorage.getItem('freshet.apiKey'))).toBeNull();
    await signIn(page, ROOT_KEY);
    await expect.poll(() => page.getByTestId('who').textContent()).toContain('root (admin)');
    expect(page.url()).not.toContain(ROOT_KEY);
    expect(await page.evaluate(() => sessionStorage.getItem('freshet.apiKey'))).toBe(ROOT_KEY);
  });

  it('creates a topic', async () => {
    const form = page.getByTestId('create-topic');
    await form.getByLabel('topic name').fill('orders');
    await form.getByLabel('partitions').fill('2');
    await form.getByRole('button', { name: 'Create topic' }).click();
    await page.locator('tr[data-topic="orders"]').waitFor();
    expect(await s.call<{ partitions: number }>('GET', '/v1/topics/orders')).toMatchObject({ partitions: 2 });
  });

  it('alters a topic, and deletes one only after a confirmation', async () => {
    await s.call('POST', '/v1/topics', { name: 'scratch', partitions: 1 });
    // Already on #/topics: reload, rather than wait for the list's own refresh.
    await page.reload();
    await page.locator('tr[data-topic="scratch"] button.link').click();
    const alter = page.getByTestId('alter-topic');
    await alter.getByLabel('new partition count').fill('3');
    await alter.getByLabel('new retention ms').fill('3600000');
    await alter.getByRole('button', { name: 'Alter' }).click();
    await expect.poll(() => page.locator('tr[data-topic="scratch"] td').nth(1).textContent()).toBe('3');
    expect(await s.call('GET', '/v1/topics/scratch')).toMatchObject({ partitions: 3, retention: { ms: 3_600_000 } });

    confirmAnswer = false;
    await page.getByRole('button', { name: 'Delete topic' }).click();
    expect(dialogs.at(-1)).toContain("Delete topic 'scratch'");
    expect(await s.call<{ name: string }>('GET', '/v1/topics/scratch')).toMatchObject({ name: 'scratch' });
    confirmAnswer = true;
    await page.getByRole('button', { name: 'Delete topic' }).click();
    await expect.poll(() => page.locator('tr[data-topic="scratch"]').count()).toBe(0);
    expect((await s.call<{ topics: { name: string }[] }>('GET', '/v1/topics')).topics.map((t) => t.name)).not.toContain('scratch');
  });

  it('creates a compacted topic, shows its cleanup policy, compaction settings and dirty ratio, and alters its policy', async () => {
    await page.goto(`${s.url}/console/#/topics`);
    const form = page.getByTestId('create-topic');
    await form.getByLabel('topic name').fill('changelog');
    await form.getByLabel('partitions').fill('2');
    await form.getByLabel('cleanup policy').selectOption('compact');
    await form.getByRole('button', { name: 'Create topic' }).click();
    const row = page.locator('tr[data-topic="changelog"]');
    await row.waitFor();
    expect(await s.call('GET', '/v1/topics/changelog')).toMatchObject({ cleanupPolicy: 'compact' });
    expect(await row.getByTestId('cleanup-policy').textContent()).toBe('compact');
    // Nothing appended yet: every partition's dirty ratio is 0; then all of partition 0 is dirty (never cleaned).
    expect(await row.getByTestId('dirty-ratio').textContent()).toBe('0.00');
    await s.call('POST', '/v1/topics/changelog/records', { encoding: 'string', records: [{ key: 'user-1', value: 'v1', partition: 0 }, { key: 'user-1', value: null, partition: 0 }] });
    await page.reload();
    await expect.poll(() => row.getByTestId('dirty-ratio').textContent()).toBe('1.00');
    expect(await page.locator('tr[data-topic="orders"]').getByTestId('dirty-ratio').textContent()).toBe('—');

    await row.locator('button.link').click();
    const settings = page.getByTestId('compaction');
    expect(await settings.textContent()).toBe('Cleanup policycompactMin compaction lag0 msMax compaction lagnoneDelete retention (tombstones)1 dMin cleanable dirty ratio0.5');
    const partitions = page.getByTestId('partitions');
    expect(await partitions.locator('th').last().textContent()).toBe('Dirty ratio');
    expect(await partitions.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.lastElementChild?.textContent))).toEqual(['1.00', '0.00']);
    await shot('compacted-topic');

    const alter = page.getByTestId('alter-topic');
    await alter.getByLabel('new cleanup policy').selectOption('compact,delete');
    await alter.getByLabel('new delete retention ms').fill('60000');
    await alter.getByLabel('new min cleanable dirty ratio').fill('0.2');
    await alter.getByRole('button', { name: 'Alter' }).click();
    await expect.poll(() => row.getByTestId('cleanup-policy').textContent()).toBe('compact,delete');
    expect(await s.call('GET', '/v1/topics/changelog')).toMatchObject({ cleanupPolicy: 'compact,delete', compaction: { deleteRetentionMs: 60_000, minCleanableDirtyRatio: 0.2 } });
    await expect.poll(() => settings.textContent()).toContain('Delete retention (tombstones)60000 msMin cleanable dirty ratio0.2');

    // A refused change shows the API's problem and writes nothing.
    await alter.getByLabel('new min cleanable dirty ratio').fill('2');
    await alter.getByRole('button', { name: 'Alter' }).click();
    await expect.poll(() => alter.getByRole('alert').textContent()).toContain('(400');
    expect(await s.call('GET', '/v1/topics/changelog')).toMatchObject({ compaction: { minCleanableDirtyRatio: 0.2 } });

    // The partition browser names the policy and the dirty ratio, shows a null value as a tombstone, and produces one.
    await page.goto(`${s.url}/console/#/topics/changelog/partitions/0`);
    await expect.poll(() => page.getByTestId('partition-head').textContent()).toBe('log start 0 · high watermark 2 · cleanup policy compact,delete · dirty ratio 1.00 (offsets may have gaps)');
    await expect.poll(() => page.locator('tr[data-offset="1"] pre.value').textContent()).toBe('null (tombstone)');
    await page.getByText('Produce a test record').click();
    const produce = page.getByTestId('produce');
    await produce.getByLabel('key').fill('user-2');
    await produce.getByLabel('tombstone').check();
    await produce.getByRole('button', { name: 'Produce' }).click();
    await expect.poll(() => page.getByTestId('produced').textContent()).toBe('written at offset 2');
    await expect.poll(() => page.locator('tr[data-offset="2"] pre.value').textContent()).toBe('null (tombstone)');
  });

  it("shows a topic's schema and its versions, registers a new one (a 409 incompatibility shown as text), and shows a record's 422 schema violation", async () => {
    await s.call('POST', '/v1/topics', { name: 'invoices', partitions: 1 });
    const v1 = { type: 'object', description: XSS.value, properties: { total: { type: 'number' } }, required: ['total'], additionalProperties: false };
    await s.call('PUT', '/v1/topics/invoices/schema', { schema: v1 });
    await page.goto(`${s.url}/console/#/topics`);
    await page.locator('tr[data-topic="invoices"] button.link').click();
    const panel = page.getByTestId('schema');
    await expect.poll(() => panel.getByTestId('schema-latest').textContent()).toBe('latest version 1, compatibility backward');
    expect(JSON.parse((await panel.getByTestId('schema-json').textContent()) ?? '')).toEqual(v1);
    // The editor starts from the latest version.
    await panel.getByText('Register a new version').click();
    const form = page.getByTestId('set-schema');
    expect(JSON.parse(await form.getByLabel('JSON schema').inputValue())).toEqual(v1);

    // A new required property breaks backward compatibility: 409, each incompatibility listed, nothing registered.
    await form.getByLabel('JSON schema').fill(JSON.stringify({ ...v1, properties: { ...v1.properties, currency: { type: 'string' } }, required: ['total', 'currency'] }));
    await form.getByRole('button', { name: 'Register version' }).click();
    const refused = form.getByRole('alert');
    await expect.poll(() => refused.textContent()).toContain('(409 INCOMPATIBLE_SCHEMA)');
    expect(await refused.locator('li').first().textContent()).toMatch(/^version 1 \(backward\) at '[^']*': the new schema requires property 'currency'/);
    expect((await s.call<{ versions: unknown[] }>('GET', '/v1/topics/invoices/schema/versions')).versions).toHaveLength(1);

    // An optional property added to a closed content model is backward compatible: version 2.
    const v2 = { ...v1, properties: { ...v1.properties, note: { type: 'string' } } };
    await form.getByLabel('JSON schema').fill(JSON.stringify(v2));
    await form.getByRole('button', { name: 'Register version' }).click();
    await expect.poll(() => panel.getByTestId('schema-latest').textContent()).toBe('latest version 2, compatibility backward');
    expect(await panel.getByTestId('schema-versions').locator('tbody tr').count()).toBe(2);
    expect(JSON.parse((await panel.getByTestId('schema-json').textContent()) ?? '')).toEqual(v2);
    await panel.getByTestId('schema-versions').getByRole('button', { name: '1', exact: true }).click();
    expect(await panel.getByTestId('schema-latest').textContent()).toBe('latest version 2, compatibility backward (showing version 1)');
    expect(JSON.parse((await panel.getByTestId('schema-json').textContent()) ?? '')).toEqual(v1);
    await shot('topic-schema');

    // The produce form shows a violation's detail and each violation; a valid record carries the version header.
    await page.goto(`${s.url}/console/#/topics/invoices/partitions/0`);
    await page.getByText('Produce a test record').click();
    const produce = page.getByTestId('produce');
    await produce.getByLabel('value').fill('{"total":"forty-two"}');
    await produce.getByRole('button', { name: 'Produce' }).click();
    const violation = produce.getByRole('alert');
    await expect.poll(() => violation.textContent()).toContain('(422 SCHEMA_VIOLATION)');
    expect(await violation.locator('p').textContent()).toContain("1 record(s) break schema version 2 of topic 'invoices'");
    expect(await violation.locator('li').allTextContents()).toEqual(["record 0 at '/total': must be number (type)"]);
    expect((await s.call<{ partitions: { highWatermark: number }[] }>('GET', '/v1/topics/invoices/partitions')).partitions[0]?.highWatermark).toBe(0);
    await produce.getByLabel('value').fill('{"total":42}');
    await produce.getByRole('button', { name: 'Produce' }).click();
    await expect.poll(() => page.getByTestId('produced').textContent()).toBe('written at offset 0');
    await expect.poll(() => page.locator('tr[data-offset="0"]').textContent()).toContain('freshet-schema-version: 2');
  });

  it('produces a test record and browses it as JSON, text and hex', async () => {
    await page.goto(`${s.url}/console/#/topics/orders/partitions/0`);
    await page.getByText('Produce a test record').click();
    const form = page.getByTestId('produce');
    await form.getByLabel('key').fill('order-1');
    await form.getByLabel('value').fill('{"total":42}');
    await form.getByLabel('headers').fill('{"source":"console"}');
    await form.getByRole('button', { name: 'Produce' }).click();
    await expect.poll(() => page.getByTestId('produced').textContent()).toBe('written at offset 0');
    const row = page.locator('tr[data-offset="0"]');
    await row.waitFor();
    expect(await row.locator('pre.value').textContent()).toBe(JSON.stringify({ total: 42 }, null, 2));
    expect(await row.textContent()).toContain('source: console');
    await shot('partition-browser');
    await page.getByLabel('show as').selectOption('hex');
    expect(await row.locator('pre.value').textContent()).toBe('7b 22 74 6f 74 61 6c 22 3a 34 32 7d');
    await page.getByLabel('show as').selectOption('text');
    expect(await row.locator('pre.value').textContent()).toBe('{"total":42}');
  });

  it('pages through records from an offset and from a time', async () => {
    // Offset 0 was appended by the previous test, so before this instant.
    const before = Date.now();
    await s.call('POST', '/v1/topics/orders/records', { encoding: 'string', records: Array.from({ length: 45 }, (_, i) => ({ value: `v${i + 1}`, partition: 0 })) });
    await page.goto(`${s.url}/console/#/topics/orders/partitions/0`);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('table[data-testid=records] tbody tr').count()).toBe(20);
    await page.getByRole('button', { name: 'Next page →' }).click();
    await page.locator('tr[data-offset="20"]').waitFor();
    await page.getByLabel('offset', { exact: true }).fill('40');
    await page.getByRole('button', { name: 'Read from offset' }).click();
    await page.locator('tr[data-offset="45"]').waitFor();
    expect(await page.locator('table[data-testid=records] tbody tr').count()).toBe(6);
    await page.getByLabel('time', { exact: true }).fill(localInput(before, true));
    await page.getByRole('button', { name: 'Read from time' }).click();
    await page.locator('tr[data-offset="1"]').waitFor();
    expect(await page.locator('tr[data-offset="0"]').count()).toBe(0);
  });

  it('renders hostile record contents as text: nothing in them runs', async () => {
    await s.call('POST', '/v1/topics/orders/records', { encoding: 'string', records: [{ key: XSS.key, value: XSS.value, headers: { x: XSS.header }, partition: 1 }] });
    await page.goto(`${s.url}/console/#/topics/orders/partitions/1`);
    const row = page.locator('tr[data-offset="0"]');
    await row.waitFor();
    for (const view of ['text', 'json'] as const) {
      await page.getByLabel('show as').selectOption(view);
      expect(await row.locator('pre.value').textContent()).toBe(XSS.value);
      expect(await row.textContent()).toContain(XSS.key);
      expect(await row.textContent()).toContain(`x: ${XSS.header}`);
    }
    expect(await page.locator('table[data-testid=records] img, table[data-testid=records] script, table[data-testid=records] svg').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    // And were markup ever to reach the DOM, the page's CSP forbids its inline handlers and scripts.
    await page.evaluate((html) => (globalThis as unknown as { document: { body: { insertAdjacentHTML(where: string, html: string): void } } }).document.body.insertAdjacentHTML('beforeend', html), `${XSS.value}<img src=x onerror="window.__xss=4">`);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await page.reload();
    await row.waitFor();
    await shot('hostile-records');
  });

  it('shows a group lag per partition, "never committed" apart from 0, and 0 after consuming', async () => {
    const member = await s.call<{ memberId: string; generation: number }>('POST', '/v1/groups/billing/members', { topics: ['orders'], sessionTimeoutMs: 60_000 });
    // Partition 0 holds 46 records; commit 40 of them. Partition 1 is never committed.
    await s.call('POST', '/v1/groups/billing/offsets', { memberId: member.memberId, generation: member.generation, offsets: [{ topic: 'orders', partition: 0, offset: 40 }] });
    await page.goto(`${s.url}/console/#/groups`);
    await page.getByRole('link', { name: 'billing' }).click();
    const lag = (p: number) => page.locator(`tr[data-partition="orders/${p}"] [data-testid=lag]`);
    await expect.poll(() => lag(0).textContent()).toBe('6');
    expect(await lag(1).textContent()).toBe('never committed (1)');
    expect(await page.getByTestId('total-lag').textContent()).toBe('7');
    await shot('consumer-group');
    await s.call('POST', '/v1/groups/billing/offsets', {
      memberId: member.memberId,
      generation: member.generation,
      offsets: [
        { topic: 'orders', partition: 0, offset: 46 },
        { topic: 'orders', partition: 1, offset: 1 },
      ],
    });
    await expect.poll(() => lag(1).textContent(), { timeout: 10_000 }).toBe('0');
    expect(await lag(0).textContent()).toBe('0');
    expect(await page.getByTestId('total-lag').textContent()).toBe('0');
  });

  it('seeks a group to earliest', async () => {
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Seek' }) });
    await form.getByLabel('seek to').selectOption('earliest');
    await form.getByRole('button', { name: 'Seek' }).click();
    await expect.poll(() => s.call<{ offsets: { committedOffset: number | null }[] }>('GET', '/v1/groups/billing').then((g) => g.offsets.map((o) => o.committedOffset))).toEqual([0, 0]);
  });

  it('shows a failing subscription: its last error, and its dead-lettered records with a link to the dead-letter topic', async () => {
    await s.call('POST', '/v1/topics', { name: 'payments', partitions: 1 });
    const sub = await s.call<{ id: string }>('POST', '/v1/subscriptions', {
      name: 'payments-hook',
      topic: 'payments',
      url: s.failingReceiverUrl,
      startAt: 'earliest',
      maxAttempts: 2,
      backoff: { initialMs: 10, maxMs: 20 },
    });
    await s.call('POST', '/v1/topics/payments/records', { records: [{ value: { amount: 5 } }] });
    await page.goto(`${s.url}/console/#/subscriptions`);
    await page.getByRole('link', { name: 'payments-hook' }).click();
    await expect.poll(() => page.getByTestId('dead-lettered').textContent(), { timeout: 20_000 }).toContain('1 → payments.dlq');
    expect(await page.getByTestId('last-error').first().textContent()).toContain(RECEIVER_ERROR);
    expect(await page.locator('[data-testid=cursors] b').count()).toBe(0);
    await shot('subscription');
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('state').textContent()).toContain('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByTestId('state').textContent()).toContain('active');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    expect(await page.getByTestId('new-secret').locator('pre').textContent()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const seek = page.locator('form').filter({ has: page.getByRole('button', { name: 'Seek' }) });
    await seek.getByLabel('seek to').selectOption('offset');
    await seek.getByLabel('offset or time').fill('1');
    await seek.getByRole('button', { name: 'Seek' }).click();
    await expect.poll(() => s.call<{ partitions: { cursor: number }[] }>('GET', `/v1/subscriptions/${sub.id}`).then((d) => d.partitions[0]?.cursor)).toBe(1);
    await page.getByRole('link', { name: 'payments.dlq' }).click();
    await page.locator('tr[data-offset="0"]').waitFor();
    expect(await page.locator('tr[data-offset="0"] pre.value').textContent()).toContain('"amount": 5');
  });

  it('starts a replay and shows its progress', async () => {
    await s.call('POST', '/v1/topics', { name: 'orders-copy', partitions: 2 });
    await page.goto(`${s.url}/console/#/replays`);
    const form = page.getByTestId('start-replay');
    await form.getByLabel('source topic').fill('orders');
    await form.getByLabel('from').fill(localInput(Date.now() - 3_600_000));
    await form.getByLabel('until').fill(localInput(Date.now() + 1_000));
    await form.getByLabel('target', { exact: true }).fill('orders-copy');
    await form.getByRole('button', { name: 'Start replay' }).click();
    const row = page.locator('tr[data-replay]');
    await row.waitFor();
    expect(await row.getByTestId('replay-status').textContent()).toBe('pending');
    // The maintenance schedule runs replays; here one pass now.
    await s.call('POST', '/v1/maintenance/run');
    await expect.poll(() => row.getByTestId('replay-status').textContent(), { timeout: 10_000 }).toBe('done');
    expect(await row.textContent()).toContain('47 / 47 offsets · 47 copied');
    const bar = row.getByTestId('replay-progress');
    expect(await bar.getAttribute('value')).toBe(await bar.getAttribute('max'));
    await shot('replays');
  });

  it('creates a key (its secret shown once); a key scoped to one topic sees only that topic', async () => {
    await page.goto(`${s.url}/console/#/keys`);
    const form = page.getByTestId('create-key');
    await form.getByLabel('key name').fill('orders reader');
    await form.getByLabel('scopes').fill('orders:consume');
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('created-key').locator('pre').textContent()) ?? '';
    expect(key).toMatch(/^fk_/);
    await shot('keys');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByTestId('created-key').count()).toBe(0);
    expect(await page.getByTestId('keys').textContent()).not.toContain(key);

    const scoped = await newContext();
    const p = await newPage(scoped);
    await signIn(p, key);
    await p.locator('tr[data-topic="orders"]').waitFor();
    expect(await p.locator('tr[data-topic]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-topic')))).toEqual(['orders']);
    expect(await p.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    expect(await p.getByTestId('create-topic').count()).toBe(0);
    await scoped.close();

    await page.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByTestId('keys').textContent()).not.toContain('orders reader');
  });

  it('signs out: the key leaves sessionStorage', async () => {
    await page.goto(`${s.url}/console/#/topics`);
    await page.locator('tr[data-topic="orders"] button.link').click();
    await page.locator('tr.detail').waitFor();
    await shot('topics');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('api-key').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('freshet.apiKey'))).toBeNull();
  });

  it('/docs renders every operation of openapi.yaml with schemas and examples, offline', async () => {
    const spec = parse(await (await fetch(`${s.url}/openapi.yaml`)).text()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(spec.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    const docs = await newPage(context);
    await docs.goto(`${s.url}/docs`);
    await expect.poll(() => docs.locator('.opblock').count(), { timeout: 20_000 }).toBe(operations);
    // One operation of each tag opened: its responses show an example next to the schema
    // (that every operation has examples is test/http/openapi-examples.test.ts).
    const sections = docs.locator('.opblock-tag-section');
    const tags = await sections.count();
    for (let i = 0; i < tags; i++) {
      const block = sections.nth(i).locator('.opblock').first();
      await block.locator('.opblock-summary').click();
      await block.locator('.responses-wrapper .model-example').first().waitFor();
    }
    expect(tags).toBeGreaterThanOrEqual(7);
    const op = docs.locator('#operations-topics-createTopic');
    if (!(await op.evaluate((el) => el.classList.contains('is-open')))) await op.locator('.opblock-summary').click();
    expect(await op.locator('.body-param__example, .highlight-code').first().textContent()).toContain('"partitions"');
    await op.getByRole('button', { name: 'Try it out' }).waitFor();
    expect(await docs.locator('.btn.authorize').count()).toBe(1);
    if (SCREENSHOTS) await docs.screenshot({ path: join(SCREENSHOTS, 'docs.png') });
    await docs.close();
  });

  it('ran no script from record contents and fetched nothing from outside', () => {
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
