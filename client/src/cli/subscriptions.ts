import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { parsePosition, print, table, UsageError } from './output.js';

export function registerSubscriptions(program: Command, ctx: CliContext): void {
  const subs = program.command('subscriptions').description('webhook subscriptions: list, create, describe, pause, resume, rotate-secret');

  subs
    .command('list')
    .description('list subscriptions')
    .action(async () => {
      const list = await ctx.freshet().admin().listSubscriptions();
      print(ctx.format(), list, () => table(['ID', 'NAME', 'TOPIC', 'STATE', 'URL'], list.map((s) => [s.id, s.name, s.topic, s.state, s.url])));
    });

  subs
    .command('create')
    .description('create a webhook subscription (the signing secret is shown only now)')
    .requiredOption('--name <name>', 'a name')
    .requiredOption('-t, --topic <topic>', 'the topic to deliver')
    .requiredOption('--url <url>', 'the https endpoint that receives deliveries')
    .option('--start-at <position>', 'earliest, latest or an ISO time', 'latest')
    .option('--batch-size <n>', 'records per delivery at most')
    .option('--key-prefix <prefix>', 'deliver only records whose key starts with this')
    .action(async (o: { name: string; topic: string; url: string; startAt: string; batchSize?: string; keyPrefix?: string }) => {
      const start = parsePosition(o.startAt, '--start-at');
      if (typeof start !== 'string' && 'offset' in start) throw new UsageError('--start-at takes earliest, latest or a time');
      const s = await ctx
        .freshet()
        .admin()
        .createSubscription({
          name: o.name,
          topic: o.topic,
          url: o.url,
          startAt: start,
          ...(o.batchSize ? { batchSize: Number(o.batchSize) } : {}),
          ...(o.keyPrefix ? { filter: { keyPrefix: o.keyPrefix } } : {}),
        });
      print(ctx.format(), s, () => `created subscription ${s.id} on ${s.topic}\nsigning secret: ${s.secret}`);
    });

  subs
    .command('describe <id>')
    .description('a subscription and its per-partition cursors and lag')
    .action(async (id: string) => {
      const s = await ctx.freshet().admin().describeSubscription(id);
      print(ctx.format(), s, () =>
        [
          `subscription ${s.id} (${s.name}): ${s.state}${s.pausedReason ? ` (${s.pausedReason})` : ''}`,
          `${s.topic} → ${s.url}`,
          '',
          table(
            ['PARTITION', 'CURSOR', 'HIGH WATERMARK', 'LAG', 'DELIVERED', 'DEAD', 'LAST'],
            s.partitions.map((p) => [p.partition, p.cursor, p.highWatermark, p.lag, p.deliveredCount, p.deadLetteredCount, p.lastStatus]),
          ),
        ].join('\n'),
      );
    });

  for (const [name, verb] of [
    ['pause', 'pauseSubscription'],
    ['resume', 'resumeSubscription'],
  ] as const) {
    subs
      .command(`${name} <id>`)
      .description(`${name} deliveries`)
      .action(async (id: string) => {
        const s = await ctx.freshet().admin()[verb](id);
        print(ctx.format(), s, () => `subscription ${s.id} is ${s.state}`);
      });
  }

  subs
    .command('rotate-secret <id>')
    .description('issue a new signing secret (the old one keeps signing for a while)')
    .action(async (id: string) => {
      const s = await ctx.freshet().admin().rotateSubscriptionSecret(id);
      print(ctx.format(), s, () => `new signing secret for ${s.id}: ${s.secret}`);
    });
}
