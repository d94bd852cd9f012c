/**
 * The original monitor (https://github.com/aws-samples/amazon-personalize-monitor), modelled from
 * its public source (the monitor and dashboard functions and its SAM template): its API calls per
 * run and its hourly decision rules (idle rule, 25 %-per-hour step down). A MODEL, not a
 * measurement: the original is not run here. Pure: no SDK, no clock.
 */

export const ORIGINAL = {
  /** Its monitor Lambda: python3.9, SAM defaults (128 MB, x86_64), every 5 minutes. */
  memoryMb: 128,
  architecture: 'x86_64' as const,
  scheduleMinutes: 5,
  /** List page size (the boto3 paginator returns up to 100 per page). */
  listPageSize: 100,
  /** PutMetricData chunk size (original bug 10: 20, the limit is 1,000). */
  metricsPerPut: 20,
  /** Hourly checks use 10-minute slots (6 per hour), picked by the byte sum of the ARN. */
  slotsPerHour: 6,
  slotMinutes: 10,
  /** Look-back of the minimum check and its step down. */
  lookBackDays: 14,
  stepFactor: 0.75,
  minAgeForCapacityHours: 24,
} as const;

const HOUR_MS = 3_600_000;
const HOUR_SECONDS = 3600;

/** The facts of a fleet the original's call count depends on. */
export interface OriginalFleetFacts {
  /** Per monitored region: campaigns and recommenders that exist there. */
  regions: { campaigns: number; recommenders: number }[];
  /** Resources with a minimum above 1 (they get the hourly minimum check). */
  minAboveOne: number;
  /** Resources with traffic in the current 5-minute window (they also publish averageTPS). */
  withTrafficNow: number;
  /** Resources silent in the current window (idle check when AutoDeleteOrStopIdleResources). */
  silentNow: number;
  autoDeleteOrStopIdleResources: boolean;
  autoAdjustMinTps: boolean;
  autoCreateUtilizationAlarms: boolean;
  autoCreateIdleAlarms: boolean;
}

/**
 * Mean API calls of one steady-state run of the original, per operation. Counting (from its
 * code path, one resource after the other):
 * - List: one page per 100 resources per type and region (at least one page each);
 * - DescribeCampaign / DescribeRecommender: one per resource every run (its 22-minute cache is
 *   only a fallback when throttled);
 * - DescribeSolutionVersion: one per campaign every run (the recipe is remembered only on that
 *   run's campaign object);
 * - GetMetricData: one per resource (5-minute Sum), plus in the resource's hourly slot (1 run in
 *   12) one for the 14-day minimum check (min > 1) and one for the idle check (silent now and
 *   AutoDeleteOrStopIdleResources);
 * - DescribeAlarmsForMetric: one per alarm type per resource every run (utilization, idle);
 * - PutMetricData: chunks of 20 per region (min, utilization, averageTPS when > 0), plus the
 *   resource count metric.
 */
export function originalCallsPerRun(f: OriginalFleetFacts): Record<string, number> {
  const pages = (n: number) => Math.max(1, Math.ceil(n / ORIGINAL.listPageSize));
  const campaigns = f.regions.reduce((s, r) => s + r.campaigns, 0);
  const recommenders = f.regions.reduce((s, r) => s + r.recommenders, 0);
  const resources = campaigns + recommenders;
  const hourlyShare = 1 / (60 / ORIGINAL.scheduleMinutes);
  const metricsTotal = 2 * resources + f.withTrafficNow + 1;
  // Chunks per region: spread the traffic metrics evenly (only the chunk count matters).
  const putCalls = f.regions.reduce((s, r, i) => {
    const n = r.campaigns + r.recommenders;
    const share = resources > 0 ? (f.withTrafficNow * n) / resources : 0;
    const metrics = 2 * n + share + (i === 0 ? 1 : 0);
    return s + (metrics > 0 ? Math.ceil(metrics / ORIGINAL.metricsPerPut) : 0);
  }, 0);
  const alarmTypes = (f.autoCreateUtilizationAlarms ? 1 : 0) + (f.autoCreateIdleAlarms ? 1 : 0);
  const calls: Record<string, number> = {
    ListCampaigns: f.regions.reduce((s, r) => s + pages(r.campaigns), 0),
    ListRecommenders: f.regions.reduce((s, r) => s + pages(r.recommenders), 0),
    DescribeCampaign: campaigns,
    DescribeRecommender: recommenders,
    DescribeSolutionVersion: campaigns,
    GetMetricData:
      resources +
      (f.autoAdjustMinTps ? f.minAboveOne * hourlyShare : 0) +
      (f.autoDeleteOrStopIdleResources ? f.silentNow * hourlyShare : 0),
    DescribeAlarmsForMetric: alarmTypes * resources,
    PutMetricData: metricsTotal > 0 ? putCalls : 0,
  };
  return calls;
}

