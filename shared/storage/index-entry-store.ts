import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IndexEntry } from '../model/log-index.js';
import type { StorageClients } from './clients.js';
import { ENTRY_PREFIX, entryKey, entrySk, headKey, logPk } from './keys.js';
import { toEntry } from './log-store.js';
import { deleteAll, queryAll } from './paginate.js';
import { conditionally, transactConditionally } from './conditional.js';

/**
 * The log's index entries as maintenance rewrites them: swaps (compaction), log-start
 * moves (retention), tier marks, and purging a deleted topic's partitions. Every index
 * change is conditional on the entry being as it was read, so two runs (or a run racing
 * a produce) can never both apply, and an offset is always covered once.
 */
export class IndexEntryStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  async entries(topicId: string, partition: number): Promise<IndexEntry[]> {
    const entries: IndexEntry[] = [];
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :o)',
      ExpressionAttributeValues: { ':pk': logPk(topicId, partition), ':o': ENTRY_PREFIX },
      ConsistentRead: true,
    });
    for (const item of items) entries.push(toEntry(item));
    return entries;
  }

  /**
   * Replaces consecutive entries with one that covers the same offsets (keyed, like the
   * last of them, by its last offset, so it overwrites that one). At most 99 entries: a
   * transaction holds 100 items.
   */
  async swapEntries(topicId: string, partition: number, old: readonly IndexEntry[], replacement: IndexEntry): Promise<boolean> {
    const pk = logPk(topicId, partition);
    const last = old.at(-1)!;
    return transactConditionally(this.clients.doc, [
      ...old.slice(0, -1).map((e) => ({
        Delete: {
          TableName: this.table,
          Key: { pk, sk: entrySk(e.lastOffset) },
          ConditionExpression: 'objectKey = :k AND byteOffset = :o',
          ExpressionAttributeValues: { ':k': e.objectKey, ':o': e.byteOffset },
        },
      })),
      {
        Put: {
          TableName: this.table,
          Item: entryItem(pk, last, replacement),
          ConditionExpression: 'objectKey = :k AND byteOffset = :o',
          ExpressionAttributeValues: { ':k': last.objectKey, ':o': last.byteOffset },
        },
      },
    ]);
  }

  /**
   * The log cleaner's swap: consecutive entries give way to one holding the records it
   * kept (keyed, like the last of them, by its last offset), or to none when it kept
   * nothing; the head's bytes drop by what was removed and `cleaningUpTo` marks a cleaning
   * under way, all in one transaction conditional on each entry being as it was read.
   * At most 98 entries (the head is the 100th item).
   */
  async replaceCleanedEntries(
    topicId: string,
    partition: number,
    old: readonly IndexEntry[],
    replacement: IndexEntry | undefined,
    cleaning: { upTo: number; bytesRemoved: number },
  ): Promise<boolean> {
    const pk = logPk(topicId, partition);
    const asRead = (e: IndexEntry) => ({ ConditionExpression: 'objectKey = :k AND byteOffset = :o', ExpressionAttributeValues: { ':k': e.objectKey, ':o': e.byteOffset } });
    const deleted = replacement ? old.slice(0, -1) : old;
    const last = old.at(-1)!;
    return transactConditionally(this.clients.doc, [
      ...deleted.map((e) => ({ Delete: { TableName: this.table, Key: { pk, sk: entrySk(e.lastOffset) }, ...asRead(e) } })),
      ...(replacement
        ? [{ Put: { TableName: this.table, Item: entryItem(pk, last, replacement), ...asRead(last) } }]
        : []),
      {
        Update: {
          TableName: this.table,
          Key: headKey(topicId, partition),
          UpdateExpression: 'SET cleaningUpTo = :upTo ADD #bytes :minus',
          // Never creates a head (an Update would): a purged partition has nothing to clean.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#bytes': 'bytes' },
          ExpressionAttributeValues: { ':upTo': cleaning.upTo, ':minus': -cleaning.bytesRemoved },
        },
      },
    ]);
  }

  /**
   * Ends a cleaning: moves the cleaner checkpoint (Kafka's firstDirtyOffset) and clears
   * `cleaningUpTo`, conditional on the checkpoint being the one the cleaning started from.
   */
  async finishCleaning(topicId: string, partition: number, from: number, state: { checkpoint: number; cleanBytes: number; nextTombstoneExpiry: number | null }): Promise<boolean> {
    return conditionally(
      this.clients.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: headKey(topicId, partition),
          UpdateExpression: `SET cleanerCheckpoint = :to, cleanBytes = :clean${state.nextTombstoneExpiry === null ? '' : ', nextTombstoneExpiry = :expiry'} REMOVE cleaningUpTo${state.nextTombstoneExpiry === null ? ', nextTombstoneExpiry' : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(cleanerCheckpoint) OR cleanerCheckpoint = :from)',
          ExpressionAttributeValues: {
            ':to': state.checkpoint,
            ':clean': state.cleanBytes,
            ':from': from,
            ...(state.nextTombstoneExpiry === null ? {} : { ':expiry': state.nextTombstoneExpiry }),
          },
        }),
      ),
    );
  }

  /**
   * Retention: drops the oldest entry and moves the log start past it, in one transaction.
   * `cleaned`: the entry lies below the cleaner checkpoint, so its bytes leave `cleanBytes` too.
   */
  async removeOldestEntry(topicId: string, partition: number, entry: IndexEntry, cleaned = false): Promise<boolean> {
    return transactConditionally(this.clients.doc, [
      {
        Delete: {
          TableName: this.table,
          Key: entryKey(topicId, partition, entry.lastOffset),
          ConditionExpression: 'objectKey = :k AND byteOffset = :o',
          ExpressionAttributeValues: { ':k': entry.objectKey, ':o': entry.byteOffset },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: headKey(topicId, partition),
          UpdateExpression: `SET logStartOffset = :start ADD #bytes :minus${cleaned ? ', cleanBytes :minus' : ''}`,
          // The log start only moves forward, and only past this very entry.
          ConditionExpression: 'logStartOffset <= :base',
          ExpressionAttributeNames: { '#bytes': 'bytes' },
          ExpressionAttributeValues: { ':start': entry.lastOffset + 1, ':base': entry.baseOffset, ':minus': -entry.byteLength },
        },
      },
    ]);
  }

  async markTier(topicId: string, partition: number, entry: IndexEntry, tier: IndexEntry['tier']): Promise<void> {
    try {
      await this.clients.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: entryKey(topicId, partition, entry.lastOffset),
          UpdateExpression: 'SET tier = :t',
          ConditionExpression: 'objectKey = :k',
          ExpressionAttributeValues: { ':t': tier, ':k': entry.objectKey },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /**
   * Deletes the entries of a deleted topic's partition; answers the objects they named. The
   * closed head stays until `closed.keepUntil` (unix seconds, DynamoDB's TTL): while it is
   * there, a process that still caches the deleted topic cannot start the log anew
   * (`attribute_not_exists(pk)` fails); topic caches expire long before it does.
   */
  async purgePartition(topicId: string, partition: number, closed: { at: number; keepUntil: number }): Promise<Set<string>> {
    const objects = new Set<string>();
    const head = headKey(topicId, partition);
    const items = await queryAll(this.clients.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': head.pk }, ConsistentRead: true });
    for (const item of items) if (typeof item.objectKey === 'string') objects.add(item.objectKey);
    await deleteAll(this.clients.doc, this.table, items.filter((i) => i.sk !== head.sk).map((i) => ({ pk: i.pk, sk: i.sk })));
    await this.clients.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: head,
        UpdateExpression: 'SET closedAt = if_not_exists(closedAt, :now), expiresAt = :until',
        ExpressionAttributeValues: { ':now': closed.at, ':until': closed.keepUntil },
      }),
    );
    return objects;
  }
}

/** The item of an entry that takes the place of `replaced` (keyed, like it, by its last offset). */
function entryItem(pk: string, replaced: IndexEntry, replacement: IndexEntry) {
  return { pk, sk: entrySk(replaced.lastOffset), ...stripUndefined(replacement) };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
