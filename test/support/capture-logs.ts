import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { inject } from 'vitest';

/**
 * setupFiles: copies everything the code under test logs (console and raw stdout/stderr
 * writes) into the run's log folder; the global teardown scans it for secrets.
 */
const file = join(inject('logDir'), `worker-${process.pid}.log`);
const keep = (text: string) => appendFileSync(file, text.endsWith('\n') ? text : `${text}\n`);

for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    keep(format(...args));
    original(...args);
  };
}
for (const stream of [process.stdout, process.stderr]) {
  const original = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return original(chunk, ...rest);
  }) as typeof stream.write;
}
