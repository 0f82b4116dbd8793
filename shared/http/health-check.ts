import type { Context } from 'hono';
import { StorageUnavailableError } from '../errors.js';

/** What health asks: the storage parts that do not answer (empty when all is well). Implemented by storage/storage-probe.ts. */
export interface HealthCheck {
  down(): Promise<string[]>;
  /** A request just met a storage outage: the next health check asks storage again instead of answering from its cache. */
  forget(): void;
}

export const HEALTH_PATH = '/v1/health';

/**
 * Liveness that means something: the API answers only 200 when DynamoDB and S3 answer too.
 * A plain handler, with no zod: createApp registers it at init, ahead of the authentication
 * and body-limit middleware, and routes/health.ts documents it in openapi.yaml.
 */
export function healthHandler(probe: HealthCheck) {
  return async (c: Context) => {
    const down = await probe.down();
    if (down.length > 0) throw new StorageUnavailableError(down, 'unavailable');
    return c.json({ status: 'ok' as const }, 200);
  };
}
