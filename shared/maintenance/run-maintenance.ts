import { ulid } from 'ulid';
import { advanceReplays } from '../replays/replay-runner.js';
import { compactPartition } from './compaction.js';
import { compactKeys, type KeyCompactionResult } from './key-compaction.js';
import type { MaintenanceContext } from './maintenance-context.js';
import { sweepDue, sweepTopicObjects } from './object-sweep.js';
import { enforceRetention } from './retention.js';
import { collectSignals, PassHeads, type Signals } from './signals.js';
import { tierPartition } from './tiering.js';
import { purgeDeletedTopics } from './topic-cleanup.js';

export interface PartitionReport {
  topic: string;
  partition: number;
  retention: { removedEntries: number; logStartOffset: number | null };
  compaction: { entriesBefore: number; entriesAfter: number; segments: number };
  /** Compacted topics, when the log cleaner ran (key-compaction.ts). */
  keyCompaction?: { reason: string; recordsRemoved: number; tombstonesRemoved: number; keylessRemoved: number; bytesRemoved: number; complete: boolean };
  tieredSegments: number;
}

export interface MaintenanceReport {
  startedAt: number;
  durationMs: number;
  /** False when the run hit its budget or lease; the next run picks up the rest. */
  complete: boolean;
  skipped?: string;
  partitions: PartitionReport[];
  objectsDeleted: number;
  topicsPurged: string[];
  groupsChecked: number;
  /** Each group's lag per topic and each subscription's backlog and state, as emitted as metrics. */
  signals: Signals;
  replays: { id: string; status: string; copied: number; error: string | null }[];
}

const keyCompactionLine = (r: KeyCompactionResult) => ({
  reason: r.reason!,
  recordsRemoved: r.recordsRemoved,
  tombstonesRemoved: r.tombstonesRemoved,
  keylessRemoved: r.keylessRemoved,
  bytesRemoved: r.bytesRemoved,
  complete: r.complete,
});

/**
 * One maintenance pass: per partition retention, then key compaction (compacted topics),
 * then compaction into segments, then tiering; then the
 * object sweep per topic, the background part of topic deletions, a look at every
 * consumer group (which rebalances away expired members) and subscription, emitting their
 * lag, backlog and state (signals.ts), and the replay jobs. Every step is idempotent and
 * conditional, so a run that dies half-way is finished by the next one. The signals are
 * read even when the budget ran out, so lag stays visible while maintenance is behind;
 * `MaintenancePassCompleted` (1 or 0) says whether the pass did all its work.
 */
export async function runMaintenance(ctx: MaintenanceContext): Promise<MaintenanceReport> {
  const started = performance.now();
  const now = ctx.log.clock.now();
  const deadline = started + ctx.settings.runBudgetMs;
  const report: MaintenanceReport = { startedAt: now, durationMs: 0, complete: true, partitions: [], objectsDeleted: 0, topicsPurged: [], groupsChecked: 0, signals: { groupsChecked: 0, groups: [], subscriptions: [] }, replays: [] };
  const owner = ulid();
  if (!(await ctx.leases.acquireLease(owner, now, ctx.settings.runBudgetMs * 2 + 60_000))) {
    // The run holding the lease reports its own signals and completion.
    ctx.log.metrics.add('MaintenancePassCompleted', 'Count', 0);
    return { ...report, complete: false, skipped: 'another maintenance run holds the lease' };
  }
  const passHeads = new PassHeads(ctx);
  try {
    for (const topic of await ctx.log.topics.list()) {
      if (performance.now() > deadline) {
        report.complete = false;
        break;
      }
      const all = Array.from({ length: topic.partitions }, (_, p) => p);
      const heads = await ctx.log.store.readHeads(topic.topicId, all);
      passHeads.remember(topic, heads);
      const written = all.filter((p) => heads.get(p)?.exists);
      const released = new Set<string>();
      for (const partition of written) {
        let entries = await ctx.entries.entries(topic.topicId, partition);
        const head = heads.get(partition)!;
        const retention = await enforceRetention(ctx, topic, partition, head, entries, now);
        entries = entries.slice(retention.removed);
        const cleaned = await compactKeys(ctx, topic, partition, head, entries, now, deadline);
        if (!cleaned.complete) report.complete = false;
        if (cleaned.entriesReplaced > 0) entries = await ctx.entries.entries(topic.topicId, partition);
        const compaction = await compactPartition(ctx, topic, partition, entries, now);
        if (compaction.segments.length > 0) entries = await ctx.entries.entries(topic.topicId, partition);
        const tiered = await tierPartition(ctx, topic, partition, entries, now);
        for (const key of [...retention.released, ...cleaned.released, ...compaction.released]) released.add(key);
        const line: PartitionReport = {
          topic: topic.name,
          partition,
          retention: { removedEntries: retention.removed, logStartOffset: retention.logStartOffset },
          compaction: { entriesBefore: compaction.entriesBefore, entriesAfter: compaction.entriesAfter, segments: compaction.segments.length },
          tieredSegments: tiered,
          ...(cleaned.reason !== null ? { keyCompaction: keyCompactionLine(cleaned) } : {}),
        };
        if (retention.removed + compaction.segments.length + tiered > 0 || cleaned.reason !== null) {
          report.partitions.push(line);
          ctx.log.logger.info('partition maintained', { ...line });
        }
      }
      if (!(await sweepDue(ctx, topic, heads, released, now))) continue;
      const deleted = await sweepTopicObjects(ctx, topic, written, released, now);
      report.objectsDeleted += deleted.length;
      if (deleted.length > 0) ctx.log.logger.info('objects deleted', { topic: topic.name, count: deleted.length, why: 'no index entry refers to them' });
    }
    report.topicsPurged = await purgeDeletedTopics(ctx, deadline);
    for (const purged of report.topicsPurged) ctx.log.logger.info('deleted topic purged', { topic: purged });
    report.signals = await collectSignals(ctx, passHeads);
    report.groupsChecked = report.signals.groupsChecked;
    for (const replay of await advanceReplays(ctx.replays, deadline, ctx.replayer)) {
      const line = { id: replay.id, status: replay.status, copied: replay.copied, error: replay.error };
      report.replays.push(line);
    }
    if (performance.now() > deadline) report.complete = false;
  } finally {
    await ctx.leases.releaseLease(owner);
  }
  report.durationMs = Math.round(performance.now() - started);
  // Alarmed on when no pass completes for several intervals (infra/constructs/alarms.ts).
  ctx.log.metrics.add('MaintenancePassCompleted', 'Count', report.complete ? 1 : 0);
  if (!report.complete) ctx.log.logger.warn('maintenance pass ran out of its budget; the next pass goes on', { durationMs: report.durationMs });
  return report;
}
