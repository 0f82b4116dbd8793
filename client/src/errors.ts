/**
 * One error hierarchy for everything the client throws. Server errors carry the
 * problem+json document's `code`, `status`, `title` and `detail`, plus what a caller
 * needs to recover (the log's bounds on 416, the group's generation on 409).
 */
export type Problem = {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
};

export class FreshetError extends Error {
  readonly code: string;
  /** HTTP status; 0 when no answer came (network error, timeout). */
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** The whole problem document as the server sent it. */
  readonly problem: Problem;
  /** Whether sending the same request again may succeed. */
  readonly retriable: boolean;

  constructor(problem: Problem & { code: string; status: number }, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(problem.detail ?? problem.title ?? problem.code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = problem.code;
    this.status = problem.status;
    this.title = problem.title ?? problem.code;
    this.detail = problem.detail ?? '';
    this.problem = problem;
    this.retriable = options.retriable ?? false;
  }
}

/** Kafka's OFFSET_OUT_OF_RANGE: reset to one of the bounds. */
export class OffsetOutOfRangeError extends FreshetError {
  get logStartOffset(): number {
    return this.problem.logStartOffset as number;
  }
  get highWatermark(): number {
    return this.problem.highWatermark as number;
  }
}

/**
 * The group moved on (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, PARTITION_NOT_ASSIGNED):
 * heartbeat or rejoin. `generation` is the group's current one when the server said it.
 */
export class RebalanceError extends FreshetError {
  get generation(): number | undefined {
    return typeof this.problem.generation === 'number' ? this.problem.generation : undefined;
  }
}

export class NotFoundError extends FreshetError {}
export class ConflictError extends FreshetError {}
export class AuthenticationError extends FreshetError {}
export class InvalidRequestError extends FreshetError {}

/** 5xx, 429 and 503 answers: retried by the client until its deadline. */
export class ServerUnavailableError extends FreshetError {
  /** From Retry-After, when the server gave one. */
  readonly retryAfterMs: number | undefined;
  constructor(problem: Problem & { code: string; status: number }, retryAfterMs: number | undefined) {
    super(problem, { retriable: true });
    this.retryAfterMs = retryAfterMs;
  }
}

/** No answer: the connection failed or the attempt timed out. Retried like a 503. */
export class NetworkError extends FreshetError {
  constructor(detail: string, cause?: unknown) {
    super({ code: 'NETWORK_ERROR', status: 0, title: 'Network error', detail }, { retriable: true, cause });
  }
}

/** Retries ran past their deadline; `cause` is the last failure. */
export class DeadlineExceededError extends FreshetError {
  constructor(detail: string, cause: unknown) {
    super({ code: 'DEADLINE_EXCEEDED', status: 0, title: 'Deadline exceeded', detail }, { cause });
  }
}

/** Used after disconnect(), or for a message the producer cannot send (e.g. too large). */
export class ClientStateError extends FreshetError {
  constructor(code: string, detail: string) {
    super({ code, status: 0, title: code.charAt(0) + code.slice(1).toLowerCase().replaceAll('_', ' '), detail });
  }
}

const REBALANCE_CODES = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'PARTITION_NOT_ASSIGNED']);

/** The error for a non-2xx answer: picks the subclass from status and code. */
export function errorFromResponse(status: number, body: unknown, retryAfter: string | null): FreshetError {
  const problem: Problem & { code: string; status: number } = {
    ...(isObject(body) ? body : {}),
    code: isObject(body) && typeof body.code === 'string' ? body.code : `HTTP_${status}`,
    status,
  };
  if (problem.title === undefined) problem.title = `HTTP ${status}`;
  if (status === 429 || status >= 500) return new ServerUnavailableError(problem, parseRetryAfter(retryAfter));
  if (status === 416) return new OffsetOutOfRangeError(problem);
  if (status === 409 && REBALANCE_CODES.has(problem.code)) return new RebalanceError(problem);
  if (status === 409) return new ConflictError(problem);
  if (status === 404) return new NotFoundError(problem);
  if (status === 401 || status === 403) return new AuthenticationError(problem);
  if (status === 400 || status === 413 || status === 422) return new InvalidRequestError(problem);
  return new FreshetError(problem);
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
