import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { StorageClients } from './clients.js';
import { type StoragePart, storageFailureKind } from './storage-failure.js';

const CACHE_MS = 1_500;
const PROBE_TIMEOUT_MS = 2_000;
const PROBE_KEY = { pk: { S: 'HEALTH' }, sk: { S: 'HEALTH' } };
const PROBE_OBJECT = 'health/probe';

/**
 * Answers "does storage answer?" for /v1/health: one GetItem and one HeadObject of keys
 * that need not exist (any answer that is not an outage counts as up; a missing key is
 * 404/403, and HeadObject needs no more than the s3:GetObject the API already has).
 * Cached briefly so a health check polled by a load balancer costs next to nothing.
 */
export class StorageProbe {
  private last: { at: number; down: StoragePart[] } | undefined;
  private inFlight: Promise<StoragePart[]> | undefined;

  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
    private readonly bucket: string,
  ) {}

  /** The parts that did not answer, empty when all is well. */
  async down(): Promise<StoragePart[]> {
    if (this.last && performance.now() - this.last.at < CACHE_MS) return this.last.down;
    this.inFlight ??= this.probe().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  forget(): void {
    this.last = undefined;
  }

  private async probe(): Promise<StoragePart[]> {
    const [dynamo, s3] = await Promise.all([
      this.attempt(() => this.clients.dynamo.send(new GetItemCommand({ TableName: this.table, Key: PROBE_KEY }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })),
      this.attempt(() => this.clients.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: PROBE_OBJECT }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })),
    ]);
    const down: StoragePart[] = [];
    if (!dynamo) down.push('dynamodb');
    if (!s3) down.push('s3');
    this.last = { at: performance.now(), down };
    return down;
  }

  private async attempt(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (err) {
      // A timeout or an abort is as down as a refused connection; a 404 or 403 is an answer.
      if ((err as Error).name === 'AbortError') return false;
      return storageFailureKind(err) === undefined;
    }
  }
}
