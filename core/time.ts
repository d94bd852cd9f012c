/**
 * Time arithmetic of the monitor: windows and decision slots. Times are epoch milliseconds;
 * `now` is always passed in (the run's start time), never read from the clock.
 */
import type { Behaviour } from '../config/schema';
import { shortHash } from './arn';

export const MINUTE_MS = 60_000;
export const FIVE_MINUTES_MS = 5 * MINUTE_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const FIVE_MINUTES_SECONDS = FIVE_MINUTES_MS / 1000;
export const HOUR_SECONDS = HOUR_MS / 1000;
/** Hours in a billing month (AWS pricing convention). */
export const HOURS_PER_MONTH = 730;
/** Five-minute slots in an hour: each resource gets one of them for its hourly decisions. */
export const DECISION_SLOTS_PER_HOUR = HOUR_MS / FIVE_MINUTES_MS;

/** A half-open time range [start, end) in epoch ms. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** Rounds `ms` down to a multiple of `stepMs`. */
export function floorTo(ms: number, stepMs: number): number {
  if (!(stepMs > 0)) throw new Error(`floorTo step must be positive, got ${stepMs}`);
  return Math.floor(ms / stepMs) * stepMs;
}

/**
 * The last complete 5-minute window, lagged by `delayMinutes` so metrics CloudWatch has not
 * published yet are not read as low traffic (original bug 11).
 */
export function recentWindow(now: number, delayMinutes: number): TimeWindow {
  const end = floorTo(now - delayMinutes * MINUTE_MS, FIVE_MINUTES_MS);
  return { start: end - FIVE_MINUTES_MS, end };
}

/** The `hours` whole hours ending at the hour boundary before `now − delay`. */
export function decisionWindow(now: number, delayMinutes: number, hours: number): TimeWindow {
  const end = floorTo(now - delayMinutes * MINUTE_MS, HOUR_MS);
  return { start: end - hours * HOUR_MS, end };
}

/**
 * Hourly window the collector must read so both the idle and the over-provisioned decisions
 * find their hours in one `TrafficSample` (the longer of the two windows; both end at the same hour).
 */
export function trafficWindow(
  now: number,
  behaviour: Pick<Behaviour, 'metricDelayMinutes' | 'idleThresholdHours' | 'lookBackDays'>,
): TimeWindow {
  const hours = Math.max(behaviour.idleThresholdHours, behaviour.lookBackDays * 24);
  return decisionWindow(now, behaviour.metricDelayMinutes, hours);
}

/** The 5-minute slot (0–11) of the hour in which a resource gets its hourly decisions. */
export function decisionSlot(arn: string): number {
  return parseInt(shortHash(arn, 8), 16) % DECISION_SLOTS_PER_HOUR;
}

/**
 * True in the one 5-minute slot per hour in which `arn` is evaluated for idle / over-provisioned
 * decisions: stable per resource, and spreads a fleet's work evenly over the hour.
 */
export function isDecisionSlot(arn: string, now: number): boolean {
  const slotNow = Math.floor((now - floorTo(now, HOUR_MS)) / FIVE_MINUTES_MS);
  return slotNow === decisionSlot(arn);
}

/** Epoch ms → ISO-8601 UTC string, without `.000` when there are no milliseconds (payloads stay small). */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
