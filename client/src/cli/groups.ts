import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { parseIntFlag, parsePosition, print, table, when } from './output.js';

export function registerGroups(program: Command, ctx: CliContext): void {
  const groups = program.command('groups').description('consumer groups: list, describe (lag), seek');

  groups
    .command('list')
    .description('list consumer groups')
    .action(async () => {
      const list = await ctx.freshet().admin().listGroups();
      print(ctx.format(), list, () => table(['GROUP', 'GENERATION', 'MEMBERS'], list.map((g) => [g.group, g.generation, g.members])));
    });

  groups
    .command('describe <group>')
    .description('members, and committed offset, high watermark and lag per partition')
    .action(async (group: string) => {
      const g = await ctx.freshet().admin().describeGroup(group);
      const totalLag = g.offsets.reduce((n, o) => n + (o.lag ?? 0), 0);
      // The server has no lag for a partition the group never committed (as Kafka shows '-').
      const unknown = g.offsets.filter((o) => o.lag === null).length;
      print(ctx.format(), g, () =>
        [
          `group ${g.group}: generation ${g.generation}, ${g.members.length} member(s), total lag ${totalLag}${unknown ? ` (+${unknown} partition(s) never committed)` : ''}`,
          '',
          table(
            ['TOPIC', 'PARTITION', 'COMMITTED', 'HIGH WATERMARK', 'LAG', 'OWNER'],
            g.offsets.map((o) => [o.topic, o.partition, o.committedOffset, o.highWatermark, o.lag, o.owner]),
          ),
          ...(g.members.length > 0
            ? [
                '',
                table(
                  ['MEMBER', 'PARTITIONS', 'LEASE UNTIL'],
                  g.members.map((m) => [m.memberId, m.assignments.map((a) => `${a.topic}/${a.partition}`).join(' '), when(m.leaseExpiresAt)]),
                ),
              ]
            : []),
        ].join('\n'),
      );
    });

  groups
    .command('seek <group>')
    .description('set committed offsets (members restart from them in a new generation)')
    .requiredOption('-t, --topic <topic>', 'the topic')
    .requiredOption('--to <position>', 'earliest, latest, an offset or an ISO time')
    .option('-p, --partitions <list>', 'comma-separated partitions (default: all)')
    .action(async (group: string, o: { topic: string; to: string; partitions?: string }) => {
      const partitions = o.partitions?.split(',').map((p) => parseIntFlag(p.trim(), '--partitions'));
      const r = await ctx
        .freshet()
        .admin()
        .seekGroup(group, { topic: o.topic, to: parsePosition(o.to, '--to'), ...(partitions ? { partitions } : {}) });
      print(ctx.format(), r, () =>
        [`group ${group} is at generation ${r.generation}`, table(['TOPIC', 'PARTITION', 'OFFSET'], r.offsets.map((x) => [x.topic, x.partition, x.offset]))].join('\n'),
      );
    });
}
