import { setTimeout as sleep } from 'node:timers/promises';
import { CommitContentionError } from '../errors.js';
import type { IdempotencyRecord, OffsetCommitInProduce } from '../model/commit.js';
import type { Topic } from '../model/topic.js';
import type { BatchSection } from './batch-object.js';
import { timedOut } from './keyed-mutex.js';
import type { LogContext } from './log-context.js';

export type CommitOutcome =
  | { baseOffsets: Map<number, number> }
  | { idempotencyKeyTaken: true }
  /** The topic incarnation was deleted (its heads are closed): re-read the topic. */
  | { incarnationClosed: true }
  /** A conditional append's expectation failed: the current high watermark of each partition it named. */
  | { offsetMismatch: Map<number, number> }
  /** The offset commit riding on the produce was refused; nothing was written. */
  | { offsetCommitRefused: 'fenced' | 'lease-expired' };

const BACKOFF_BASE_MS = 4;
const BACKOFF_CAP_MS = 250;

/**
 * Commits an uploaded batch object: assigns each section the head's offset and moves the
 * heads, all in one transaction. On a lost race it re-reads only the heads that moved and
 * tries again with full-jitter backoff; the object itself is offset-free (its batches
 * store base offset 0, the index holds the real one), so it never has to be re-uploaded.
 */
export async function commitBatchObject(
  ctx: LogContext,
  args: {
    topic: Topic;
    objectKey: string;
    sections: readonly BatchSection[];
    /** Recorded in the same transaction, with the base offsets this attempt assigns. */
    idempotency?: { key: string; record: Omit<IdempotencyRecord, 'baseOffsets'>; replacing?: { objectKey: string | undefined } };
    /** `performance.now()` time by which to give up; by default the budget from now. */
    deadline?: number;
    /** Conditional append: partition → the high watermark the writer expects it to be at. */
    expectedOffsets?: ReadonlyMap<number, number>;
    /** A consumer group's offsets, committed in the same transaction. */
    offsetCommit?: OffsetCommitInProduce;
  },
): Promise<CommitOutcome> {
  const { topicId } = args.topic;
  const lockKeys = args.sections.map((s) => `${topicId}#${s.partition}`);
  // The budget covers the wait for the in-process partition lock as well as the retries:
  // under overload a produce answers 503 + Retry-After in time instead of queueing unbounded.
  const deadline = args.deadline ?? performance.now() + ctx.commitBudgetMs;

  for (let attempt = 0; ; attempt++) {
    // A commit started later than "deadline minus what a commit takes now" would answer
    // late, so the wait for the lock ends that much earlier. Spent already (a slow upload
    // under overload): commit nothing.
    const lastStart = deadline - commitDuration.estimateMs;
    if (performance.now() >= lastStart) throw new CommitContentionError(1);
    const outcome = await ctx.locks.withKeys(lockKeys, async (): Promise<CommitOutcome | undefined> => {
      const unknown = args.sections.filter((s) => !ctx.heads.get(topicId, s.partition)).map((s) => s.partition);
      if (unknown.length > 0) {
        for (const [p, head] of await ctx.store.readHeads(topicId, unknown)) ctx.heads.set(topicId, p, head);
      }
      if (args.sections.some((s) => ctx.heads.get(topicId, s.partition)!.closed)) return { incarnationClosed: true };
      if (args.expectedOffsets) {
        const mismatch = await expectationMismatch(ctx, topicId, args.expectedOffsets);
        if (mismatch) return { offsetMismatch: mismatch };
      }
      const now = ctx.clock.now();
      const appends = args.sections.map((s) => {
        const expected = ctx.heads.get(topicId, s.partition)!;
        // Append time never goes backwards within a partition, even if clocks do.
        const appendTime = Math.max(now, expected.lastAppendTime ?? 0);
        return { ...s, expected, appendTime };
      });
      let result: Awaited<ReturnType<typeof ctx.writer.commit>>;
      const started = performance.now();
      try {
        result = await ctx.writer.commit({
          topicId,
          topic: args.topic.name,
          objectKey: args.objectKey,
          appends,
          ...(args.offsetCommit ? { offsetCommit: args.offsetCommit } : {}),
          ...(args.idempotency
            ? {
                idempotency: {
                  key: args.idempotency.key,
                  record: { ...args.idempotency.record, baseOffsets: Object.fromEntries(appends.map((a) => [a.partition, a.expected.nextOffset])) },
                  nowSeconds: Math.floor(now / 1000),
                  ...(args.idempotency.replacing ? { replacing: args.idempotency.replacing } : {}),
                },
              }
            : {}),
        });
      } catch (err) {
        // The transaction may or may not have been applied: forget what we think we know.
        for (const s of args.sections) ctx.heads.delete(topicId, s.partition);
        throw err;
      }
      commitDuration.observe(performance.now() - started);
      if (result.committed) {
        const baseOffsets = new Map<number, number>();
        for (const a of appends) {
          baseOffsets.set(a.partition, a.expected.nextOffset);
          ctx.heads.set(topicId, a.partition, {
            exists: true,
            nextOffset: a.expected.nextOffset + a.recordCount,
            logStartOffset: a.expected.logStartOffset,
            bytes: a.expected.bytes + a.byteLength,
            lastAppendTime: a.appendTime,
          });
          ctx.notifier.notify(topicId, a.partition);
        }
        return { baseOffsets };
      }
      if (result.reason === 'idempotency-key-taken') return { idempotencyKeyTaken: true };
      if (result.reason === 'offset-commit-fenced') return { offsetCommitRefused: 'fenced' };
      if (result.reason === 'offset-commit-lease-expired') return { offsetCommitRefused: 'lease-expired' };
      for (const p of result.partitions) {
        const current = result.current?.get(p);
        if (current) ctx.heads.set(topicId, p, current);
        else ctx.heads.delete(topicId, p);
      }
      return undefined;
    }, lastStart);
    if (outcome === timedOut) throw new CommitContentionError(1);
    if (outcome) return outcome;
    if (performance.now() >= deadline) throw new CommitContentionError(1);
    await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
  }
}

/**
 * Conditional append: the commit's condition is "the head is at the offset just read", so
 * an expectation holds exactly when the head as known equals it. The cache may be stale
 * (another process appended), so a disagreement is confirmed by a consistent read before
 * it is answered; an agreement needs no read, since the transaction's condition checks it.
 * Answers undefined when every expectation holds, else the high watermark per partition.
 */
async function expectationMismatch(ctx: LogContext, topicId: string, expected: ReadonlyMap<number, number>): Promise<Map<number, number> | undefined> {
  const holds = () => [...expected].every(([p, offset]) => ctx.heads.get(topicId, p)?.nextOffset === offset);
  if (holds()) return undefined;
  for (const [p, head] of await ctx.store.readHeads(topicId, [...expected.keys()])) ctx.heads.set(topicId, p, head);
  if (holds()) return undefined;
  return new Map([...expected.keys()].map((p) => [p, ctx.heads.get(topicId, p)!.nextOffset]));
}

/**
 * How long a commit transaction takes in this process lately (an exponentially weighted
 * average): what must be left of the budget for a commit to start. Per process, like the
 * lock it paces.
 */
const commitDuration = {
  estimateMs: 0,
  observe(ms: number): void {
    this.estimateMs = this.estimateMs === 0 ? ms : 0.8 * this.estimateMs + 0.2 * ms;
  },
};
