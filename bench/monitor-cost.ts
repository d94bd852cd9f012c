/**
 * Monthly usage of the monitor (ours and the original) for one fleet, built from the measured
 * runs and the stated assumptions; `monthlyCost` (pricing.ts) turns it into USD.
 */
import { stackAlarmKinds } from '../infra/features/monitor-alarms';
import { DEFAULT_DEPLOY } from '../config/schema';
import { LAMBDA_ARCHITECTURE } from '../infra/nodejs-function';
import { taskByName } from '../tasks/registry';
import type { BundleMeasure } from './bundles';
import type { FleetMeasure, RunMeasure } from './monitor-runs';
import { ORIGINAL, originalCallsPerRun, originalCustomMetrics, type OriginalFleetFacts } from './original-model';
import { expressGbSeconds, HOURS_PER_MONTH, runsPerMonth, type LambdaUsage, type MonthlyUsage } from './pricing';

/** Everything the model assumes rather than measures (printed in the report). */
export const ASSUMPTIONS = {
  /** Round trip of one AWS API call from Lambda; local sim calls take ~1 ms, AWS takes longer. */
  awsCallLatencyMs: 30,
  /** Step Functions → Lambda invocation overhead per Task state on the run's critical path. */
  lambdaTaskOverheadMs: 25,
  /** Express memory step billed (the MONITOR's state payloads are far below 64 MB). */
  expressMemoryMb: 64,
  /** Cold starts per function per day (module load billed as init; containers recycle). */
  coldStartsPerFunctionPerDay: 24,
  /** Lambda platform log lines (START, END, REPORT) per invocation. */
  lambdaPlatformLogBytes: 350,
  /** Envelope of one Step Functions execution log event (ALL level, with execution data). */
  sfnLogEventOverheadBytes: 250,
  /** Own work of the original's Python handler per invocation, besides its API calls. */
  originalHandlerBaseMs: 100,
  /** The original's log lines: event + summary per run, two lines per resource checked hourly. */
  originalLogBytesPerRun: 1200,
  originalLogBytesPerHourlyCheck: 500,
};

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** Minutes of a `rate(N minutes)` schedule. */
export function scheduleMinutes(expression: string): number {
  const m = /^rate\((\d+) minutes?\)$/.exec(expression);
  if (!m) throw new Error(`cost model: schedule ${expression} is not rate(N minutes)`);
  return Number(m[1]);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Steady-state runs: the measured ones after the cold run and the warm-up hour. */
export function steadyRuns(f: FleetMeasure): RunMeasure[] {
  return f.runs.filter((r) => r.phase === 'steady');
}

/**
 * Tag reads of the warm-up hour spread over the tag cache lifetime: the share of
 * ListTagsForResource a steady run carries on average (tags are re-read every TAG_CACHE_TTL_MS).
 */
export function amortizedTagReadsPerRun(f: FleetMeasure, tagTtlRuns: number): number {
  const warm = f.runs.filter((r) => r.phase === 'warmup');
  return warm.reduce((n, r) => n + (r.byOperation.ListTagsForResource ?? 0), 0) / tagTtlRuns;
}

/** Projected duration of one collect invocation on AWS: measured + its calls × latency (all sequential: an upper bound). */
function projectedCollectMs(r: RunMeasure, i: number): number {
  return r.collectMs[i] + r.collectCalls[i] * ASSUMPTIONS.awsCallLatencyMs;
}

/** Mean projected duration of one MONITOR execution (regions in parallel, as the Map runs them). */
export function projectedRunMs(r: RunMeasure): number {
  const collect = Math.max(...r.collectMs.map((_, i) => projectedCollectMs(r, i)));
  return r.validateMs + collect + r.summarizeMs + ASSUMPTIONS.awsCallLatencyMs + 3 * ASSUMPTIONS.lambdaTaskOverheadMs;
}

/** Rough size of the MONITOR's execution log per run (ALL, with data): payloads twice, plus envelopes. */
function sfnLogBytesPerRun(r: RunMeasure, regions: number): number {
  const events = 24 + 13 * regions;
  const payloads = r.afterMapStateBytes * 2 + r.largestCollectResultBytes * regions + r.summaryBytes * 2;
  return 2 * payloads + events * ASSUMPTIONS.sfnLogEventOverheadBytes;
}

function lambda(name: string, invocations: number, meanMs: number, loadMs: number): LambdaUsage {
  const spec = taskByName(name);
  const coldStarts = ASSUMPTIONS.coldStartsPerFunctionPerDay * DAYS_PER_MONTH;
  return {
    name,
    invocations,
    meanDurationMs: meanMs + (coldStarts * loadMs) / Math.max(1, invocations),
    memoryMb: spec.memoryMb ?? DEFAULT_DEPLOY.lambdaMemoryMb,
    architecture: LAMBDA_ARCHITECTURE === 'arm64' ? 'arm64' : 'x86_64',
  };
}

/** Our monthly usage for a measured fleet. */
/** The monitor's own alarms of the default deployment (schedule on, approval endpoint deployed): infra/features/monitor-alarms.ts. */
export const OWN_ALARMS = stackAlarmKinds({ scheduleEnabled: true, approvalEndpoint: true }).length;

export function ourUsage(f: FleetMeasure, bundles: readonly BundleMeasure[]): MonthlyUsage {
  const runs = runsPerMonth(scheduleMinutes(DEFAULT_DEPLOY.scheduleExpression));
  const steady = steadyRuns(f);
  const regions = f.regions.length;
  const loadOf = (task: string) => bundles.find((b) => b.task === task)?.loadMs ?? 0;
  const collectMs = mean(steady.flatMap((r) => r.collectMs.map((_, i) => projectedCollectMs(r, i))));
  const summarizeMs = mean(steady.map((r) => r.summarizeMs)) + ASSUMPTIONS.awsCallLatencyMs;
  const dashboardMs = f.dashboardMs + f.dashboardCalls * ASSUMPTIONS.awsCallLatencyMs;
  // Hourly rule + one rebuild per fleet change seen in the measured runs (a change is an event, not a rate).
  const dashboards = HOURS_PER_MONTH + steady.filter((r) => r.fleetChanged).length;
  const lambdaLogBytes = mean(steady.map((r) => r.logBytes)) * runs + ASSUMPTIONS.lambdaPlatformLogBytes * runs * (regions + 2);
  const dashboardLogBytes = dashboards * (f.dashboardLogBytes + ASSUMPTIONS.lambdaPlatformLogBytes);
  return {
    sfnExpressRequests: runs,
    sfnExpressGbSeconds: runs * expressGbSeconds(mean(steady.map(projectedRunMs)), ASSUMPTIONS.expressMemoryMb),
    sfnStandardTransitions: 0,
    lambdas: [
      lambda('validate-input', runs, mean(steady.map((r) => r.validateMs)), loadOf('validate-input')),
      lambda('collect', runs * regions, collectMs, loadOf('collect')),
      lambda('summarize-run', runs, summarizeMs, loadOf('summarize-run')),
      lambda('build-dashboard', dashboards, dashboardMs, loadOf('build-dashboard')),
    ],
    getMetricDataMetrics: mean(steady.map((r) => r.getMetricDataMetrics)) * runs,
    cloudWatchApiRequests: mean(steady.map((r) => r.cloudWatchRequests)) * runs + f.dashboardCloudWatchRequests * dashboards,
    customMetrics: f.customMetrics,
    // The resources' alarms the runs created, plus the monitor's own (Terraform's, one metric each).
    alarmMetrics: f.alarmMetrics + OWN_ALARMS,
    dashboards: f.dashboards,
    dynamoDbReadUnits: mean(steady.map((r) => r.dynamoDbReadUnits)) * runs + f.dashboardDynamoDbReadUnits * dashboards,
    dynamoDbWriteUnits: mean(steady.map((r) => r.dynamoDbWriteUnits)) * runs,
    logsIngestedGb: (lambdaLogBytes + dashboardLogBytes + mean(steady.map((r) => sfnLogBytesPerRun(r, regions))) * runs) / 1024 ** 3,
    xrayTraces: runs + dashboards,
  };
}

/** Mean per-run calls of the original over the measured runs' fleet facts. */
export function originalMeanCalls(facts: readonly OriginalFleetFacts[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of facts) for (const [op, n] of Object.entries(originalCallsPerRun(f))) out[op] = (out[op] ?? 0) + n / facts.length;
  return out;
}

/** The original's monthly usage for the same fleet (its code path; durations from its call count). */
export function originalUsage(f: FleetMeasure): MonthlyUsage {
  const runs = runsPerMonth(ORIGINAL.scheduleMinutes);
  const facts = steadyRuns(f).map((r) => r.originalFacts);
  const calls = originalMeanCalls(facts);
  const perRun = Object.values(calls).reduce((a, b) => a + b, 0);
  const resources = mean(facts.map((x) => x.regions.reduce((s, r) => s + r.campaigns + r.recommenders, 0)));
  const campaigns = mean(facts.map((x) => x.regions.reduce((s, r) => s + r.campaigns, 0)));
  const listPages = (calls.ListCampaigns ?? 0) + (calls.ListRecommenders ?? 0);
  // Its hourly dashboard rebuild: list, describe every resource and solution version, one PutDashboard.
  const dashboardCalls = listPages + resources + campaigns + 1;
  const hourlyChecks = (f.runs[0]?.originalFacts.minAboveOne ?? 0) / 12;
  return {
    sfnExpressRequests: 0,
    sfnExpressGbSeconds: 0,
    sfnStandardTransitions: 0,
    lambdas: [
      { name: 'original monitor', invocations: runs, meanDurationMs: ASSUMPTIONS.originalHandlerBaseMs + perRun * ASSUMPTIONS.awsCallLatencyMs, memoryMb: ORIGINAL.memoryMb, architecture: ORIGINAL.architecture },
      { name: 'original dashboard', invocations: HOURS_PER_MONTH, meanDurationMs: ASSUMPTIONS.originalHandlerBaseMs + dashboardCalls * ASSUMPTIONS.awsCallLatencyMs, memoryMb: ORIGINAL.memoryMb, architecture: ORIGINAL.architecture },
    ],
    getMetricDataMetrics: (calls.GetMetricData ?? 0) * runs,
    cloudWatchApiRequests: ((calls.DescribeAlarmsForMetric ?? 0) + (calls.PutMetricData ?? 0)) * runs + HOURS_PER_MONTH,
    customMetrics: originalCustomMetrics(Math.round(resources), f.withTraffic),
    // Two single-metric alarms per resource (on its custom metrics): two alarm metrics.
    alarmMetrics: 2 * Math.round(resources),
    dashboards: 1,
    dynamoDbReadUnits: 0,
    dynamoDbWriteUnits: 0,
    logsIngestedGb:
      (runs * (ASSUMPTIONS.originalLogBytesPerRun + hourlyChecks * ASSUMPTIONS.originalLogBytesPerHourlyCheck + ASSUMPTIONS.lambdaPlatformLogBytes) +
        HOURS_PER_MONTH * (ASSUMPTIONS.originalLogBytesPerRun + ASSUMPTIONS.lambdaPlatformLogBytes)) /
      1024 ** 3,
    xrayTraces: 0,
  };
}
