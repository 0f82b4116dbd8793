import { type AttributeValue, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StorageClients } from './clients.js';
import { entrySk, headKey, idempotencyKey, logPk } from './keys.js';
import type { CommitResult, IdempotencyRecord, OffsetCommitInProduce, PartitionAppend } from '../model/commit.js';
import type { PartitionHead } from '../model/log-index.js';
import { toHead } from './log-store.js';
import { offsetCommitItems } from './offset-commit-items.js';

/** A head item as the transaction's cancellation reason returns it (marshalled; heads hold only strings and numbers). */
function fromAttributeValues(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.N !== undefined ? Number(v.N) : v.S]));
}

/** A head not closed by a topic deletion (see closeHeads). */
const NOT_CLOSED = 'attribute_not_exists(closedAt)';
const CLOSE_CONCURRENCY = 25;

/**
 * The produce commit (invariant 3): ONE TransactWriteItems that, for every partition,
 * moves the head from the offset just read to offset + count and puts the index entry,
 * plus the idempotency record. DynamoDB applies all of it or none of it.
 */
export class CommitWriter {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  async commit(args: {
    topicId: string;
    topic: string;
    objectKey: string;
    appends: readonly PartitionAppend[];
    /**
     * `replacing`: the stored answer this commit supersedes because its offsets no longer
     * hold the request's records (see log/idempotent-answer.ts); `objectKey` as stored.
     */
    idempotency?: { key: string; record: IdempotencyRecord; nowSeconds: number; replacing?: { objectKey: string | undefined } };
    /** A consumer group's offsets, committed in the same transaction (offset-commit-items.ts). */
    offsetCommit?: OffsetCommitInProduce;
  }): Promise<CommitResult> {
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
    for (const a of args.appends) {
      const baseOffset = a.expected.nextOffset;
      const lastOffset = baseOffset + a.recordCount - 1;
      items.push({
        Update: {
          TableName: this.table,
          Key: headKey(args.topicId, a.partition),
          UpdateExpression:
            'SET nextOffset = :next, lastAppendTime = :t, logStartOffset = if_not_exists(logStartOffset, :zero) ADD #bytes :b',
          // The race this guards: two producers read the same head; only the first to
          // commit may move it, the other re-reads and lands after it (dense offsets). A
          // closed head (its topic deleted) takes nothing more, whatever a cache believes.
          ConditionExpression: a.expected.exists ? `nextOffset = :expected AND ${NOT_CLOSED}` : 'attribute_not_exists(pk)',
          // A lost race answers the head as it is now: the retry needs no read (see below).
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ExpressionAttributeNames: { '#bytes': 'bytes' },
          ExpressionAttributeValues: {
            ':next': lastOffset + 1,
            ':t': a.appendTime,
            ':zero': 0,
            ':b': a.byteLength,
            ...(a.expected.exists ? { ':expected': baseOffset } : {}),
          },
        },
      });
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            pk: logPk(args.topicId, a.partition),
            sk: entrySk(lastOffset),
            baseOffset,
            lastOffset,
            recordCount: a.recordCount,
            objectKey: args.objectKey,
            byteOffset: a.byteOffset,
            byteLength: a.byteLength,
            appendTime: a.appendTime,
            maxTimestamp: a.maxTimestamp,
            tier: 'hot',
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (args.idempotency) {
      const { key, record, nowSeconds, replacing } = args.idempotency;
      // TTL deletion lags expiry by up to days, so an expired record counts as absent. A
      // stale record may be replaced only as it was read: if a concurrent retry replaced
      // it first, we lose and replay that one.
      const stale = replacing === undefined ? '' : replacing.objectKey === undefined ? ' OR attribute_not_exists(objectKey)' : ' OR objectKey = :stale';
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...idempotencyKey(args.topic, key), ...record },
          ConditionExpression: `attribute_not_exists(pk) OR expiresAt < :now${stale}`,
          ExpressionAttributeValues: { ':now': nowSeconds, ...(replacing?.objectKey !== undefined ? { ':stale': replacing.objectKey } : {}) },
        },
      });
    }

    const idempotencyIndex = args.idempotency ? items.length - 1 : -1;
    const groupIndex = items.length;
    if (args.offsetCommit) items.push(...offsetCommitItems(this.table, args.offsetCommit));
    const leaseIndex = args.offsetCommit ? items.length - 1 : -1;

    try {
      await this.clients.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { committed: true };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      if (idempotencyIndex >= 0 && reasons[idempotencyIndex]?.Code === 'ConditionalCheckFailed') {
        return { committed: false, reason: 'idempotency-key-taken' };
      }
      if (args.offsetCommit && reasons[groupIndex]?.Code === 'ConditionalCheckFailed') return { committed: false, reason: 'offset-commit-fenced' };
      if (args.offsetCommit && reasons[leaseIndex]?.Code === 'ConditionalCheckFailed') return { committed: false, reason: 'offset-commit-lease-expired' };
      const moved = new Set<number>();
      const current = new Map<number, PartitionHead>();
      reasons.forEach((r, i) => {
        if (!r.Code || r.Code === 'None' || i >= args.appends.length * 2) return;
        const partition = args.appends[Math.floor(i / 2)]!.partition;
        moved.add(partition);
        // Another process moved the head (its cached head was stale, the common case with
        // many Lambda instances): DynamoDB returned the head as it stands, so the caller
        // retries from it instead of reading it again.
        if (i % 2 === 0 && r.Code === 'ConditionalCheckFailed' && r.Item) current.set(partition, toHead(fromAttributeValues(r.Item)));
      });
      // No per-item reason (a conflict with another transaction, or a throttle): re-read all.
      return {
        committed: false,
        reason: 'head-moved',
        partitions: moved.size > 0 ? [...moved] : args.appends.map((a) => a.partition),
        ...(current.size > 0 ? { current } : {}),
      };
    }
  }

  /**
   * Closes the heads of a topic incarnation about to be deleted (creating the ones never
   * written), so that no commit lands in it afterwards: the commit condition above refuses
   * a closed head, and `attribute_not_exists(pk)` a head that already exists.
   */
  async closeHeads(topicId: string, partitions: readonly number[], now: number): Promise<void> {
    for (let i = 0; i < partitions.length; i += CLOSE_CONCURRENCY) {
      await Promise.all(
        partitions.slice(i, i + CLOSE_CONCURRENCY).map((p) =>
          this.clients.doc.send(
            new UpdateCommand({ TableName: this.table, Key: headKey(topicId, p), UpdateExpression: 'SET closedAt = if_not_exists(closedAt, :now)', ExpressionAttributeValues: { ':now': now } }),
          ),
        ),
      );
    }
  }

  async readIdempotency(topic: string, key: string, nowSeconds: number): Promise<IdempotencyRecord | undefined> {
    const out = await this.clients.doc.send(new GetCommand({ TableName: this.table, Key: idempotencyKey(topic, key), ConsistentRead: true }));
    const item = out.Item;
    if (!item || (item.expiresAt as number) < nowSeconds) return undefined;
    return {
      fingerprint: item.fingerprint as string,
      recordPartitions: item.recordPartitions as Uint8Array,
      baseOffsets: item.baseOffsets as Record<string, number>,
      expiresAt: item.expiresAt as number,
      objectKey: item.objectKey as string | undefined,
    };
  }
}
