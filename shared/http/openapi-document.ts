import { stringify } from 'yaml';
import type { AppDeps } from './app-deps.js';
import { problemExample } from './examples.js';
import { openApiApp } from './openapi-app.js';
import { ROUTE_GROUPS } from './route-groups.js';

export const API_INFO = {
  title: 'Freshet',
  version: '1',
  description:
    'Serverless, Kafka-style event streaming on S3 and DynamoDB. Every route except /v1/health, /openapi.yaml, /docs and /console needs `Authorization: Bearer <api key>`. Errors are application/problem+json (RFC 9457) with a stable `code`.',
};

/**
 * The OpenAPI 3.1 document of every route group, as YAML (openapi.yaml). The groups are
 * registered here in ROUTE_GROUPS' order on an app of the document's own, whichever of them
 * the serving app has loaded so far.
 */
export async function openApiYaml(deps: AppDeps): Promise<string> {
  const app = openApiApp();
  for (const group of ROUTE_GROUPS) await group.register(app, deps);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: API_INFO,
    // Relative: the document is served by the API it describes, wherever that runs.
    servers: [{ url: '/', description: 'the API that serves this document' }],
    security: [{ bearerAuth: [] }],
  });
  // Every error answer gets an example of its own status (routes give only a description).
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const operation of Object.values(methods as Record<string, { responses?: Record<string, ResponseObject>; requestBody?: { required?: boolean; content?: object } }>)) {
      // A body offered in two media types (produce: JSON or RecordBatches) is declared optional to
      // zod-openapi, which would otherwise validate every body as JSON; the handler requires one.
      if (operation.requestBody && Object.keys(operation.requestBody.content ?? {}).length > 1) operation.requestBody = { required: true, ...operation.requestBody };
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const media = response.content?.['application/problem+json'];
        if (media && media.example === undefined && media.schema?.example === undefined) media.example = problemExample(Number(status), path, response.description ?? '');
      }
    }
  }
  return `# Generated from the zod route definitions by \`npm run openapi\`; do not edit.\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { example?: unknown; schema?: { example?: unknown } }>;
}
