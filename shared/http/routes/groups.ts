import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import * as EXAMPLES from '../examples.js';
import { describeGroup, deleteGroup, listGroups, topicsOfGroup } from '../../groups/describe-group.js';
import { allows } from '../../model/scope.js';
import { principalOf, requireAdmin, requireTopics } from '../auth.js';
import { groupFetch } from '../../groups/group-fetch.js';
import { type GroupsContext, SESSION_TIMEOUT } from '../../groups/groups-context.js';
import { heartbeat, joinGroup, leaveGroup } from '../../groups/membership.js';
import { commitOffsets } from '../../groups/offset-commit.js';
import { seekGroup } from '../../groups/seek.js';
import { FETCH_DEFAULT_LIMIT, FETCH_DEFAULT_MAX_BYTES, FETCH_MAX_BYTES, FETCH_MAX_LIMIT, FETCH_MAX_WAIT_MS } from '../../log/limits.js';
import { MAX_PARTITIONS } from '../../model/topic.js';
import { toJsonRecord } from '../../log/json-records.js';
import { CommittedOffset, digits, Encoding, MemberId, FetchedRecord, unreadable, json, jsonBody, notFound, problem, problems, TopicName } from '../schemas.js';

const conflict = { 409: problem('stale generation, unknown member, or a partition the member does not own: heartbeat or rejoin') } as const;

const GroupName = TopicName.openapi({ example: 'billing' });
const GroupParams = z.object({ group: GroupName.openapi({ param: { name: 'group', in: 'path' } }) });
const MemberParams = GroupParams.extend({ memberId: MemberId.openapi({ param: { name: 'memberId', in: 'path' } }) });
const TopicPartitionSchema = z.object({ topic: z.string(), partition: z.number().int() });

const JoinBody = z
  .strictObject({
    topics: z.array(TopicName).min(1).max(100),
    sessionTimeoutMs: z.number().int().min(SESSION_TIMEOUT.min).max(SESSION_TIMEOUT.max).optional(),
    memberId: MemberId.optional().openapi({ description: 'rejoin with a known id within the session timeout to keep the assignment (static membership)' }),
    autoOffsetReset: z.enum(['earliest', 'latest']).optional().openapi({ description: "where to start a partition with no committed offset (default 'latest')" }),
  })
  .openapi('JoinGroupRequest', { example: EXAMPLES.joinGroup });

const Member = z
  .object({ memberId: z.string(), generation: z.number().int(), assignments: z.array(TopicPartitionSchema), sessionTimeoutMs: z.number().int() })
  .openapi('GroupMember', { example: EXAMPLES.groupMember });


const CommitBody = z
  .strictObject({ memberId: MemberId, generation: z.number().int().min(0), offsets: z.array(CommittedOffset).min(1).max(98) })
  .openapi('CommitOffsetsRequest', { example: EXAMPLES.commitOffsets });

