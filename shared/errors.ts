/**
 * One error hierarchy for the whole service. Each subclass has a stable `code`, an HTTP
 * status and the data a caller needs to recover; `shared/http/problem.ts` turns any of
 * them into RFC 9457 problem+json in one place, so no handler picks a status by hand.
 */
export class FreshetError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra members of the problem document (e.g. `logStartOffset`, `highWatermark`). */
  readonly extensions: Record<string, unknown>;

  constructor(code: string, status: number, message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.extensions = extensions;
  }
}

/** The request is malformed; `errors` names each offending field. */
export class InvalidRequestError extends FreshetError {
  constructor(message: string, errors: { path: string; message: string }[] = []) {
    super('INVALID_REQUEST', 400, message, errors.length > 0 ? { errors } : {});
  }
}

export class UnauthorizedError extends FreshetError {
  constructor(message = 'a valid API key is required: Authorization: Bearer <key>') {
    super('UNAUTHORIZED', 401, message);
  }
}

export class NotFoundError extends FreshetError {}

/** A known path, but not for this method: the answer carries `Allow` (problem.ts sets the header). */
export class MethodNotAllowedError extends FreshetError {
  constructor(
    method: string,
    path: string,
    readonly allow: readonly string[],
  ) {
    super('METHOD_NOT_ALLOWED', 405, `${path} does not answer ${method}; it answers ${allow.join(', ')}`, { allow });
  }
}

export class TopicNotFoundError extends NotFoundError {
  constructor(topic: string) {
    super('TOPIC_NOT_FOUND', 404, `topic '${topic}' does not exist`, { topic });
  }
}

export class PartitionNotFoundError extends NotFoundError {
  constructor(topic: string, partition: number, partitions: number) {
    super('PARTITION_NOT_FOUND', 404, `topic '${topic}' has partitions 0..${partitions - 1}; there is no partition ${partition}`, {
      topic,
      partition,
      partitions,
    });
  }
}

export class TopicExistsError extends FreshetError {
  constructor(topic: string) {
    super('TOPIC_EXISTS', 409, `topic '${topic}' already exists`, { topic });
  }
}

/** Kafka's OFFSET_OUT_OF_RANGE: carries both bounds so the reader can reset. */
export class OffsetOutOfRangeError extends FreshetError {
  constructor(offset: number, logStartOffset: number, highWatermark: number) {
    super(
      'OFFSET_OUT_OF_RANGE',
      416,
      `offset ${offset} is outside [logStartOffset ${logStartOffset}, highWatermark ${highWatermark}]`,
      { offset, logStartOffset, highWatermark },
    );
  }
}

export class PayloadTooLargeError extends FreshetError {
  constructor(code: 'RECORD_TOO_LARGE' | 'REQUEST_TOO_LARGE' | 'TOO_MANY_RECORDS', message: string, extensions: Record<string, unknown> = {}) {
    super(code, 413, message, extensions);
  }
}

/** A semantically invalid request that parsed fine (e.g. shrinking partitions). */
export class UnprocessableError extends FreshetError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(code, 422, message, extensions);
  }
}

/**
 * A conditional append (`expectedOffsets`) found a partition's high watermark elsewhere
 * than the writer expected: nothing was written. Carries the current high watermark of
 * every partition the request stated an expectation for, so the writer can re-read from
 * there (S2's match_seq_num answers the same way).
 */
export class OffsetMismatchError extends FreshetError {
  constructor(topic: string, expected: Record<string, number>, highWatermarks: Record<string, number>) {
    const wrong = Object.keys(expected).filter((p) => expected[p] !== highWatermarks[p]);
    super(
      'OFFSET_MISMATCH',
      409,
      `topic '${topic}': ${wrong.map((p) => `partition ${p} is at high watermark ${highWatermarks[p]}, not ${expected[p]}`).join('; ')}; nothing was written`,
      { topic, expectedOffsets: expected, highWatermarks },
    );
  }
}

export class SchemaNotFoundError extends NotFoundError {
  constructor(topic: string, version?: number) {
    super('SCHEMA_NOT_FOUND', 404, version === undefined ? `topic '${topic}' has no schema` : `topic '${topic}' has no schema version ${version}`, {
      topic,
      ...(version === undefined ? {} : { version }),
    });
  }
}

/** A new schema version breaks the topic's compatibility mode; each incompatibility is named. */
export class IncompatibleSchemaError extends FreshetError {
  constructor(topic: string, compatibility: string, incompatibilities: { version: number; direction: string; pointer: string; message: string }[]) {
    const first = incompatibilities[0]!;
    super(
      'INCOMPATIBLE_SCHEMA',
      409,
      `the schema is not ${compatibility} compatible with topic '${topic}': ${incompatibilities.length} incompatibilit${incompatibilities.length === 1 ? 'y' : 'ies'}, first against version ${first.version} (${first.direction}) at '${first.pointer}': ${first.message}`,
      { topic, compatibility, incompatibilities },
    );
  }
}

