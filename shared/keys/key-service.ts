import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { KeyNotFoundError } from '../errors.js';
import type { KeyStorage } from './key-storage.js';
import type { StoredKey } from '../model/api-key.js';
import { type Principal, principalFromScopes, type Scope } from '../model/scope.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();
/** How often a key's lastUsedAt is written at most, per process: not a write per request. */
const TOUCH_INTERVAL_MS = 60_000;

export type KeyView = Omit<StoredKey, 'hash'>;

/**
 * API keys: `fk_` + 32 random bytes (base64url), shown once. The id is derived from the
 * key's SHA-256, so authenticating is one consistent GetItem and the key is never stored.
 */
export class KeyService {
  private readonly rootHash: Buffer;
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: KeyStorage,
    private readonly clock: Clock,
    rootKey: string,
  ) {
    this.rootHash = sha256(rootKey);
  }

  async create(name: string, scopes: Scope[]): Promise<KeyView & { key: string }> {
    const key = `fk_${randomBytes(32).toString('base64url')}`;
    const hash = sha256(key).toString('hex');
    const stored: StoredKey = { id: idOf(hash), name, scopes, hash, prefix: key.slice(0, 9), createdAt: this.clock.now(), lastUsedAt: null };
    await this.store.create(stored);
    const { hash: _hash, ...view } = stored;
    return { ...view, key };
  }

  async list(): Promise<KeyView[]> {
    return (await this.store.list()).map(({ hash: _hash, ...view }) => view);
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.delete(id))) throw new KeyNotFoundError(id);
  }

  /** The principal for a presented key, or undefined for an unknown or revoked one. */
  async authenticate(presented: string): Promise<Principal | undefined> {
    const digest = sha256(presented);
    if (timingSafeEqual(digest, this.rootHash)) return { keyId: 'root', admin: true, scopes: [] };
    if (!presented.startsWith('fk_')) return undefined;
    const hash = digest.toString('hex');
    const stored = await this.store.get(idOf(hash));
    if (!stored || !timingSafeEqual(Buffer.from(stored.hash, 'hex'), digest)) return undefined;
    const now = this.clock.now();
    if (now - (this.touched.get(stored.id) ?? 0) > TOUCH_INTERVAL_MS) {
      this.touched.set(stored.id, now);
      await this.store.touch(stored.id, now);
    }
    return principalFromScopes(stored.id, stored.scopes);
  }
}

const idOf = (hash: string) => `key_${hash.slice(0, 24)}`;
