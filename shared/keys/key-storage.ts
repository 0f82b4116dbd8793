import type { StoredKey } from '../model/api-key.js';

/** The port API keys need from storage (implemented by storage/key-store.ts). */
export interface KeyStorage {
  create(key: StoredKey): Promise<void>;
  /** Consistent, so a revoked key stops working at once. */
  get(id: string): Promise<StoredKey | undefined>;
  list(): Promise<StoredKey[]>;
  delete(id: string): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
}
