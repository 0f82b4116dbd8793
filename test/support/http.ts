import { expect } from 'vitest';
import type { TestStack } from './test-stack.js';

export interface FetchedRecords {
  records: { offset: number; key: string; value: unknown; headers: Record<string, string>; timestamp: number }[];
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/**
 * The HTTP helpers test files share, bound to a stack. `stack` may be a getter, for files
 * that create their stack in `beforeAll`: `const api = testApi(() => stack)`.
 */
export function testApi(stack: Pick<TestStack, 'request'> | (() => Pick<TestStack, 'request'>)) {
  const s = typeof stack === 'function' ? stack : () => stack;

  /** Any request; the body is parsed as JSON unless the answer is 204. */
  async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await s().request(method, path, body);
    return { status: res.status, body: res.status === 204 ? (undefined as T) : ((await res.json()) as T) };
  }

  /** Creates a topic and expects 201. */
  async function createTopic(name: string, partitions: number, extra: Record<string, unknown> = {}) {
    const res = await s().request('POST', '/v1/topics', { name, partitions, ...extra });
    expect(res.status).toBe(201);
    return res.json();
  }

  async function produce(topic: string, body: unknown, headers?: Record<string, string>) {
    const res = await s().request('POST', `/v1/topics/${topic}/records`, body, headers);
    const json = (await res.json()) as { offsets: { partition: number; offset: number }[] };
    return { status: res.status, json };
  }

  async function fetchRecords(topic: string, partition: number, query = '') {
    const res = await s().request('GET', `/v1/topics/${topic}/partitions/${partition}/records${query}`);
    return { status: res.status, json: (await res.json()) as FetchedRecords };
  }

  return { call, createTopic, produce, fetchRecords };
}
