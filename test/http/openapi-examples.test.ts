import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

interface Media {
  schema?: { $ref?: string } & Record<string, unknown>;
  example?: unknown;
}
interface Operation {
  operationId: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Media['schema'] & { example?: unknown }> } };

const spec = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as Spec;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const SPEC_ID = 'https://freshet.invalid/openapi.yaml';
ajv.addSchema({ ...spec, $id: SPEC_ID });

/** The example /docs shows for a body: the media type's own, else its (referenced) schema's. */
function exampleOf(media: Media): unknown {
  if (media.example !== undefined) return media.example;
  const schema = media.schema?.$ref ? spec.components.schemas[media.schema.$ref.split('/').pop()!] : media.schema;
  return (schema as { example?: unknown } | undefined)?.example;
}

const bodies = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).flatMap(([method, op]) => [
    ...Object.entries(op.requestBody?.content ?? {}).map(([type, media]) => ({ what: `${op.operationId} request ${type}`, at: `${method} ${path}`, media })),
    ...Object.entries(op.responses).flatMap(([status, res]) =>
      Object.entries(res.content ?? {}).map(([type, media]) => ({ what: `${op.operationId} ${status} ${type}`, at: `${method} ${path}`, media })),
    ),
  ]),
);

describe('openapi.yaml examples', () => {
  it('has an example for every request and response body of every operation', () => {
    expect(bodies.length).toBeGreaterThan(100);
    expect(bodies.filter((b) => exampleOf(b.media) === undefined).map((b) => `${b.what} (${b.at})`)).toEqual([]);
  });

  it('has examples that are valid against their own schemas', () => {
    const invalid = bodies.flatMap((b) => {
      // References inside the spec are local to it; from here they name it.
      const schema = JSON.parse(JSON.stringify(b.media.schema ?? {}).replaceAll('"#/components/', `"${SPEC_ID}#/components/`));
      const validate = ajv.compile(schema);
      return validate(exampleOf(b.media)) ? [] : [`${b.what}: ${ajv.errorsText(validate.errors)}`];
    });
    expect(invalid).toEqual([]);
  });
});
