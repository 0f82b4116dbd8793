import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../client/src/cli/main.js';
import { Freshet } from '../../client/src/index.js';
import { runCli, widest, widestLine } from './cli-process.js';
import { type ServedStack, serveTestStack } from './http-server.js';

let served: ServedStack;
let admin: ReturnType<Freshet['admin']>;

beforeAll(async () => {
  // Webhooks to loopback are allowed only in local mode; the subscription here is never delivered to.
  served = await serveTestStack({ subscriptions: { policy: { allowLoopback: true } } });
  admin = new Freshet({ url: served.url, apiKey: served.key }).admin();
});
afterAll(() => served?.close());

const freshet = (args: string[], input = '') => runCli(served, args, input);
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /);

/** Every command issue 13 lists, plus the rest of each group's subcommands. */
const COMMANDS = [
  'topics list',
  'topics create',
  'topics describe',
  'topics alter',
  'topics delete',
  'produce',
  'consume',
  'groups list',
  'groups describe',
  'groups seek',
  'subscriptions list',
  'subscriptions create',
  'subscriptions describe',
  'subscriptions pause',
  'subscriptions resume',
  'subscriptions rotate-secret',
  'replays start',
  'replays list',
  'replays describe',
  'replays watch',
  'replays cancel',
  'keys create',
  'keys list',
  'keys revoke',
];

/** `main` in this process (a child process per command would take a minute): exit code and what it wrote. */
async function inProcess(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await main(argv), out };
  } finally {
    process.stdout.write = write;
  }
}