const SeekBody = z
  .strictObject({
    topic: TopicName,
    partitions: z.array(z.number().int().min(0).max(MAX_PARTITIONS - 1)).min(1).max(MAX_PARTITIONS).optional(),
    to: z.union([
      z.enum(['earliest', 'latest']),
      z.strictObject({ offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
      z.strictObject({ timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
    ]),
  })
  .openapi('SeekGroupRequest', { example: EXAMPLES.seekGroup });

const GroupRecord = FetchedRecord.extend({ topic: z.string() }).openapi('GroupRecord');
const OffsetList = z.array(z.object({ topic: z.string(), partition: z.number().int(), offset: z.number().int() }));

const GroupDescription = z
  .object({
    group: z.string(),
    generation: z.number().int(),
    members: z.array(z.object({ memberId: z.string(), topics: z.array(z.string()), leaseExpiresAt: z.number().int().nullable(), assignments: z.array(TopicPartitionSchema) })),
    offsets: z.array(
      z.object({
        topic: z.string(),
        partition: z.number().int(),
        committedOffset: z.number().int().nullable(),
        highWatermark: z.number().int(),
        lag: z.number().int().nullable(),
        owner: z.string().nullable(),
      }),
    ),
  })
  .openapi('GroupDescription', { example: EXAMPLES.groupDescription });

export function registerGroupRoutes(app: OpenAPIHono, ctx: GroupsContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/groups/{group}/members',
      operationId: 'joinGroup',
      tags: ['groups'],
      summary: 'Join a consumer group',
      request: { params: GroupParams, body: jsonBody(JoinBody) },
      responses: { 200: json(Member, 'the member, its generation and assignment'), ...problems, ...notFound },
    }),
    async (c) => {
      const req = c.req.valid('json');
      requireTopics(c, req.topics, 'consume');
      return c.json(await joinGroup(ctx, c.req.valid('param').group, req), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/groups/{group}/members/{memberId}/heartbeat',
      operationId: 'heartbeat',
      tags: ['groups'],
      summary: 'Renew the lease; answers the current generation and assignment',
      request: { params: MemberParams },
      responses: { 200: json(Member, 'the member, its generation and assignment'), ...problems, ...notFound, ...conflict },
    }),
    async (c) => {
      const { group, memberId } = c.req.valid('param');
      requireTopics(c, await topicsOfGroup(ctx, group, memberId), 'consume');
      return c.json(await heartbeat(ctx, group, memberId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/groups/{group}/members/{memberId}',
      operationId: 'leaveGroup',
      tags: ['groups'],
      summary: 'Leave the group (rebalances at once)',
      request: { params: MemberParams },
      responses: { 204: { description: 'left' }, ...problems, ...notFound, ...conflict },
    }),
    async (c) => {
      const { group, memberId } = c.req.valid('param');
      requireTopics(c, await topicsOfGroup(ctx, group, memberId), 'consume');
      await leaveGroup(ctx, group, memberId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/groups/{group}/records',
      operationId: 'groupFetch',
      tags: ['groups'],
      summary: "Fetch records from the member's partitions, from its positions",
      request: {
        params: GroupParams,
        query: z.object({
          memberId: MemberId,
          generation: digits('generation').optional().openapi({ description: 'when given, must be the current generation' }),
          limit: digits('limit', FETCH_MAX_LIMIT, 1).optional().openapi({ description: `default ${FETCH_DEFAULT_LIMIT}` }),
          maxBytes: digits('maxBytes', FETCH_MAX_BYTES, 1).optional().openapi({ description: `default ${FETCH_DEFAULT_MAX_BYTES}` }),
          waitMs: digits('waitMs', FETCH_MAX_WAIT_MS).optional(),
          encoding: Encoding.optional(),
        }),
      },
      responses: {
        200: json(z.object({ generation: z.number().int(), records: z.array(GroupRecord), positions: OffsetList }).openapi('GroupFetchResponse', { example: EXAMPLES.groupFetch }), 'records and next positions'),
        ...problems,
        ...notFound,
        ...conflict,
        ...unreadable,
      },
    }),
    async (c) => {
      const { group } = c.req.valid('param');
      const q = c.req.valid('query');
      requireTopics(c, await topicsOfGroup(ctx, group, q.memberId), 'consume');
      const result = await groupFetch(ctx, {
        group,
        memberId: q.memberId,
        generation: q.generation,
        limit: q.limit ?? FETCH_DEFAULT_LIMIT,
        maxBytes: q.maxBytes ?? FETCH_DEFAULT_MAX_BYTES,
        waitMs: q.waitMs ?? 0,
      });
      const encoding = q.encoding ?? 'json';
      const records = result.records.map((r) => ({ topic: r.topic, ...toJsonRecord(r, r.partition, encoding) }));
      return c.json({ generation: result.generation, records, positions: result.positions }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/groups/{group}/offsets',
      operationId: 'commitOffsets',
      tags: ['groups'],
      summary: 'Commit offsets (fenced by generation and ownership)',
      request: { params: GroupParams, body: jsonBody(CommitBody) },
      responses: {
        200: json(z.object({ generation: z.number().int() }).openapi({ example: EXAMPLES.committed }), 'committed'),
        ...problems,
        ...notFound,
        ...conflict,
        416: problem('an offset outside [logStartOffset, highWatermark]'),
      },
    }),
    async (c) => {
      const req = c.req.valid('json');
      requireTopics(c, req.offsets.map((o) => o.topic), 'consume');
      return c.json(await commitOffsets(ctx, c.req.valid('param').group, req), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/groups',
      operationId: 'listGroups',
      tags: ['groups'],
      summary: 'List consumer groups',
      responses: {
        200: json(z.object({ groups: z.array(z.object({ group: z.string(), generation: z.number().int(), members: z.number().int() })) }).openapi({ example: EXAMPLES.groupList }), 'all groups'),
        ...problems,
      },
    }),
    async (c) => {
      const principal = principalOf(c);
      const groups = await listGroups(ctx);
      const visible = await Promise.all(groups.map(async (g) => principal.admin || (await topicsOfGroup(ctx, g.group)).every((t) => allows(principal, t, 'consume'))));
      return c.json({ groups: groups.filter((_, i) => visible[i]) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/groups/{group}',
      operationId: 'describeGroup',
      tags: ['groups'],
      summary: 'Members, committed offsets, high watermarks and lag',
      request: { params: GroupParams },
      responses: { 200: json(GroupDescription, 'the group'), ...problems, ...notFound },
    }),
    async (c) => {
      const { group } = c.req.valid('param');
      requireTopics(c, await topicsOfGroup(ctx, group), 'consume');
      return c.json(await describeGroup(ctx, group), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/groups/{group}',
      operationId: 'deleteGroup',
      tags: ['groups'],
      summary: 'Delete a group with no live members',
      request: { params: GroupParams },
      responses: { 204: { description: 'deleted' }, ...problems, ...notFound, 409: problem('the group still has live members') },
    }),
    async (c) => {
      requireAdmin(c);
      await deleteGroup(ctx, c.req.valid('param').group);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/groups/{group}/seek',
      operationId: 'seekGroup',
      tags: ['groups'],
      summary: 'Set committed offsets to earliest, latest, an offset or a timestamp (bumps the generation)',
      request: { params: GroupParams, body: jsonBody(SeekBody) },
      responses: {
        200: json(z.object({ generation: z.number().int(), offsets: OffsetList }).openapi({ example: EXAMPLES.groupSeeked }), 'the new committed offsets'),
        ...problems,
        ...notFound,
        416: problem('an offset outside [logStartOffset, highWatermark]'),
      },
    }),
    async (c) => {
      const req = c.req.valid('json');
      requireTopics(c, [req.topic], 'consume');
      return c.json(await seekGroup(ctx, c.req.valid('param').group, req), 200);
    },
  );
}