/** Custom metrics the original keeps alive: min and utilization per resource, averageTPS for busy ones, the count. */
export function originalCustomMetrics(resources: number, withTrafficInMonth: number): number {
  return 2 * resources + withTrafficInMonth + 1;
}

/** The 10-minute slot (minute of the hour) in which the original runs a resource's hourly checks. */
export function originalSlotMinute(arn: string): number {
  let sum = 0;
  for (const byte of Buffer.from(arn, 'utf8')) sum += byte;
  return (sum % ORIGINAL.slotsPerHour) * ORIGINAL.slotMinutes;
}

/** A resource as the original sees it after DescribeCampaign / DescribeRecommender. */
export interface OriginalView {
  status: string;
  latestUpdateStatus?: string;
  minCapacity: number;
  /** creationDateTime: the original ignores restarts and updates (bug 12). */
  createdAt: number;
}

/** ACTIVE or CREATE FAILED, also for the latest update (the original's is_*_updatable). */
export function originalUpdatable(v: Pick<OriginalView, 'status' | 'latestUpdateStatus'>): boolean {
  const ok = (s: string) => s === 'ACTIVE' || s === 'CREATE FAILED';
  return ok(v.status) && (v.latestUpdateStatus === undefined || ok(v.latestUpdateStatus));
}

/** Whole hours since creation, as the original computes the age. */
export function originalAgeHours(createdAt: number, now: number): number {
  return Math.floor((now - createdAt) / HOUR_MS);
}

/**
 * The original's idle rule: no request in the last 5-minute window, at least
 * IdleThresholdHours old (by creation), no request in the last IdleThresholdHours, updatable.
 */
export function originalIsIdle(
  v: OriginalView,
  traffic: { recent5MinRequests: number; requestsInIdleWindow: number },
  now: number,
  idleThresholdHours: number,
): boolean {
  return (
    traffic.recent5MinRequests === 0 &&
    originalAgeHours(v.createdAt, now) >= idleThresholdHours &&
    traffic.requestsInIdleWindow === 0 &&
    originalUpdatable(v)
  );
}

/**
 * The original's minimum check: with min > 1 and age ≥ 24 h, the low watermark is
 * floor(lowest hourly sum / 3600) over the hours that HAD data (0 when none had); below the
 * minimum → max(1, floor(min × 0.75)), one 25 % step per hour, whatever the watermark (it can
 * undershoot). Returns the new minimum, or undefined when it would not act.
 */
export function originalStepDown(v: OriginalView, hourlySums: readonly number[], now: number): number | undefined {
  if (v.minCapacity <= 1 || originalAgeHours(v.createdAt, now) < ORIGINAL.minAgeForCapacityHours) return undefined;
  const withData = hourlySums.filter((s) => s > 0);
  const low = withData.length > 0 ? Math.floor(Math.min(...withData) / HOUR_SECONDS) : 0;
  if (!(low < v.minCapacity) || !originalUpdatable(v)) return undefined;
  return Math.max(1, Math.floor(v.minCapacity * ORIGINAL.stepFactor));
}

/**
 * MODEL: the shortest one run of the original can take under per-operation rate limits and a
 * per-call latency. Its handler is one thread that calls one resource after the other, so each call
 * costs the latency, and no operation can go faster than its rate (calls ÷ rate): per operation the
 * larger of the two, summed. Operations without a known rate count the latency only.
 */
export function originalRunSecondsUnderLimits(
  callsPerRun: Record<string, number>,
  latencyMs: number,
  ratePerSecond: (operation: string) => number | undefined,
): number {
  let seconds = 0;
  for (const [op, n] of Object.entries(callsPerRun)) {
    const rate = ratePerSecond(op);
    seconds += Math.max((n * latencyMs) / 1000, rate ? n / rate : 0);
  }
  return seconds;
}

/** Lambda's longest timeout (15 minutes): no invocation of the original can run longer. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
