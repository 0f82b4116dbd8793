import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptRecordBatchError } from '../../shared/errors.js';
import { decodeRecordBatches } from '../../shared/log/record-batch-codec.js';
import { crc32c } from '../../shared/log/crc32c.js';
import { logPk } from '../../shared/storage/keys.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';
import { decodeBatchesWithKafkajs } from './kafkajs-decoder.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

async function storedObjects(topic: string) {
  const listed = await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: `batches/${topic}/` }));
  return Promise.all(
    (listed.Contents ?? []).map(async (o) => {
      const out = await stack.clients.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: o.Key! }));
      return { key: o.Key!, bytes: Buffer.from(await out.Body!.transformToByteArray()) };
    }),
  );
}

async function indexEntries(topic: string, partition: number) {
  const { topicId } = (await stack.log.topics.get(topic))!;
  const out = await stack.clients.doc.send(
    new QueryCommand({
      TableName: stack.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :o)',
      ExpressionAttributeValues: { ':pk': logPk(topicId, partition), ':o': 'O#' },
    }),
  );
  return out.Items ?? [];
}

describe.each(['none', 'gzip'] as const)('stored batch objects (compression %s)', (compression) => {
  const topic = `stored-${compression}`;

  it('are Kafka RecordBatch v2 that kafkajs decodes to what was produced', async () => {
    await stack.request('POST', '/v1/topics', { name: topic, partitions: 3, compression });
    await stack.request('POST', `/v1/topics/${topic}/records`, { records: [{ partition: 1, value: 'warm-up' }] });
    const records = [0, 1, 2].flatMap((partition) =>
      [0, 1].map((i) => ({ partition, key: `k${partition}${i}`, value: { partition, i }, headers: { h: `v${i}` }, timestamp: 1_600_000_000_000 + i })),
    );
    const res = await stack.request('POST', `/v1/topics/${topic}/records`, { records });
    const { offsets } = (await res.json()) as { offsets: { partition: number; offset: number }[] };

    const objects = await storedObjects(topic);
    expect(objects).toHaveLength(2);
    const object = objects.find((o) => decodeRecordBatches(o.bytes).length === 3)!;
    // One object, one section per partition, each located by its index entry.
    for (const partition of [0, 1, 2]) {
      const entry = (await indexEntries(topic, partition)).find((e) => e.objectKey === object.key)!;
      const section = object.bytes.subarray(entry.byteOffset, entry.byteOffset + entry.byteLength);
      const [batch] = await decodeBatchesWithKafkajs(section);
      expect(batch!.records).toHaveLength(2);
      batch!.records.forEach((r, i) => {
        const expected = records.findIndex((x) => x.partition === partition && x.key === `k${partition}${i}`);
        expect(Number(r.offset) + entry.baseOffset).toBe(offsets[expected]!.offset);
        expect(r.key?.toString()).toBe(`k${partition}${i}`);
        expect(JSON.parse(r.value!.toString())).toEqual({ partition, i });
        expect(r.headers.h?.toString()).toBe(`v${i}`);
        expect(Number(r.timestamp)).toBe(1_600_000_000_000 + i);
      });
      // kafkajs skips the CRC; check it ourselves over attributes..end.
      expect(section.readUInt32BE(17)).toBe(crc32c(section.subarray(21)));
      expect((section.readInt16BE(21) & 0x7) === 1).toBe(compression === 'gzip');
    }
  });

  it('fail our CRC check when a byte is flipped', async () => {
    const [object] = await storedObjects(topic);
    const corrupted = Buffer.from(object!.bytes);
    corrupted[corrupted.length - 3]! ^= 0x01;
    expect(() => decodeRecordBatches(corrupted)).toThrow(CorruptRecordBatchError);
  });
});
