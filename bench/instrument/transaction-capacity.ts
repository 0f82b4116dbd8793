import { type AttributeValue, DescribeTableCommand, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import type { StorageClients } from '../../shared/storage/clients.js';
import { itemSize, units, valueSize } from './item-size.js';

/** A secondary index of a table: the attributes that put an item in it, and what it copies. */
interface IndexShape {
  keyAttributes: string[];
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
}

export interface TableShape {
  keyAttributes: string[];
  indexes: IndexShape[];
}

/** Index entries carry 100 bytes of overhead besides the attributes they hold. */
const INDEX_ENTRY_OVERHEAD = 100;
/** A transactional write bills twice a standard one: 2 write units per KB, for the item and for each index entry. */
const TRANSACTIONAL_FACTOR = 2;
const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

export async function describeTableShape(clients: StorageClients, table: string): Promise<TableShape> {
  const { Table } = await clients.dynamo.send(new DescribeTableCommand({ TableName: table }));
  const keyAttributes = (Table?.KeySchema ?? []).map((k) => k.AttributeName!);
  const indexes = [...(Table?.LocalSecondaryIndexes ?? []), ...(Table?.GlobalSecondaryIndexes ?? [])].map((i) => ({
    keyAttributes: (i.KeySchema ?? []).map((k) => k.AttributeName!),
    projection: (i.Projection?.ProjectionType ?? 'ALL') as IndexShape['projection'],
  }));
  return { keyAttributes, indexes };
}

/**
 * What AWS would bill for one TransactWriteItems, from its (marshalled) input. DynamoDB
 * Local cannot be asked: it reports the same 12 units for a transaction of 2 items and
 * one of 24. Puts are sized exactly; an Update is sized from its key and the values it
 * sets (the stored item is not read), which is exact for small items such as partition
 * heads. An item whose attributes include an index's keys also writes an index entry
 * (its keys, plus the whole item for ALL projections, plus 100 bytes).
 */
export function transactionalCapacity(input: TransactWriteItemsCommandInput, tables: ReadonlyMap<string, TableShape>): { write: number; read: number } {
  let write = 0;
  let read = 0;
  for (const entry of input.TransactItems ?? []) {
    if (entry.Put) {
      const item = entry.Put.Item ?? {};
      write += units(itemSize(item), WRITE_UNIT_BYTES) + indexUnits(item, tables.get(entry.Put.TableName ?? ''));
    } else if (entry.Update) {
      const u = entry.Update;
      const values = Object.values(u.ExpressionAttributeValues ?? {}).reduce((n, v) => n + valueSize(v), 0);
      write += units(itemSize(u.Key ?? {}) + values + Object.keys(u.ExpressionAttributeValues ?? {}).length * 8, WRITE_UNIT_BYTES);
    } else if (entry.Delete) {
      write += units(itemSize(entry.Delete.Key ?? {}), WRITE_UNIT_BYTES);
    } else if (entry.ConditionCheck) {
      read += units(itemSize(entry.ConditionCheck.Key ?? {}), READ_UNIT_BYTES);
    }
  }
  return { write: write * TRANSACTIONAL_FACTOR, read: read * TRANSACTIONAL_FACTOR };
}

function indexUnits(item: Record<string, AttributeValue>, table: TableShape | undefined): number {
  if (!table) return 0;
  let total = 0;
  for (const index of table.indexes) {
    if (!index.keyAttributes.every((a) => item[a] !== undefined)) continue; // sparse: not in this index
    const keys = [...new Set([...table.keyAttributes, ...index.keyAttributes])];
    const projected = index.projection === 'ALL' ? item : Object.fromEntries(keys.map((k) => [k, item[k]!]));
    total += units(itemSize(projected) + INDEX_ENTRY_OVERHEAD, WRITE_UNIT_BYTES);
  }
  return total;
}
