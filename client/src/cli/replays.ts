import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Replay } from '../admin.js';
import type { CliContext } from './context.js';
import { parseIntFlag, parseTime, print, table, UsageError, when } from './output.js';

const TERMINAL = new Set(['done', 'failed', 'cancelled']);
const STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled'];

/** Offsets copied or skipped so far, out of the window's total. */
function progress(r: Replay): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const p of r.partitions) {
    total += p.endOffset - p.startOffset;
    done += p.nextOffset - p.startOffset;
  }
  return { done, total };
}

function summary(r: Replay): string {
  return [
    `replay ${r.id}: ${r.status}, ${r.copied} record(s) copied${r.error ? `, error: ${r.error}` : ''}`,
    table(
      ['PARTITION', 'START', 'END', 'NEXT', 'COPIED', 'SKIPPED'],
      r.partitions.map((p) => [p.partition, p.startOffset, p.endOffset, p.nextOffset, p.copied, p.skipped]),
    ),
  ].join('\n');
}

export function registerReplays(program: Command, ctx: CliContext): void {
  const replays = program.command('replays').description('replay a time window of a topic into another topic or a subscription');

  replays
    .command('list')
    .description('replays, newest first (of topics the key may consume)')
    .option('--status <states>', 'only these states, comma-separated: pending, running, done, failed, cancelled')
    .option('-n, --limit <n>', 'replays per page (server default 100, at most 1000)')
    .option('--before <id>', 'the page after this replay id (printed when there are more)')
    .action(async (o: { status?: string; limit?: string; before?: string }) => {
      const states = o.status?.split(',').map((s) => s.trim());
      const bad = states?.find((s) => !STATUSES.includes(s));
      if (bad !== undefined) throw new UsageError(`--status '${bad}': use ${STATUSES.join(', ')}`);
      const page = await ctx
        .freshet()
        .admin()
        .listReplays({
          status: states as Replay['status'][] | undefined,
          ...(o.limit !== undefined ? { limit: parseIntFlag(o.limit, '--limit') } : {}),
          ...(o.before ? { before: o.before } : {}),
        });
      print(ctx.format(), page, () =>
        [
          table(
            // The id is 26 characters; status and progress share a column so rows fit 80.
            ['ID', 'TOPIC', 'TARGET', 'STATUS', 'CREATED'],
            page.replays.map((r) => {
              const p = progress(r);
              const pct = r.status === 'running' && p.total > 0 ? ` ${Math.floor((100 * p.done) / p.total)}%` : '';
              return [r.id, r.topic, 'topic' in r.target ? r.target.topic : `sub:${r.target.subscription}`, `${r.status}${pct}`, when(r.createdAt)?.slice(0, 16).replace('T', ' ')];
            }),
          ),
          ...(page.nextBefore ? [`more: freshet replays list --before ${page.nextBefore}`] : []),
        ].join('\n'),
      );
    });

  replays
    .command('start')
    .description('start a replay (the maintenance schedule runs it)')
    .requiredOption('-t, --topic <topic>', 'the source topic')
    .requiredOption('--from <time>', 'append time to start at (ISO time or ms), inclusive')
    .option('--until <time>', 'append time to stop at, exclusive (default: the high watermark at start)')
    .option('--target-topic <topic>', 'copy into this topic')
    .option('--target-subscription <id>', 'deliver to this subscription')
    .action(async (o: { topic: string; from: string; until?: string; targetTopic?: string; targetSubscription?: string }) => {
      if (!o.targetTopic === !o.targetSubscription) throw new UsageError('give exactly one of --target-topic or --target-subscription');
      const r = await ctx
        .freshet()
        .admin()
        .startReplay({
          topic: o.topic,
          from: { timestamp: parseTime(o.from, '--from') },
          ...(o.until ? { to: { timestamp: parseTime(o.until, '--until') } } : {}),
          target: o.targetTopic ? { topic: o.targetTopic } : { subscription: o.targetSubscription! },
        });
      print(ctx.format(), r, () => `started replay ${r.id} (${r.status}); follow it with: freshet replays watch ${r.id}`);
    });

  replays
    .command('describe <id>')
    .description('a replay’s status and per-partition progress')
    .action(async (id: string) => {
      const r = await ctx.freshet().admin().describeReplay(id);
      print(ctx.format(), r, () => summary(r));
    });

  replays
    .command('watch <id>')
    .description('show a progress bar until the replay finishes; exits 1 if it failed')
    .option('--interval-ms <ms>', 'how often to poll', '1000')
    .action(async (id: string, o: { intervalMs: string }) => {
      const admin = ctx.freshet().admin();
      let r = await admin.describeReplay(id);
      // On stderr, so stdout keeps only the final answer (e.g. with --output json).
      const bar = new SingleBar({
        format: 'replay {bar} {percentage}% | {value}/{total} offsets | {status}',
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: Number(o.intervalMs),
        hideCursor: true,
      });
      const first = progress(r);
      bar.start(Math.max(first.total, 1), first.done, { status: r.status });
      while (!TERMINAL.has(r.status)) {
        await new Promise((resolve) => setTimeout(resolve, Number(o.intervalMs)));
        r = await admin.describeReplay(id);
        const p = progress(r);
        bar.setTotal(Math.max(p.total, 1));
        bar.update(p.done, { status: r.status });
      }
      bar.stop();
      print(ctx.format(), r, () => `${summary(r)}\nfinished ${when(r.updatedAt)}`);
      if (r.status !== 'done') process.exitCode = 1;
    });

  replays
    .command('cancel <id>')
    .description('cancel a pending or running replay (what it copied stays)')
    .action(async (id: string) => {
      await ctx.freshet().admin().cancelReplay(id);
      print(ctx.format(), { cancelled: id }, () => `cancelled replay ${id}`);
    });
}
