/**
 * Pricing model of the monitor itself (what running it costs per month). Pure: usage in, USD out.
 * Prices from /work/shared/reference/aws-facts.md where it has them; the rest are public us-east-1
 * list prices, marked as such in the report.
 */

/** One price with where it comes from (shown in the report). */
export interface Price {
  usd: number;
  per: string;
  source: 'aws-facts.md' | 'public list price (not in aws-facts.md) [?]';
}

const FACTS = 'aws-facts.md' as const;
const LIST = 'public list price (not in aws-facts.md) [?]' as const;

/** Every price the model uses. */
export const PRICES = {
  sfnExpressRequest: { usd: 1 / 1_000_000, per: 'Express request', source: FACTS },
  sfnExpressGbSecond: { usd: 0.00001667, per: 'Express GB-second', source: FACTS },
  sfnStandardTransition: { usd: 0.025 / 1000, per: 'Standard state transition', source: FACTS },
  lambdaRequest: { usd: 0.2 / 1_000_000, per: 'Lambda request', source: LIST },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'Lambda GB-second, arm64', source: LIST },
  lambdaX86GbSecond: { usd: 0.0000166667, per: 'Lambda GB-second, x86_64', source: LIST },
  getMetricDataMetric: { usd: 0.01 / 1000, per: 'metric requested by GetMetricData', source: FACTS },
  customMetricMonth: { usd: 0.3, per: 'custom metric-month', source: FACTS },
  alarmMonth: { usd: 0.1, per: 'standard alarm-metric-month', source: FACTS },
  dashboardMonth: { usd: 3, per: 'dashboard-month', source: FACTS },
  cloudWatchApiRequest: { usd: 0.01 / 1000, per: 'other CloudWatch API request (PutMetricData, DescribeAlarms, PutMetricAlarm, ...)', source: LIST },
  logsIngestedGb: { usd: 0.5, per: 'GB of CloudWatch Logs ingested', source: LIST },
  xrayTrace: { usd: 5 / 1_000_000, per: 'X-Ray trace recorded', source: LIST },
} satisfies Record<string, Price>;

export type PriceBook = Record<keyof typeof PRICES, Price>;

/** Hours in a billing month (AWS pricing convention, as core/time.ts). */
export const HOURS_PER_MONTH = 730;
/** Express bills duration in 100 ms steps and memory in 64 MB steps. */
export const EXPRESS_DURATION_STEP_MS = 100;
export const EXPRESS_MEMORY_STEP_MB = 64;
/** Lambda bills duration in 1 ms steps. */
export const LAMBDA_DURATION_STEP_MS = 1;
const MB_PER_GB = 1024;
const MS_PER_S = 1000;

/** Runs per month of a schedule that fires every `minutes`. */
export function runsPerMonth(minutes: number): number {
  if (!(minutes > 0)) throw new RangeError(`runsPerMonth: expected minutes > 0, got ${minutes}`);
  return (HOURS_PER_MONTH * 60) / minutes;
}

/** GB-seconds of one Lambda invocation: duration rounded up to 1 ms × memory. */
export function lambdaGbSeconds(durationMs: number, memoryMb: number): number {
  const billedMs = Math.ceil(durationMs / LAMBDA_DURATION_STEP_MS) * LAMBDA_DURATION_STEP_MS;
  return (billedMs / MS_PER_S) * (memoryMb / MB_PER_GB);
}

/** GB-seconds of one Express execution: duration up to 100 ms × memory up to 64 MB steps. */
export function expressGbSeconds(durationMs: number, memoryMb: number = EXPRESS_MEMORY_STEP_MB): number {
  const billedMs = Math.ceil(durationMs / EXPRESS_DURATION_STEP_MS) * EXPRESS_DURATION_STEP_MS;
  const billedMb = Math.ceil(memoryMb / EXPRESS_MEMORY_STEP_MB) * EXPRESS_MEMORY_STEP_MB;
  return (billedMs / MS_PER_S) * (billedMb / MB_PER_GB);
}

/** One Lambda function's monthly usage. */
export interface LambdaUsage {
  name: string;
  invocations: number;
  /** Mean billed duration per invocation (ms). */
  meanDurationMs: number;
  memoryMb: number;
  architecture: 'arm64' | 'x86_64';
}

/** Everything the monitor consumes in a month. */
export interface MonthlyUsage {
  sfnExpressRequests: number;
  sfnExpressGbSeconds: number;
  sfnStandardTransitions: number;
  lambdas: LambdaUsage[];
  getMetricDataMetrics: number;
  cloudWatchApiRequests: number;
  customMetrics: number;
  alarms: number;
  dashboards: number;
  logsIngestedGb: number;
  xrayTraces: number;
}

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  unitUsd: number;
  usd: number;
}

export interface CostBreakdown {
  lines: CostLine[];
  totalUsd: number;
}

/** Monthly cost of `usage` at `prices`, line by line (lines with zero quantity are kept out). */
export function monthlyCost(usage: MonthlyUsage, prices: PriceBook = PRICES): CostBreakdown {
  const lines: CostLine[] = [];
  const add = (item: string, quantity: number, price: Price) => {
    if (!(quantity > 0)) return;
    lines.push({ item, quantity, unit: price.per, unitUsd: price.usd, usd: quantity * price.usd });
  };
  add('Step Functions Express requests', usage.sfnExpressRequests, prices.sfnExpressRequest);
  add('Step Functions Express duration', usage.sfnExpressGbSeconds, prices.sfnExpressGbSecond);
  add('Step Functions Standard transitions', usage.sfnStandardTransitions, prices.sfnStandardTransition);
  for (const l of usage.lambdas) {
    add(`Lambda ${l.name} requests`, l.invocations, prices.lambdaRequest);
    const gbs = l.invocations * lambdaGbSeconds(l.meanDurationMs, l.memoryMb);
    add(`Lambda ${l.name} duration (${l.memoryMb} MB ${l.architecture})`, gbs, l.architecture === 'arm64' ? prices.lambdaArmGbSecond : prices.lambdaX86GbSecond);
  }
  add('CloudWatch GetMetricData metrics', usage.getMetricDataMetrics, prices.getMetricDataMetric);
  add('CloudWatch other API requests', usage.cloudWatchApiRequests, prices.cloudWatchApiRequest);
  add('CloudWatch custom metrics', usage.customMetrics, prices.customMetricMonth);
  add('CloudWatch alarms', usage.alarms, prices.alarmMonth);
  add('CloudWatch dashboards', usage.dashboards, prices.dashboardMonth);
  add('CloudWatch Logs ingestion', usage.logsIngestedGb, prices.logsIngestedGb);
  add('X-Ray traces', usage.xrayTraces, prices.xrayTrace);
  return { lines, totalUsd: lines.reduce((s, l) => s + l.usd, 0) };
}
