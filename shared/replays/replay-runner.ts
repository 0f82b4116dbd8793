import { OffsetOutOfRangeError } from '../errors.js';
import { fetchRecords } from '../log/fetch.js';
import { offsetForTimestamp } from '../log/list-offsets.js';
import { produce } from '../log/produce.js';
import type { DecodedRecord } from '../log/record-batch-codec.js';
import { REPLAY_SOURCE_HEADER, type Replay, type ReplayPartition } from '../model/replay.js';
import type { ReplaysContext } from './replay-service.js';

const CHUNK_RECORDS = 500;
/** Consecutive failed deliveries to a subscription before the replay is marked failed. */
const MAX_FAILED_CHUNKS = 10;

/** One signed delivery of replayed records to a subscription, leaving its live cursor alone. */
export type SubscriptionReplayer = (subscriptionId: string, partition: number, records: readonly DecodedRecord[], webhookId: string) => Promise<{ ok: boolean; error: string | null }>;

/**
 * Works the active replays in chunks until `deadline`, persisting progress after every
 * chunk (conditional on the version, so a cancel always wins). Copies into a topic use
 * an Idempotency-Key per chunk, so a run that dies after producing a chunk but before
 * saving its progress re-produces nothing when the next run repeats the chunk.
 */
export async function advanceReplays(ctx: ReplaysContext, deadline: number, replayer?: SubscriptionReplayer): Promise<Replay[]> {
  const touched: Replay[] = [];
  for (const listed of await ctx.store.active()) {
    if (performance.now() > deadline) break;
    let replay = (await ctx.store.get(listed.id)) ?? listed;
    if (replay.status === 'pending') {
      const started = await start(ctx, replay);
      if (!started) continue;
      replay = started;
    }
    let failures = 0;
    while (replay.status === 'running' && performance.now() < deadline) {
      const partition = replay.partitions.find((p) => p.nextOffset < p.endOffset);
      if (!partition) {
        replay = await saveOrReload(ctx, { ...replay, status: 'done' });
        break;
      }
      const step = await copyChunk(ctx, replay, partition, replayer);
      if (step.error) {
        failures++;
        const failed = failures >= MAX_FAILED_CHUNKS;
        replay = await saveOrReload(ctx, { ...replay, error: step.error, ...(failed ? { status: 'failed' } : {}) });
        ctx.log.logger.warn(failed ? 'replay failed' : 'replay step failed, will retry', { replay: replay.id, copied: replay.copied, total: totalOf(replay), error: step.error });
        if (!failed) break; // try again next run
        continue;
      }
      failures = 0;
      const partitions = replay.partitions.map((p) => (p.partition === partition.partition ? step.partition! : p));
      replay = await saveOrReload(ctx, { ...replay, partitions, copied: replay.copied + step.copied, error: null });
      ctx.log.logger.info('replay progress', { replay: replay.id, partition: partition.partition, copied: replay.copied, total: totalOf(replay), status: replay.status });
    }
    if (replay.status === 'done') ctx.log.logger.info('replay done', { replay: replay.id, copied: replay.copied, total: totalOf(replay) });
    touched.push(replay);
  }
  return touched;
}

async function start(ctx: ReplaysContext, replay: Replay): Promise<Replay | undefined> {
  const topic = await ctx.log.topics.get(replay.topic);
  if (!topic) return saveOrReload(ctx, { ...replay, status: 'failed', error: `topic '${replay.topic}' no longer exists` });
  const partitions: ReplayPartition[] = [];
  for (let p = 0; p < topic.partitions; p++) {
    const startOffset = (await offsetForTimestamp(ctx.log, replay.topic, p, replay.from)).offset;
    const endOffset =
      replay.to === null ? (await ctx.log.store.readHead(topic.topicId, p)).nextOffset : (await offsetForTimestamp(ctx.log, replay.topic, p, replay.to)).offset;
    partitions.push({ partition: p, startOffset, endOffset: Math.max(startOffset, endOffset), nextOffset: startOffset, copied: 0, skipped: 0 });
  }
  return saveOrReload(ctx, { ...replay, status: 'running', partitions });
}

async function copyChunk(
  ctx: ReplaysContext,
  replay: Replay,
  part: ReplayPartition,
  replayer: SubscriptionReplayer | undefined,
): Promise<{ partition?: ReplayPartition; copied: number; error?: string }> {
  let next = part.nextOffset;
  let skipped = part.skipped;
  let records: DecodedRecord[];
  /** Where the chunk after this one starts: past the gaps of a compacted log, never past the window. */
  let after: number;
  try {
    const fetched = await fetchRecords(ctx.log, { topic: replay.topic, partition: part.partition, offset: next, limit: Math.min(CHUNK_RECORDS, part.endOffset - next), maxBytes: 4 * 1024 * 1024, waitMs: 0 });
    records = fetched.records.filter((r) => r.offset < part.endOffset);
    after = fetched.nextOffset > next ? Math.min(fetched.nextOffset, part.endOffset) : part.endOffset;
  } catch (err) {
    if (!(err instanceof OffsetOutOfRangeError)) throw err;
    // Retention removed records before the job got to them: skip to the log start, say so.
    const logStart = (err.extensions as { logStartOffset: number }).logStartOffset;
    const resumed = Math.min(Math.max(next, logStart), part.endOffset);
    skipped += resumed - next;
    return { partition: { ...part, nextOffset: resumed, skipped }, copied: 0 };
  }
  if (records.length === 0) return { partition: { ...part, nextOffset: after }, copied: 0 };
  const last = records.at(-1)!.offset;

  if ('topic' in replay.target) {
    const target = await ctx.log.topics.get(replay.target.topic);
    if (!target) return { copied: 0, error: `target topic '${replay.target.topic}' no longer exists` };
    await produce(ctx.log, {
      topic: replay.target.topic,
      records: records.map((r) => ({
        key: r.key,
        value: r.value,
        headers: [...r.headers, { key: REPLAY_SOURCE_HEADER, value: Buffer.from(`${replay.topic}/${part.partition}/${r.offset}`) }],
        timestamp: r.timestamp,
        // Same partition when the target has it, so per-partition order carries over.
        partition: part.partition < target.partitions ? part.partition : undefined,
      })),
      idempotency: { key: `replay-${replay.id}-${part.partition}-${next}`, fingerprint: `${replay.id}:${part.partition}:${next}:${last}` },
    });
  } else {
    if (!replayer) return { copied: 0, error: 'subscriptions are not available to replay into' };
    const outcome = await replayer(replay.target.subscription, part.partition, records, `replay-${replay.id}-${part.partition}-${next}`);
    if (!outcome.ok) return { copied: 0, error: outcome.error ?? 'delivery failed' };
  }
  next = Math.max(last + 1, after);
  return { partition: { ...part, nextOffset: next, copied: part.copied + records.length, skipped }, copied: records.length };
}

/** Records the job will have gone over when done (copied, filtered or skipped): the denominator of its progress. */
function totalOf(replay: Replay): number {
  return replay.partitions.reduce((n, p) => n + (p.endOffset - p.startOffset), 0);
}

/** Saves the next state; if someone else (a cancel) moved the replay meanwhile, answers theirs. */
async function saveOrReload(ctx: ReplaysContext, next: Replay): Promise<Replay> {
  const saved: Replay = { ...next, updatedAt: ctx.log.clock.now(), version: next.version + 1 };
  if (await ctx.store.save(saved, next.version)) return saved;
  return (await ctx.store.get(next.id)) ?? next;
}
