/**
 * /docs: Swagger UI (from the swagger-ui-dist package, served by the api itself) over
 * /openapi.yaml. "Try it out" sends requests with the key given under "Authorize"; the key
 * stays in this page's memory (persistAuthorization off). No validator badge: that would
 * send the spec to an outside service.
 */
declare const SwaggerUIBundle: (options: Record<string, unknown>) => unknown;

SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  displayOperationId: true,
  defaultModelsExpandDepth: 0,
  docExpansion: 'list',
  tryItOutEnabled: false,
});
