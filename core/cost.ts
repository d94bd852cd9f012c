/**
 * Waste estimates in USD. Prices come from the behaviour (Personalize list prices vary by
 * region and tier); a month is 730 hours.
 */
import type { Behaviour } from '../config/schema';
import type { AlarmSpec, MonitoredResource, ResourceType } from './types';
import { alarmSpecs, type AlarmOptions } from './alarms';
import { HOURS_PER_MONTH } from './time';

export type Prices = Pick<Behaviour, 'campaignTpsHourPrice' | 'recommenderRpsHourPrice'>;

const CENTS = 100;

/** Rounds to whole cents (estimates, not invoices). */
function usd(amount: number): number {
  return Math.round(amount * CENTS) / CENTS;
}

/** Price of one TPS/RPS-hour for the resource type. */
function hourPrice(type: ResourceType, prices: Prices): number {
  return type === 'campaign' ? prices.campaignTpsHourPrice : prices.recommenderRpsHourPrice;
}

/** Monthly cost (USD) of keeping `capacity` TPS (campaign) or RPS (recommender) provisioned. */
export function monthlyCost(capacity: number, resourceType: ResourceType, behaviour: Prices): number {
  return usd(Math.max(0, capacity) * hourPrice(resourceType, behaviour) * HOURS_PER_MONTH);
}

/** Monthly cost of an idle resource: everything its minimum costs. */
export function idleWaste(resource: Pick<MonitoredResource, 'minCapacity' | 'type'>, behaviour: Prices): number {
  return monthlyCost(resource.minCapacity, resource.type, behaviour);
}

/**
 * Monthly saving of lowering a minimum from `current` to `newMin`. With the hourly average
 * rates it is exact for that traffic (billing is on max(actual, minimum), so hours above the
 * current minimum save nothing); without them it is the upper bound (current − newMin).
 */
export function overProvisionWaste(
  current: number,
  newMin: number,
  type: ResourceType,
  behaviour: Prices,
  hourlyRates?: number[],
): number {
  if (!hourlyRates || hourlyRates.length === 0) return monthlyCost(current - newMin, type, behaviour);
  const saved = hourlyRates.reduce((sum, rate) => sum + Math.max(rate, current) - Math.max(rate, newMin), 0);
  return monthlyCost(saved / hourlyRates.length, type, behaviour);
}

/**
 * CloudWatch alarm prices (https://aws.amazon.com/cloudwatch/pricing/, us-east-1 list price, free
 * tier of 10 alarm metrics not counted): a standard-resolution alarm costs $0.10 per alarm metric
 * per month; a metric-math alarm is billed per metric it reads (each MetricStat query); an anomaly
 * detection alarm counts 3 (the metric and the band's upper and lower bound).
 */
export const ALARM_METRIC_MONTH_USD = 0.1;

/** Alarm metrics CloudWatch bills for one alarm. */
export function alarmMetrics(spec: AlarmSpec): number {
  if (spec.thresholdMetricId) return 3;
  return spec.metrics ? spec.metrics.filter((q) => q.metricStat).length : 1;
}

/** Alarms, alarm metrics and monthly cost (USD) of `specs`. */
export function alarmsMonthlyCost(specs: readonly AlarmSpec[]): { alarms: number; alarmMetrics: number; usd: number } {
  const metrics = specs.reduce((n, s) => n + alarmMetrics(s), 0);
  return { alarms: specs.length, alarmMetrics: metrics, usd: usd(metrics * ALARM_METRIC_MONTH_USD) };
}

/** The alarms of one resource under a configuration, and their monthly cost for `resources` such resources. */
export function alarmCostFor(
  behaviour: Parameters<typeof alarmSpecs>[1],
  options: AlarmOptions,
  resources: number,
): { perResource: number; alarmMetricsPerResource: number; monthlyUsd: number } {
  const sample = { arn: 'arn:aws:personalize:us-east-1:000000000000:campaign/x', name: 'x', type: 'campaign', region: 'us-east-1', minCapacity: 2, requestMetric: 'GetRecommendations', createdAt: 0, lastUpdatedAt: 0 } as const;
  const one = alarmsMonthlyCost(alarmSpecs(sample, behaviour, 'topic', 0, 'p-', options));
  return { perResource: one.alarms, alarmMetricsPerResource: one.alarmMetrics, monthlyUsd: usd(one.alarmMetrics * resources * ALARM_METRIC_MONTH_USD) };
}
