/**
 * The time budget of one collect invocation: optional work (describes beyond the stored ones, tag
 * reads, alarm writes) is only STARTED while more than a reserve of the invocation's time is left;
 * what does not fit is carried over to the next run (5 minutes later), never a timeout.
 *
 * The reserve is 25 % of the invocation's budget (its remaining time when it starts): 30 s at
 * collect's 120 s timeout. What must still fit after the last optional call started: that call
 * itself (a describe or PutMetricAlarm the SDK retries with adaptive backoff can take several
 * seconds), the mandatory rest – the metric read of the resources in their decision slot (a few
 * GetMetricData calls), the state write (one BatchWriteItem per 25 changed items, retried with
 * backoff) and the result – and the variance of real latencies (30–80 ms a call, more when
 * throttled). At 120 s, 30 s covers that with room and is above a 20 s floor, so no floor is
 * applied: a purely proportional reserve behaves the same under the local runner's time scale
 * (which divides the timeout and every latency by the same k), where a fixed floor would eat
 * half of a scaled 12 s budget.
 */

/** What a Lambda context offers about time (the runner's and Lambda's context both have it). */
export interface TimeContext {
  getRemainingTimeInMillis?: () => number;
}

export interface Budget {
  /** True while optional work may still be started. */
  allows(): boolean;
  /** Milliseconds left of the invocation. */
  remainingMs(): number;
  /** The reserve kept for mandatory work, in ms. */
  readonly reserveMs: number;
}

/** Share of the budget kept for mandatory work (see the module comment). */
export const RESERVE_SHARE = 0.25;

/** Reserve for a budget of `totalMs` (see the module comment). */
export function reserveFor(totalMs: number): number {
  return RESERVE_SHARE * totalMs;
}

/**
 * The budget of this invocation: from `context.getRemainingTimeInMillis()` when there is a
 * context (Lambda, the local runner), else `defaultTimeoutMs` from now (tests, scripts).
 */
export function timeBudget(context: TimeContext | undefined, defaultTimeoutMs: number, clock: () => number = Date.now): Budget {
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function'
      ? () => context.getRemainingTimeInMillis!()
      : (() => {
          const deadline = clock() + defaultTimeoutMs;
          return () => Math.max(0, deadline - clock());
        })();
  const reserveMs = reserveFor(remaining());
  return { allows: () => remaining() > reserveMs, remainingMs: remaining, reserveMs };
}

/** A budget that always allows (scripts and callers that have no deadline). */
export const UNLIMITED_BUDGET: Budget = { allows: () => true, remainingMs: () => Infinity, reserveMs: 0 };
