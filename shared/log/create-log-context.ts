import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { type MetricsSink, noMetrics } from '../metrics.js';
import type { StorageClients } from '../storage/clients.js';
import { CommitWriter } from '../storage/commit-writer.js';
import { LogStore } from '../storage/log-store.js';
import { TopicStore } from '../storage/topic-store.js';
import { AppendNotifier } from './append-notifier.js';
import { HeadCache } from './head-cache.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { LogContext } from './log-context.js';

export function createLogContext(options: {
  clients: StorageClients;
  table: string;
  bucket: string;
  clock?: Clock;
  commitBudgetMs?: number;
  metrics?: MetricsSink;
}): LogContext {
  return {
    topics: new TopicStore(options.clients, options.table),
    store: new LogStore(options.clients, options.table, options.bucket),
    writer: new CommitWriter(options.clients, options.table),
    clock: options.clock ?? systemClock,
    heads: new HeadCache(),
    locks: new KeyedMutex(),
    notifier: new AppendNotifier(),
    commitBudgetMs: options.commitBudgetMs ?? 10_000,
    metrics: options.metrics ?? noMetrics,
  };
}
