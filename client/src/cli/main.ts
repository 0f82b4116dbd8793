import { Command, CommanderError, Option } from 'commander';
import { contextOf } from './context.js';
import { registerConsume } from './consume.js';
import { registerGroups } from './groups.js';
import { registerKeys } from './keys.js';
import { describeError, UsageError } from './output.js';
import { registerProduce } from './produce.js';
import { registerReplays } from './replays.js';
import { registerSubscriptions } from './subscriptions.js';
import { registerTopicSchemas } from './topic-schemas.js';
import { registerTopics } from './topics.js';

/** The `freshet` CLI. Exit codes: 0 done, 1 failed (the problem's title and detail on stderr), 2 usage. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('freshet')
    .description('Freshet from the command line: topics, produce, consume, groups, subscriptions, replays, keys')
    .version('0.1.0')
    // Not --url/--key: `produce --key` (a record key) and `subscriptions create --url` (the
    // webhook) are the commands' own, and commander would hand them to these global flags.
    .option('--api-url <url>', 'API base URL (default: $FRESHET_URL, else http://localhost:8080)')
    .option('--api-key <key>', 'API key (default: $FRESHET_KEY)')
    .option('--profile <name>', 'a profile from $FRESHET_CONFIG or ~/.config/freshet/profiles.json')
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions(false);
  const ctx = contextOf(program);
  registerTopics(program, ctx);
  registerTopicSchemas(program, ctx);
  registerProduce(program, ctx);
  registerConsume(program, ctx);
  registerGroups(program, ctx);
  registerSubscriptions(program, ctx);
  registerReplays(program, ctx);
  registerKeys(program, ctx);

  // Every command, however deep, reports usage errors by exception instead of exiting.
  const override = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`freshet: ${describeError(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
