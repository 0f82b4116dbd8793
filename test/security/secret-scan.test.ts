import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSecretsInLogs } from '../support/secret-scan.js';

describe('the log scan run after the whole suite', () => {
  it('finds API keys and webhook secrets, and passes ordinary lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'freshet-scan-'));
    await writeFile(join(dir, 'a.log'), `ok line\nkey fk_${'A'.repeat(43)} leaked\nsecret whsec_${'B'.repeat(32)}\nfk_short is fine\n`);
    const found = await findSecretsInLogs(dir);
    expect(found).toHaveLength(2);
  });

  it('sees what this worker logs', async () => {
    const { inject } = await import('vitest');
    console.log('capture check line');
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(join(inject('logDir'), `worker-${process.pid}.log`), 'utf8');
    expect(text).toContain('capture check line');
  });
});
