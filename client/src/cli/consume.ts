import type { Command } from 'commander';
import type { Encoding } from '../encoding.js';
import type { Freshet } from '../freshet.js';
import { disconnectOnSignals } from '../node/signals.js';
import type { KafkaMessage } from '../records.js';
import type { CliContext } from './context.js';
import { parseIntFlag, parsePosition, type Position, UsageError } from './output.js';

interface ConsumeFlags {
  group?: string;
  partition?: string;
  from: string;
  follow?: boolean;
  max?: string;
  values?: boolean;
  format: string;
}

export function registerConsume(program: Command, ctx: CliContext): void {
  program
    .command('consume <topic>')
    .description('print records as JSON lines, from one partition, all partitions, or as a group member')
    .option('-g, --group <group>', 'consume as a member of this group (commits what was printed)')
    .option('-p, --partition <n>', 'read only this partition')
    .option('--from <position>', 'earliest, latest, an offset or an ISO time (for a group: where it starts without a committed offset)', 'earliest')
    .option('-f, --follow', 'keep waiting for new records')
    .option('-n, --max <n>', 'stop after this many records')
    .option('--values', 'print only each record’s value')
    .option('--format <format>', 'json: values are JSON; text: values are strings (as `produce --format text` wrote them)', 'json')
    .action(async (topic: string, o: ConsumeFlags) => {
      if (o.group && o.partition !== undefined) throw new UsageError('use --group or --partition, not both');
      if (o.format !== 'json' && o.format !== 'text') throw new UsageError(`--format must be json or text, not '${o.format}'`);
      const encoding = o.format === 'json' ? 'json' : 'string';
      const from = parsePosition(o.from, '--from');
      const max = o.max === undefined ? Number.POSITIVE_INFINITY : parseIntFlag(o.max, '--max');
      let printed = 0;
      const emit = (topicName: string, partition: number, m: KafkaMessage) => {
        const line = o.values ? (typeof m.value === 'string' ? m.value : JSON.stringify(m.value)) : JSON.stringify({ topic: topicName, partition, ...m });
        process.stdout.write(`${line}\n`);
        printed++;
      };
      if (max === 0) return;
      if (o.group) await consumeGroup(ctx.freshet(), topic, o.group, from, !!o.follow, max, encoding, emit, () => printed);
      else {
        const partitions = o.partition !== undefined ? [parseIntFlag(o.partition, '--partition')] : await allPartitions(ctx.freshet(), topic);
        await readPartitions(ctx.freshet(), topic, partitions, from, !!o.follow, max, encoding, emit, () => printed);
      }
    });
}

async function allPartitions(freshet: Freshet, topic: string): Promise<number[]> {
  return (await freshet.admin().partitions(topic)).map((p) => p.partition);
}

async function readPartitions(
  freshet: Freshet,
  topic: string,
  partitions: number[],
  from: Position,
  follow: boolean,
  max: number,
  encoding: Encoding,
  emit: (t: string, p: number, m: KafkaMessage) => void,
  printed: () => number,
): Promise<void> {
  const abort = new AbortController();
  const start =
    typeof from === 'string' ? { fromOffset: from } : 'offset' in from ? { fromOffset: from.offset } : { fromTimestamp: from.timestamp };
  // One reader per partition; without --follow each ends at its high watermark.
  await Promise.all(
    partitions.map(async (partition) => {
      try {
        for await (const m of freshet.readPartition({ topic, partition, ...start, follow, encoding, signal: abort.signal })) {
          if (printed() >= max) break;
          emit(topic, partition, m);
          if (printed() >= max) abort.abort();
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err;
      }
    }),
  );
}

async function consumeGroup(
  freshet: Freshet,
  topic: string,
  groupId: string,
  from: Position,
  follow: boolean,
  max: number,
  encoding: Encoding,
  emit: (t: string, p: number, m: KafkaMessage) => void,
  printed: () => number,
): Promise<void> {
  if (typeof from !== 'string') {
    await freshet.admin().seekGroup(groupId, { topic, to: from });
  }
  // --follow: the SDK's default idle backoff (cheapest, under 1 s while records flow); else one
  // 1 s long-poll, so an empty answer means the group has caught up.
  const consumer = freshet.consumer({ groupId, encoding, ...(follow ? {} : { maxWaitTimeInMs: 1_000 }) });
  // Ctrl-C leaves the group at once, so its partitions move now, not after the session timeout.
  const unhook = disconnectOnSignals([consumer]);
  await consumer.subscribe({ topics: [topic], fromBeginning: from !== 'latest' });
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let idleRounds = 0;
  consumer.on((e) => {
    if (e.type === 'fetch') idleRounds = e.records === 0 ? idleRounds + 1 : 0;
    // Without --follow: done once a long poll comes back empty (the group has caught up).
    if (!follow && idleRounds >= 1) finish();
  });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, isStale }) => {
      for (const m of batch.messages) {
        if (printed() >= max || isStale()) return;
        emit(batch.topic, batch.partition, m);
        resolveOffset(m.offset);
        if (printed() >= max) finish();
      }
    },
    eachBatchAutoResolve: false,
  });
  await done;
  unhook();
  await consumer.disconnect();
}