/** Optimistic commit kept losing races; the client should retry after `retryAfterSeconds`. */
export class CommitContentionError extends FreshetError {
  constructor(readonly retryAfterSeconds: number) {
    super('COMMIT_CONTENTION', 503, 'too many concurrent commits to the same partition; retry later', { retryAfterSeconds });
  }
}

/**
 * A stored record batch failed its CRC-32C check or could not be parsed. From a fetch it
 * names the unreadable offsets (`baseOffset`..`lastOffset`): reading from lastOffset + 1
 * goes on past them, and the dispatcher dead-letters them that way.
 */
export class CorruptRecordBatchError extends FreshetError {
  constructor(message: string, extensions: { topic: string; partition: number; baseOffset: number; lastOffset: number } | Record<string, never> = {}) {
    super('CORRUPT_RECORD_BATCH', 500, message, extensions);
  }
}

export class GroupNotFoundError extends NotFoundError {
  constructor(group: string) {
    super('GROUP_NOT_FOUND', 404, `consumer group '${group}' does not exist`, { group });
  }
}

/** Kafka's UNKNOWN_MEMBER_ID: the member left, was never here, or its lease expired. Rejoin. */
export class UnknownMemberError extends FreshetError {
  constructor(group: string, memberId: string, generation: number) {
    super('UNKNOWN_MEMBER_ID', 409, `'${memberId}' is not a member of group '${group}' (left, or its session timed out); join again`, {
      group,
      memberId,
      generation,
    });
  }
}

/** Kafka's ILLEGAL_GENERATION: the group rebalanced; heartbeat or rejoin for the new assignment. */
export class IllegalGenerationError extends FreshetError {
  constructor(group: string, given: number, generation: number) {
    super('ILLEGAL_GENERATION', 409, `group '${group}' is at generation ${generation}, not ${given}; heartbeat to get the current assignment`, {
      group,
      generation,
    });
  }
}

export class PartitionNotAssignedError extends FreshetError {
  constructor(group: string, memberId: string, topic: string, partition: number, generation: number) {
    super('PARTITION_NOT_ASSIGNED', 409, `member '${memberId}' does not own ${topic}/${partition} in generation ${generation} of group '${group}'`, {
      group,
      topic,
      partition,
      generation,
    });
  }
}

export class GroupNotEmptyError extends FreshetError {
  constructor(group: string, members: number) {
    super('GROUP_NOT_EMPTY', 409, `consumer group '${group}' still has ${members} live member(s)`, { group, members });
  }
}

/** A valid key without the scope the route needs. */
export class ForbiddenError extends FreshetError {
  constructor(message: string) {
    super('FORBIDDEN', 403, message);
  }
}

export class KeyNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('KEY_NOT_FOUND', 404, `API key '${id}' does not exist (or was revoked)`, { id });
  }
}

export class SubscriptionNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('SUBSCRIPTION_NOT_FOUND', 404, `subscription '${id}' does not exist`, { id });
  }
}

/**
 * A webhook URL the SSRF guard refuses: not https, or a host that is (or resolves to) a
 * loopback, private, link-local or otherwise internal address. `reason` says which.
 */
export class ForbiddenWebhookUrlError extends FreshetError {
  constructor(reason: string) {
    super('WEBHOOK_URL_FORBIDDEN', 422, `the webhook URL is not allowed: ${reason}`, { reason });
  }
}

export class ReplayNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('REPLAY_NOT_FOUND', 404, `replay '${id}' does not exist`, { id });
  }
}

/**
 * DynamoDB or S3 did not answer, or asked us to slow down (throttling, 5xx, refused or
 * reset connections, timeouts): the request may succeed if retried, so 503 + Retry-After,
 * never 500. `parts` names what is down (`dynamodb`, `s3`).
 */
export class StorageUnavailableError extends FreshetError {
  constructor(
    readonly parts: readonly string[],
    reason: 'unavailable' | 'throttled',
    readonly retryAfterSeconds = 1,
  ) {
    super(
      reason === 'throttled' ? 'STORAGE_THROTTLED' : 'STORAGE_UNAVAILABLE',
      503,
      reason === 'throttled' ? `storage (${parts.join(', ')}) is throttling requests; retry later` : `storage (${parts.join(', ')}) is unavailable; retry later`,
      { parts: [...parts], retryAfterSeconds },
    );
  }
}
