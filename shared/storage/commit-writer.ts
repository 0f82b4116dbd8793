import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { StorageClients } from './clients.js';
import { entrySk, headKey, idempotencyKey, logPk, timeKey } from './keys.js';
import type { CommitResult, IdempotencyRecord, PartitionAppend } from '../model/commit.js';

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
    idempotency?: { key: string; record: IdempotencyRecord; nowSeconds: number };
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
          // commit may move it, the other re-reads and lands after it (dense offsets).
          ConditionExpression: a.expected.exists ? 'nextOffset = :expected' : 'attribute_not_exists(pk)',
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
            timeKey: timeKey(a.appendTime, baseOffset),
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
      const { key, record, nowSeconds } = args.idempotency;
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...idempotencyKey(args.topic, key), ...record },
          // TTL deletion lags expiry by up to days, so an expired record counts as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        },
      });
    }

    try {
      await this.clients.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { committed: true };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      const idempotencyIndex = args.idempotency ? items.length - 1 : -1;
      if (idempotencyIndex >= 0 && reasons[idempotencyIndex]?.Code === 'ConditionalCheckFailed') {
        return { committed: false, reason: 'idempotency-key-taken' };
      }
      const moved = new Set<number>();
      reasons.forEach((r, i) => {
        if (r.Code && r.Code !== 'None' && i < args.appends.length * 2) moved.add(args.appends[Math.floor(i / 2)]!.partition);
      });
      // No per-item reason (a conflict with another transaction, or a throttle): re-read all.
      return { committed: false, reason: 'head-moved', partitions: moved.size > 0 ? [...moved] : args.appends.map((a) => a.partition) };
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
    };
  }
}
