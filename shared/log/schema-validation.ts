import { UnprocessableError } from '../errors.js';
import type { Topic } from '../model/topic.js';
import { SCHEMA_VERSION_HEADER } from '../model/topic-schema.js';
import type { LogContext } from './log-context.js';
import type { RecordHeader } from './record-batch-codec.js';
import { type SchemaViolation, violationOf } from './schema-cache.js';

/** Violations listed in one 422 at most: enough to fix a batch, small enough to read. */
const MAX_REPORTED = 20;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * With a schema on the topic, every record's value must be valid JSON that the latest
 * version accepts; otherwise 422 SCHEMA_VIOLATION naming each record index, JSON pointer
 * and rule, and nothing is written. Null values (tombstones) are not validated: they
 * delete a key, they carry no data. `jsonValues` are the values as the request parsed
 * them (encoding json); for string / base64 the stored value is parsed as UTF-8 JSON.
 * Answers the records with the version in a header, or the records as they were.
 */
export async function validateAgainstSchema<R extends { value: Uint8Array | string | null; headers: RecordHeader[] }>(
  ctx: LogContext,
  topic: Topic,
  records: readonly R[],
  jsonValues: readonly unknown[] | undefined,
): Promise<readonly R[]> {
  const schema = await ctx.schemas.latest(topic);
  if (!schema) return records;
  const validate = await ctx.schemas.validator(schema);
  const violations: SchemaViolation[] = [];
  let failed = 0;
  records.forEach((r, index) => {
    if (r.value === null) return;
    let value: unknown;
    if (jsonValues) value = jsonValues[index];
    else {
      try {
        // A value kept as text (encoding string) is already well-formed Unicode: parsed as it is.
        value = JSON.parse(typeof r.value === 'string' ? r.value : strictUtf8.decode(r.value));
      } catch {
        failed++;
        if (violations.length < MAX_REPORTED) violations.push({ index, pointer: '', keyword: 'json', schemaPath: '', message: 'the value is not UTF-8 JSON' });
        return;
      }
    }
    if (validate(value)) return;
    failed++;
    for (const e of validate.errors ?? []) if (violations.length < MAX_REPORTED) violations.push(violationOf(index, e));
  });
  if (failed > 0) {
    const first = violations[0]!;
    throw new UnprocessableError(
      'SCHEMA_VIOLATION',
      `${failed} record(s) break schema version ${schema.version} of topic '${topic.name}'; first: record ${first.index} at '${first.pointer}' ${first.message} (${first.keyword}); nothing was written`,
      { schemaVersion: schema.version, records: failed, violations },
    );
  }
  const header = { key: SCHEMA_VERSION_HEADER, value: new TextEncoder().encode(String(schema.version)) };
  return records.map((r) => ({ ...r, headers: [...r.headers.filter((h) => h.key !== SCHEMA_VERSION_HEADER), header] }));
}
