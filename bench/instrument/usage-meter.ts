import type { TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import type { StorageClients } from '../../shared/storage/clients.js';
import { type TableShape, transactionalCapacity } from './transaction-capacity.js';

/** What the storage clients and the server did during one phase. */
export interface UsageSnapshot {
  /** Real SDK calls sent, by command name (PutObjectCommand, TransactWriteItemsCommand, …). */
  calls: Record<string, number>;
  capacity: {
    /** Standard reads and writes: as DynamoDB Local reported them (ReturnConsumedCapacity: TOTAL), which matches AWS's rules. */
    read: number;
    write: number;
    /** Transactions: modelled from the request by AWS's rules (see transaction-capacity.ts). */
    transactionalWrite: number;
    transactionalRead: number;
    /** What DynamoDB Local reported for the same transactions; kept to show why it is not used. */
    transactionalWriteReportedByLocal: number;
  };
  /** HTTP requests the server answered and the time it spent on them (the Lambda duration estimate). */
  server: { requests: number; totalMs: number; billedMs: number };
}

/** Commands that accept ReturnConsumedCapacity, and whether they read or write. */
const CAPACITY_KIND: Record<string, 'read' | 'write' | 'transactionalWriteReportedByLocal'> = {
  GetItemCommand: 'read',
  QueryCommand: 'read',
  ScanCommand: 'read',
  BatchGetItemCommand: 'read',
  PutItemCommand: 'write',
  UpdateItemCommand: 'write',
  DeleteItemCommand: 'write',
  BatchWriteItemCommand: 'write',
  TransactWriteItemsCommand: 'transactionalWriteReportedByLocal',
};

interface ConsumedCapacity {
  CapacityUnits?: number;
}

const emptyCapacity = (): UsageSnapshot['capacity'] => ({ read: 0, write: 0, transactionalWrite: 0, transactionalRead: 0, transactionalWriteReportedByLocal: 0 });

/**
 * Counts SDK calls and DynamoDB capacity with middleware on each client's stack (the
 * document client shares the DynamoDB client's stack), and times the server's requests.
 * `reset()` starts a phase, `snapshot()` reads it.
 */
export class UsageMeter {
  private calls = new Map<string, number>();
  private capacity = emptyCapacity();
  private server = { requests: 0, totalMs: 0, billedMs: 0 };

  /** `tables`: the shape (keys, indexes) of every table written to, for the transaction model. */
  attach(clients: StorageClients, tables: ReadonlyMap<string, TableShape>): void {
    const counter =
      <Input extends object, Result extends { output: object }>(next: (args: { input: Input }) => Promise<Result>, context: { commandName?: string }) =>
      async (args: { input: Input }): Promise<Result> => {
        const name = context.commandName ?? 'unknown';
        this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
        const kind = CAPACITY_KIND[name];
        if (kind) {
          const input = args.input as { ReturnConsumedCapacity?: string };
          input.ReturnConsumedCapacity ??= 'TOTAL';
        }
        const result = await next(args);
        if (kind) this.capacity[kind] += capacityUnits((result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity);
        return result;
      };
    // At the serialize step the document client has marshalled the input: items can be sized.
    const transactionModel =
      <Input extends object, Result>(next: (args: { input: Input }) => Promise<Result>, context: { commandName?: string }) =>
      async (args: { input: Input }): Promise<Result> => {
        const result = await next(args);
        if (context.commandName === 'TransactWriteItemsCommand') {
          const modelled = transactionalCapacity(args.input as TransactWriteItemsCommandInput, tables);
          this.capacity.transactionalWrite += modelled.write;
          this.capacity.transactionalRead += modelled.read;
        }
        return result;
      };
    clients.dynamo.middlewareStack.add(counter, { step: 'initialize', name: 'benchUsageMeter' });
    clients.dynamo.middlewareStack.add(transactionModel, { step: 'serialize', name: 'benchTransactionCapacity', priority: 'high' });
    clients.s3.middlewareStack.add(counter, { step: 'initialize', name: 'benchUsageMeter' });
  }

  /** Wraps the server's fetch handler; the time is the handler's, from request to Response. */
  timeRequests<Args extends unknown[]>(handler: (request: Request, ...rest: Args) => Response | Promise<Response>) {
    return async (request: Request, ...rest: Args): Promise<Response> => {
      const t0 = performance.now();
      try {
        return await handler(request, ...rest);
      } finally {
        const ms = performance.now() - t0;
        this.server.requests++;
        this.server.totalMs += ms;
        // Lambda bills duration rounded up to the millisecond.
        this.server.billedMs += Math.max(1, Math.ceil(ms));
      }
    };
  }

  reset(): void {
    this.calls = new Map();
    this.capacity = emptyCapacity();
    this.server = { requests: 0, totalMs: 0, billedMs: 0 };
  }

  snapshot(): UsageSnapshot {
    return { calls: Object.fromEntries(this.calls), capacity: { ...this.capacity }, server: { ...this.server } };
  }
}

function capacityUnits(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number {
  if (consumed === undefined) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

export function addUsage(a: UsageSnapshot, b: UsageSnapshot): UsageSnapshot {
  const calls: Record<string, number> = { ...a.calls };
  for (const [name, n] of Object.entries(b.calls)) calls[name] = (calls[name] ?? 0) + n;
  const capacity = emptyCapacity();
  for (const key of Object.keys(capacity) as (keyof UsageSnapshot['capacity'])[]) capacity[key] = a.capacity[key] + b.capacity[key];
  return {
    calls,
    capacity,
    server: {
      requests: a.server.requests + b.server.requests,
      totalMs: a.server.totalMs + b.server.totalMs,
      billedMs: a.server.billedMs + b.server.billedMs,
    },
  };
}

export const EMPTY_USAGE: UsageSnapshot = { calls: {}, capacity: emptyCapacity(), server: { requests: 0, totalMs: 0, billedMs: 0 } };
