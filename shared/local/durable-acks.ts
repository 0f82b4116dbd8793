import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StorageClients } from '../storage/clients.js';

/**
 * Local mode only: make "the emulator answered" mean "it survives a kill of the emulator".
 * See docs/local-mode.md for the evidence behind both barriers.
 *
 * DynamoDB Local answers a TransactWriteItems before its SQLite COMMIT has run: its
 * `commitTransaction` queues the COMMIT job on the single SQLite queue thread and returns
 * without waiting for it (sqlite4java's `SQLiteQueue.execute` without `.get()`). A SIGKILL
 * in that window leaves a hot journal, and the next start rolls the whole transaction back.
 * The queue is FIFO, so any request queued after it (a GetItem) returns only once the
 * COMMIT has run: that read is our barrier. Single-item writes run BEGIN/COMMIT inside
 * their own job and are already synchronous.
 *
 * s3rver answers a PutObject when the bytes have passed through its hashing stream, not when
 * its file write stream has flushed them. A HeadObject reports the size from `stat` of the
 * object file: once it equals the body's length, every byte has been written to the file
 * (the page cache survives a process kill).
 */
export function makeAcknowledgementsDurable(clients: StorageClients): void {
  clients.dynamo.middlewareStack.add(
    ((next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      const out = await next(args);
      if (context.commandName === 'TransactWriteItemsCommand') await dynamoDbLocalBarrier(clients, tableOf(args.input));
      return out;
    }) as never,
    { step: 'initialize', name: 'localDurableTransactions' },
  );
  clients.s3.middlewareStack.add(
    ((next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      const out = await next(args);
      if (context.commandName === 'PutObjectCommand') await s3rverBarrier(clients, args.input as { Bucket: string; Key: string; Body?: unknown });
      return out;
    }) as never,
    { step: 'initialize', name: 'localDurablePuts' },
  );
}

function tableOf(input: unknown): string | undefined {
  const items = (input as { TransactItems?: Record<string, { TableName?: string }>[] }).TransactItems ?? [];
  for (const item of items) {
    for (const op of Object.values(item)) if (op?.TableName) return op.TableName;
  }
  return undefined;
}

async function dynamoDbLocalBarrier(clients: StorageClients, table: string | undefined): Promise<void> {
  if (table === undefined) return;
  // Any key will do; it need not exist. What matters is that the read is queued after the COMMIT.
  await clients.dynamo.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'LOCAL#BARRIER' }, sk: { S: 'LOCAL#BARRIER' } }, ConsistentRead: true }));
}

const S3_FLUSH_TIMEOUT_MS = 5_000;

async function s3rverBarrier(clients: StorageClients, input: { Bucket: string; Key: string; Body?: unknown }): Promise<void> {
  const expected = byteLength(input.Body);
  if (expected === undefined) return;
  const deadline = performance.now() + S3_FLUSH_TIMEOUT_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key }));
    if (head.ContentLength === expected) return;
    if (performance.now() > deadline) {
      throw new Error(`s3rver acknowledged ${input.Key} but holds ${head.ContentLength} of its ${expected} bytes after ${S3_FLUSH_TIMEOUT_MS} ms`);
    }
    await sleep(wait);
  }
}

function byteLength(body: unknown): number | undefined {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return undefined;
}
