import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { parseIntFlag, print, table, UsageError, when } from './output.js';

const MODES = ['none', 'backward', 'forward', 'full', 'backward_transitive', 'forward_transitive', 'full_transitive'] as const;
type Mode = (typeof MODES)[number];

/** `freshet topics schema get|set|versions`: a topic's JSON Schema (docs/schemas.md). */
export function registerTopicSchemas(program: Command, ctx: CliContext): void {
  const topics = program.commands.find((c) => c.name() === 'topics');
  if (!topics) throw new Error('register the topics command first');
  const schema = topics.command('schema').description("a topic's JSON Schema: get, set (a new version), versions");

  schema
    .command('get <topic>')
    .description('the latest schema version (or --version n)')
    .option('--version <n>', 'a given version')
    .action(async (topic: string, o: { version?: string }) => {
      const s = await ctx
        .freshet()
        .admin()
        .getTopicSchema(topic, o.version === undefined ? undefined : parseIntFlag(o.version, '--version'));
      print(ctx.format(), s, () => `topic ${s.topic} schema version ${s.version} (${s.compatibility}, ${when(s.createdAt)})\n${JSON.stringify(s.schema, null, 2)}`);
    });

  schema
    .command('set <topic> <file>')
    .description('register the JSON Schema in <file> (- for stdin) as the next version')
    .option('-c, --compatibility <mode>', `${MODES.join(' | ')} (default: the topic's current mode, else backward)`)
    .action(async (topic: string, file: string, o: { compatibility?: string }) => {
      if (o.compatibility !== undefined && !MODES.includes(o.compatibility as Mode)) throw new UsageError(`--compatibility must be one of ${MODES.join(', ')}`);
      const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new UsageError(`${file} is not JSON`);
      }
      const s = await ctx
        .freshet()
        .admin()
        .setTopicSchema(topic, { schema: parsed as boolean | Record<string, unknown>, ...(o.compatibility ? { compatibility: o.compatibility as Mode } : {}) });
      print(ctx.format(), s, () => `topic ${s.topic} schema version ${s.version} (${s.compatibility})`);
    });

  schema
    .command('versions <topic>')
    .description('every version of the schema')
    .action(async (topic: string) => {
      const versions = await ctx.freshet().admin().topicSchemaVersions(topic);
      print(ctx.format(), versions, () => table(['VERSION', 'COMPATIBILITY', 'CREATED'], versions.map((v) => [v.version, v.compatibility, when(v.createdAt)])));
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
