import { PutObjectCommand } from '@aws-sdk/client-s3';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type BatchSection, buildBatchObject } from '../shared/log/batch-object.js';
import { KeyedMutex } from '../shared/log/keyed-mutex.js';
import type { StorageClients } from '../shared/storage/clients.js';
import { entrySk, headKey, logPk } from '../shared/storage/keys.js';
import { type ClosedLoopResult, runClosedLoop } from './load/closed-loop.js';
import { BODY_VARIANTS, type ProduceShape, recordsByPartition } from './workload.js';

/** One request's worth of floor work: the bytes of the object a produce would write, and its sections. */
interface FloorRequest {
  body: Buffer;
  sections: BatchSection[];
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/**
 * The storage floor of a produce: what the design says a produce must cost at the very
 * least, sent straight through the SDK. Per request, one PutObject of exactly the bytes
 * the produce writes (encoded before the clock starts: no codec), then one
 * TransactWriteItems with, per touched partition, the head Update conditional on the
 * offset last seen and the index entry Put — the same items shared/storage/commit-writer.ts
 * builds, written out here so the floor does not move when that code does. No HTTP, no
 * JSON, no topic look-up. Commits to one partition queue on an in-process lock with the
 * head kept in memory, because a conditional head move cannot go faster than one at a
 * time per partition: that is the floor of a correct commit, not an implementation choice.
 */
export class StorageFloor {
  private readonly locks = new KeyedMutex();
  private readonly heads = new Map<string, number>();
  private objects = 0;

  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
    private readonly bucket: string,
  ) {}

  /** Encodes the request bodies once, with the same records, keys and partitioning a produce of `shape` has. */
  prepare(shape: ProduceShape): FloorRequest[] {
    const now = Date.now();
    return Array.from({ length: BODY_VARIANTS }, (_, variant) => buildBatchObject(recordsByPartition(shape, variant, now), 'none'));
  }

  async run(options: { logId: string; requests: readonly FloorRequest[]; clients: number; durationMs: number }): Promise<ClosedLoopResult> {
    return runClosedLoop({
      workers: options.clients,
      durationMs: options.durationMs,
      operation: (worker, iteration) => this.append(options.logId, options.requests[(worker * 5 + iteration) % options.requests.length]!),
    });
  }

  private async append(logId: string, request: FloorRequest): Promise<void> {
    const objectKey = `floor/${logId}/${this.objects++}`;
    await this.clients.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: objectKey,
        Body: request.body,
        ContentType: 'application/vnd.kafka.record-batch',
        Metadata: { 'topic-id': logId, partitions: request.sections.map((s) => s.partition).join(',') },
      }),
    );
    const lockKeys = request.sections.map((s) => `${logId}#${s.partition}`);
    await this.locks.withKeys(lockKeys, async () => {
      const appendTime = Date.now();
      const items: TransactItems = [];
      for (const s of request.sections) {
        const expected = this.heads.get(`${logId}#${s.partition}`);
        const baseOffset = expected ?? 0;
        const lastOffset = baseOffset + s.recordCount - 1;
        items.push({
          Update: {
            TableName: this.table,
            Key: headKey(logId, s.partition),
            UpdateExpression: 'SET nextOffset = :next, lastAppendTime = :t, logStartOffset = if_not_exists(logStartOffset, :zero) ADD #bytes :b',
            ConditionExpression: expected === undefined ? 'attribute_not_exists(pk)' : 'nextOffset = :expected',
            ExpressionAttributeNames: { '#bytes': 'bytes' },
            ExpressionAttributeValues: {
              ':next': lastOffset + 1,
              ':t': appendTime,
              ':zero': 0,
              ':b': s.byteLength,
              ...(expected === undefined ? {} : { ':expected': baseOffset }),
            },
          },
        });
        items.push({
          Put: {
            TableName: this.table,
            Item: {
              pk: logPk(logId, s.partition),
              sk: entrySk(lastOffset),
              baseOffset,
              lastOffset,
              recordCount: s.recordCount,
              objectKey,
              byteOffset: s.byteOffset,
              byteLength: s.byteLength,
              appendTime,
              maxTimestamp: s.maxTimestamp,
              tier: 'hot',
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      await this.clients.doc.send(new TransactWriteCommand({ TransactItems: items }));
      for (const s of request.sections) this.heads.set(`${logId}#${s.partition}`, (this.heads.get(`${logId}#${s.partition}`) ?? 0) + s.recordCount);
    });
  }
}
