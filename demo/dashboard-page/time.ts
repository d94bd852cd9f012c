/**
 * The time range and periods the page requests, as the CloudWatch console derives them from a
 * dashboard body. Pure.
 */

/** Default time range of a dashboard body without `start` (the console's default: 3 hours). */
export const DEFAULT_RANGE_MS = 3 * 3600_000;

/**
 * Most datapoints the console draws per series. GetMetricStatistics returns at most 1,440
 * datapoints per call (https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/clients/client-cloudwatch/classes/getmetricstatisticscommand.html),
 * and with the dashboard's default `periodOverride: "auto"` the period of every graph adapts to the
 * time range (Dashboard Body Structure and Syntax, `periodOverride`:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * the console moves to the next larger period when range / period would exceed this.
 */
export const MAX_POINTS_PER_SERIES = 1440;

/** The periods the console offers (seconds), smallest first; a period is adjusted to one of these. */
export const CONSOLE_PERIODS = [60, 300, 900, 3600, 21_600, 86_400, 7 * 86_400, 30 * 86_400] as const;

/** A time range in epoch ms, end exclusive. */
export interface TimeRange {
  startMs: number;
  endMs: number;
}

const DURATION = /^([+-])?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * `endMs` moved by an ISO-8601 duration (`-PT24H`, `-P7D`, `-P1W`, `-P3M` = three months),
 * calendar-correct for years and months. Undefined when `text` is not a duration.
 */
export function applyDuration(text: string, endMs: number): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || m.slice(2).every((x) => x === undefined)) return undefined;
  const sign = m[1] === '+' ? 1 : -1;
  const [years, months, weeks, days, hours, minutes, seconds] = m.slice(2).map((x) => Number(x ?? 0));
  const d = new Date(endMs);
  // Whole years and months on the calendar (a month back from 31 March is 3 March, like Date does).
  if (years || months) d.setUTCMonth(d.getUTCMonth() + sign * (years * 12 + months));
  return d.getTime() + sign * (((weeks * 7 + days) * 24 + hours) * 3600 + minutes * 60 + seconds) * 1000;
}

/**
 * The time range a dashboard body asks for: `start` relative to now (`-PT24H`) ending at
 * `nowMs`, or absolute ISO timestamps `start` / `end`. A body without `start` uses `fallbackStartMs`
 * (then the console's default of 3 hours).
 * @throws Error when `start` or `end` is neither a duration nor a timestamp, or the range is empty.
 */
export function dashboardTimeRange(body: { start?: unknown; end?: unknown }, nowMs: number, fallbackStartMs?: number): TimeRange {
  const at = (v: unknown, field: string): number => {
    if (typeof v !== 'string') throw new Error(`dashboard body: ${field} must be a string, got ${JSON.stringify(v)}`);
    const relative = applyDuration(v, nowMs);
    if (relative !== undefined) return relative;
    const absolute = Date.parse(v);
    if (Number.isNaN(absolute)) throw new Error(`dashboard body: ${field} "${v}" is neither an ISO-8601 duration nor a timestamp`);
    return absolute;
  };
  const endMs = body.end === undefined ? nowMs : at(body.end, 'end');
  const startMs = body.start === undefined ? (fallbackStartMs ?? endMs - DEFAULT_RANGE_MS) : at(body.start, 'start');
  if (!(endMs > startMs)) throw new Error(`dashboard body: the time range ${new Date(startMs).toISOString()} – ${new Date(endMs).toISOString()} is empty`);
  return { startMs, endMs };
}

/**
 * The period the console draws a row with: its own when the range holds at most
 * MAX_POINTS_PER_SERIES of them, else the smallest larger console period that fits.
 */
export function consolePeriod(periodSec: number, rangeMs: number): number {
  const rangeSec = rangeMs / 1000;
  if (rangeSec / periodSec <= MAX_POINTS_PER_SERIES) return periodSec;
  const fit = CONSOLE_PERIODS.find((p) => p > periodSec && rangeSec / p <= MAX_POINTS_PER_SERIES);
  // Past the largest console period: whole days, still ≤ 1,440 points.
  return fit ?? Math.ceil(rangeSec / MAX_POINTS_PER_SERIES / 86_400) * 86_400;
}

/** `setPeriodToTimeRange`: one period covering the whole range, a multiple of 60 s (GetMetricData's unit). */
export function wholeRangePeriod(rangeMs: number): number {
  return Math.max(60, Math.ceil(rangeMs / 1000 / 60) * 60);
}
