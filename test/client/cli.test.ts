import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Freshet } from '../../client/src/index.js';
import { runCli } from './cli-process.js';
import { type ServedStack, serveTestStack } from './http-server.js';

let served: ServedStack;
let admin: ReturnType<Freshet['admin']>;

beforeAll(async () => {
  served = await serveTestStack();
  admin = new Freshet({ url: served.url, apiKey: served.key }).admin();
});
afterAll(() => served?.close());

const freshet = (args: string[], input = '') => runCli(served, args, input);

// Every CLI run is a child process starting tsx: slow on a loaded 2-core machine.
describe('freshet CLI', { timeout: 120_000 }, () => {
  it('produces 1000 JSON lines from stdin and consumes the same lines back', async () => {
    expect((await freshet(['topics', 'create', 't', '--partitions', '3'])).code).toBe(0);
    const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: i, customer: `c${i % 17}`, note: `line ${i}` }));
    const produced = await freshet(['produce', 't', '--key-field', 'customer'], `${lines.join('\n')}\n`);
    expect(produced.stderr).toBe('');
    expect(produced.stdout).toMatch(/^produced 1000 record\(s\) to t in \d+ request\(s\), 3 partition\(s\)\n$/);
    const consumed = await freshet(['consume', 't', '--from', 'earliest', '--max', '1000', '--values']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trimEnd().split('\n').sort()).toEqual([...lines].sort());

    const records = await freshet(['consume', 't', '--partition', '0', '--from', '0', '--max', '2']);
    const parsed = records.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(parsed.map((r) => [r.topic, r.partition, r.offset])).toEqual([
      ['t', 0, 0],
      ['t', 0, 1],
    ]);
  });

  it('consumes as a group member and shows the lag per partition', async () => {
    const consumed = await freshet(['consume', 't', '--group', 'g', '--max', '400']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trimEnd().split('\n')).toHaveLength(400);
    const described = await freshet(['groups', 'describe', 'g']);
    expect(described.code).toBe(0);
    const rows = described.stdout.split('\n');
    expect(rows[0]).toMatch(/^group g: generation \d+, 0 member\(s\), total lag \d+/);
    expect(rows[2]).toMatch(/^TOPIC\s+PARTITION\s+COMMITTED\s+HIGH WATERMARK\s+LAG\s+OWNER$/);
    const table = rows.slice(3).filter((r) => /^t\s/.test(r)).map((r) => r.split(/\s+/));
    // Partitions the group committed (it has no members left, so none is owned).
    expect(table.map((r) => r[1])).toEqual(['0', '1']);
    const partitions = await admin.partitions('t');
    let committedTotal = 0;
    for (const [topic, partition, committed, hw, lag] of table) {
      expect(topic).toBe('t');
      expect(Number(hw)).toBe(partitions[Number(partition)]!.highWatermark);
      // A partition the group never committed has no lag, as in Kafka.
      expect(lag).toBe(committed === '-' ? '-' : String(Number(hw) - Number(committed)));
      committedTotal += committed === '-' ? 0 : Number(committed);
    }
    // Exactly what was printed was committed: 400 records.
    expect(committedTotal).toBe(400);
    expect(Math.max(...rows.map((r) => r.length))).toBeLessThanOrEqual(80);
  });

  it('watches a replay with a progress bar until it is done', async () => {
    await admin.createTopic({ name: 't-copy', partitions: 3 });
    const started = await freshet(['replays', 'start', '--topic', 't', '--from', '2000-01-01T00:00:00Z', '--target-topic', 't-copy', '--output', 'json']);
    expect(started.code).toBe(0);
    const { id } = JSON.parse(started.stdout) as { id: string };
    const watching = freshet(['replays', 'watch', id, '--interval-ms', '200']);
    // The maintenance schedule runs replays; here the test is the schedule.
    let status = 'pending';
    while (status !== 'done') {
      await new Promise((r) => setTimeout(r, 300));
      await admin.runMaintenance();
      status = (await admin.describeReplay(id)).status;
    }
    const watched = await watching;
    expect(watched.code).toBe(0);
    expect(watched.stderr).toMatch(/replay .*\d+% \| \d+\/1000 offsets \| (pending|running|done)/);
    expect(watched.stderr).toMatch(/100% \| 1000\/1000 offsets \| done/);
    expect(watched.stdout).toMatch(new RegExp(`^replay ${id}: done, 1000 record\\(s\\) copied`));
  });

  it('prints the problem, not a stack, and exits 1 on an API error and 2 on a usage error', async () => {
    const missing = await freshet(['topics', 'describe', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("freshet: Topic not found: topic 'nope' does not exist (404 TOPIC_NOT_FOUND)\n");
    const usage = await freshet(['consume', 't', '--max', 'many']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
    expect((await freshet(['groups', 'seek', '--help'])).code).toBe(0);
  });
});