describe('freshet CLI: every command, subscriptions, keys, replays list, text produce, output formats, exit codes', { timeout: 120_000 }, () => {
  it('has --help on every command, each fitting 80 columns', async () => {
    const root = await inProcess(['--help']);
    expect(root.code).toBe(0);
    for (const group of ['topics', 'produce', 'consume', 'groups', 'subscriptions', 'replays', 'keys']) expect(root.out).toContain(`\n  ${group}`);
    for (const command of COMMANDS) {
      const help = await inProcess([...command.split(' '), '--help']);
      expect(help.code, command).toBe(0);
      expect(help.out, command).toMatch(new RegExp(`^Usage: freshet ${command}`));
      expect(widest(help.out), command).toBeLessThanOrEqual(80);
    }
  });

  it('creates, lists, describes, pauses, resumes a subscription and rotates its secret', async () => {
    await admin.createTopic({ name: 'hooks', partitions: 2 });
    const created = await freshet(['subscriptions', 'create', '--name', 'billing', '-t', 'hooks', '--url', 'http://127.0.0.1:9/hook', '--start-at', 'earliest', '-o', 'json']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const sub = JSON.parse(created.stdout) as { id: string; secret: string; state: string };
    expect(sub.state).toBe('active');
    expect(sub.secret).toBeTruthy();

    const listed = await freshet(['subscriptions', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+TOPIC\s+STATE\s+URL\n/);
    expect(listed.stdout).toMatch(new RegExp(`\\n${sub.id}\\s+billing\\s+hooks\\s+active\\s+http://127.0.0.1:9/hook\\n$`));
    expect(widest(listed.stdout), widestLine(listed.stdout)).toBeLessThanOrEqual(80);

    const described = await freshet(['subscriptions', 'describe', sub.id]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(new RegExp(`^subscription ${sub.id} \\(billing\\): active\nhooks → http://127.0.0.1:9/hook\n`));
    expect(described.stdout).toMatch(/PARTITION\s+CURSOR\s+HIGH WATERMARK\s+LAG\s+DELIVERED\s+DEAD\s+LAST/);
    expect(widest(described.stdout), widestLine(described.stdout)).toBeLessThanOrEqual(80);

    const paused = await freshet(['subscriptions', 'pause', sub.id]);
    expect(paused.stdout).toBe(`subscription ${sub.id} is paused\n`);
    expect((await admin.describeSubscription(sub.id)).state).toBe('paused');
    const resumed = await freshet(['subscriptions', 'resume', sub.id]);
    expect(resumed.stdout).toBe(`subscription ${sub.id} is active\n`);
    expect((await admin.describeSubscription(sub.id)).state).toBe('active');

    const rotated = await freshet(['subscriptions', 'rotate-secret', sub.id]);
    expect(rotated.code).toBe(0);
    const secret = /^new signing secret for (\S+): (\S+)\n$/.exec(rotated.stdout);
    expect(secret?.[1]).toBe(sub.id);
    expect(secret?.[2]).not.toBe(sub.secret);

    const missing = await freshet(['subscriptions', 'describe', `sub_${'0'.repeat(26)}`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^freshet: [^\n]+: [^\n]+ \(404 [A-Z_]+\)\n$/);
  });

  it('creates, lists and revokes an API key; the scoped key is refused outside its scope and rejected once revoked', async () => {
    const created = await freshet(['keys', 'create', '--name', 'orders-writer', '--scope', 'orders.*:produce,consume', '-o', 'json']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string };
    const asKey = (args: string[]) => runCli({ url: served.url, key: key.key }, args);

    const listed = await freshet(['keys', 'list']);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+PREFIX\s+SCOPES\s+LAST USED\n/);
    expect(listed.stdout).toMatch(new RegExp(`\\n${key.id}\\s+orders-writer\\s+\\S+\\s+orders\\.\\*:pro`));
    expect(listed.stdout).not.toContain(key.key);
    expect(widest(listed.stdout), widestLine(listed.stdout)).toBeLessThanOrEqual(80);

    const forbidden = await asKey(['topics', 'create', 'orders.eu']);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^freshet: [^\n]+: [^\n]+ \(403 [A-Z_]+\)\n$/);

    expect((await freshet(['keys', 'revoke', key.id])).stdout).toBe(`revoked key ${key.id}\n`);
    expect((await freshet(['keys', 'list', '-o', 'json'])).stdout).not.toContain(key.id);
    const revoked = await asKey(['topics', 'list']);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/^freshet: [^\n]+: [^\n]+ \(401 [A-Z_]+\)\n$/);
    noStack(revoked.stderr);
  });

  it('produces text lines as strings and reads them back the same; one --key keeps them on one partition, in order', async () => {
    await admin.createTopic({ name: 'lines', partitions: 4 });
    const lines = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `{"looks": "like json", "i": ${i}}` : `plain line ${i}, with  spaces`));
    const produced = await freshet(['produce', 'lines', '--format', 'text', '--key', 'one-key', '--print-offsets'], `${lines.join('\n')}\n`);
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);
    const offsets = produced.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: number });
    expect(offsets).toHaveLength(300);
    expect(new Set(offsets.map((o) => o.partition)).size).toBe(1);
    expect(offsets.map((o) => o.offset)).toEqual(Array.from({ length: 300 }, (_, i) => i));

    const back = await freshet(['consume', 'lines', '--partition', String(offsets[0]!.partition), '--format', 'text', '--values']);
    expect(back.stderr).toBe('');
    expect(back.stdout.trimEnd().split('\n')).toEqual(lines);
    const records = (await freshet(['consume', 'lines', '--partition', String(offsets[0]!.partition), '--format', 'text', '--max', '1'])).stdout;
    expect(JSON.parse(records)).toMatchObject({ topic: 'lines', offset: 0, key: 'one-key', value: lines[0] });

    // Read as JSON, a text record that is not JSON is named, not skipped.
    const asJson = await freshet(['consume', 'lines', '--partition', String(offsets[0]!.partition), '--values']);
    expect(asJson.code).toBe(1);
    expect(asJson.stderr).toMatch(/^freshet: Record not decodable: .* \(422 RECORD_NOT_DECODABLE\)\n$/);
    // In a group, too.
    const grouped = await freshet(['consume', 'lines', '--group', 'text-readers', '--format', 'text', '--values', '--max', '300']);
    expect(grouped.stdout.trimEnd().split('\n')).toEqual(lines);

    const usage = await freshet(['produce', 'lines', '--format', 'text', '--key-field', 'id'], 'x\n');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('freshet: --key-field needs --format json\n');
  });

  it('lists replays newest first, by status, a page at a time', async () => {
    await admin.createTopic({ name: 'src', partitions: 2 });
    await admin.createTopic({ name: 'dst', partitions: 2 });
    await freshet(['produce', 'src', '-k', 'a'], '1\n2\n3\n');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await freshet(['replays', 'start', '-t', 'src', '--from', '2000-01-01T00:00:00Z', '--target-topic', 'dst', '-o', 'json']);
      expect(started.code).toBe(0);
      ids.push((JSON.parse(started.stdout) as { id: string }).id);
    }
    await admin.cancelReplay(ids[0]!);

    const listed = await freshet(['replays', 'list']);
    expect(listed.code).toBe(0);
    const rows = listed.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+TOPIC\s+TARGET\s+STATUS\s+CREATED$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 4))).toEqual([
      [ids[2], 'src', 'dst', 'pending'],
      [ids[1], 'src', 'dst', 'pending'],
      [ids[0], 'src', 'dst', 'cancelled'],
    ]);
    expect(widest(listed.stdout), widestLine(listed.stdout)).toBeLessThanOrEqual(80);

    const pending = JSON.parse((await freshet(['replays', 'list', '--status', 'pending', '-o', 'json'])).stdout) as { replays: { id: string }[] };
    expect(pending.replays.map((r) => r.id)).toEqual([ids[2], ids[1]]);

    const first = await freshet(['replays', 'list', '--limit', '2']);
    expect(first.stdout).toContain(`more: freshet replays list --before ${ids[1]}`);
    const next = await freshet(['replays', 'list', '--limit', '2', '--before', ids[1]!, '-o', 'json']);
    expect(JSON.parse(next.stdout)).toMatchObject({ replays: [{ id: ids[0], status: 'cancelled' }], nextBefore: null });

    const page = await admin.listReplays({ status: ['cancelled', 'done'] });
    expect(page.replays.map((r) => r.id)).toEqual([ids[0]]);

    const bad = await freshet(['replays', 'list', '--status', 'finished']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("freshet: --status 'finished': use pending, running, done, failed, cancelled\n");
  });

  it('prints tables by default and the API answer with -o json; exits 0, 1 on an API error, 2 on usage, never with a stack', async () => {
    const asTable = await freshet(['topics', 'list']);
    expect(asTable.code).toBe(0);
    expect(asTable.stdout.split('\n')[0]).toMatch(/^TOPIC\s+PARTITIONS/);
    expect(widest(asTable.stdout), widestLine(asTable.stdout)).toBeLessThanOrEqual(80);
    const asJson = await freshet(['topics', 'list', '--output', 'json']);
    expect(asJson.code).toBe(0);
    expect((JSON.parse(asJson.stdout) as { name: string }[]).map((t) => t.name)).toEqual(expect.arrayContaining(['hooks', 'lines', 'src', 'dst']));

    const exists = await freshet(['topics', 'create', 'lines']);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/^freshet: [^\n]+: [^\n]*lines[^\n]* \(409 TOPIC_EXISTS\)\n$/);
    noStack(exists.stderr);
    expect(exists.stdout).toBe('');

    // The global connection flags: a wrong key from --api-key is refused.
    const wrongKey = await freshet(['--api-key', 'fk_wrong', 'topics', 'list']);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^freshet: [^\n]+ \(401 [A-Z_]+\)\n$/);
    expect((await runCli({ url: 'http://127.0.0.1:1', key: served.key }, ['--api-url', served.url, 'topics', 'list', '-o', 'json'])).code).toBe(0);

    for (const args of [['topics', 'create'], ['topics', 'nope'], ['-o', 'yaml', 'topics', 'list'], ['consume', 'lines', '--group', 'g', '--partition', '0']]) {
      const usage = await freshet(args);
      expect(usage.code, args.join(' ')).toBe(2);
      expect(usage.stderr, args.join(' ')).toMatch(/^(error|freshet): /);
      noStack(usage.stderr);
    }
  });
});
