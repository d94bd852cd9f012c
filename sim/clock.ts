/**
 * Simulated clock of a SimAccount. Every model reads time from here, so a test or the demo can
 * jump days ahead in one call and the account behaves as if that time had passed.
 */

/** Default start of simulated time: Monday 2 June 2025, 00:00 UTC (a whole week and hour). */
export const DEFAULT_SIM_START_MS = Date.UTC(2025, 5, 2);

export class SimClock {
  private current: number;

  constructor(startMs: number = DEFAULT_SIM_START_MS) {
    SimClock.check(startMs);
    this.current = startMs;
  }

  /** Current simulated time in epoch milliseconds. */
  now(): number {
    return this.current;
  }

  /** Jump to an absolute instant (epoch ms). Going back is allowed: state is a timeline. */
  set(ms: number): void {
    SimClock.check(ms);
    this.current = ms;
  }

  /** Move forward by `ms` milliseconds and return the new time. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`SimClock.advance: expected ms >= 0, got ${ms}`);
    this.current += ms;
    return this.current;
  }

  private static check(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`SimClock: expected a finite epoch ms, got ${ms}`);
  }
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
