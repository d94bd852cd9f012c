/**
 * Measures MONITOR runs: the real validate-input, collect (one call per region) and
 * summarize-run handlers, in this process, against the simulated account over HTTP
 * (AWS_ENDPOINT_URL). Counts every API call from the sim's call log, the metrics each
 * GetMetricData / PutMetricData carried, handler durations, log bytes and state payload sizes.
 */
import * as path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_BEHAVIOUR, DEFAULT_DEPLOY } from '../config/schema';
import { defaultAlarmPrefix } from '../core/contracts/ownership';
import type { RegionResult } from '../core/types';
import { demoFleet, MINUTE_MS, SIM_CREDENTIALS, startSimServer, type SimAccount } from '../sim';
import type { RegionOutcome } from '../tasks/summarize-run/summarize';
import { STATE_PARTITION_KEY, STATE_SORT_KEY } from '../core/contracts/state';
import { resourceName } from '../infra/names';
import { taskByName } from '../tasks/registry';
import type { OriginalFleetFacts } from './original-model';

/** How a warm Lambda container meets the regions: one for all, or one per region. */
export type ContainerMode = 'shared' | 'perRegion';

export interface RunMeasure {
  /** 0 = first run (cold caches), then one run every 5 simulated minutes. */
  index: number;
  /** cold: run 0; warmup: the first hour after it (not measured); steady: measured. */
  phase: 'cold' | 'warmup' | 'steady';
  apiCalls: number;
  byOperation: Record<string, number>;
  /** MetricStat queries sent with GetMetricData (what CloudWatch bills; expressions are free). */
  getMetricDataMetrics: number;
  putMetricDataMetrics: number;
  /** State table request units of the run (DynamoDB on-demand sizing, see meterCalls). */
  dynamoDbReadUnits: number;
  dynamoDbWriteUnits: number;
  collectMs: number[];
  /** API calls of each collect invocation (same order as collectMs). */
  collectCalls: number[];
  /** CloudWatch calls other than GetMetricData (billed per request). */
  cloudWatchRequests: number;
  validateMs: number;
  summarizeMs: number;
  /** Bytes the handlers logged (JSON lines). */
  logBytes: number;
  largestCollectResultBytes: number;
  largestRegionOutcomeBytes: number;
  /** State after the region Map: the SummarizeRun input (run, regions, regionResults). */
  afterMapStateBytes: number;
  summaryBytes: number;
  findings: number;
  fleetChanged: boolean;
  /** What the original would call in this run for the same fleet (facts at this run's time). */
  originalFacts: OriginalFleetFacts;
}

/** lean: metric math only (the default); parity: publishUtilizationMetrics true. */
export type MetricsMode = 'lean' | 'parity';

export interface FleetMeasure {
  size: number;
  regions: string[];
  mode: ContainerMode;
  metrics: MetricsMode;
  runs: RunMeasure[];
  /** Measured after the runs. */
  customMetrics: number;
  alarms: number;
  /** Alarm metrics CloudWatch bills for those alarms (MetricStats of metric-math alarms; 1 for a single-metric alarm). */
  alarmMetrics: number;
  dashboards: number;
  dashboardMs: number;
  /** State table read units of one hourly rebuild. */
  dashboardDynamoDbReadUnits: number;
  dashboardCalls: number;
  dashboardCloudWatchRequests: number;
  dashboardLogBytes: number;
  /** Resources that had traffic at any time during the runs (original's averageTPS metric). */
  withTraffic: number;
}

/** Handlers of one "container": a fresh module instance with its own caches and clients. */
interface Container {
  collect: (event: unknown, context?: LambdaContextLike) => Promise<RegionResult>;
}

/** What the handlers read of a Lambda context: the request id and the time left. */
export interface LambdaContextLike {
  awsRequestId: string;
  functionName: string;
  getRemainingTimeInMillis(): number;
}

