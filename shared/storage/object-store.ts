import { CopyObjectCommand, DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredObject } from '../model/stored-object.js';
import type { StorageClients } from './clients.js';
import { sweepKey } from './keys.js';

/**
 * The bucket's objects as maintenance handles them: listing, segment writes, storage
 * class changes and deletion, plus the per-topic mark of when its objects were last
 * listed in full (so idle topics are not listed on every run).
 */
export class ObjectStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
    private readonly bucket: string,
  ) {}

  /** When the topic's objects were last listed in full (orphan GC). */
  async lastSweep(topicId: string): Promise<number> {
    const out = await this.clients.doc.send(new GetCommand({ TableName: this.table, Key: sweepKey(topicId), ConsistentRead: true }));
    return (out.Item?.at as number | undefined) ?? 0;
  }

  async recordSweep(topicId: string, at: number): Promise<void> {
    await this.clients.doc.send(new PutCommand({ TableName: this.table, Item: { ...sweepKey(topicId), at } }));
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
