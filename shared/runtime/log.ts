import { systemClock } from '../clock.js';
import { AppendNotifier } from '../log/append-notifier.js';
import { HeadCache } from '../log/head-cache.js';
import { TopicCache } from '../log/topic-cache.js';
import { KeyedMutex } from '../log/keyed-mutex.js';
import { SchemaCache } from '../log/schema-cache.js';
import type { LogContext } from '../log/log-context.js';
import { noActivityLogger } from '../logger.js';
import { noMetrics } from '../metrics.js';
import { DEFAULT_COMMIT_BUDGET_MS } from '../model/settings.js';
import { CommitWriter } from '../storage/commit-writer.js';
import { LogStore } from '../storage/log-store.js';
import { SchemaStore } from '../storage/schema-store.js';
import { TopicStore } from '../storage/topic-store.js';
import type { RuntimeOptions } from './options.js';

/** The log's context: its stores (bound to the log's ports here) and per-process state. */
export function buildLog(options: RuntimeOptions): LogContext {
  const { clients, table, bucket } = options;
  const clock = options.clock ?? systemClock;
  return {
    topics: new TopicStore(clients, table),
    store: new LogStore(clients, table, bucket),
    writer: new CommitWriter(clients, table),
    schemas: new SchemaCache(new SchemaStore(clients, table), clock),
    clock,
    heads: new HeadCache(),
    topicCache: new TopicCache(),
    locks: new KeyedMutex(),
    notifier: new AppendNotifier(),
    commitBudgetMs: options.commitBudgetMs ?? DEFAULT_COMMIT_BUDGET_MS,
    metrics: options.metrics ?? noMetrics,
    logger: options.logger ?? noActivityLogger,
  };
}