/** A Lambda context for one invocation of a task with `timeoutSeconds` (the clock starts now). */
export function invocationContext(task: string, timeoutSeconds: number, id: string, timeScale = 1): LambdaContextLike {
  const deadline = performance.now() + (timeoutSeconds * 1000) / timeScale;
  return { awsRequestId: id, functionName: `${DEFAULT_DEPLOY.stackName}-${task}`, getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()) };
}

const TASKS_DIR = path.resolve(__dirname, '..', 'tasks');

/**
 * A fresh instance of the collect handler module (as a new Lambda container gets): the module
 * cache of tasks/ is dropped first, so caches and clients are not shared with other instances.
 */
function newContainer(): Container {
  for (const key of Object.keys(require.cache)) if (key.startsWith(TASKS_DIR)) delete require.cache[key];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../tasks/collect/handler') as typeof import('../tasks/collect/handler');
  return { collect: mod.handler };
}

/** Runs `fn` with stdout swallowed and counted (handlers log JSON lines to stdout). */
async function countingStdout<T>(fn: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  const original = process.stdout.write.bind(process.stdout);
  let bytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: await fn(), bytes };
  } finally {
    process.stdout.write = original;
  }
}

/** DynamoDB bills on-demand reads per 4 KB (half a unit eventually consistent) and writes per 1 KB, per item. */
const READ_UNIT_BYTES = 4096;
const WRITE_UNIT_BYTES = 1024;

/**
 * Size of a DynamoDB item on the wire, approximated by its JSON (DynamoDB counts attribute names
 * and values; the JSON's type tags and quotes make this a slight over-estimate).
 */
function itemBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(item ?? {}));
}

/**
 * Wraps the account's entry point to count what is billed per call: metrics per GetMetricData
 * (MetricStat queries only: CloudWatch bills metrics requested, not expressions) and
 * PutMetricData, and the state table's request units (Query: the returned items' size in 4 KB
 * units, halved for eventually consistent reads, rounded up per call; BatchWriteItem: 1 KB units
 * per item written or deleted).
 */
function meterCalls(account: SimAccount): { take(): { get: number; put: number; rru: number; wru: number } } {
  let get = 0;
  let put = 0;
  let rru = 0;
  let wru = 0;
  const inner = account.invoke.bind(account);
  account.invoke = (async (service, operation, input, meta) => {
    if (service === 'cloudwatch' && operation === 'GetMetricData' && Array.isArray(input.MetricDataQueries)) {
      get += (input.MetricDataQueries as { MetricStat?: unknown }[]).filter((q) => q.MetricStat !== undefined).length;
    }
    if (service === 'cloudwatch' && operation === 'PutMetricData') put += Array.isArray(input.MetricData) ? input.MetricData.length : 0;
    if (service === 'dynamodb' && operation === 'BatchWriteItem') {
      for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]>)) {
        for (const r of requests) wru += Math.max(1, Math.ceil(itemBytes(r.PutRequest?.Item ?? r.DeleteRequest?.Key) / WRITE_UNIT_BYTES));
      }
    }
    if (service === 'dynamodb' && (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem')) {
      wru += Math.max(1, Math.ceil(itemBytes(input.Item ?? input.Key) / WRITE_UNIT_BYTES));
    }
    const out = await inner(service, operation, input, meta);
    if (service === 'dynamodb' && (operation === 'Query' || operation === 'GetItem')) {
      const items = operation === 'Query' ? ((out as { Items?: unknown[] }).Items ?? []) : [(out as { Item?: unknown }).Item];
      const bytes = items.reduce<number>((n, i) => n + itemBytes(i), 0);
      const consistent = input.ConsistentRead === true;
      rru += Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent ? 1 : 0.5);
    }
    return out;
  }) as SimAccount['invoke'];
  return {
    take() {
      const out = { get, put, rru, wru };
      get = put = rru = wru = 0;
      return out;
    },
  };
}

/** Creates the stack's state table in the sim's home region (as the runner does from cdk.tf.json) and returns its name. */
/**
 * The environment the MONITOR's tasks run with in the bench, as the stack would set it for the
 * default deployment, against the simulator at `endpointUrl` (its state table created in `account`).
 */
