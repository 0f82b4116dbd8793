/** A replay job: re-publish a time window of a topic into another topic or a subscription. */
export interface Replay {
  id: string;
  topic: string;
  /** Append-time window [from, to); `to` absent: up to the high watermark when the job starts. */
  from: number;
  to: number | null;
  target: { topic: string } | { subscription: string };
  status: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  createdAt: number;
  updatedAt: number;
  /** Per partition: [startOffset, endOffset) and how far it got. Empty until the job starts. */
  partitions: ReplayPartition[];
  copied: number;
  error: string | null;
  /** Optimistic-concurrency version; every save increments it. */
  version: number;
}

export interface ReplayPartition {
  partition: number;
  startOffset: number;
  endOffset: number;
  nextOffset: number;
  copied: number;
  /** Records that retention removed before the job reached them. */
  skipped: number;
}

export const REPLAY_SOURCE_HEADER = 'freshet-replay-source';
