import { describe, expect, it } from 'vitest';
import { IdleBackoff } from '../../client/src/idle-backoff.js';

/** A clock the test moves by hand: the schedule is checked as decisions, not as timings. */
function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** Feeds `answers` (records per fetch) in order, advancing the clock by each pause plus a 10 ms round trip. */
function schedule(backoff: IdleBackoff, c: ReturnType<typeof clock>, answers: number[]): number[] {
  return answers.map((records) => {
    const pause = backoff.next(records);
    c.advance(pause + 10);
    return pause;
  });
}

describe('idle backoff (the consumer default)', () => {
  it('pauses 250 ms doubling to 750 ms while records flowed within the minute, and resets on records', () => {
    const c = clock();
    const b = new IdleBackoff({}, c.now);
    expect(schedule(b, c, [0, 0, 0, 0, 0])).toEqual([250, 500, 750, 750, 750]);
    expect(schedule(b, c, [3, 0, 0, 0, 1, 0])).toEqual([0, 250, 500, 750, 0, 250]);
  });

  it('grows to 5 s once no record arrived for a minute, and drops back to the short phase on the next record', () => {
    const c = clock();
    const b = new IdleBackoff({}, c.now);
    expect(b.next(5)).toBe(0);
    // Empty answers for a minute: every pause stays at most 750 ms (latency under 1 s while flowing).
    const flowing: number[] = [];
    while (c.now() - 1_000_000 < 59_000) {
      const pause = b.next(0);
      flowing.push(pause);
      c.advance(pause + 10);
    }
    expect(Math.max(...flowing)).toBe(750);
    c.advance(1_000);
    expect(schedule(b, c, [0, 0, 0, 0, 0])).toEqual([1_500, 3_000, 5_000, 5_000, 5_000]);
    expect(schedule(b, c, [1, 0, 0, 0])).toEqual([0, 250, 500, 750]);
  });

  it('takes its caps from the options', () => {
    const c = clock();
    const b = new IdleBackoff({ initialMs: 100, flowingMaxMs: 300, idleMaxMs: 2_000, flowingWindowMs: 1_000 }, c.now);
    expect(schedule(b, c, [0, 0, 0])).toEqual([100, 200, 300]);
    c.advance(1_000);
    expect(schedule(b, c, [0, 0, 0])).toEqual([600, 1_200, 2_000]);
  });
});
