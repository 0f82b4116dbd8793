import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './output.js';

export interface CliConfig {
  url: string;
  apiKey: string | undefined;
}

/**
 * Where the CLI connects, read once: `--api-url`/`--api-key` flags, then a named profile
 * (`--profile`, from FRESHET_CONFIG or ~/.config/freshet/profiles.json), then
 * FRESHET_URL / FRESHET_KEY, then the local default http://localhost:8080.
 * A profile file is `{"profiles": {"<name>": {"url": "...", "key": "..."}}}`.
 */
export function resolveConfig(flags: { url?: string; key?: string; profile?: string }, env: NodeJS.ProcessEnv = process.env): CliConfig {
  let profile: { url?: string; key?: string } = {};
  if (flags.profile) {
    const file = env.FRESHET_CONFIG ?? join(homedir(), '.config', 'freshet', 'profiles.json');
    let parsed: { profiles?: Record<string, { url?: string; key?: string }> };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read the profile file ${file}: ${(err as Error).message}`);
    }
    const found = parsed.profiles?.[flags.profile];
    if (!found) throw new UsageError(`no profile '${flags.profile}' in ${file}`);
    profile = found;
  }
  return {
    url: flags.url ?? profile.url ?? env.FRESHET_URL ?? 'http://localhost:8080',
    apiKey: flags.key ?? profile.key ?? env.FRESHET_KEY,
  };
}
