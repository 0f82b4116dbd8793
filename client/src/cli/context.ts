import type { Command } from 'commander';
import { Freshet } from '../freshet.js';
import { resolveConfig } from './config.js';
import type { OutputFormat } from './output.js';

/** What every command needs: the connection and the output format, from the global flags. */
export interface CliContext {
  freshet(): Freshet;
  format(): OutputFormat;
}

export function contextOf(program: Command): CliContext {
  const flags = () => {
    const o = program.opts<{ apiUrl?: string; apiKey?: string; profile?: string; output: OutputFormat }>();
    return { url: o.apiUrl, key: o.apiKey, profile: o.profile, output: o.output };
  };
  let client: Freshet | undefined;
  return {
    // A CLI should fail within seconds when the API is down, not after the SDK's 2 minutes.
    freshet: () => (client ??= new Freshet({ ...resolveConfig(flags()), retry: { deadlineMs: 10_000 } })),
    format: () => flags().output,
  };
}
