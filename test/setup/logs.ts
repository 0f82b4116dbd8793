import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findSecretsInLogs } from '../support/secret-scan.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where test/support/capture-logs.ts copies every worker's log output. */
    logDir: string;
  }
}

/**
 * Every project's globalSetup: a folder for what the workers log, scanned for secrets
 * when the project's run ends (issue 7: no API key or webhook secret may appear in logs).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logDir = await mkdtemp(join(tmpdir(), 'freshet-test-logs-'));
  project.provide('logDir', logDir);
  return async () => {
    const leaks = await findSecretsInLogs(logDir);
    await rm(logDir, { recursive: true, force: true });
    // vitest reports an error thrown here but still exits 0; the exit code makes CI fail.
    if (leaks.length > 0) process.exitCode = 1;
    if (leaks.length > 0) throw new Error(`secrets found in logs captured during the run:\n${leaks.join('\n')}`);
  };
}
