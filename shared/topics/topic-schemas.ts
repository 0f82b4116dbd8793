import { CommitContentionError, IncompatibleSchemaError, SchemaNotFoundError, UnprocessableError } from '../errors.js';
import type { LogContext } from '../log/log-context.js';
import { requireTopic } from '../log/partition-lookup.js';
import { compileSchema } from '../log/schema-cache.js';
import { type CompatibilityMode, DEFAULT_COMPATIBILITY, type JsonSchema, type TopicSchema } from '../model/topic-schema.js';
import { canRead } from './schema-compatibility.js';

/** A schema is stored in one DynamoDB item (≤ 400 KB); this leaves room and keeps validators small. */
export const MAX_SCHEMA_BYTES = 64 * 1024;

/**
 * Registers a new schema version for a topic (docs/schemas.md). The schema must compile
 * as JSON Schema 2020-12; it must be compatible, under the mode given (else the topic's
 * current one, else backward), with the latest version or, for a `_transitive` mode, with
 * every earlier one. The same schema and mode as the latest answers that version again
 * (created: false). Versions are numbered 1, 2, 3 …; of two concurrent registrations one
 * gets the next number and the other re-checks against it.
 */
export async function registerSchema(
  ctx: LogContext,
  topicName: string,
  req: { schema: JsonSchema; compatibility?: CompatibilityMode | undefined },
): Promise<{ schema: TopicSchema; created: boolean }> {
  const topic = await requireTopic(ctx, topicName);
  const size = new TextEncoder().encode(JSON.stringify(req.schema)).length;
  if (size > MAX_SCHEMA_BYTES) throw new UnprocessableError('SCHEMA_TOO_LARGE', `a schema may be at most ${MAX_SCHEMA_BYTES} bytes of JSON; this one is ${size}`, { size, max: MAX_SCHEMA_BYTES });
  await compileSchema(req.schema);

  for (let attempt = 0; attempt < 5; attempt++) {
    const versions = await ctx.schemas.store.list(topic.name, topic.topicId);
    const latest = versions.at(-1);
    const compatibility = req.compatibility ?? latest?.compatibility ?? DEFAULT_COMPATIBILITY;
    if (latest && JSON.stringify(latest.schema) === JSON.stringify(req.schema) && latest.compatibility === compatibility) {
      ctx.schemas.remember(latest);
      return { schema: latest, created: false };
    }
    const incompatibilities = checkCompatibility(req.schema, versions, compatibility);
    if (incompatibilities.length > 0) throw new IncompatibleSchemaError(topic.name, compatibility, incompatibilities);
    const next: TopicSchema = {
      topic: topic.name,
      topicId: topic.topicId,
      version: (latest?.version ?? 0) + 1,
      schema: req.schema,
      compatibility,
      createdAt: ctx.clock.now(),
    };
    if (await ctx.schemas.store.put(next)) {
      ctx.schemas.remember(next);
      return { schema: next, created: true };
    }
  }
  throw new CommitContentionError(1);
}

/** Each incompatibility of `schema` with the versions its mode checks it against. */
export function checkCompatibility(schema: JsonSchema, versions: readonly TopicSchema[], mode: CompatibilityMode) {
  if (mode === 'none' || versions.length === 0) return [];
  const against = mode.endsWith('_transitive') ? versions : versions.slice(-1);
  const backward = mode.startsWith('backward') || mode.startsWith('full');
  const forward = mode.startsWith('forward') || mode.startsWith('full');
  return against.flatMap((v) => [
    // Backward: the new schema reads data written with the old one.
    ...(backward
      ? canRead(v.schema, schema).map((p) => ({ version: v.version, direction: 'backward', pointer: p.pointer, message: `the new schema ${p.message.replace('the other schema', `version ${v.version}`)}` }))
      : []),
    // Forward: the old schema reads data written with the new one.
    ...(forward
      ? canRead(schema, v.schema).map((p) => ({ version: v.version, direction: 'forward', pointer: p.pointer, message: `version ${v.version} ${p.message.replace('the other schema', 'the new schema')}` }))
      : []),
  ]);
}

export async function latestSchema(ctx: LogContext, topicName: string): Promise<TopicSchema> {
  const topic = await requireTopic(ctx, topicName);
  const latest = await ctx.schemas.store.latest(topic.name, topic.topicId);
  if (!latest) throw new SchemaNotFoundError(topic.name);
  return latest;
}

export async function schemaVersions(ctx: LogContext, topicName: string): Promise<TopicSchema[]> {
  const topic = await requireTopic(ctx, topicName);
  return ctx.schemas.store.list(topic.name, topic.topicId);
}

export async function schemaVersion(ctx: LogContext, topicName: string, version: number): Promise<TopicSchema> {
  const found = (await schemaVersions(ctx, topicName)).find((v) => v.version === version);
  if (!found) throw new SchemaNotFoundError(topicName, version);
  return found;
}
