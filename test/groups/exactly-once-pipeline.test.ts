import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedStack, serveTestStack } from '../client/http-server.js';
import { testApi } from '../support/http.js';

const RECORDS = 10_000;
const IN_PARTITIONS = 6;
const KILLS = 5;
const TRANSFORMERS = 3;

let served: ServedStack;
const api = testApi(() => served.stack);
const children = new Set<ChildProcess>();

beforeAll(async () => {
  served = await serveTestStack();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await served?.close();
});

function startTransformer(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/pipeline-transformer.ts', served.url, served.key, 'in', 'out', 'transformers'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The group's lag on `in` (infinite until every partition has a commit) and the records committed so far. */
async function lagOf(group: string): Promise<{ total: number; done: number; offsets: { partition: number; committedOffset: number | null; highWatermark: number }[] }> {
  const res = await api.call<{ offsets: { topic: string; partition: number; committedOffset: number | null; highWatermark: number; lag: number | null }[] }>('GET', `/v1/groups/${group}`);
  if (res.status !== 200) return { total: Number.POSITIVE_INFINITY, done: 0, offsets: [] };
  const offsets = res.body.offsets.filter((o) => o.topic === 'in');
  const done = offsets.reduce((sum, o) => sum + (o.committedOffset ?? 0), 0);
  const total = offsets.length < IN_PARTITIONS ? Number.POSITIVE_INFINITY : offsets.reduce((sum, o) => sum + (o.highWatermark - (o.committedOffset ?? 0)), 0);
  return { total, done, offsets };
}

describe('exactly-once consume-transform-produce pipeline', () => {
  it('out holds exactly one f(r) for every r of in while transformers are SIGKILLed at random points and the group rebalances', { timeout: 240_000 }, async () => {
    await api.createTopic('in', IN_PARTITIONS);
    await api.createTopic('out', 3);
    for (let start = 0; start < RECORDS; start += 1_000) {
      const records = Array.from({ length: 1_000 }, (_, i) => ({ key: `k${start + i}`, value: { n: start + i } }));
      expect((await api.produce('in', { records })).status).toBe(200);
    }

    for (let i = 0; i < TRANSFORMERS; i++) startTransformer();
    let kills = 0;
    let killsMidStream = 0;
    // Kills are paced by progress, not by the clock, so a slow (loaded) machine cannot let the
    // pipeline finish before them: one each time the committed share of `in` passes a mark.
    const KILL_AT = [0.05, 0.15, 0.25, 0.35, 0.45].slice(0, KILLS);
    const deadline = Date.now() + 200_000;
    while (Date.now() < deadline) {
      const { total, done } = await lagOf('transformers');
      if (total === 0) break;
      while (kills < KILLS && done >= KILL_AT[kills]! * RECORDS && children.size > 0) {
        // A random live transformer dies mid-whatever-it-was-doing; a new one joins in its place.
        const victim = [...children][Math.floor(Math.random() * children.size)]!;
        victim.kill('SIGKILL');
        await once(victim, 'exit').catch(() => {});
        kills++;
        killsMidStream++;
        startTransformer();
      }
      await sleep(100 + Math.random() * 200);
    }
    for (const c of children) c.kill('SIGKILL');

    const { total, offsets } = await lagOf('transformers');
    // The kills must have hit a pipeline still at work (at most 45% done), or the test proves nothing.
    expect({ kills, killsMidStream }).toEqual({ kills: KILLS, killsMidStream: KILLS });
    console.info(`pipeline: ${kills} kills (${killsMidStream} mid-stream), ${served.produceRequests('out')} produce-with-commit requests`);
    expect(total).toBe(0);
    // The group's committed offsets end at the high watermarks of `in`.
    const inPartitions = (await api.call<{ partitions: { partition: number; highWatermark: number }[] }>('GET', '/v1/topics/in/partitions')).body.partitions;
    expect(offsets.map((o) => [o.partition, o.committedOffset]).sort()).toEqual(inPartitions.map((p) => [p.partition, p.highWatermark]).sort());

    // `out` holds exactly one f(r) per r: no duplicate, no loss.
    const seen = new Map<string, number>();
    for (let p = 0; p < 3; p++) {
      let offset = 0;
      for (;;) {
        const page = await api.fetchRecords('out', p, `?offset=${offset}&limit=10000`);
        for (const r of page.json.records) {
          const v = r.value as { from: string; doubled: number };
          expect(r.key).toBe(v.from);
          seen.set(v.from, (seen.get(v.from) ?? 0) + 1);
        }
        offset = page.json.nextOffset;
        if (offset >= page.json.highWatermark) break;
      }
    }
    const duplicates = [...seen].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    let expected = 0;
    for (const p of inPartitions) {
      for (let o = 0; o < p.highWatermark; o++) expect(seen.has(`${p.partition}:${o}`)).toBe(true);
      expected += p.highWatermark;
    }
    expect(expected).toBe(RECORDS);
    expect(seen.size).toBe(RECORDS);
  });
});
