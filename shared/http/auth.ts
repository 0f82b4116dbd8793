import type { Context, MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import type { KeyService } from '../keys/key-service.js';
import { type Action, allows, type Principal } from '../model/scope.js';

type WithPrincipal = Context<{ Variables: { principal: Principal } }>;

/**
 * Bearer authentication: 401 for a missing, unknown or revoked key. The key is never
 * logged or echoed; only its SHA-256 is compared (in constant time) or looked up.
 */
export function authenticate(keys: KeyService): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
    if (!match) throw new UnauthorizedError();
    const principal = await keys.authenticate(match[1]!);
    if (!principal) throw new UnauthorizedError('the API key is not valid (unknown or revoked)');
    // On the context, not the Request: middleware such as bodyLimit replaces c.req.raw.
    (c as WithPrincipal).set('principal', principal);
    await next();
  };
}

export function principalOf(c: Context): Principal {
  const principal = (c as WithPrincipal).get('principal');
  if (!principal) throw new UnauthorizedError();
  return principal;
}

/** Managing topics, groups, keys and maintenance. */
export function requireAdmin(c: Context): void {
  if (!principalOf(c).admin) throw new ForbiddenError('this route needs a key with the admin scope');
}

/** `action` on each topic; with no action, any action on it (reading its metadata). */
export function requireTopics(c: Context, topics: readonly string[], action?: Action): void {
  const principal = principalOf(c);
  if (principal.admin) return;
  // A key without the action anywhere is refused even when the topic list is empty.
  const hasAction = principal.scopes.some((s) => action === undefined || s.actions.includes(action));
  const denied = topics.find((t) => !allows(principal, t, action));
  if (!hasAction || denied !== undefined) {
    const what = action ?? 'use';
    throw new ForbiddenError(denied !== undefined ? `this key may not ${what} topic '${denied}'` : `this key has no '${what}' scope`);
  }
}
