import type { Scope } from './scope.js';

/** An API key as stored: never the key itself, only its SHA-256. */
export interface StoredKey {
  id: string;
  name: string;
  scopes: Scope[];
  /** Hex SHA-256 of the key. */
  hash: string;
  /** The first characters of the key, so a person can tell keys apart. */
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
}
