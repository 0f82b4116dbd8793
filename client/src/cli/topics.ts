import { type Command, Option } from 'commander';
import type { components } from '../generated/openapi.js';
import type { CliContext } from './context.js';
import { parseIntFlag, print, table, when } from './output.js';

type Compression = components['schemas']['CreateTopicRequest']['compression'];
const COMPRESSIONS: NonNullable<Compression>[] = ['none', 'gzip', 'lz4', 'zstd'];

const retention = (ms: number) => (ms < 0 ? 'forever' : ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms}ms`);

export function registerTopics(program: Command, ctx: CliContext): void {
  const topics = program.command('topics').description('create, list, describe, alter and delete topics');

  topics
    .command('list')
    .description('list topics')
    .action(async () => {
      const list = await ctx.freshet().admin().listTopics();
      print(ctx.format(), list, () =>
        table(
          ['TOPIC', 'PARTITIONS', 'RETENTION', 'COMPRESSION', 'CREATED'],
          list.map((t) => [t.name, t.partitions, retention(t.retention.ms), t.compression, when(t.createdAt)]),
        ),
      );
    });

  topics
    .command('create <topic>')
    .description('create a topic')
    .option('-p, --partitions <n>', 'number of partitions', '1')
    .option('--retention-ms <ms>', 'how long records are kept (-1: forever)')
    .addOption(new Option('--compression <codec>', 'batch compression (Kafka compression.type)').choices(COMPRESSIONS))
    .action(async (name: string, o: { partitions: string; retentionMs?: string; compression?: Compression }) => {
      const t = await ctx
        .freshet()
        .admin()
        .createTopic({
          name,
          partitions: parseIntFlag(o.partitions, '--partitions'),
          ...(o.retentionMs ? { retention: { ms: Number(o.retentionMs) } } : {}),
          ...(o.compression ? { compression: o.compression } : {}),
        });
      print(ctx.format(), t, () => `created topic ${t.name} with ${t.partitions} partition(s)`);
    });

  topics
    .command('describe <topic>')
    .description('a topic and its partitions: log start, high watermark, size')
    .action(async (name: string) => {
      const admin = ctx.freshet().admin();
      const [t, partitions] = await Promise.all([admin.describeTopic(name), admin.partitions(name)]);
      print(ctx.format(), { ...t, partitions }, () =>
        [
          `topic ${t.name}: ${t.partitions} partition(s), retention ${retention(t.retention.ms)}, compression ${t.compression}`,
          '',
          table(
            ['PARTITION', 'LOG START', 'HIGH WATERMARK', 'BYTES', 'LAST APPEND'],
            partitions.map((p) => [p.partition, p.logStartOffset, p.highWatermark, p.bytes, when(p.lastAppendTime)]),
          ),
        ].join('\n'),
      );
    });

  topics
    .command('alter <topic>')
    .description('grow partitions or change retention')
    .option('-p, --partitions <n>', 'the new number of partitions (grow only)')
    .option('--retention-ms <ms>', 'how long records are kept (-1: forever)')
    .action(async (name: string, o: { partitions?: string; retentionMs?: string }) => {
      const t = await ctx
        .freshet()
        .admin()
        .alterTopic(name, {
          ...(o.partitions ? { partitions: parseIntFlag(o.partitions, '--partitions') } : {}),
          ...(o.retentionMs ? { retention: { ms: Number(o.retentionMs) } } : {}),
        });
      print(ctx.format(), t, () => `topic ${t.name}: ${t.partitions} partition(s), retention ${retention(t.retention.ms)}`);
    });

  topics
    .command('delete <topic>')
    .description('delete a topic and its records')
    .action(async (name: string) => {
      await ctx.freshet().admin().deleteTopic(name);
      print(ctx.format(), { deleted: name }, () => `deleted topic ${name}`);
    });
}
