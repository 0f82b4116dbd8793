import type { Replay } from '../model/replay.js';

/** The port replay jobs need from storage (implemented by storage/replay-store.ts). */
export interface ReplayStorage {
  get(id: string): Promise<Replay | undefined>;
  active(): Promise<Replay[]>;
  /**
   * Replays newest first, from the active list (pending, running) or the finished one,
   * at most `limit`, older than the id `before` when given.
   */
  list(query: { finished: boolean; limit: number; before?: string | undefined }): Promise<Replay[]>;
  /**
   * Writes the replay's next state, conditional on the version read: a cancel racing a
   * maintenance run cannot be overwritten by the run's progress, nor the other way round.
   */
  save(replay: Replay, expectedVersion: number | undefined): Promise<boolean>;
}
