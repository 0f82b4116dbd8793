import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { StorageClients } from '../../shared/storage/clients.js';
import type { UsageMeter } from './usage-meter.js';

export interface CapacityProbe {
  partitions: number;
  items: number;
  reportedByDynamoDbLocal: number;
  modelled: number;
}

/**
 * Checks, in this run, whether DynamoDB Local's transactional capacity can be used: two
 * produce-shaped transactions (head Update + entry Put per partition, for 1 and for 12
 * partitions), what Local reports for each, and what the model says AWS bills.
 */
export async function probeTransactionalCapacity(clients: StorageClients, table: string, meter: UsageMeter): Promise<CapacityProbe[]> {
  const probes: CapacityProbe[] = [];
  for (const partitions of [1, 12]) {
    const items = Array.from({ length: partitions }, (_, p) => [
      {
        Update: {
          TableName: table,
          Key: { pk: `BENCH#PROBE-${partitions}#${p}`, sk: 'HEAD' },
          UpdateExpression: 'SET nextOffset = :next, lastAppendTime = :t',
          ExpressionAttributeValues: { ':next': 100, ':t': Date.now() },
        },
      },
      {
        Put: {
          TableName: table,
          Item: { pk: `BENCH#PROBE-${partitions}#${p}`, sk: 'O#00000000000000000099', baseOffset: 0, lastOffset: 99, recordCount: 100 },
        },
      },
    ]).flat();
    meter.reset();
    await clients.doc.send(new TransactWriteCommand({ TransactItems: items }));
    const { capacity } = meter.snapshot();
    probes.push({ partitions, items: items.length, reportedByDynamoDbLocal: capacity.transactionalWriteReportedByLocal, modelled: capacity.transactionalWrite });
  }
  meter.reset();
  return probes;
}
