import { OpenAPIHono } from '@hono/zod-openapi';
import { InvalidRequestError } from '../errors.js';

/**
 * An app that route groups register on with `app.openapi(createRoute(...), handler)`: its
 * validators answer a request that fails its zod schemas with one 400 INVALID_REQUEST
 * naming each offending field. Imported with the first route group a request needs (and by
 * the OpenAPI document), so neither zod nor @hono/zod-openapi is evaluated at init.
 */
export function openApiApp(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || result.target, message: i.message }));
        throw new InvalidRequestError(`invalid ${result.target}: ${errors[0]?.path} ${errors[0]?.message}`, errors);
      }
    },
  });
}
