import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type Assignment, type TopicPartition, tpKey } from '../model/topic-partition.js';
import type { StorageClients } from './clients.js';
import { deleteAll, getAll, queryAll } from './paginate.js';
import { GROUPS_LIST_PK, groupPk, INDEX_LIST, META_SK, MEMBER_SK_PREFIX, memberSk, OFFSET_SK_PREFIX, POSITION_SK_PREFIX, offsetSk as offsetSkOf, positionSk as positionSkOf, topicOffsetsPrefix } from './keys.js';
import type { GroupMember, GroupMeta, StoredOffset } from '../model/group.js';
import { conditionally, transactConditionally } from './conditional.js';

const offsetSk = (tp: TopicPartition) => offsetSkOf(tp.topic, tp.partition);
const positionSk = (tp: TopicPartition) => positionSkOf(tp.topic, tp.partition);

/**
 * Consumer group state in the table, one item collection per group: META (membership,
 * generation, assignment), MEMBER#{id} (leases, renewed often, so they never contend
 * with META), OFFSET#{topic}#{p} (committed offsets) and POSITION#{topic}#{p} (fetch
 * positions, valid only in the generation that wrote them).
 */
export class GroupStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  /** META and every lease in one consistent Query ('MEMBER#…' sorts just before 'META'). */
  async load(group: string): Promise<{ meta: GroupMeta | undefined; leases: Map<string, number> }> {
    const leases = new Map<string, number>();
    let meta: GroupMeta | undefined;
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': groupPk(group), ':from': MEMBER_SK_PREFIX, ':to': META_SK },
      ConsistentRead: true,
    });
    for (const item of items) {
      if (item.sk === META_SK) meta = toMeta(item);
      else leases.set((item.sk as string).slice(MEMBER_SK_PREFIX.length), item.leaseExpiresAt as number);
    }
    return { meta, leases };
  }

  /**
   * Writes a new generation, conditional on the one it was computed from: of two
   * rebalances racing each other only one can win, so a generation has one assignment.
   */
  async writeMeta(meta: GroupMeta, previousGeneration: number | undefined): Promise<boolean> {
    return conditionally(
      this.clients.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: groupPk(meta.group), sk: META_SK, listPk: GROUPS_LIST_PK, listSk: meta.group, ...meta },
          ...(previousGeneration === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'generation = :g', ExpressionAttributeValues: { ':g': previousGeneration } }),
        }),
      ),
    );
  }

  async renewLease(group: string, memberId: string, leaseExpiresAt: number): Promise<void> {
    await this.clients.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: groupPk(group), sk: memberSk(memberId) },
        UpdateExpression: 'SET leaseExpiresAt = :t',
        ExpressionAttributeValues: { ':t': leaseExpiresAt },
      }),
    );
  }

  async deleteLease(group: string, memberId: string): Promise<void> {
    await this.clients.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: groupPk(group), sk: memberSk(memberId) } }));
  }

  readOffsets(group: string, tps: readonly TopicPartition[]): Promise<Map<string, StoredOffset>> {
    return this.batchGet(group, tps.map(offsetSk));
  }

  readPositions(group: string, tps: readonly TopicPartition[]): Promise<Map<string, StoredOffset>> {
    return this.batchGet(group, tps.map(positionSk));
  }

  async listOffsets(group: string): Promise<StoredOffset[]> {
    const offsets: StoredOffset[] = [];
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :o)',
      ExpressionAttributeValues: { ':pk': groupPk(group), ':o': OFFSET_SK_PREFIX },
      ConsistentRead: true,
    });
    for (const item of items) offsets.push(toOffset(item));
    return offsets;
  }

  /**
   * A position only ever moves forward within a generation, and a stale generation can
   * never overwrite a newer one's.
   */
  async writePosition(group: string, position: StoredOffset): Promise<void> {
    try {
      await this.clients.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: groupPk(group), sk: positionSk(position), ...position },
          ConditionExpression: 'attribute_not_exists(pk) OR generation < :g OR (generation = :g AND #offset <= :o)',
          ExpressionAttributeNames: { '#offset': 'offset' },
          ExpressionAttributeValues: { ':g': position.generation, ':o': position.offset },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /**
   * Commits offsets fenced by the generation (invariant 6): one transaction that checks
   * META is still at `generation` and puts every offset. Returns false when fenced.
   * Also renews the committing member's lease.
   */
  async commitOffsets(group: string, generation: number, offsets: readonly StoredOffset[], lease?: { memberId: string; expiresAt: number }): Promise<'committed' | 'fenced' | 'conflict'> {
    try {
      await this.clients.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.table,
                Key: { pk: groupPk(group), sk: META_SK },
                ConditionExpression: 'generation = :g',
                ExpressionAttributeValues: { ':g': generation },
              },
            },
            ...offsets.map((o) => ({ Put: { TableName: this.table, Item: { pk: groupPk(group), sk: offsetSk(o), ...o } } })),
            ...(lease
              ? [
                  {
                    Update: {
                      TableName: this.table,
                      Key: { pk: groupPk(group), sk: memberSk(lease.memberId) },
                      UpdateExpression: 'SET leaseExpiresAt = :t',
                      ExpressionAttributeValues: { ':t': lease.expiresAt },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return 'committed';
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      return err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed' ? 'fenced' : 'conflict';
    }
  }

  /**
   * Seek: new committed offsets and the next generation in one transaction, so members
   * of the old generation are fenced from committing over the new offsets.
   */
  async writeMetaWithOffsets(meta: GroupMeta, previousGeneration: number | undefined, offsets: readonly StoredOffset[]): Promise<boolean> {
    return transactConditionally(this.clients.doc, [
      {
        Put: {
          TableName: this.table,
          Item: { pk: groupPk(meta.group), sk: META_SK, listPk: GROUPS_LIST_PK, listSk: meta.group, ...meta },
          ...(previousGeneration === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'generation = :g', ExpressionAttributeValues: { ':g': previousGeneration } }),
        },
      },
      ...offsets.map((o) => ({ Put: { TableName: this.table, Item: { pk: groupPk(meta.group), sk: offsetSk(o), ...o } } })),
    ]);
  }

  /** Forgets committed offsets and positions of a deleted topic. */
  async deleteTopicOffsets(group: string, topic: string): Promise<void> {
    for (const skPrefix of [OFFSET_SK_PREFIX, POSITION_SK_PREFIX]) {
      const items = await queryAll(this.clients.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': groupPk(group), ':p': topicOffsetsPrefix(skPrefix, topic) },
        ProjectionExpression: 'pk, sk',
      });
      await deleteAll(this.clients.doc, this.table, items.map((i) => ({ pk: i.pk, sk: i.sk })));
    }
  }

  async listGroups(): Promise<GroupMeta[]> {
    const groups: GroupMeta[] = [];
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      IndexName: INDEX_LIST,
      KeyConditionExpression: 'listPk = :pk',
      ExpressionAttributeValues: { ':pk': GROUPS_LIST_PK },
    });
    for (const item of items) groups.push(toMeta(item));
    return groups;
  }

  /** Deletes META first (conditional on the generation checked empty), then the rest. */
  async deleteGroup(group: string, generation: number): Promise<boolean> {
    try {
      await this.clients.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: groupPk(group), sk: META_SK },
          ConditionExpression: 'generation = :g',
          ExpressionAttributeValues: { ':g': generation },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': groupPk(group) },
      ProjectionExpression: 'pk, sk',
    });
    await deleteAll(this.clients.doc, this.table, items.map((i) => ({ pk: i.pk, sk: i.sk })));
    return true;
  }

  private async batchGet(group: string, sks: readonly string[]): Promise<Map<string, StoredOffset>> {
    const found = new Map<string, StoredOffset>();
    for (const item of await getAll(this.clients.doc, this.table, sks.map((sk) => ({ pk: groupPk(group), sk })))) {
      const o = toOffset(item);
      found.set(tpKey(o), o);
    }
    return found;
  }
}

function toMeta(item: Record<string, unknown>): GroupMeta {
  return {
    group: item.group as string,
    generation: item.generation as number,
    members: item.members as Record<string, GroupMember>,
    assignment: item.assignment as Assignment,
    partitionCounts: item.partitionCounts as Record<string, number>,
    updatedAt: item.updatedAt as number,
  };
}

function toOffset(item: Record<string, unknown>): StoredOffset {
  return {
    topic: item.topic as string,
    partition: item.partition as number,
    offset: item.offset as number,
    generation: item.generation as number,
    memberId: item.memberId as string,
    at: item.at as number,
  };
}

