import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Replay } from '../model/replay.js';
import type { StorageClients } from './clients.js';
import { ACTIVE_REPLAYS_LIST_PK as ACTIVE, FINISHED_REPLAYS_LIST_PK as FINISHED, INDEX_LIST, replayKey } from './keys.js';
import { conditionally } from './conditional.js';


/** Replay jobs; active ones are listed through the `list` GSI, so a maintenance run finds its work with one Query. */
export class ReplayStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<Replay | undefined> {
    const out = await this.clients.doc.send(new GetCommand({ TableName: this.table, Key: replayKey(id), ConsistentRead: true }));
    return out.Item ? strip(out.Item) : undefined;
  }

  async active(): Promise<Replay[]> {
    const out = await this.clients.doc.send(
      new QueryCommand({ TableName: this.table, IndexName: INDEX_LIST, KeyConditionExpression: 'listPk = :pk', ExpressionAttributeValues: { ':pk': ACTIVE } }),
    );
    return (out.Items ?? []).map(strip);
  }

  async list(query: { finished: boolean; limit: number; before?: string | undefined }): Promise<Replay[]> {
    const values: Record<string, unknown> = { ':pk': query.finished ? FINISHED : ACTIVE };
    if (query.before !== undefined) values[':before'] = query.before;
    const out = await this.clients.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX_LIST,
        KeyConditionExpression: query.before === undefined ? 'listPk = :pk' : 'listPk = :pk AND listSk < :before',
        ExpressionAttributeValues: values,
        // Replay ids are ULIDs: descending sort key order is newest first.
        ScanIndexForward: false,
        Limit: query.limit,
      }),
    );
    return (out.Items ?? []).map(strip);
  }

  /**
   * Writes the replay's next state, conditional on the version read: a cancel racing a
   * maintenance run cannot be overwritten by the run's progress, nor the other way round.
   */
  async save(replay: Replay, expectedVersion: number | undefined): Promise<boolean> {
    const finished = replay.status === 'done' || replay.status === 'failed' || replay.status === 'cancelled';
    return conditionally(
      this.clients.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...replayKey(replay.id), listPk: finished ? FINISHED : ACTIVE, listSk: replay.id, ...replay },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      ),
    );
  }
}

function strip(item: Record<string, unknown>): Replay {
  const { pk: _pk, sk: _sk, listPk: _l, listSk: _s, ...replay } = item;
  return replay as unknown as Replay;
}
