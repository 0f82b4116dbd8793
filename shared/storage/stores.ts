import type { StorageClients } from './clients.js';
import { CommitWriter } from './commit-writer.js';
import { GroupStore } from './group-store.js';
import { IndexEntryStore } from './index-entry-store.js';
import { KeyStore } from './key-store.js';
import { LeaseStore } from './lease-store.js';
import { LogStore } from './log-store.js';
import { ObjectStore } from './object-store.js';
import { ReplayStore } from './replay-store.js';
import { SubscriptionStore } from './subscription-store.js';
import { TopicStore } from './topic-store.js';

/** Where Freshet keeps everything: one table and one bucket, reached through one set of clients. */
export interface StorageLocation {
  clients: StorageClients;
  table: string;
  bucket: string;
}

/** Every store over one table and bucket; only the composition root (`shared/runtime.ts`) calls this. */
export function createStores({ clients, table, bucket }: StorageLocation) {
  return {
    topics: new TopicStore(clients, table),
    log: new LogStore(clients, table, bucket),
    commits: new CommitWriter(clients, table),
    groups: new GroupStore(clients, table),
    keys: new KeyStore(clients, table),
    subscriptions: new SubscriptionStore(clients, table),
    replays: new ReplayStore(clients, table),
    entries: new IndexEntryStore(clients, table),
    leases: new LeaseStore(clients, table),
    objects: new ObjectStore(clients, table, bucket),
  };
}

export type Stores = ReturnType<typeof createStores>;
