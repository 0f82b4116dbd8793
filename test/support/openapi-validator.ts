import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

interface MediaType {
  schema?: unknown;
}
interface Operation {
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

/**
 * Checks live responses against openapi.yaml: the status is documented for the operation,
 * the content type is one the spec gives for that status, and the body validates against
 * its schema (JSON Schema 2020-12, which OpenAPI 3.1 schemas are, via ajv). A request that
 * matches no operation may only answer 404 or 405 problem+json.
 */
export class OpenApiResponseValidator {
  private readonly spec: Spec;
  private readonly ajv: Ajv2020;
  private readonly operations: { method: string; template: string; pattern: RegExp; params: number }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(file = new URL('../../openapi.yaml', import.meta.url)) {
    this.spec = parse(readFileSync(file, 'utf8')) as Spec;
    // OpenAPI's own keywords (example, …) are not JSON Schema: ignored, not errors.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.ajv.addSchema({ ...this.spec, $id: 'openapi.yaml' });
    this.operations = Object.entries(this.spec.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
      })),
    );
  }

  /** Problems with `res` as the answer to `method path`; empty when it conforms. */
  async check(method: string, path: string, res: Response): Promise<string[]> {
    const pathname = new URL(path, 'http://x').pathname;
    const op = this.operations.filter((o) => o.method === method && o.pattern.test(pathname)).sort((a, b) => a.params - b.params)[0];
    const status = String(res.status);
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const text = await res.text();
    let pointer: string;
    if (!op) {
      if (res.status !== 404 && res.status !== 405) return [`${method} ${pathname} matches no operation but answered ${status}`];
      pointer = '#/components/schemas/Problem';
      if (type !== 'application/problem+json') return [`${status} for an unknown route is ${type}, not application/problem+json`];
    } else {
      const responses = this.spec.paths[op.template]![op.method.toLowerCase()]!.responses;
      const documented = responses[status] ?? responses.default;
      if (!documented) return [`${op.method} ${op.template}: status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
      if (!documented.content) return text.length === 0 ? [] : [`${op.method} ${op.template} ${status}: documented without a body, got ${text.slice(0, 100)}`];
      const media = documented.content[type];
      if (!media) return [`${op.method} ${op.template} ${status}: content type '${type}' is not documented (${Object.keys(documented.content).join(', ')})`];
      const key = responses[status] ? status : 'default';
      pointer = `#/paths/${pointerSegment(op.template)}/${op.method.toLowerCase()}/responses/${key}/content/${pointerSegment(type)}/schema`;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${method} ${pathname} ${status}: body is not JSON: ${text.slice(0, 100)}`];
    }
    const validate = this.validator(pointer);
    if (validate(body)) return [];
    return [`${method} ${pathname} ${status}: body does not match ${pointer}: ${this.ajv.errorsText(validate.errors)} — ${text.slice(0, 200)}`];
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.compiled.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `openapi.yaml${pointer}` });
      this.compiled.set(pointer, v);
    }
    return v;
  }
}

/** A JSON Pointer segment (RFC 6901), URI-encoded for use in a $ref. */
const pointerSegment = (s: string) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'));
