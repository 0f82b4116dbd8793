import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Topic } from '../model/topic.js';
import type { StorageClients } from './clients.js';
import { deleteAll, queryAll } from './paginate.js';
import { DELETED_TOPIC_LIST_PK, deletedTopicKey, ENTRY_PREFIX, entryKey, entrySk, headKey, INDEX_LIST, logPk, MAINTENANCE_LEASE_KEY, sweepKey, timeKey } from './keys.js';
import { toEntry } from './log-store.js';
import { type IndexEntry } from '../model/log-index.js';
import type { StoredObject } from '../model/stored-object.js';

/**
 * The storage operations of the scheduled maintenance: index swaps (compaction),
 * log-start moves (retention), tier marks, and object listing, copying and deletion.
 * Every index change is conditional on the entry being as it was read, so two runs (or a
 * run racing a produce) can never both apply, and an offset is always covered once.
 */
export class MaintenanceStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
    private readonly bucket: string,
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
    try {
      await this.clients.doc.send(
        new TransactWriteCommand({
          TransactItems: [
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
                Item: { pk, sk: entrySk(last.lastOffset), timeKey: timeKey(replacement.appendTime, replacement.baseOffset), ...stripUndefined(replacement) },
                ConditionExpression: 'objectKey = :k AND byteOffset = :o',
                ExpressionAttributeValues: { ':k': last.objectKey, ':o': last.byteOffset },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException) return false;
      throw err;
    }
  }

  /** Retention: drops the oldest entry and moves the log start past it, in one transaction. */
  async removeOldestEntry(topicId: string, partition: number, entry: IndexEntry): Promise<boolean> {
    try {
      await this.clients.doc.send(
        new TransactWriteCommand({
          TransactItems: [
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
                UpdateExpression: 'SET logStartOffset = :start ADD #bytes :minus',
                // The log start only moves forward, and only past this very entry.
                ConditionExpression: 'logStartOffset <= :base',
                ExpressionAttributeNames: { '#bytes': 'bytes' },
                ExpressionAttributeValues: { ':start': entry.lastOffset + 1, ':base': entry.baseOffset, ':minus': -entry.byteLength },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException) return false;
      throw err;
    }
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

  async deletedTopics(): Promise<(Topic & { deletedAt: number })[]> {
    const out = await this.clients.doc.send(
      new QueryCommand({ TableName: this.table, IndexName: INDEX_LIST, KeyConditionExpression: 'listPk = :pk', ExpressionAttributeValues: { ':pk': DELETED_TOPIC_LIST_PK } }),
    );
    return (out.Items ?? []) as (Topic & { deletedAt: number })[];
  }

  /** Deletes every item of a partition's log (head and entries); answers the objects they named. */
  async purgePartition(topicId: string, partition: number): Promise<Set<string>> {
    const objects = new Set<string>();
    const items = await queryAll(this.clients.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': logPk(topicId, partition) }, ConsistentRead: true });
    for (const item of items) if (typeof item.objectKey === 'string') objects.add(item.objectKey);
    await deleteAll(this.clients.doc, this.table, items.map((i) => ({ pk: i.pk, sk: i.sk })));
    return objects;
  }

  async forgetDeletedTopic(topicId: string): Promise<void> {
    await this.clients.doc.send(new DeleteCommand({ TableName: this.table, Key: deletedTopicKey(topicId) }));
  }

  /** One maintenance run at a time: a lease item, taken conditionally, that expires by itself. */
  async acquireLease(owner: string, now: number, ttlMs: number): Promise<boolean> {
    try {
      await this.clients.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...MAINTENANCE_LEASE_KEY, owner, leaseUntil: now + ttlMs },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** When the topic's objects were last listed in full (orphan GC). */
  async lastSweep(topicId: string): Promise<number> {
    const out = await this.clients.doc.send(new GetCommand({ TableName: this.table, Key: sweepKey(topicId), ConsistentRead: true }));
    return (out.Item?.at as number | undefined) ?? 0;
  }

  async recordSweep(topicId: string, at: number): Promise<void> {
    await this.clients.doc.send(new PutCommand({ TableName: this.table, Item: { ...sweepKey(topicId), at } }));
  }

  async releaseLease(owner: string): Promise<void> {
    try {
      await this.clients.doc.send(
        new DeleteCommand({ TableName: this.table, Key: MAINTENANCE_LEASE_KEY, ConditionExpression: '#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' }, ExpressionAttributeValues: { ':owner': owner } }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async listObjects(prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    let token: string | undefined;
    do {
      const out: ListObjectsV2CommandOutput = await this.clients.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) objects.push({ key: o.Key!, lastModified: o.LastModified?.getTime() ?? 0, size: o.Size ?? 0 });
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  async putSegment(key: string, body: Uint8Array, metadata: Record<string, string>): Promise<void> {
    await this.clients.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/vnd.kafka.record-batch', Metadata: metadata }));
  }

  /** Rewrites an object in place with another storage class (a copy onto itself). */
  async changeStorageClass(key: string, storageClass: string): Promise<void> {
    const head = await this.clients.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    await this.clients.s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: key,
        CopySource: `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
        StorageClass: storageClass as never,
        MetadataDirective: 'REPLACE',
        Metadata: head.Metadata,
        ContentType: head.ContentType,
      }),
    );
  }

  async storageClass(key: string): Promise<string> {
    const head = await this.clients.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    return head.StorageClass ?? 'STANDARD';
  }

  async deleteObjects(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      await this.clients.s3.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }),
      );
    }
  }

}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
