import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Patterns of secrets that must never reach a log: API keys, webhook secrets, the test root key. */
export const SECRET_PATTERNS: readonly RegExp[] = [/fk_[A-Za-z0-9_-]{43}/, /whsec_[A-Za-z0-9+/=]{20,}/, /test-root-key-0123456789/];

/** Every captured log line holding a secret, as `file: line`. */
export async function findSecretsInLogs(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir)) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const line of text.split('\n')) if (SECRET_PATTERNS.some((p) => p.test(line))) found.push(`${name}: ${line.slice(0, 300)}`);
  }
  return found;
}
