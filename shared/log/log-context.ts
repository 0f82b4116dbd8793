import type { Clock } from '../clock.js';
import type { ActivityLogger } from '../logger.js';
import type { MetricsSink } from '../metrics.js';
import type { AppendNotifier } from './append-notifier.js';
import type { HeadCache } from './head-cache.js';
import type { TopicCache } from './topic-cache.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { CommitStorage, LogStorage, TopicStorage } from './log-storage.js';
import type { SchemaCache } from './schema-cache.js';

/** Everything the log's operations need, created once per process. */
export interface LogContext {
  topics: TopicStorage;
  store: LogStorage;
  writer: CommitStorage;
  /** Topics' schemas: the latest per topic with bounded staleness, compiled validators. */
  schemas: SchemaCache;
  clock: Clock;
  heads: HeadCache;
  /** Topics as last read by this process: the produce path reads none before its PUT. */
  topicCache: TopicCache;
  locks: KeyedMutex;
  notifier: AppendNotifier;
  /** How long a produce keeps retrying a contended commit before answering 503. */
  commitBudgetMs: number;
  /** Records and bytes produced and fetched, and what the dispatcher and groups count. */
  metrics: MetricsSink;
  /** Lines about what happened (failed deliveries, dead letters, replay steps, maintenance work). */
  logger: ActivityLogger;
}
