import { PayloadTooLargeError } from '../errors.js';

/** Produce limits, checked before anything is written. */
export const MAX_RECORD_BYTES = 1024 * 1024; // one record: key + value + headers
export const MAX_REQUEST_BYTES = 6 * 1000 * 1000; // Lambda's synchronous payload limit
export const MAX_RECORDS_PER_REQUEST = 10_000;
/**
 * The latest record timestamp accepted: 9999-12-31T23:59:59.999Z, the last instant RFC 3339
 * (and so CloudEvents' `time`) can write. It also keeps every timestampDelta of a batch
 * (|delta| < 2^48) well inside what a zigzag varlong carries as a safe integer.
 */
export const MAX_TIMESTAMP = 253_402_300_799_999;
/**
 * A commit is one TransactWriteItems of at most 100 items: two per partition (head and
 * index entry) plus the idempotency record. A request touching more partitions than this
 * could not be committed atomically, so it is refused up front.
 */
export const MAX_PARTITIONS_PER_REQUEST = 49;

/** DynamoDB's limit on the items of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * The items of a produce's commit transaction (storage/commit-writer.ts builds them): two
 * per partition touched, one for the idempotency record, and for a group offset commit
 * riding on it (storage/offset-commit-items.ts) one generation check, one Put per offset
 * and one lease update. Checked before anything is written.
 */
export function commitTransactionItems(args: { partitions: number; idempotency: boolean; committedOffsets?: number | undefined }): number {
  return 2 * args.partitions + (args.idempotency ? 1 : 0) + (args.committedOffsets === undefined ? 0 : 2 + args.committedOffsets);
}

export const FETCH_DEFAULT_LIMIT = 100;
export const FETCH_MAX_LIMIT = 10_000;
export const FETCH_DEFAULT_MAX_BYTES = 1024 * 1024;
export const FETCH_MAX_BYTES = 4 * 1024 * 1024;
export const FETCH_MAX_WAIT_MS = 20_000;
/** How often a long poll re-reads the head to notice commits from other processes. */
export const FETCH_POLL_INTERVAL_MS = 250;

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/**
 * A direct fetch hands out URLs, not bytes, so its page may be larger than a fetch's: the
 * function's response size and memory do not grow with it, and bigger pages let a
 * catching-up consumer keep S3 busy with fewer API calls.
 */
export const DIRECT_FETCH_MAX_LIMIT = 100_000;
export const DIRECT_FETCH_MAX_BYTES = 64 * 1024 * 1024;

/** How long a direct fetch's presigned URLs stay valid: minutes, so a leaked URL soon reads nothing. */
export const DIRECT_URL_TTL_SECONDS = 300;

/** 413 TOO_MANY_RECORDS past MAX_RECORDS_PER_REQUEST (a limit of size, like the byte limits, not a malformed request). */
export function checkRecordCount(count: number): void {
  if (count > MAX_RECORDS_PER_REQUEST) {
    throw new PayloadTooLargeError('TOO_MANY_RECORDS', `a request may hold at most ${MAX_RECORDS_PER_REQUEST} records; it has ${count}`, {
      records: count,
      max: MAX_RECORDS_PER_REQUEST,
    });
  }
}
