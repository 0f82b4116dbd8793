import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CommitStorage, LogStorage } from '../../shared/log/log-storage.js';
import type { PartitionAppend } from '../../shared/model/commit.js';
import { EMPTY_HEAD, type PartitionHead } from '../../shared/model/log-index.js';
import { ensureBucket, ensureTable } from '../../shared/storage/provision.js';
import { CommitWriter } from '../../shared/storage/commit-writer.js';
import { LogStore } from '../../shared/storage/log-store.js';
import { emulatorClients } from '../support/test-stack.js';

/**
 * Contract of the log's storage ports (shared/log/log-storage.ts): each behaviour is
 * written once as a scenario and run against every implementation in IMPLEMENTATIONS
 * (tansu runs its scenarios against every engine likewise). A new engine adds one entry.
 */
interface LogPorts {
  log: LogStorage;
  commits: CommitStorage;
}

const IMPLEMENTATIONS: { name: string; create: () => Promise<LogPorts> }[] = [
  {
    name: 'DynamoDB + S3 (shared/storage)',
    async create() {
      const clients = emulatorClients();
      const name = `freshet-contract-${randomUUID().slice(0, 8)}`;
      await Promise.all([ensureTable(clients, name), ensureBucket(clients, name)]);
      return { log: new LogStore(clients, name, name), commits: new CommitWriter(clients, name) };
    },
  },
];

/** An append of `count` records at `appendTime` to a partition whose head was read as `expected`. */
const append = (partition: number, expected: PartitionHead, count: number, appendTime = 1_000, byteOffset = 0): PartitionAppend => ({
  partition,
  expected,
  recordCount: count,
  byteOffset,
  byteLength: 100 * count,
  appendTime,
  maxTimestamp: appendTime,
});

const commit = (ports: LogPorts, topicId: string, appends: PartitionAppend[], objectKey = `batches/t/${randomUUID()}`) =>
  ports.commits.commit({ topicId, topic: 't', objectKey, appends });

for (const implementation of IMPLEMENTATIONS) {
  describe(`log storage contract: ${implementation.name}`, () => {
    const fresh = async () => ({ ports: await implementation.create(), topicId: randomUUID() });

    it('answers the empty head for a partition nobody wrote to', async () => {
      const { ports, topicId } = await fresh();
      expect(await ports.log.readHead(topicId, 0)).toEqual(EMPTY_HEAD);
      const heads = await ports.log.readHeads(topicId, [0, 1, 2]);
      expect([...heads.keys()].sort()).toEqual([0, 1, 2]);
      for (const head of heads.values()) expect(head).toEqual(EMPTY_HEAD);
    });

    it('moves the head by the records committed and indexes them by their last offset', async () => {
      const { ports, topicId } = await fresh();
      expect(await commit(ports, topicId, [append(0, EMPTY_HEAD, 3)], 'batches/t/a')).toEqual({ committed: true });
      const head = await ports.log.readHead(topicId, 0);
      expect(head).toMatchObject({ exists: true, nextOffset: 3, logStartOffset: 0, bytes: 300, lastAppendTime: 1_000 });
      expect(await commit(ports, topicId, [append(0, head, 2, 2_000)], 'batches/t/b')).toEqual({ committed: true });
      const entries = await ports.log.entriesFrom(topicId, 0, 4, () => false);
      expect(entries.map((e) => [e.baseOffset, e.lastOffset, e.objectKey])).toEqual([[3, 4, 'batches/t/b']]);
      const all = await ports.log.entriesFrom(topicId, 0, 0, () => false);
      expect(all.map((e) => e.baseOffset)).toEqual([0, 3]);
    });

    it('refuses a commit whose head moved since it was read, naming the partition', async () => {
      const { ports, topicId } = await fresh();
      await commit(ports, topicId, [append(0, EMPTY_HEAD, 1)]);
      // A second writer that read the head before the first commit.
      const lost = await commit(ports, topicId, [append(0, EMPTY_HEAD, 1)]);
      expect(lost).toMatchObject({ committed: false, reason: 'head-moved', partitions: [0] });
      const head = await ports.log.readHead(topicId, 0);
      expect(head.nextOffset).toBe(1);
      // With the head as it stands, so that the retry needs no read.
      expect(lost.committed === false && lost.reason === 'head-moved' && lost.current?.get(0)).toEqual(head);
    });

    it('commits several partitions all or nothing', async () => {
      const { ports, topicId } = await fresh();
      await commit(ports, topicId, [append(1, EMPTY_HEAD, 1)]);
      const outcome = await commit(ports, topicId, [append(0, EMPTY_HEAD, 1), append(1, EMPTY_HEAD, 1)]);
      expect(outcome).toMatchObject({ committed: false, reason: 'head-moved' });
      expect(await ports.log.readHead(topicId, 0)).toEqual(EMPTY_HEAD);
    });

    it('keeps one outcome per idempotency key, and forgets it once expired', async () => {
      const { ports, topicId } = await fresh();
      const record = { fingerprint: 'f1', recordPartitions: new Uint8Array([0, 0]), baseOffsets: { '0': 0 }, expiresAt: 2_000 };
      const first = await ports.commits.commit({ topicId, topic: 't', objectKey: 'batches/t/x', appends: [append(0, EMPTY_HEAD, 1)], idempotency: { key: 'k', record, nowSeconds: 1_000 } });
      expect(first).toEqual({ committed: true });
      const head = await ports.log.readHead(topicId, 0);
      const again = await ports.commits.commit({ topicId, topic: 't', objectKey: 'batches/t/y', appends: [append(0, head, 1)], idempotency: { key: 'k', record, nowSeconds: 1_000 } });
      expect(again).toEqual({ committed: false, reason: 'idempotency-key-taken' });
      expect(await ports.commits.readIdempotency('t', 'k', 1_000)).toMatchObject({ fingerprint: 'f1', baseOffsets: { '0': 0 }, expiresAt: 2_000 });
      expect(await ports.commits.readIdempotency('t', 'k', 3_000)).toBeUndefined();
    });

    it('reads a bounded run of entries from the one holding an offset (offsets for times probe with it)', async () => {
      const { ports, topicId } = await fresh();
      await commit(ports, topicId, [append(0, EMPTY_HEAD, 2, 1_000)]);
      await commit(ports, topicId, [append(0, await ports.log.readHead(topicId, 0), 2, 5_000)]);
      await commit(ports, topicId, [append(0, await ports.log.readHead(topicId, 0), 2, 9_000)]);
      const at = async (offset: number, limit: number) => (await ports.log.entriesAt(topicId, 0, offset, limit)).map((e) => [e.baseOffset, e.appendTime]);
      expect(await at(0, 10)).toEqual([[0, 1_000], [2, 5_000], [4, 9_000]]);
      expect(await at(3, 1)).toEqual([[2, 5_000]]);
      expect(await at(3, 2)).toEqual([[2, 5_000], [4, 9_000]]);
      expect(await at(6, 10)).toEqual([]);
    });

    it('reads back any byte range of a stored object', async () => {
      const { ports } = await fresh();
      const body = Uint8Array.from({ length: 256 }, (_, i) => i);
      await ports.log.putObject('batches/t/range', body, { partition: '0' });
      expect([...(await ports.log.getRange('batches/t/range', 10, 5))]).toEqual([10, 11, 12, 13, 14]);
      expect((await ports.log.getRange('batches/t/range', 0, 256)).length).toBe(256);
    });
  });
}
