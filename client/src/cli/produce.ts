import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Message } from '../encoding.js';
import type { RecordMetadata } from '../producer.js';
import type { CliContext } from './context.js';
import { parseIntFlag, UsageError } from './output.js';

interface ProduceFlags {
  format: 'json' | 'text';
  key?: string;
  keyField?: string;
  headers?: string;
  partition?: string;
  printOffsets?: boolean;
  lingerMs: string;
}

function parseHeaders(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const i = pair.indexOf('=');
      if (i <= 0) throw new UsageError(`--headers: '${pair}' is not name=value`);
      return [pair.slice(0, i), pair.slice(i + 1)];
    }),
  );
}

export function registerProduce(program: Command, ctx: CliContext): void {
  program
    .command('produce <topic>')
    .description('send stdin to a topic, one record per line, batched by the producer')
    .option('-f, --format <format>', 'json: each line is a JSON value; text: each line is a string', 'json')
    .option('-k, --key <key>', 'the same key for every record')
    .option('--key-field <field>', 'take each JSON record’s key from this top-level field')
    .option('--headers <name=value,...>', 'headers for every record')
    .option('-p, --partition <n>', 'send every record to this partition')
    .option('--print-offsets', 'print {partition, offset} per record instead of a summary')
    .option('--linger-ms <ms>', 'producer linger', '5')
    .action(async (topic: string, o: ProduceFlags) => {
      if (o.format !== 'json' && o.format !== 'text') throw new UsageError(`--format must be json or text, not '${o.format}'`);
      if (o.keyField && o.format !== 'json') throw new UsageError('--key-field needs --format json');
      const headers = parseHeaders(o.headers);
      const partition = o.partition === undefined ? undefined : parseIntFlag(o.partition, '--partition');
      const producer = ctx.freshet().producer({ encoding: o.format === 'json' ? 'json' : 'string', lingerMs: parseIntFlag(o.lingerMs, '--linger-ms') });

      const acks: Promise<RecordMetadata[]>[] = [];
      let line = 0;
      for await (const text of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
        line++;
        if (text.trim() === '') continue;
        const message: Message = { value: text, key: o.key, headers, partition };
        if (o.format === 'json') {
          try {
            message.value = JSON.parse(text);
          } catch {
            throw new UsageError(`line ${line} is not JSON (use --format text for plain lines)`);
          }
          if (o.keyField) {
            const v = message.value as Record<string, unknown> | null;
            const key = v && typeof v === 'object' ? v[o.keyField] : undefined;
            message.key = key === undefined || key === null ? null : String(key);
          }
        }
        // submit() waits only for buffer space, so stdin keeps flowing while batches are in flight.
        const { acked } = await producer.submit({ topic, messages: [message] });
        acked.catch(() => {}); // reported below, once
        acks.push(acked);
      }
      await producer.disconnect();
      const results = await Promise.all(acks);
      const perPartition = new Map<number, { count: number; first: number; last: number }>();
      for (const [r] of results) {
        if (!r) continue;
        if (o.printOffsets) process.stdout.write(`${JSON.stringify({ partition: r.partition, offset: r.offset })}\n`);
        const p = perPartition.get(r.partition) ?? { count: 0, first: r.offset, last: r.offset };
        perPartition.set(r.partition, { count: p.count + 1, first: Math.min(p.first, r.offset), last: Math.max(p.last, r.offset) });
      }
      if (o.printOffsets) return;
      const { requests } = producer.stats();
      const summary = { topic, records: results.length, requests, partitions: Object.fromEntries(perPartition) };
      if (ctx.format() === 'json') process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(`produced ${results.length} record(s) to ${topic} in ${requests} request(s), ${perPartition.size} partition(s)\n`);
    });
}
