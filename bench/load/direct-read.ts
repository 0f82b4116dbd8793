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
  if (command.pass === 'client') plugNativeCrc32c();
  const start = performance.now();
  if (command.pass === 'client') {
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

let plugged = false;

/** Once per process, before the first timed pass: loading the binary is not the reader's work per pass. */
function plugNativeCrc32c(): void {
  if (plugged) return;
  const { crc32c } = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: (data: Uint8Array, initial?: number) => number };
  if (!accelerateCrc32c(crc32c)) throw new Error('@node-rs/crc32 was refused as CRC-32C');
  plugged = true;
}
