import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Clock } from '../clock.js';
import { UnprocessableError } from '../errors.js';
import type { Topic } from '../model/topic.js';
import type { JsonSchema, TopicSchema } from '../model/topic-schema.js';
import type { SchemaStorage } from './schema-storage.js';

/**
 * How stale this process's idea of a topic's latest schema may be. A produce reads the
 * schema from this cache, not from DynamoDB, so validation adds no read per request: at
 * most one per topic per this interval per process. A new version registered through
 * another process (another Lambda instance) is enforced here within this bound; one
 * registered through this process at once (docs/schemas.md).
 */
export const SCHEMA_CACHE_TTL_MS = 5_000;
/** Entries kept at most, per map; past it the map starts over (a bound, not an LRU). */
const MAX_ENTRIES = 10_000;

type Ajv = { compile(schema: JsonSchema): ValidateFunction };
let ajvInstance: Promise<Ajv> | undefined;

/**
 * ajv is loaded on first use, i.e. only once a topic with a schema is produced to or a
 * schema is registered: a cold start that never meets a schema never pays for it.
 */
function ajv(): Promise<Ajv> {
  ajvInstance ??= import('ajv/dist/2020.js').then((m) => {
    const Ajv2020 = m.default as unknown as new (options: Record<string, unknown>) => Ajv;
    // strict: an unknown keyword (a typo such as "requird") makes the schema invalid instead
    // of silently checking nothing; formats are annotations (no ajv-formats loaded).
    return new Ajv2020({ strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true, validateFormats: false, addUsedSchema: false });
  });
  return ajvInstance;
}

/** Compiles a schema: 422 INVALID_SCHEMA naming what ajv objects to. */
export async function compileSchema(schema: JsonSchema): Promise<ValidateFunction> {
  const compiler = await ajv();
  try {
    return compiler.compile(schema);
  } catch (err) {
    throw new UnprocessableError('INVALID_SCHEMA', `not a valid JSON Schema (draft 2020-12): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Latest schema per topic (bounded staleness) and compiled validators per topic version. */
export class SchemaCache {
  private readonly latestByTopic = new Map<string, { schema: Promise<TopicSchema | undefined>; readAt: number }>();
  private readonly validators = new Map<string, Promise<ValidateFunction>>();

  constructor(
    readonly store: SchemaStorage,
    private readonly clock: Clock,
  ) {}

  /** One read per topic per SCHEMA_CACHE_TTL_MS, shared by the produces that wait for it (no stampede on a cold cache). */
  latest(topic: Topic): Promise<TopicSchema | undefined> {
    const cached = this.latestByTopic.get(topic.topicId);
    const now = this.clock.now();
    if (cached && now - cached.readAt < SCHEMA_CACHE_TTL_MS) return cached.schema;
    const schema = this.store.latest(topic.name, topic.topicId);
    if (this.latestByTopic.size >= MAX_ENTRIES) this.latestByTopic.clear();
    const entry = { schema, readAt: now };
    this.latestByTopic.set(topic.topicId, entry);
    // A failed read is not cached: the next produce tries again.
    schema.catch(() => {
      if (this.latestByTopic.get(topic.topicId) === entry) this.latestByTopic.delete(topic.topicId);
    });
    return schema;
  }

  /** A version registered by this process applies to its next produce at once. */
  remember(schema: TopicSchema): void {
    this.latestByTopic.set(schema.topicId, { schema: Promise.resolve(schema), readAt: this.clock.now() });
  }

  validator(schema: TopicSchema): Promise<ValidateFunction> {
    const key = `${schema.topicId}#${schema.version}`;
    let compiled = this.validators.get(key);
    if (!compiled) {
      if (this.validators.size >= MAX_ENTRIES) this.validators.clear();
      compiled = compileSchema(schema.schema);
      this.validators.set(key, compiled);
      compiled.catch(() => this.validators.delete(key));
    }
    return compiled;
  }
}

export type SchemaViolation = { index: number; pointer: string; keyword: string; schemaPath: string; message: string };

/** One line per broken rule, as a 422 names them. */
export function violationOf(index: number, error: ErrorObject): SchemaViolation {
  return {
    index,
    pointer: error.instancePath === '' ? '' : error.instancePath,
    keyword: error.keyword,
    schemaPath: error.schemaPath,
    message: error.message ?? error.keyword,
  };
}
