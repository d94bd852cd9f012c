/**
 * Measures MONITOR runs: the real validate-input, collect (one call per region) and
 * summarize-run handlers, in this process, against the simulated account over HTTP
 * (AWS_ENDPOINT_URL). Counts every API call from the sim's call log, the metrics each
 * GetMetricData / PutMetricData carried, handler durations, log bytes and state payload sizes.
 */
import * as path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { DEFAULT_BEHAVIOUR, DEFAULT_DEPLOY } from '../config/schema';
import { defaultAlarmPrefix } from '../core/contracts/ownership';
import type { RegionResult } from '../core/types';
import { demoFleet, MINUTE_MS, SIM_CREDENTIALS, startSimServer, type SimAccount } from '../sim';
import type { RegionOutcome } from '../tasks/summarize-run/summarize';
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
  getMetricDataMetrics: number;
  putMetricDataMetrics: number;
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

export interface FleetMeasure {
  size: number;
  regions: string[];
  mode: ContainerMode;
  runs: RunMeasure[];
  /** Measured after the runs. */
  customMetrics: number;
  alarms: number;
  dashboards: number;
  dashboardMs: number;
  dashboardCalls: number;
  dashboardCloudWatchRequests: number;
  dashboardLogBytes: number;
  /** Resources that had traffic at any time during the runs (original's averageTPS metric). */
  withTraffic: number;
}

/** Handlers of one "container": a fresh module instance with its own caches and clients. */
interface Container {
  collect: (event: unknown) => Promise<RegionResult>;
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

/** Wraps the account's entry point to count metrics per GetMetricData / PutMetricData call. */
function meterMetrics(account: SimAccount): { take(): { get: number; put: number } } {
  let get = 0;
  let put = 0;
  const inner = account.invoke.bind(account);
  account.invoke = (async (service, operation, input, meta) => {
    if (service === 'cloudwatch' && operation === 'GetMetricData') get += Array.isArray(input.MetricDataQueries) ? input.MetricDataQueries.length : 0;
    if (service === 'cloudwatch' && operation === 'PutMetricData') put += Array.isArray(input.MetricData) ? input.MetricData.length : 0;
    return inner(service, operation, input, meta);
  }) as SimAccount['invoke'];
  return {
    take() {
      const out = { get, put };
      get = 0;
      put = 0;
      return out;
    },
  };
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
  const metered = meterMetrics(account);
  const server = await startSimServer(account, { port: 0 });
  const home = opts.regions[0];
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: server.url,
    AWS_ACCESS_KEY_ID: SIM_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SIM_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    PM_HOME_REGION: home,
    PM_ALARM_PREFIX: defaultAlarmPrefix(DEFAULT_DEPLOY.stackName),
    PM_STACK_NAME: DEFAULT_DEPLOY.stackName,
    PM_ALARM_TOPIC_ARNS: JSON.stringify(Object.fromEntries(opts.regions.map((r) => [r, `arn:aws:sns:${r}:${account.accountId}:PersonalizeMonitorNotifications`]))),
  };
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
        const c = await countingStdout(() => container.collect({ region, run: v.value.run }));
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

    const dashboard = await measureDashboard(account, opts.regions, server.url);
    const withTraffic = account.personalize.all().filter((r) => servedIn(account, r.arn, firstRunAt - 5 * MINUTE_MS, account.clock.now()) > 0).length;
    return {
      size: opts.size,
      regions: opts.regions,
      mode: opts.mode,
      runs,
      customMetrics: account.metrics.customSeries({ namespace: 'PersonalizeMonitor' }).length,
      alarms: account.cloudwatch.alarmList().length,
      dashboards: account.cloudwatch.dashboardList().length,
      dashboardMs: dashboard.ms,
      dashboardCalls: dashboard.calls,
      dashboardCloudWatchRequests: dashboard.cloudWatchRequests,
      dashboardLogBytes: dashboard.logBytes,
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
async function measureDashboard(account: SimAccount, regions: string[], url: string): Promise<{ ms: number; calls: number; cloudWatchRequests: number; logBytes: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHandler } = require('../tasks/build-dashboard/handler') as typeof import('../tasks/build-dashboard/handler');
  const clients = new Map<string, PersonalizeClient>();
  const cw = new CloudWatchClient({ region: regions[0], endpoint: url, credentials: SIM_CREDENTIALS });
  const handler = createHandler({
    cloudwatch: () => cw,
    personalize: (region) => {
      let c = clients.get(region);
      if (!c) clients.set(region, (c = new PersonalizeClient({ region, endpoint: url, credentials: SIM_CREDENTIALS })));
      return c;
    },
    env: () => ({ PM_REGIONS: JSON.stringify(regions), PM_HOME_REGION: regions[0], PM_STACK_NAME: DEFAULT_DEPLOY.stackName, PM_ALARM_PREFIX: defaultAlarmPrefix(DEFAULT_DEPLOY.stackName) }),
    clock: () => account.clock.now(),
  });
  await countingStdout(() => handler({ reason: 'hourly rebuild' }));
  const before = account.calls().length;
  const t = performance.now();
  const second = await countingStdout(() => handler({ reason: 'hourly rebuild' }));
  const ms = performance.now() - t;
  const calls = account.calls().slice(before);
  return { ms, calls: calls.length, cloudWatchRequests: calls.filter((c) => c.service === 'cloudwatch').length, logBytes: second.bytes };
}
