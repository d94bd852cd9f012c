/**
 * Metrics reader: the region's request traffic in one logical GetMetricData read.
 *
 * Two groups of queries (a call has one time range, so each group gets its own calls):
 * the recent 5-minute window for every monitored resource, and hourly sums over the decision
 * window for the resources in their decision slot. Each group is split into calls of at most
 * 500 queries and 100,800 datapoints, and every call follows NextToken (original bug 10).
 */
import { getMetricData, MAX_DATAPOINTS_PER_CALL, MAX_QUERIES_PER_CALL, requestSumQuery, type CloudWatchClient, type MetricDataQuery } from '../aws/cloudwatch';
import { FIVE_MINUTES_SECONDS, HOUR_MS, HOUR_SECONDS, type TimeWindow } from '../../core/time';
import type { MonitoredResource, TrafficSample } from '../../core/types';
import { METRIC_NAMES } from '../../core/utilization';
import { ApiCallCounter, describeError } from './aws-calls';


export interface TrafficReadRequest {
  /** The monitored resources of the region. */
  resources: readonly MonitoredResource[];
  /** The recent 5-minute window (read for every resource). */
  recent: TimeWindow;
  /**
   * The decision window (whole hours), read for the resources `wanted` selects once their recent
   * traffic is known (e.g. those in their decision slot that could be a finding).
   */
  hourly?: { window: TimeWindow; wanted: (resource: MonitoredResource, recentRequests: number) => boolean };
}

export interface TrafficReadResult {
  /** Traffic per resource ARN; every requested resource has an entry (missing datapoints = 0). */
  traffic: Map<string, TrafficSample>;
  /** Resources whose recent window could not be read, with why (their utilization is unknown). */
  recentFailed: Map<string, string>;
  /** Resources whose hourly sums could not be read, with why (no decision for them this run). */
  hourlyFailed: Map<string, string>;
}

interface PlannedQuery {
  id: string;
  arn: string;
  resource: MonitoredResource;
  datapoints: number;
}

/**
 * Reads recent request sums for every resource, then hourly sums for the resources `hourly.wanted`
 * selects (never for one whose recent read failed: it gets no decision this run anyway).
 */
export async function readTraffic(cloudwatch: CloudWatchClient, request: TrafficReadRequest, calls: ApiCallCounter): Promise<TrafficReadResult> {
  const recentSums = new Map<string, number>();
  const hourlySums = new Map<string, number[]>();
  const recentFailed = new Map<string, string>();
  const hourlyFailed = new Map<string, string>();
  const { recent, hourly } = request;

  const recentQueries = request.resources.map((r, i) => planQuery(`r${i}`, r, recent, FIVE_MINUTES_SECONDS));
  for (const q of recentQueries) recentSums.set(q.arn, 0);
  await readGroup(cloudwatch, recentQueries, recent, FIVE_MINUTES_SECONDS, calls, recentFailed, (q, timestamps, values) => {
    let sum = 0;
    timestamps.forEach((t, k) => {
      if (t >= recent.start && t < recent.end) sum += finite(values[k]);
    });
    recentSums.set(q.arn, sum);
  });

  const historyWanted = hourly
    ? request.resources.map((r, i) => ({ r, i })).filter(({ r }) => !recentFailed.has(r.arn) && hourly.wanted(r, recentSums.get(r.arn) ?? 0))
    : [];
  if (hourly && historyWanted.length > 0) {
    const hours = Math.round((hourly.window.end - hourly.window.start) / HOUR_MS);
    const hourlyQueries = historyWanted.map(({ r, i }) => planQuery(`h${i}`, r, hourly.window, HOUR_SECONDS));
    // Idle resources emit no datapoints at all: every hour starts at zero.
    for (const q of hourlyQueries) hourlySums.set(q.arn, new Array<number>(hours).fill(0));
    await readGroup(cloudwatch, hourlyQueries, hourly.window, HOUR_SECONDS, calls, hourlyFailed, (q, timestamps, values) => {
      const grid = hourlySums.get(q.arn)!;
      timestamps.forEach((t, k) => {
        const hour = Math.floor((t - hourly.window.start) / HOUR_MS);
        if (hour >= 0 && hour < hours) grid[hour] += finite(values[k]);
      });
    });
  }

  const traffic = new Map<string, TrafficSample>();
  for (const r of request.resources) {
    const sample: TrafficSample = { recentRequests: recentSums.get(r.arn) ?? 0 };
    const sums = hourlySums.get(r.arn);
    if (sums && hourly && !hourlyFailed.has(r.arn)) {
      sample.hourlySums = sums;
      sample.hourlyStart = hourly.window.start;
    }
    traffic.set(r.arn, sample);
  }
  return { traffic, recentFailed, hourlyFailed };
}