export function monitorTaskEnv(account: SimAccount, endpointUrl: string, regions: readonly string[], publishUtilizationMetrics: boolean): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpointUrl,
    AWS_ACCESS_KEY_ID: SIM_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SIM_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    // The function's own region (Lambda sets it): the state table's client lives there.
    AWS_REGION: regions[0],
    PM_HOME_REGION: regions[0],
    PM_ALARM_PREFIX: defaultAlarmPrefix(DEFAULT_DEPLOY.stackName),
    PM_STACK_NAME: DEFAULT_DEPLOY.stackName,
    PM_PUBLISH_UTILIZATION_METRICS: String(publishUtilizationMetrics),
    PM_STATE_TABLE: createStateTable(account),
    PM_ALARM_TOPIC_ARNS: JSON.stringify(Object.fromEntries(regions.map((r) => [r, `arn:aws:sns:${r}:${account.accountId}:PersonalizeMonitorNotifications`]))),
  };
}

export function createStateTable(account: SimAccount, region = 'us-east-1'): string {
  const name = resourceName('dynamodbTable', DEFAULT_DEPLOY.stackName, 'state');
  account.dynamodb.createTable({ region, name, partitionKey: STATE_PARTITION_KEY, sortKey: STATE_SORT_KEY });
  return name;
}

/** Alarm metrics CloudWatch bills for one alarm: each MetricStat of a metric-math alarm, else 1. */
export function alarmMetricCount(alarm: { Metrics?: { MetricStat?: unknown }[] }): number {
  return alarm.Metrics ? alarm.Metrics.filter((m) => m.MetricStat !== undefined).length : 1;
}

const bytesOf = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/** The region outcome as the MONITOR's SummarizeRegion state shapes it (findings counted). */
function regionOutcome(r: RegionResult): RegionOutcome {
  return {
    region: r.region,
    ok: true,
    resources: r.resources,
    metricsWritten: r.metricsWritten,
    alarms: r.alarms,
    findings: r.findings.length,
    deferredFindings: r.deferredFindings,
    problems: r.problems,
    fleetFingerprint: r.fleetFingerprint,
    apiCalls: r.apiCalls,
  };
}

/** Requests the sim's resources served in [from, to), per ARN (the model's own count). */
function servedIn(account: SimAccount, arn: string, from: number, to: number): number {
  const res = account.personalize.get(arn);
  let n = 0;
  for (let m = from; m < to; m += MINUTE_MS) n += account.personalize.requestsInMinute(res, m);
  return n;
}

/** The facts the original's call model needs, read from the sim at `now`. */
function originalFacts(account: SimAccount, regions: string[], now: number): OriginalFleetFacts {
  const windowEnd = Math.floor(now / (5 * MINUTE_MS)) * 5 * MINUTE_MS;
  let minAboveOne = 0;
  let withTrafficNow = 0;
  const perRegion = regions.map((region) => {
    const count = { campaigns: 0, recommenders: 0 };
    for (const res of [...account.personalize.existing(region, 'campaign'), ...account.personalize.existing(region, 'recommender')]) {
      const snap = account.personalize.snapshot(res.arn);
      if (!snap || snap.status !== 'ACTIVE') continue;
      if (res.kind === 'campaign') count.campaigns++;
      else count.recommenders++;
      if (snap.minCapacity > 1) minAboveOne++;
      if (servedIn(account, res.arn, windowEnd - 5 * MINUTE_MS, windowEnd) > 0) withTrafficNow++;
    }
    return count;
  });
  const resources = perRegion.reduce((s, r) => s + r.campaigns + r.recommenders, 0);
  return {
    regions: perRegion,
    minAboveOne,
    withTrafficNow,
    silentNow: resources - withTrafficNow,
    autoDeleteOrStopIdleResources: DEFAULT_BEHAVIOUR.autoDeleteOrStopIdleResources,
    autoAdjustMinTps: DEFAULT_BEHAVIOUR.autoAdjustMinTps,
    autoCreateUtilizationAlarms: DEFAULT_BEHAVIOUR.autoCreateUtilizationAlarms,
    autoCreateIdleAlarms: DEFAULT_BEHAVIOUR.autoCreateIdleAlarms,
  };
}

