import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { print, table, UsageError, when } from './output.js';

type Scope = 'admin' | { topics: string; actions: ('produce' | 'consume' | 'subscribe')[] };

/** `admin`, or `<topic pattern>:<action>[,<action>…]`, e.g. `orders.*:produce,consume`. */
function parseScope(text: string): Scope {
  if (text === 'admin') return 'admin';
  const [topics, actions] = text.split(':');
  const list = (actions ?? '').split(',').filter(Boolean);
  if (!topics || list.length === 0 || list.some((a) => !['produce', 'consume', 'subscribe'].includes(a))) {
    throw new UsageError(`--scope '${text}': use admin or <topics>:<produce|consume|subscribe>[,…]`);
  }
  return { topics, actions: list as ('produce' | 'consume' | 'subscribe')[] };
}

const describeScope = (s: Scope) => (s === 'admin' ? 'admin' : `${s.topics}:${s.actions.join(',')}`);

export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('API keys: create, list, revoke');

  keys
    .command('create')
    .description('create an API key (the key is shown only now)')
    .requiredOption('--name <name>', 'a name for the key')
    .option('--scope <scope...>', 'admin, or <topics>:<actions> such as orders.*:produce,consume', ['admin'])
    .action(async (o: { name: string; scope: string[] }) => {
      const k = await ctx.freshet().admin().createKey({ name: o.name, scopes: o.scope.map(parseScope) });
      print(ctx.format(), k, () => `created key ${k.id} (${k.scopes.map(describeScope).join(' ')})\n${k.key}`);
    });

  keys
    .command('list')
    .description('list API keys (never the keys themselves)')
    .action(async () => {
      const list = await ctx.freshet().admin().listKeys();
      print(ctx.format(), list, () =>
        table(
          ['ID', 'NAME', 'PREFIX', 'SCOPES', 'LAST USED'],
          list.map((k) => [k.id, k.name, k.prefix, k.scopes.map(describeScope).join(' '), when(k.lastUsedAt)]),
        ),
      );
    });

  keys
    .command('revoke <id>')
    .description('revoke an API key')
    .action(async (id: string) => {
      await ctx.freshet().admin().revokeKey(id);
      print(ctx.format(), { revoked: id }, () => `revoked key ${id}`);
    });
}
