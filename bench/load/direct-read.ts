import { createRequire } from 'node:module';
import { accelerateCrc32c, Freshet } from '../../client/src/index.js';
import { mapWithConcurrency } from '../../shared/concurrency.js';
import { MiB } from '../stats.js';
import type { DirectReadCommand, DirectReadOutcome } from './protocol.js';

/**
 * One pass of the direct-read section, in the load driver: the API serves the direct
 * fetches from the bench process (as a Lambda would, elsewhere), and what is timed here is
 * the reader's own work. `client`: `readPartition({ direct: true })` at the client's
 * default pages, every record decoded, its CRC checked and yielded with its value as a
 * string; the CRC-32C is @node-rs/crc32's, plugged in as docs/client.md tells a Node
 * reader to. `floor`: the same byte ranges fetched raw, `concurrency` at a time, nothing done
 * with them.
 */
export async function runDirectReadPass(command: DirectReadCommand): Promise<DirectReadOutcome> {
  const bytes = command.ranges.reduce((n, r) => n + r.byteLength, 0);
  const start = performance.now();
  if (command.pass === 'client') {
    if (!accelerateCrc32c((createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: (d: Uint8Array, i?: number) => number }).crc32c)) {
      throw new Error('@node-rs/crc32 was refused as CRC-32C');
    }
    const freshet = new Freshet({ url: command.target.baseUrl, apiKey: command.target.apiKey });
    let count = 0;
    let valueBytes = 0;
    for await (const m of freshet.readPartition({ topic: command.topic, partition: command.partition, direct: true, follow: false, encoding: 'string' })) {
      count++;
      valueBytes += (m.value as string).length;
    }
    if (count !== command.records || valueBytes !== command.records * command.valueBytes) throw new Error(`direct read returned ${count} records, ${valueBytes} value bytes`);
  } else {
    // Fresh URLs each run would cost API calls the floor must not have; these stay valid for minutes.
    const got = await mapWithConcurrency(command.ranges, command.concurrency, async (r) => (await (await fetch(r.url, { headers: r.headers })).arrayBuffer()).byteLength);
    if (got.reduce((a, b) => a + b, 0) !== bytes) throw new Error('floor GETs returned other bytes');
  }
  return { mibPerSecond: bytes / MiB / ((performance.now() - start) / 1000) };
}
