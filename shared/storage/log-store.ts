import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StorageClients } from './clients.js';
import { RangePresigner } from './range-presigner.js';
import { ENTRY_SK_END, entrySk, headKey, logPk, partitionOfLogPk } from './keys.js';
import { getAll } from './paginate.js';
import { type CleanerState, EMPTY_HEAD, type IndexEntry, type PartitionHead } from '../model/log-index.js';

/** Reads of the log's data (S3) and metadata (DynamoDB). Commits live in `commit-writer.ts`. */
export class LogStore {
  private presigner: RangePresigner | undefined;

  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
    private readonly bucket: string,
  ) {}

  async readHead(topicId: string, partition: number): Promise<PartitionHead> {
    const out = await this.clients.doc.send(
      new GetCommand({ TableName: this.table, Key: headKey(topicId, partition), ConsistentRead: true }),
    );
    return out.Item ? toHead(out.Item) : EMPTY_HEAD;
  }

  /** Strongly consistent heads of many partitions, 100 keys per BatchGetItem (its limit). */
  async readHeads(topicId: string, partitions: readonly number[]): Promise<Map<number, PartitionHead>> {
    const heads = new Map<number, PartitionHead>(partitions.map((p) => [p, EMPTY_HEAD]));
    const items = await getAll(this.clients.doc, this.table, partitions.map((p) => headKey(topicId, p)));
    for (const item of items) heads.set(partitionOfLogPk(item.pk as string), toHead(item));
    return heads;
  }

  /**
   * Entries whose last offset is ≥ `offset`, in offset order: the first one holds `offset`.
   * Reads stop once `enough` says the entries cover what the caller wants.
   */
  async entriesFrom(topicId: string, partition: number, offset: number, enough: (entries: IndexEntry[]) => boolean): Promise<IndexEntry[]> {
    const entries: IndexEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.clients.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': logPk(topicId, partition), ':from': entrySk(offset), ':to': ENTRY_SK_END },
          ConsistentRead: true,
          Limit: 50,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) entries.push(toEntry(item));
      start = out.LastEvaluatedKey;
    } while (start && !enough(entries));
    return entries;
  }

  /** Up to `limit` consecutive entries from the one holding `offset`: one Query, no paging. */
  async entriesAt(topicId: string, partition: number, offset: number, limit: number): Promise<IndexEntry[]> {
    const out = await this.clients.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': logPk(topicId, partition), ':from': entrySk(offset), ':to': ENTRY_SK_END },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(toEntry);
  }

  async putObject(key: string, body: Uint8Array, metadata: Record<string, string>): Promise<void> {
    await this.clients.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/vnd.kafka.record-batch', Metadata: metadata }),
    );
  }

  /** One ranged GET: `length` bytes of `key` starting at `start`. */
  async getRange(key: string, start: number, length: number): Promise<Uint8Array> {
    const out = await this.clients.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: rangeHeader(start, length) }),
    );
    if (!out.Body) throw new Error(`empty body for ${key} bytes=${start}+${length}`);
    return out.Body.transformToByteArray();
  }

  /**
   * A presigned GET of exactly `length` bytes of `key` from `start`, valid `expiresInSeconds`.
   * The Range header is one of the signed headers (X-Amz-SignedHeaders=host;range): S3
   * recomputes the signature over the Range the caller sends, so the URL answers 403 for
   * any other range, or none, and names one object only. (An unsigned Range would be
   * ignored by the signature check, and the URL would read the whole object.)
   */
  async presignRange(key: string, start: number, length: number, expiresInSeconds: number): Promise<string> {
    this.presigner ??= new RangePresigner(this.clients.s3, this.bucket);
    return this.presigner.presign(key, rangeHeader(start, length), expiresInSeconds);
  }
}

/** The HTTP Range header value for `length` bytes from `start`. */
export function rangeHeader(start: number, length: number): string {
  return `bytes=${start}-${start + length - 1}`;
}

export function toHead(item: Record<string, unknown>): PartitionHead {
  return {
    exists: true,
    // A head closed before any append to its partition has no nextOffset.
    nextOffset: (item.nextOffset as number | undefined) ?? 0,
    logStartOffset: (item.logStartOffset as number | undefined) ?? 0,
    bytes: (item.bytes as number | undefined) ?? 0,
    lastAppendTime: (item.lastAppendTime as number | undefined) ?? null,
    ...(item.closedAt !== undefined ? { closed: true as const } : {}),
    ...(item.cleanerCheckpoint !== undefined || item.cleaningUpTo !== undefined ? { cleaner: toCleanerState(item) } : {}),
  };
}

/** The log cleaner's attributes on a HEAD item (written by IndexEntryStore, never by produce). */
function toCleanerState(item: Record<string, unknown>): CleanerState {
  return {
    checkpoint: (item.cleanerCheckpoint as number | undefined) ?? 0,
    cleanBytes: (item.cleanBytes as number | undefined) ?? 0,
    cleaningUpTo: (item.cleaningUpTo as number | undefined) ?? null,
    nextTombstoneExpiry: (item.nextTombstoneExpiry as number | undefined) ?? null,
  };
}

export function toEntry(item: Record<string, unknown>): IndexEntry {
  return {
    baseOffset: item.baseOffset as number,
    lastOffset: item.lastOffset as number,
    recordCount: item.recordCount as number,
    objectKey: item.objectKey as string,
    byteOffset: item.byteOffset as number,
    byteLength: item.byteLength as number,
    appendTime: item.appendTime as number,
    maxTimestamp: item.maxTimestamp as number,
    tier: (item.tier as IndexEntry['tier'] | undefined) ?? 'hot',
    timeIndex: item.timeIndex as number[] | undefined,
  };
}
