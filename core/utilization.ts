/**
 * Utilization math and the metrics the monitor publishes (the original's names and units).
 * Pure: no SDK imports.
 */
import { MONITOR_NAMESPACE, type MetricPoint, type MonitoredResource, type TrafficSample } from './types';
import { FIVE_MINUTES_SECONDS, HOUR_MS, type TimeWindow } from './time';

export { MONITOR_NAMESPACE };

/** Requests per second over `seconds` (0 when the duration is not positive). */
export function averageRate(requests: number, seconds: number): number {
  if (!(seconds > 0) || !Number.isFinite(requests)) return 0;
  return requests / seconds;
}

/**
 * Traffic of a 5-minute window as a percentage of the minimum capacity:
 * (requests / 300) / min × 100. No traffic, or no minimum, gives 0.
 */
export function utilizationPercent(requestsIn5Min: number, minCapacity: number): number {
  if (!(minCapacity > 0) || !(requestsIn5Min > 0)) return 0;
  return (averageRate(requestsIn5Min, FIVE_MINUTES_SECONDS) / minCapacity) * 100;
}

/** Metric and dimension names per resource type, as the original publishes them. */
export const METRIC_NAMES = {
  campaign: {
    dimension: 'CampaignArn',
    minCapacity: 'minProvisionedTPS',
    average: 'averageTPS',
    utilization: 'campaignUtilization',
  },
  recommender: {
    dimension: 'RecommenderArn',
    minCapacity: 'minRecommendationRequestsPerSecond',
    average: 'averageRPS',
    utilization: 'recommenderUtilization',
  },
} as const;

/**
 * The metric points published for one resource per run (original "Monitor run" step 4):
 * its minimum, its average rate (only when non-zero) and its utilization.
 */
export function monitorMetrics(
  resource: Pick<MonitoredResource, 'arn' | 'type' | 'minCapacity'>,
  recentRequests: number,
  timestamp: number,
): MetricPoint[] {
  const names = METRIC_NAMES[resource.type];
  const dimensions = [{ name: names.dimension, value: resource.arn }];
  const rate = averageRate(recentRequests, FIVE_MINUTES_SECONDS);
  const points: MetricPoint[] = [
    { metricName: names.minCapacity, dimensions, value: resource.minCapacity, unit: 'Count/Second', timestamp },
  ];
  if (rate > 0) points.push({ metricName: names.average, dimensions, value: rate, unit: 'Count/Second', timestamp });
  points.push({
    metricName: names.utilization,
    dimensions,
    value: utilizationPercent(recentRequests, resource.minCapacity),
    unit: 'Percent',
    timestamp,
  });
  return points;
}

/**
 * The hourly sums of `traffic` covering `window` exactly (one per hour, oldest first), or a
 * sentence saying why they are not available. Missing hours inside the sample are already zeros;
 * a sample that does not cover the window is NOT padded with zeros (that would invent idleness).
 */
export function hourlySumsIn(traffic: TrafficSample, window: TimeWindow): number[] | string {
  const { hourlySums, hourlyStart } = traffic;
  if (!hourlySums || hourlyStart === undefined) return 'no hourly traffic was read for this resource';
  const from = (window.start - hourlyStart) / HOUR_MS;
  const to = (window.end - hourlyStart) / HOUR_MS;
  if (!Number.isInteger(from) || !Number.isInteger(to)) {
    return `hourly traffic starting ${new Date(hourlyStart).toISOString()} is not aligned to whole hours`;
  }
  if (from < 0 || to > hourlySums.length) {
    const sampleEnd = hourlyStart + hourlySums.length * HOUR_MS;
    return (
      `hourly traffic read covers ${new Date(hourlyStart).toISOString()} to ${new Date(sampleEnd).toISOString()}, ` +
      `not the whole window ${new Date(window.start).toISOString()} to ${new Date(window.end).toISOString()}`
    );
  }
  return hourlySums.slice(from, to).map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
}
