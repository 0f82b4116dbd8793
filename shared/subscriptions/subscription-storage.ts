import type { CursorChanges } from '../model/cursor-changes.js';
import type { DeliveryCursor, Subscription } from '../model/subscription.js';

/**
 * The port webhook subscriptions need from storage (implemented by
 * storage/subscription-store.ts): the subscription and one cursor per partition, whose
 * lease fences two dispatchers from delivering the same partition.
 */
export interface SubscriptionStorage {
  /** Cursors first, META last: a dispatcher lists META, so it never sees a subscription without its cursors. */
  create(sub: Subscription, cursors: readonly DeliveryCursor[]): Promise<void>;
  /** META and every cursor in one consistent Query ('CURSOR#…' sorts before 'META'). */
  load(id: string): Promise<{ subscription: Subscription; cursors: Map<number, DeliveryCursor> }>;
  list(): Promise<Subscription[]>;
  /** Sets META fields (settings, state, secrets); refuses a subscription deleted meanwhile. */
  update(id: string, changes: Partial<Omit<Subscription, 'id'>>): Promise<Subscription | undefined>;
  /** A partition added to the topic after the subscription was made gets its cursor lazily; never overwrites one. */
  putCursorIfAbsent(id: string, cursor: DeliveryCursor): Promise<void>;
  /**
   * Takes the partition's delivery lease. The condition is the whole race: the lease is
   * free (expired) or already ours, the cursor is still at the epoch we read (no seek in
   * between) and its retry is due. Two dispatchers can therefore never both hold it.
   */
  acquireLease(id: string, partition: number, owner: string, now: number, until: number, epoch: number): Promise<DeliveryCursor | undefined>;
  /**
   * Writes an attempt's outcome, only while we still hold the lease at the epoch we
   * delivered in: false means a seek (or another owner after our lease ran out) won,
   * and our result must not overwrite theirs.
   */
  writeCursor(id: string, partition: number, owner: string, epoch: number, changes: CursorChanges): Promise<boolean>;
  /**
   * Seek (and changes of batch shape): a new position, a fresh batch and attempt count,
   * and epoch + 1 so a delivery already in flight cannot write its outcome over this.
   * The lease is left alone: the in-flight delivery finishes and then finds itself fenced.
   */
  resetCursor(id: string, partition: number, nextOffset: number | undefined): Promise<void>;
  /** META first, so dispatchers stop listing it; then the cursors. */
  delete(id: string): Promise<boolean>;
}
