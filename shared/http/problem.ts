import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { CommitContentionError, FreshetError, MethodNotAllowedError, StorageUnavailableError } from '../errors.js';
import { asStorageUnavailable } from '../storage/storage-failure.js';

/**
 * The one place errors become responses: RFC 9457 problem+json with a stable `code`.
 * Unknown errors are logged and answered as a 500 that reveals nothing internal.
 */
export function problemResponse(thrown: unknown, c: Context): Response {
  // An outage or throttle of DynamoDB/S3 is worth a retry: 503 + Retry-After, not 500.
  const err = asStorageUnavailable(thrown) ?? thrown;
  const problem = toProblem(err);
  const retryable = err instanceof CommitContentionError || err instanceof StorageUnavailableError;
  if (err instanceof StorageUnavailableError) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'storage unavailable', path: c.req.path, error: describe(thrown) }));
  } else if (problem.status >= 500 && !(err instanceof CommitContentionError)) {
    console.error(JSON.stringify({ level: 'error', msg: 'request failed', path: c.req.path, error: describe(thrown) }));
  }
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (retryable) headers['retry-after'] = String(err.retryAfterSeconds);
  if (err instanceof MethodNotAllowedError) headers.allow = err.allow.join(', ');
  return new Response(JSON.stringify({ ...problem, instance: c.req.path }), { status: problem.status, headers });
}

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  [extension: string]: unknown;
}

function toProblem(err: unknown): Problem {
  if (err instanceof FreshetError) {
    return { ...err.extensions, type: typeUri(err.code), title: titleOf(err.code), status: err.status, code: err.code, detail: err.message };
  }
  if (err instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[err.status] ?? 'BAD_REQUEST';
    const detail =
      err.status === 400 ? 'the request body is not valid JSON' : err.status === 415 ? 'send the body as application/json' : err.message;
    return { type: typeUri(code), title: titleOf(code), status: err.status, code, detail };
  }
  return { type: typeUri('INTERNAL'), title: 'Internal error', status: 500, code: 'INTERNAL', detail: 'an unexpected error occurred; it has been logged' };
}

const HTTP_EXCEPTION_CODES: Record<number, string> = {
  400: 'INVALID_JSON',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'REQUEST_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

const typeUri = (code: string) => `https://freshet.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
const titleOf = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replaceAll('_', ' ');

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
