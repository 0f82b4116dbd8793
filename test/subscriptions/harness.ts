import { expect } from 'vitest';
import type { Clock } from '../../shared/clock.js';
import type { ResolvedAddress, UrlPolicy } from '../../shared/subscriptions/ssrf-guard.js';
import type { SubscriptionsContext } from '../../shared/subscriptions/subscriptions-context.js';
import { testApi } from '../support/http.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

export interface Harness {
  stack: TestStack;
  /** The dispatcher's context (shares the policy with the API). */
  ctx: SubscriptionsContext;
  policy: UrlPolicy & { names: Map<string, ResolvedAddress[]> };
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  topic(name: string, partitions: number): Promise<void>;
  produce(topic: string, records: unknown[]): Promise<{ partition: number; offset: number }[]>;
}

/**
 * A test stack whose API and dispatcher may reach loopback receivers (as in local mode)
 * and resolve made-up names through `policy.names` before the system resolver.
 */
export async function createHarness(options: { clock?: Clock; allowLoopback?: boolean; random?: () => number } = {}): Promise<Harness> {
  const names = new Map<string, ResolvedAddress[]>();
  const policy = {
    allowLoopback: options.allowLoopback ?? true,
    names,
    resolve: async (host: string) => names.get(host) ?? (host === 'localhost' ? [{ address: '127.0.0.1', family: 4 as const }] : []),
  };
  const subscriptions = { policy, ...(options.random ? { random: options.random } : {}) };
  // The API and the dispatcher share one subscriptions context, as in local mode.
  const stack = await createTestStack({ ...(options.clock ? { clock: options.clock } : {}), subscriptions });
  const ctx = stack.subscriptions;
  const { call } = testApi(stack);
  return {
    stack,
    ctx,
    policy,
    call,
    async topic(name, partitions) {
      expect((await call('POST', '/v1/topics', { name, partitions })).status).toBe(201);
    },
    async produce(topic, records) {
      const res = await call<{ offsets: { partition: number; offset: number }[] }>('POST', `/v1/topics/${topic}/records`, { records });
      expect(res.status).toBe(200);
      return res.body.offsets;
    },
  };
}

export interface CreatedSubscription {
  id: string;
  secret: string;
  [field: string]: unknown;
}

export interface PartitionState {
  partition: number;
  cursor: number;
  lag: number;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredCount: number;
  deadLetteredCount: number;
}

export async function subscribe(h: Harness, body: Record<string, unknown>): Promise<CreatedSubscription> {
  const res = await h.call<CreatedSubscription>('POST', '/v1/subscriptions', { name: 'test', startAt: 'earliest', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export async function partitionsOf(h: Harness, id: string): Promise<PartitionState[]> {
  const res = await h.call<{ partitions: PartitionState[] }>('GET', `/v1/subscriptions/${id}`);
  expect(res.status).toBe(200);
  return res.body.partitions;
}
