import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeTableShape } from '../../bench/instrument/transaction-capacity.js';
import { UsageMeter } from '../../bench/instrument/usage-meter.js';
import { createTestStack, emulatorClients, type TestStack } from '../support/test-stack.js';

/**
 * Write units of the produce commit, by AWS's rules for transactions (2 units per KB of
 * each item and of each index entry), as the bench models them: DynamoDB Local reports a
 * flat figure for any transaction (bench/instrument/transaction-capacity.ts). Before the
 * byTime LSI was dropped a partition cost 6 (head, entry, the entry's LSI copy).
 */
let stack: TestStack;
const meter = new UsageMeter();

beforeAll(async () => {
  const clients = emulatorClients();
  stack = await createTestStack({ clients });
  meter.attach(clients, new Map([[stack.table, await describeTableShape(clients, stack.table)]]));
});

const writeUnitsOf = async (topic: string, records: unknown[]) => {
  meter.reset();
  const res = await stack.request('POST', `/v1/topics/${topic}/records`, { records });
  expect(res.status).toBe(200);
  return meter.snapshot().capacity.transactionalWrite;
};

describe('write units of a produce commit', () => {
  it('has no local secondary index on the table (and so no 10 GB item-collection limit)', async () => {
    const { Table } = await stack.clients.dynamo.send(new DescribeTableCommand({ TableName: stack.table }));
    expect(Table?.LocalSecondaryIndexes).toBeUndefined();
  });

  it('costs 4 write units for one partition (head + index entry, each doubled by the transaction)', async () => {
    await stack.request('POST', '/v1/topics', { name: 'one', partitions: 1 });
    expect(await writeUnitsOf('one', [{ value: 'first' }])).toBe(4);
    expect(await writeUnitsOf('one', Array.from({ length: 100 }, (_, i) => ({ value: `v${i}` })))).toBe(4);
  });

  it('costs 4 per partition touched: 48 for a keyed request over 12', async () => {
    await stack.request('POST', '/v1/topics', { name: 'twelve', partitions: 12 });
    const records = Array.from({ length: 12 }, (_, p) => ({ value: `v${p}`, partition: p }));
    expect(await writeUnitsOf('twelve', records)).toBe(48);
  });
});
