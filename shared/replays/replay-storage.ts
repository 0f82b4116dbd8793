import type { Replay } from '../model/replay.js';

/** The port replay jobs need from storage (implemented by storage/replay-store.ts). */
export interface ReplayStorage {
  get(id: string): Promise<Replay | undefined>;
  active(): Promise<Replay[]>;
  /**
   * Writes the replay's next state, conditional on the version read: a cancel racing a
   * maintenance run cannot be overwritten by the run's progress, nor the other way round.
   */
  save(replay: Replay, expectedVersion: number | undefined): Promise<boolean>;
}
