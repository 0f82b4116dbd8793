import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { UnauthorizedError } from '../errors.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Bearer authentication with the root key. Keys are compared as SHA-256 digests in
 * constant time, so neither timing nor length leaks how much of a guess was right.
 */
export function requireApiKey(rootKey: string): MiddlewareHandler {
  const expected = sha256(rootKey);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header);
    if (!match || !timingSafeEqual(sha256(match[1]!), expected)) {
      throw new UnauthorizedError(match ? 'the API key is not valid' : undefined);
    }
    await next();
  };
}
