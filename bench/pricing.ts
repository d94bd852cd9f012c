/**
 * Pricing model of the monitor itself (what running it costs per month). Pure: usage in, USD out.
 * Public us-east-1 list prices, each with the pricing page it comes from (checked 2026-12; prices
 * change: the report prints every one it used).
 */

/** One price with where it comes from (shown in the report). */
export interface Price {
  usd: number;
  per: string;
  /** The public pricing page. */
  source: string;
}

const SFN = 'https://aws.amazon.com/step-functions/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const XRAY = 'https://aws.amazon.com/xray/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';

/** Every price the model uses. */
export const PRICES = {
  sfnExpressRequest: { usd: 1 / 1_000_000, per: 'Express request', source: SFN },
  sfnExpressGbSecond: { usd: 0.00001667, per: 'Express GB-second', source: SFN },
  sfnStandardTransition: { usd: 0.025 / 1000, per: 'Standard state transition', source: SFN },
  lambdaRequest: { usd: 0.2 / 1_000_000, per: 'Lambda request', source: LAMBDA },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'Lambda GB-second, arm64', source: LAMBDA },
  lambdaX86GbSecond: { usd: 0.0000166667, per: 'Lambda GB-second, x86_64', source: LAMBDA },
  getMetricDataMetric: { usd: 0.01 / 1000, per: 'metric requested by GetMetricData', source: CLOUDWATCH },
  customMetricMonth: { usd: 0.3, per: 'custom metric-month (first 10,000)', source: CLOUDWATCH },
  alarmMetricMonth: { usd: 0.1, per: 'standard-resolution alarm metric-month (a metric-math alarm pays per metric it reads, not per constant)', source: CLOUDWATCH },
  dashboardMonth: { usd: 3, per: 'dashboard-month', source: CLOUDWATCH },
  cloudWatchApiRequest: { usd: 0.01 / 1000, per: 'other CloudWatch API request (PutMetricData, DescribeAlarms, PutMetricAlarm, ...)', source: CLOUDWATCH },
  logsIngestedGb: { usd: 0.5, per: 'GB of CloudWatch Logs ingested', source: CLOUDWATCH },
  xrayTrace: { usd: 5 / 1_000_000, per: 'X-Ray trace recorded', source: XRAY },
  dynamoDbReadUnit: { usd: 0.125 / 1_000_000, per: 'DynamoDB on-demand read request unit', source: DYNAMODB },
  dynamoDbWriteUnit: { usd: 0.625 / 1_000_000, per: 'DynamoDB on-demand write request unit', source: DYNAMODB },
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
  /** Alarm metrics billed: one per single-metric alarm, one per MetricStat of a metric-math alarm. */
  alarmMetrics: number;
  dashboards: number;
  /** DynamoDB on-demand request units (the state table). */
  dynamoDbReadUnits: number;
  dynamoDbWriteUnits: number;
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
  add('CloudWatch alarms (alarm metrics)', usage.alarmMetrics, prices.alarmMetricMonth);
  add('CloudWatch dashboards', usage.dashboards, prices.dashboardMonth);
  add('CloudWatch Logs ingestion', usage.logsIngestedGb, prices.logsIngestedGb);
  add('X-Ray traces', usage.xrayTraces, prices.xrayTrace);
  add('DynamoDB reads (state table)', usage.dynamoDbReadUnits, prices.dynamoDbReadUnit);
  add('DynamoDB writes (state table)', usage.dynamoDbWriteUnits, prices.dynamoDbWriteUnit);
  return { lines, totalUsd: lines.reduce((s, l) => s + l.usd, 0) };
}