export interface MeasureOptions {
  size: number;
  regions: string[];
  mode: ContainerMode;
  /** lean (default deploy) or parity (publishUtilizationMetrics: true). */
  metrics: MetricsMode;
  /**
   * Runs after the first (cold) one that are not measured: the first hour reads every
   * candidate's tags once (kept TAG_CACHE_TTL_MS), which later hours do not.
   */
  warmupRuns: number;
  /** Measured runs after the warm-up, 5 simulated minutes apart (12 = one hour: every decision slot once). */
  steadyRuns: number;
  seed: number;
}

/**
 * Builds a demo fleet of `size` resources over `regions`, serves it on 127.0.0.1 and runs the
 * MONITOR's Lambda tasks 1 + `steadyRuns` times. Regions are collected one after the other (so
 * each duration is one invocation's own), in one container or one container per region.
 */
export async function measureFleet(opts: MeasureOptions): Promise<FleetMeasure> {
  const { account } = demoFleet({ regions: opts.regions, resources: opts.size, seed: opts.seed });
  const metered = meterCalls(account);
  const server = await startSimServer(account, { port: 0 });
  const env = monitorTaskEnv(account, server.url, opts.regions, opts.metrics === 'parity');
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const containers = opts.mode === 'shared' ? [newContainer()] : opts.regions.map(() => newContainer());
    /* eslint-disable @typescript-eslint/no-require-imports */
    const validate = (require('../tasks/validate-input/handler') as typeof import('../tasks/validate-input/handler')).handler;
    const summarizeModule = require('../tasks/summarize-run/handler') as typeof import('../tasks/summarize-run/handler');
    /* eslint-enable @typescript-eslint/no-require-imports */
    summarizeModule.resetState();
    const defaults = { ...DEFAULT_BEHAVIOUR, regions: opts.regions };
    const firstRunAt = account.clock.now();
    const runs: RunMeasure[] = [];

    for (let index = 0; index <= opts.warmupRuns + opts.steadyRuns; index++) {
      const startedAt = new Date(account.clock.now() + 2_000).toISOString();
      const before = account.calls().length;
      metered.take();
      let logBytes = 0;

      let t = performance.now();
      const v = await countingStdout(() => validate({ defaults, input: {}, startedAt, executionName: `bench-${opts.size}-${index}` }));
      const validateMs = performance.now() - t;
      logBytes += v.bytes;

      const results: RegionResult[] = [];
      const collectMs: number[] = [];
      const collectCalls: number[] = [];
      for (const [i, region] of v.value.regions.entries()) {
        const container = containers[opts.mode === 'shared' ? 0 : i];
        const callsBefore = account.calls().length;
        t = performance.now();
        const c = await countingStdout(() => container.collect({ region, run: v.value.run }, invocationContext('collect', taskByName('collect').timeoutSeconds, `bench-${index}-${region}`)));
        collectMs.push(performance.now() - t);
        collectCalls.push(account.calls().length - callsBefore);
        logBytes += c.bytes;
        results.push(c.value);
      }
      const outcomes = results.map(regionOutcome);
      const afterMap = { run: v.value.run, regions: v.value.regions, regionResults: outcomes };
      t = performance.now();
      const s = await countingStdout(() => summarizeModule.handler({ run: v.value.run, regionResults: outcomes }));
      const summarizeMs = performance.now() - t;
      logBytes += s.bytes;

      const calls = account.calls().slice(before);
      const byOperation: Record<string, number> = {};
      for (const c of calls) byOperation[c.operation] = (byOperation[c.operation] ?? 0) + 1;
      const metrics = metered.take();
      const facts = originalFacts(account, opts.regions, Date.parse(startedAt));
      runs.push({
        index,
        phase: index === 0 ? 'cold' : index <= opts.warmupRuns ? 'warmup' : 'steady',
        apiCalls: calls.length,
        byOperation,
        getMetricDataMetrics: metrics.get,
        putMetricDataMetrics: metrics.put,
        dynamoDbReadUnits: metrics.rru,
        dynamoDbWriteUnits: metrics.wru,
        collectMs,
        collectCalls,
        cloudWatchRequests: calls.filter((c) => c.service === 'cloudwatch' && c.operation !== 'GetMetricData').length,
        validateMs,
        summarizeMs,
        logBytes,
        largestCollectResultBytes: Math.max(...results.map(bytesOf)),
        largestRegionOutcomeBytes: Math.max(...outcomes.map(bytesOf)),
        afterMapStateBytes: bytesOf(afterMap),
        summaryBytes: bytesOf(s.value),
        findings: results.reduce((n, r) => n + r.findings.length, 0),
        fleetChanged: s.value.fleetChanged,
        originalFacts: facts,
      });
      account.clock.advance(5 * MINUTE_MS);
    }

    const dashboard = await measureDashboard(account, opts.regions, server.url, metered);
    const withTraffic = account.personalize.all().filter((r) => servedIn(account, r.arn, firstRunAt - 5 * MINUTE_MS, account.clock.now()) > 0).length;
    return {
      size: opts.size,
      regions: opts.regions,
      mode: opts.mode,
      runs,
      metrics: opts.metrics,
      customMetrics: account.metrics.customSeries({ namespace: 'PersonalizeMonitor' }).length,
      alarms: account.cloudwatch.alarmList().length,
      alarmMetrics: account.cloudwatch.alarmList().reduce((n, a) => n + alarmMetricCount(a.config as { Metrics?: { MetricStat?: unknown }[] }), 0),
      dashboards: account.cloudwatch.dashboardList().length,
      dashboardMs: dashboard.ms,
      dashboardCalls: dashboard.calls,
      dashboardCloudWatchRequests: dashboard.cloudWatchRequests,
      dashboardLogBytes: dashboard.logBytes,
      dashboardDynamoDbReadUnits: dashboard.readUnits,
      withTraffic,
    };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await server.close();
  }
}

