import { IllegalGenerationError, UnknownMemberError } from '../errors.js';
import { OffsetCommitRefused, type ProduceRequest, type ProduceResult, produce } from '../log/produce.js';
import type { GroupsContext } from './groups-context.js';
import { type CommitRequest, checkCommit } from './offset-commit.js';

/**
 * Exactly-once consume-transform-produce (docs/exactly-once.md): the records of a produce
 * and a consumer group's offsets commit in ONE DynamoDB transaction, or neither does.
 * The commit is checked as POST /v1/groups/{group}/offsets checks it (member, generation,
 * ownership, offsets within the log) and fenced in the transaction itself by the group's
 * generation and the member's unexpired lease: a transformer that was rebalanced away, or
 * whose session ran out, can neither publish its output nor move the offsets.
 */
export async function produceWithOffsets(ctx: GroupsContext, req: ProduceRequest, commit: CommitRequest & { group: string }): Promise<ProduceResult> {
  let generation = commit.generation;
  const check = async () => {
    const checked = await checkCommit(ctx, commit.group, commit);
    generation = checked.generation;
    return { group: commit.group, generation, memberId: commit.memberId, offsets: checked.stored, leaseExpiresAt: checked.lease.expiresAt, now: ctx.log.clock.now() };
  };
  try {
    return await produce(ctx.log, { ...req, offsetCommit: { offsets: commit.offsets.length, check } });
  } catch (err) {
    if (!(err instanceof OffsetCommitRefused)) throw err;
    const current = await ctx.store.load(commit.group);
    if (err.reason === 'lease-expired') throw new UnknownMemberError(commit.group, commit.memberId, current.meta?.generation ?? generation);
    throw new IllegalGenerationError(commit.group, generation, current.meta?.generation ?? generation);
  }
}
