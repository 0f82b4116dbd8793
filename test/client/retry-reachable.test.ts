import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpClient } from '../../client/src/http.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('HttpClient retries', () => {
  it('retries a request that met a network error as soon as the server answers another request, not after its backoff', async () => {
    // Timers never advance here: a retry still sleeping out its backoff would never come.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    let down = true;
    const calls: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      const path = new URL(String(input)).pathname;
      calls.push(`${path}${down ? ' (down)' : ''}`);
      if (down) throw new TypeError('fetch failed: connect ECONNREFUSED');
      return Response.json({ path });
    };
    const http = new HttpClient({ url: 'http://freshet.test', fetch });
    const waiting = http.call<{ path: string }>('POST', '/v1/topics/a/records', { body: {}, retry: { initialBackoffMs: 60_000, maxBackoffMs: 60_000 } });
    await vi.waitFor(() => expect(calls).toEqual(['/v1/topics/a/records (down)']));
    down = false;
    expect(await http.call('GET', '/v1/topics/b')).toEqual({ path: '/v1/topics/b' });
    expect(await waiting).toEqual({ path: '/v1/topics/a/records' });
    expect(calls).toEqual(['/v1/topics/a/records (down)', '/v1/topics/b', '/v1/topics/a/records']);
  });

  it('still waits out its backoff after a 503, however many other requests are answered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    let attempts = 0;
    const fetch: typeof globalThis.fetch = async (input) => {
      const path = new URL(String(input)).pathname;
      if (path === '/v1/topics/a/records' && attempts++ === 0) return Response.json({ code: 'COMMIT_CONTENTION', status: 503 }, { status: 503 });
      return Response.json({ path });
    };
    const http = new HttpClient({ url: 'http://freshet.test', fetch });
    let done = false;
    const waiting = http.call('POST', '/v1/topics/a/records', { body: {}, retry: { initialBackoffMs: 1_000, maxBackoffMs: 1_000 } }).then(() => {
      done = true;
    });
    await vi.waitFor(() => expect(attempts).toBe(1));
    await http.call('GET', '/v1/topics/b');
    await Promise.resolve();
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await waiting;
    expect(attempts).toBe(2);
  });
});