/**
 * Splits queries of one time range into calls within both per-call limits (greedy, in order).
 * A single query above the datapoint limit cannot be read and is returned in `tooLarge`.
 */
export function planCalls<Q extends { datapoints: number }>(queries: readonly Q[]): { calls: Q[][]; tooLarge: Q[] } {
  const calls: Q[][] = [];
  const tooLarge: Q[] = [];
  let current: Q[] = [];
  let points = 0;
  for (const q of queries) {
    if (q.datapoints > MAX_DATAPOINTS_PER_CALL) {
      tooLarge.push(q);
      continue;
    }
    if (current.length >= MAX_QUERIES_PER_CALL || points + q.datapoints > MAX_DATAPOINTS_PER_CALL) {
      calls.push(current);
      current = [];
      points = 0;
    }
    current.push(q);
    points += q.datapoints;
  }
  if (current.length > 0) calls.push(current);
  return { calls, tooLarge };
}

function planQuery(id: string, resource: MonitoredResource, window: TimeWindow, periodSeconds: number): PlannedQuery {
  return { id, arn: resource.arn, resource, datapoints: Math.max(1, Math.ceil((window.end - window.start) / 1000 / periodSeconds)) };
}

function toMetricQuery(q: PlannedQuery, periodSeconds: number): MetricDataQuery {
  return requestSumQuery(q.id, q.resource.requestMetric, { name: METRIC_NAMES[q.resource.type].dimension, value: q.arn }, periodSeconds);
}

/** Reads one group of queries; failures are recorded per resource, never thrown. */
async function readGroup(
  cloudwatch: CloudWatchClient,
  queries: PlannedQuery[],
  window: TimeWindow,
  periodSeconds: number,
  calls: ApiCallCounter,
  failed: Map<string, string>,
  accept: (q: PlannedQuery, timestamps: number[], values: number[]) => void,
): Promise<void> {
  const plan = planCalls(queries);
  for (const q of plan.tooLarge) failed.set(q.arn, `needs ${q.datapoints} datapoints in one query, more than GetMetricData's ${MAX_DATAPOINTS_PER_CALL}`);
  for (const batch of plan.calls) {
    const byId = new Map(batch.map((q) => [q.id, q]));
    const collected = new Map<string, { timestamps: number[]; values: number[]; status?: string; message?: string }>();
    try {
      const results = await getMetricData(
        cloudwatch,
        { queries: batch.map((q) => toMetricQuery(q, periodSeconds)), start: window.start, end: window.end, scanBy: 'TimestampAscending' },
        () => calls.add('GetMetricData'),
      );
      for (const res of results) {
        if (!res.Id || !byId.has(res.Id)) continue;
        const acc = collected.get(res.Id) ?? { timestamps: [], values: [] };
        (res.Timestamps ?? []).forEach((t) => acc.timestamps.push(t instanceof Date ? t.getTime() : Date.parse(String(t))));
        acc.values.push(...(res.Values ?? []));
        // The last page's status is the one that counts: PartialData becomes Complete once followed.
        acc.status = res.StatusCode ?? acc.status;
        acc.message = res.Messages?.map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim()).join('; ') || acc.message;
        collected.set(res.Id, acc);
      }
    } catch (err) {
      for (const q of batch) failed.set(q.arn, `GetMetricData failed: ${describeError(err)}`);
      continue;
    }
    for (const q of batch) {
      const got = collected.get(q.id);
      if (got?.status === 'InternalError') {
        failed.set(q.arn, `GetMetricData InternalError for ${q.resource.requestMetric}${got.message ? ` (${got.message})` : ''}`);
      } else if (got?.status === 'PartialData') {
        failed.set(q.arn, 'GetMetricData returned PartialData without a NextToken to complete it');
      } else if (got) {
        accept(q, got.timestamps, got.values);
      }
      // No result at all for a query: no datapoints, i.e. zero requests (idle resources emit none).
    }
  }
}

/** Non-finite values (never expected) count as zero rather than poisoning a sum. */
function finite(v: number | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
