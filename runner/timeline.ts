/**
 * Simulated time as the runner sees it: one clock shared with the simulated account, moved only
 * forward, with timers (task-token timeouts) that fire when the clock passes them.
 */

/** The clock the simulated account reads (the sim's `SimClock` fits). */
export interface ClockLike {
  now(): number;
  set(ms: number): void;
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

export class Timeline {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(readonly clock: ClockLike) {}

  /** Current simulated time (epoch ms). */
  now(): number {
    return this.clock.now();
  }

  /**
   * Moves the clock forward to `ms` (never back), firing due timers in time order; each fires
   * with the clock at its own instant so what it triggers starts at the right time.
   */
  advanceTo(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`Timeline.advanceTo: expected epoch ms, got ${ms}`);
    for (;;) {
      const due = this.timers.filter((t) => t.at <= ms).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      if (due.at > this.clock.now()) this.clock.set(due.at);
      due.fire();
    }
    if (ms > this.clock.now()) this.clock.set(ms);
  }

  /** Moves the clock forward by `ms`. */
  advanceBy(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`Timeline.advanceBy: expected ms >= 0, got ${ms}`);
    this.advanceTo(this.clock.now() + ms);
  }

  /** Calls `fire` once the clock reaches `at`; returns a cancel function. */
  at(at: number, fire: () => void): () => void {
    const timer = { at, seq: this.seq++, fire };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Instant of the earliest pending timer, if any. */
  nextTimer(): number | undefined {
    return this.timers.length ? Math.min(...this.timers.map((t) => t.at)) : undefined;
  }
}
