import type { OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'yaml';
import { problemExample } from './examples.js';

export const API_INFO = {
  title: 'Freshet',
  version: '1',
  description:
    'Serverless, Kafka-style event streaming on S3 and DynamoDB. Every route except /v1/health, /openapi.yaml, /docs and /console needs `Authorization: Bearer <api key>`. Errors are application/problem+json (RFC 9457) with a stable `code`.',
};

/** The OpenAPI 3.1 document of the routes registered on `app`, as YAML (openapi.yaml). */
export function openApiYaml(app: OpenAPIHono): string {
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
    for (const operation of Object.values(methods as Record<string, { responses?: Record<string, ResponseObject> }>)) {
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
