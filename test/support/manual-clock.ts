import type { Clock } from '../../shared/clock.js';

/** A clock that moves only when told to, so timeouts are tested without sleeping. */
export class ManualClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
