import { StorageUnavailableError } from '../errors.js';

/**
 * The one place that decides whether an SDK error means "storage is down or throttling"
 * (worth a retry later: 503) rather than a bug (500). Both emulators and AWS fail this way:
 * a dead DynamoDB Local refuses connections, AWS throttles a hot partition, S3 answers
 * SlowDown. Anything not recognised here is left alone and stays a 500.
 */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'TooManyRequestsException',
]);
const UNAVAILABLE_NAMES = new Set(['ServiceUnavailable', 'InternalServerError', 'InternalError', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export type StoragePart = 'dynamodb' | 's3';

export function storageFailureKind(err: unknown): 'unavailable' | 'throttled' | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean }; errors?: unknown[] };
  if (THROTTLING_NAMES.has(e.name) || e.$retryable?.throttling === true) return 'throttled';
  if (UNAVAILABLE_NAMES.has(e.name)) return 'unavailable';
  if (e.code !== undefined && NETWORK_CODES.has(e.code)) return 'unavailable';
  const status = e.$metadata?.httpStatusCode;
  if (status === 503) return e.name === 'SlowDown' ? 'throttled' : 'unavailable';
  if (status !== undefined && status >= 500) return 'unavailable';
  // Node's happy-eyeballs connect wraps one failure per address in an AggregateError.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const kind = storageFailureKind(inner);
      if (kind) return kind;
    }
  }
  if (e.cause !== undefined && e.cause !== err) return storageFailureKind(e.cause);
  return undefined;
}

/** The error to answer with when `err` is a storage outage or throttle; undefined when it is not one. */
export function asStorageUnavailable(err: unknown, part?: StoragePart): StorageUnavailableError | undefined {
  if (err instanceof StorageUnavailableError) return err;
  const kind = storageFailureKind(err);
  if (kind === undefined) return undefined;
  return new StorageUnavailableError([part ?? partOf(err)], kind);
}

/** Which service an error came from: clients.ts tags every error its clients throw. */
function partOf(err: unknown): StoragePart | 'storage' {
  return (err as { [STORAGE_PART]?: StoragePart })[STORAGE_PART] ?? 'storage';
}

export const STORAGE_PART = '$freshetStoragePart';

/** Tags what a client throws with the service it talks to, so a 503 can say which part is down. */
export function tagErrorsWith(part: StoragePart) {
  return <T>(next: (args: T) => Promise<unknown>) =>
    async (args: T) => {
      try {
        return await next(args);
      } catch (err) {
        if (err !== null && typeof err === 'object') Object.assign(err, { [STORAGE_PART]: part });
        throw err;
      }
    };
}
