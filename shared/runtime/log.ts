import { systemClock } from '../clock.js';
import { AppendNotifier } from '../log/append-notifier.js';
import { useNativeCrc32c } from '../log/crc32c-native.js';
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
  const logger = options.logger ?? noActivityLogger;
  // Every batch this process writes or reads is checked with CRC-32C: the CPU's instructions where they load.
  const crc = useNativeCrc32c();
  if (!crc.native) logger.warn('CRC-32C runs in JavaScript, about 3.5× slower than the native module', { reason: crc.reason });
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
    logger,
  };
}
