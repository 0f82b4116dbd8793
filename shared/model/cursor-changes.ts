import type { DeliveryCursor } from './subscription.js';

/** Fields a cursor write may set; `deliveredCount`/`deadLetteredCount` are added to, not set. */
export type CursorChanges = Partial<Omit<DeliveryCursor, 'partition' | 'epoch' | 'deliveredCount' | 'deadLetteredCount'>> & {
  addDelivered?: number;
  addDeadLettered?: number;
};
