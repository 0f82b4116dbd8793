/**
 * Wraps a fetch handler with one access-log line per request, `GET /v1/topics 200 3ms`
 * (local mode, when FRESHET_LOG_REQUESTS is set; deployed, API Gateway writes the access log).
 * Only the method, path, query, status and duration: never a header, so never a key.
 */
export function withAccessLog<E extends unknown[]>(
  fetch: (request: Request, ...rest: E) => Response | Promise<Response>,
  write: (line: string) => void,
): (request: Request, ...rest: E) => Promise<Response> {
  return async (request, ...rest) => {
    const started = performance.now();
    const url = new URL(request.url);
    const target = `${request.method} ${url.pathname}${url.search}`;
    try {
      const response = await fetch(request, ...rest);
      write(`${target} ${response.status} ${Math.round(performance.now() - started)}ms`);
      return response;
    } catch (err) {
      write(`${target} failed ${Math.round(performance.now() - started)}ms`);
      throw err;
    }
  };
}
