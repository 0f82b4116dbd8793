import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SubscriptionNotFoundError } from '../errors.js';
import type { DeliveryCursor, Subscription } from '../model/subscription.js';
import type { StorageClients } from './clients.js';
import { deleteAll, queryAll, writeAll } from './paginate.js';
import { CURSOR_SK_PREFIX as CURSOR_PREFIX, cursorSk, INDEX_LIST, META_SK, SUBSCRIPTIONS_LIST_PK as LIST_PK, subscriptionPk } from './keys.js';
import type { CursorChanges } from '../model/cursor-changes.js';
import { conditionally } from './conditional.js';

/**
 * Subscriptions and their delivery cursors, one item collection per subscription:
 * `META` (the settings and secrets; listed through the sparse `list` GSI) and
 * `CURSOR#{partition:05}` (where delivery stands, and who holds the partition's lease).
 */
export class SubscriptionStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  /** Cursors first, META last: a dispatcher lists META, so it never sees a subscription without its cursors. */
  async create(sub: Subscription, cursors: readonly DeliveryCursor[]): Promise<void> {
    await writeAll(this.clients.doc, this.table, cursors.map((c) => ({ PutRequest: { Item: { pk: subscriptionPk(sub.id), sk: cursorSk(c.partition), ...c } } })));
    await this.clients.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: subscriptionPk(sub.id), sk: META_SK, listPk: LIST_PK, listSk: sub.id, ...sub },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** META and every cursor in one consistent Query ('CURSOR#…' sorts before 'META'). */
  async load(id: string): Promise<{ subscription: Subscription; cursors: Map<number, DeliveryCursor> }> {
    const cursors = new Map<number, DeliveryCursor>();
    let subscription: Subscription | undefined;
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': subscriptionPk(id) },
      ConsistentRead: true,
    });
    for (const item of items) {
      if (item.sk === 'META') subscription = toSubscription(item);
      else if ((item.sk as string).startsWith(CURSOR_PREFIX)) cursors.set(item.partition as number, toCursor(item));
    }
    if (!subscription) throw new SubscriptionNotFoundError(id);
    return { subscription, cursors };
  }

  async list(): Promise<Subscription[]> {
    const subs: Subscription[] = [];
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      IndexName: INDEX_LIST,
      KeyConditionExpression: 'listPk = :pk',
      ExpressionAttributeValues: { ':pk': LIST_PK },
    });
    for (const item of items) subs.push(toSubscription(item));
    return subs;
  }

  /** Sets META fields (settings, state, secrets); refuses a subscription deleted meanwhile. */
  async update(id: string, changes: Partial<Omit<Subscription, 'id'>>): Promise<Subscription | undefined> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
    const values = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
    try {
      const out = await this.clients.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: subscriptionPk(id), sk: META_SK },
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toSubscription(out.Attributes ?? {});
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  /** A partition added to the topic after the subscription was made gets its cursor lazily; never overwrites one. */
  async putCursorIfAbsent(id: string, cursor: DeliveryCursor): Promise<void> {
    try {
      await this.clients.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: subscriptionPk(id), sk: cursorSk(cursor.partition), ...cursor },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /**
   * Takes the partition's delivery lease. The condition is the whole race: the lease is
   * free (expired) or already ours, the cursor is still at the epoch we read (no seek in
   * between) and its retry is due. Two dispatchers can therefore never both hold it.
   */
  async acquireLease(id: string, partition: number, owner: string, now: number, until: number, epoch: number): Promise<DeliveryCursor | undefined> {
    try {
      const out = await this.clients.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: subscriptionPk(id), sk: cursorSk(partition) },
          UpdateExpression: 'SET leaseOwner = :me, leaseUntil = :until',
          ConditionExpression: '(leaseUntil < :now OR leaseOwner = :me) AND epoch = :epoch AND nextAttemptAt <= :now',
          ExpressionAttributeValues: { ':me': owner, ':until': until, ':now': now, ':epoch': epoch },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toCursor(out.Attributes ?? {});
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  /**
   * Writes an attempt's outcome, only while we still hold the lease at the epoch we
   * delivered in: false means a seek (or another owner after our lease ran out) won,
   * and our result must not overwrite theirs.
   */
  async writeCursor(id: string, partition: number, owner: string, epoch: number, changes: CursorChanges): Promise<boolean> {
    const { addDelivered, addDeadLettered, ...sets } = changes;
    const entries = Object.entries(sets).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
    const values: Record<string, unknown> = { ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])), ':me': owner, ':epoch': epoch };
    const clauses = [`SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`];
    const adds = [
      ['deliveredCount', addDelivered],
      ['deadLetteredCount', addDeadLettered],
    ].filter(([, n]) => n !== undefined && n !== 0);
    if (adds.length > 0) {
      clauses.push(`ADD ${adds.map(([k]) => `${k} :${k}`).join(', ')}`);
      for (const [k, n] of adds) values[`:${k}`] = n;
    }
    return conditionally(
      this.clients.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: subscriptionPk(id), sk: cursorSk(partition) },
          UpdateExpression: clauses.join(' '),
          ConditionExpression: 'leaseOwner = :me AND epoch = :epoch',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /**
   * Seek (and changes of batch shape): a new position, a fresh batch and attempt count,
   * and epoch + 1 so a delivery already in flight cannot write its outcome over this.
   * The lease is left alone: the in-flight delivery finishes and then finds itself fenced.
   */
  async resetCursor(id: string, partition: number, nextOffset: number | undefined): Promise<void> {
    await this.clients.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: subscriptionPk(id), sk: cursorSk(partition) },
        UpdateExpression: `SET ${nextOffset !== undefined ? 'nextOffset = :o, ' : ''}attempts = :zero, nextAttemptAt = :zero, webhookId = :null, batchEnd = :null ADD epoch :one`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ...(nextOffset !== undefined ? { ':o': nextOffset } : {}), ':zero': 0, ':null': null, ':one': 1 },
      }),
    );
  }

  /** META first, so dispatchers stop listing it; then the cursors. */
  async delete(id: string): Promise<boolean> {
    try {
      await this.clients.doc.send(
        new DeleteCommand({ TableName: this.table, Key: { pk: subscriptionPk(id), sk: META_SK }, ConditionExpression: 'attribute_exists(pk)' }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
    const items = await queryAll(this.clients.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': subscriptionPk(id) }, ProjectionExpression: 'pk, sk' });
    await deleteAll(this.clients.doc, this.table, items.map((i) => ({ pk: i.pk, sk: i.sk })));
    return true;
  }

}

function toSubscription(item: Record<string, unknown>): Subscription {
  const { pk: _pk, sk: _sk, listPk: _l, listSk: _s, ...rest } = item;
  return rest as unknown as Subscription;
}

function toCursor(item: Record<string, unknown>): DeliveryCursor {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as DeliveryCursor;
}
