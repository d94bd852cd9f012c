/**
 * Counts WRONG actions of a month of decisions, judged against the demand that followed them
 * (the traffic model: requests the users send, whether or not the resource still serves them).
 * Pure: the demand is a function passed in.
 *
 * - An idle action (delete / stop) is wrong when the resource is asked for requests within the
 *   following day.
 * - A new minimum is wrong when the traffic of the following day needs more than it: the
 *   quietest whole hour of that day averages at least one full request per second above the
 *   new minimum (floor(lowest hourly rate) > new minimum), so even the base load cannot be
 *   carried by the provisioned capacity. Peaks above the minimum are not counted: Personalize
 *   scales above the minimum, which is the point of a low minimum.
 */

export const HOUR_MS = 3_600_000;
/** How far after an action its consequences are judged. */
export const WRONG_ACTION_HORIZON_MS = 24 * HOUR_MS;

export interface BenchAction {
  arn: string;
  kind: 'idle' | 'capacity';
  /** Epoch ms the action was taken. */
  at: number;
  /** New minimum (capacity actions). */
  newMin?: number;
}

export interface WrongAction extends BenchAction {
  why: string;
}

/** Requests the users send to `arn` in [fromMs, toMs). */
export type DemandFn = (arn: string, fromMs: number, toMs: number) => number;

/** The actions that the following day proved wrong, each with why. */
export function findWrongActions(actions: readonly BenchAction[], demand: DemandFn, horizonMs: number = WRONG_ACTION_HORIZON_MS): WrongAction[] {
  const wrong: WrongAction[] = [];
  for (const a of actions) {
    if (a.kind === 'idle') {
      const requests = demand(a.arn, a.at, a.at + horizonMs);
      if (requests > 0) wrong.push({ ...a, why: `${requests} requests within ${horizonMs / HOUR_MS} h after it was stopped or deleted` });
      continue;
    }
    if (a.newMin === undefined) throw new Error(`capacity action on ${a.arn} at ${new Date(a.at).toISOString()} has no newMin`);
    // Whole hours only: the first hour starts at the next hour boundary after the action.
    const first = Math.ceil(a.at / HOUR_MS) * HOUR_MS;
    const hours = Math.floor((a.at + horizonMs - first) / HOUR_MS);
    if (hours < 1) continue;
    let lowest = Infinity;
    for (let h = 0; h < hours; h++) {
      const start = first + h * HOUR_MS;
      lowest = Math.min(lowest, demand(a.arn, start, start + HOUR_MS) / (HOUR_MS / 1000));
    }
    if (Math.floor(lowest) > a.newMin) {
      wrong.push({ ...a, why: `minimum ${a.newMin}, but the quietest hour of the next day averaged ${lowest.toFixed(2)}/s` });
    }
  }
  return wrong;
}
