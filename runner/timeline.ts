/**
 * Simulated time as the runner sees it: one clock shared with the simulated account, and the
 * timers that fire on it (Wait states, task-token timeouts, execution timeouts, schedules,
 * scheduled rules).
 *
 * The clock moves in one place only, `advanceTo`: from one timer's instant to the next, in time
 * order, letting what each instant started run until it has settled (ended, or waits for a later
 * timer or for a person) before the clock moves on. Nothing else sets the clock, so executions
 * are concurrent as in AWS: a Wait of one execution never moves time under another one, and a
 * schedule fires at every point of its grid whatever else is waiting.
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

export interface AdvanceOptions {
  /** Resolves once everything the fired timers started has settled (the runner's `settle`). */
  settle: () => Promise<void>;
  /** Called at each instant at which timers fired, once it settled, before the clock moves on. */
  onInstant?: (at: number) => Promise<void> | void;
  /** Leave timers due exactly at the target for later: process [now, ms) instead of [now, ms]. */
  exclusive?: boolean;
}

export class Timeline {
  private timers: Timer[] = [];
  private seq = 0;
  private advancing = false;

  constructor(readonly clock: ClockLike) {}

  /** Current simulated time (epoch ms). */
  now(): number {
    return this.clock.now();
  }

  /**
   * Moves the clock forward to `ms` (never back). At each instant with due timers: the clock is
   * set to that instant, every timer due then fires (in the order they were set), everything
   * settles, `onInstant` runs; then the next instant. Timers set meanwhile (the next Wait of an
   * execution, the next point of a schedule) take their place in the same order.
   */
  async advanceTo(ms: number, options: AdvanceOptions): Promise<void> {
    if (!Number.isFinite(ms)) throw new RangeError(`Timeline.advanceTo: expected epoch ms, got ${ms}`);
    if (this.advancing) throw new Error('Timeline.advanceTo: time is already being advanced (await that call first)');
    this.advancing = true;
    try {
      await options.settle();
      for (;;) {
        const next = this.nextTimer();
        if (next === undefined || next > ms || (options.exclusive && next >= ms)) break;
        if (next > this.clock.now()) this.clock.set(next);
        const now = this.clock.now();
        const due = this.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq);
        this.timers = this.timers.filter((t) => t.at > now);
        for (const t of due) t.fire();
        await options.settle();
        await options.onInstant?.(now);
      }
      if (ms > this.clock.now()) this.clock.set(ms);
    } finally {
      this.advancing = false;
    }
  }

  /** Calls `fire` once the clock reaches `at` (during an `advanceTo`); returns a cancel function. */
  at(at: number, fire: () => void): () => void {
    if (!Number.isFinite(at)) throw new RangeError(`Timeline.at: expected epoch ms, got ${at}`);
    const timer = { at, seq: this.seq++, fire };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Instant of the earliest pending timer, if any. */
  nextTimer(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers) if (next === undefined || t.at < next) next = t.at;
    return next;
  }
}