/**
 * The build-dashboard handler as the hourly rule invokes it: the first call draws the
 * dashboards, the second (measured) is the steady hourly rebuild that finds nothing changed.
 */
async function measureDashboard(
  account: SimAccount,
  regions: string[],
  url: string,
  metered: ReturnType<typeof meterCalls>,
): Promise<{ ms: number; calls: number; cloudWatchRequests: number; logBytes: number; readUnits: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHandler } = require('../tasks/build-dashboard/handler') as typeof import('../tasks/build-dashboard/handler');
  const cw = new CloudWatchClient({ region: regions[0], endpoint: url, credentials: SIM_CREDENTIALS });
  const dynamodb = new DynamoDBClient({ region: regions[0], endpoint: url, credentials: SIM_CREDENTIALS });
  const handler = createHandler({
    cloudwatch: () => cw,
    dynamodb: () => dynamodb,
    env: () => ({
      PM_REGIONS: JSON.stringify(regions),
      PM_HOME_REGION: regions[0],
      PM_STACK_NAME: DEFAULT_DEPLOY.stackName,
      PM_ALARM_PREFIX: defaultAlarmPrefix(DEFAULT_DEPLOY.stackName),
      PM_STATE_TABLE: resourceName('dynamodbTable', DEFAULT_DEPLOY.stackName, 'state'),
    }),
    clock: () => account.clock.now(),
  });
  await countingStdout(() => handler({ reason: 'hourly rebuild' }));
  metered.take();
  const before = account.calls().length;
  const t = performance.now();
  const second = await countingStdout(() => handler({ reason: 'hourly rebuild' }));
  const ms = performance.now() - t;
  const calls = account.calls().slice(before);
  return { ms, calls: calls.length, cloudWatchRequests: calls.filter((c) => c.service === 'cloudwatch').length, logBytes: second.bytes, readUnits: metered.take().rru };
}
