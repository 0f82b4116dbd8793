import { OffsetOutOfRangeError } from '../errors.js';
import { fetchRecords } from '../log/fetch.js';
import { recordSize } from '../log/record-size.js';
import { FETCH_POLL_INTERVAL_MS } from '../log/limits.js';
import type { DecodedRecord } from '../log/record-batch-codec.js';
import type { GroupMember, StoredOffset } from '../model/group.js';
import { type TopicPartition, tpKey } from '../model/topic-partition.js';
import { loadGroup } from './group-state.js';
import type { GroupsContext } from './groups-context.js';
import { requireMember } from './membership.js';
import { IllegalGenerationError } from '../errors.js';

export interface GroupFetchRequest {
  group: string;
  memberId: string;
  /** When given, must be the current generation (409 otherwise). */
  generation?: number | undefined;
  limit: number;
  maxBytes: number;
  waitMs: number;
}

export interface GroupRecord extends DecodedRecord {
  topic: string;
  partition: number;
}

export interface GroupFetchResult {
  generation: number;
  records: GroupRecord[];
  /** The next offset per owned partition: where the next group fetch continues. */
  positions: (TopicPartition & { offset: number })[];
}

/**
 * Reads from the member's partitions, starting at its positions: the position this
 * member left in this generation, else the committed offset, else `autoOffsetReset`.
 * A new owner therefore starts at the committed offset (Kafka's semantics).
 */
export async function groupFetch(ctx: GroupsContext, req: GroupFetchRequest): Promise<GroupFetchResult> {
  const state = await loadGroup(ctx, req.group);
  const member = requireMember(state, req.group, req.memberId);
  const { generation } = state.meta!;
  if (req.generation !== undefined && req.generation !== generation) throw new IllegalGenerationError(req.group, req.generation, generation);
  const owned = state.meta!.assignment[req.memberId] ?? [];
  const [starts] = await Promise.all([
    startingOffsets(ctx, req.group, generation, member, owned),
    ctx.store.renewLease(req.group, req.memberId, ctx.log.clock.now() + member.sessionTimeoutMs),
  ]);

  const deadline = performance.now() + req.waitMs;
  const perPartition = { limit: Math.max(1, Math.ceil(req.limit / Math.max(1, owned.length))), maxBytes: Math.max(1, Math.floor(req.maxBytes / Math.max(1, owned.length))) };
  let records: GroupRecord[] = [];
  /** Per partition, where its fetch said to go on (past the gaps of a compacted log). */
  const fetchedUpTo = new Map<string, { records: number; nextOffset: number }>();
  for (;;) {
    const fetched = await Promise.all(owned.map((tp) => readPartition(ctx, tp, starts, member, perPartition)));
    records = fetched.flatMap((f) => f.records);
    let movedPastGap = false;
    for (const [i, f] of fetched.entries()) {
      const k = tpKey(owned[i]!);
      fetchedUpTo.set(k, { records: f.records.length, nextOffset: f.nextOffset });
      // Key compaction removed every record this fetch covered: go on from past them at once.
      if (f.records.length === 0 && f.nextOffset > starts.get(k)!) {
        starts.set(k, f.nextOffset);
        movedPastGap = true;
      }
    }
    const remaining = deadline - performance.now();
    if (records.length > 0 || owned.length === 0) break;
    if (movedPastGap) continue;
    if (remaining <= 0) break;
    const topics = await Promise.all(owned.map((tp) => ctx.log.topics.get(tp.topic)));
    await Promise.race(
      owned.map((tp, i) => ctx.log.notifier.waitForAppend(topics[i]?.topicId ?? '', tp.partition, Math.min(remaining, FETCH_POLL_INTERVAL_MS))),
    );
  }
  records = trim(records, req.limit, req.maxBytes);

  const next = new Map(starts);
  const kept = new Map<string, number>();
  for (const r of records) {
    next.set(tpKey(r), r.offset + 1);
    kept.set(tpKey(r), (kept.get(tpKey(r)) ?? 0) + 1);
  }
  // A partition whose records were all answered goes on where its fetch said (past any gap).
  for (const [k, f] of fetchedUpTo) if (f.records > 0 && kept.get(k) === f.records) next.set(k, Math.max(next.get(k)!, f.nextOffset));
  const positions = owned.map((tp) => ({ ...tp, offset: next.get(tpKey(tp))! }));
  await Promise.all(
    positions
      .filter((p) => p.offset !== starts.stored.get(tpKey(p)))
      .map((p) => ctx.store.writePosition(req.group, { ...p, generation, memberId: req.memberId, at: ctx.log.clock.now() })),
  );
  return { generation, records, positions };
}

type Starts = Map<string, number> & { stored: Map<string, number> };

async function startingOffsets(ctx: GroupsContext, group: string, generation: number, member: GroupMember, owned: TopicPartition[]): Promise<Starts> {
  const [positions, committed] = await Promise.all([ctx.store.readPositions(group, owned), ctx.store.readOffsets(group, owned)]);
  const starts = new Map<string, number>() as Starts;
  starts.stored = new Map();
  await Promise.all(
    owned.map(async (tp) => {
      const position = positions.get(tpKey(tp));
      if (position && position.generation === generation && position.memberId === member.memberId) {
        starts.set(tpKey(tp), position.offset);
        starts.stored.set(tpKey(tp), position.offset);
        return;
      }
      const commit: StoredOffset | undefined = committed.get(tpKey(tp));
      starts.set(tpKey(tp), commit ? commit.offset : await resetOffset(ctx, tp, member.autoOffsetReset));
    }),
  );
  return starts;
}

async function resetOffset(ctx: GroupsContext, tp: TopicPartition, policy: 'earliest' | 'latest'): Promise<number> {
  const topic = await ctx.log.topics.get(tp.topic);
  if (!topic) return 0;
  const head = await ctx.log.store.readHead(topic.topicId, tp.partition);
  return policy === 'earliest' ? head.logStartOffset : head.nextOffset;
}

async function readPartition(
  ctx: GroupsContext,
  tp: TopicPartition,
  starts: Starts,
  member: GroupMember,
  bounds: { limit: number; maxBytes: number },
): Promise<{ records: GroupRecord[]; nextOffset: number }> {
  const offset = starts.get(tpKey(tp))!;
  try {
    const result = await fetchRecords(ctx.log, { topic: tp.topic, partition: tp.partition, offset, ...bounds, waitMs: 0 });
    return { records: result.records.map((r) => ({ ...r, topic: tp.topic, partition: tp.partition })), nextOffset: result.nextOffset };
  } catch (err) {
    if (!(err instanceof OffsetOutOfRangeError)) throw err;
    // The committed offset fell below the log start (retention) or the log was reset:
    // apply the reset policy, as a Kafka consumer does on OFFSET_OUT_OF_RANGE.
    const { logStartOffset, highWatermark } = err.extensions as { logStartOffset: number; highWatermark: number };
    starts.set(tpKey(tp), member.autoOffsetReset === 'earliest' ? logStartOffset : highWatermark);
    return { records: [], nextOffset: starts.get(tpKey(tp))! };
  }
}

function trim(records: GroupRecord[], limit: number, maxBytes: number): GroupRecord[] {
  const kept: GroupRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = recordSize(r);
    if (kept.length >= limit || (kept.length > 0 && bytes + size > maxBytes)) break;
    kept.push(r);
    bytes += size;
  }
  return kept;
}
