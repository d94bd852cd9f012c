/**
 * Cold-start convergence under realistic AWS latency and rate limits: a fresh account of N
 * resources in 3 regions (no alarms, no state), the real validate-input and collect handlers run
 * every 5 simulated minutes, each region's collect in a FRESH module instance (a cold container
 * every run: only the state table carries what earlier runs learnt), regions in parallel as the
 * MONITOR's Map runs them, until every monitored resource has its alarms.
 *
 * The simulator answers with realistic latency (30–80 ms a call) and throttles over the published
 * CloudWatch rates (PutMetricAlarm 3/s …) and a model of Personalize's (sim/limits.ts), all
 * compressed by `timeScale` k: latencies ÷ k, rates × k, and the collect timeout ÷ k (the handler
 * sees it through `context.getRemainingTimeInMillis()`). Wall times are multiplied back by k. The
 * handlers' own CPU time is NOT compressed, so the scaled-back figures over-state it k-fold: an
 * upper bound.
 */
import * as path from 'node:path';
import { DEFAULT_BEHAVIOUR } from '../config/schema';
import type { RegionResult } from '../core/types';
import { demoFleet, MINUTE_MS, startSimServer, type SimAccount } from '../sim';
import { taskByName } from '../tasks/registry';
import { invocationContext, monitorTaskEnv } from './monitor-runs';

export interface ConvergenceRun {
  index: number;
  /** Longest collect invocation of the run, scaled back to real time (ms). */
  longestInvocationMs: number;
  /** Invocations that ran past their (scaled) timeout: Lambda would have killed them. */
  overTimeout: number;
  failedInvocations: number;
  /** Why they failed (error name and message, at most one per region). */
  failures: string[];
  alarmsPresent: number;
  alarmsWanted: number;
  carriedOver: { describes: number; tagReads: number; alarmWrites: number };
  throttled: number;
  apiCalls: number;
}

export interface ConvergenceMeasure {
  size: number;
  regions: string[];
  timeScale: number;
  timeoutMs: number;
  runs: ConvergenceRun[];
  /** First run after which every wanted alarm existed and nothing was carried over (1-based), if any. */
  convergedAfterRuns?: number;
  /** The same in simulated minutes (a run every 5). */
  convergedAfterMinutes?: number;
  longestInvocationMs: number;
  /** Longest invocation of the runs after convergence (steady state under the same limits). */
  steadyLongestInvocationMs?: number;
  wallSeconds: number;
}

const TASKS_DIR = path.resolve(__dirname, '..', 'tasks');

type CollectHandler = (event: unknown, context?: unknown) => Promise<RegionResult>;

/** A fresh instance of the collect module: a cold container (no module state survives). */
function coldCollect(): CollectHandler {
  for (const key of Object.keys(require.cache)) if (key.startsWith(TASKS_DIR)) delete require.cache[key];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../tasks/collect/handler') as typeof import('../tasks/collect/handler')).handler as CollectHandler;
}

async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = original;
  }
}

export interface ConvergenceOptions {
  size: number;
  regions: string[];
  timeScale: number;
  /** Stop after this many runs whether converged or not (reported as not converged). */
  maxRuns: number;
  /** Runs measured after convergence. */
  steadyRuns: number;
  seed: number;
}

/** Runs the cold account to convergence under realistic limits (see the module comment). */
export async function measureConvergence(opts: ConvergenceOptions): Promise<ConvergenceMeasure> {
  const started = performance.now();
  const { account } = demoFleet({ regions: opts.regions, resources: opts.size, seed: opts.seed });
  const server = await startSimServer(account, { port: 0 });
  const timeoutSeconds = taskByName('collect').timeoutSeconds;
  const env: Record<string, string> = {
    ...monitorTaskEnv(account, server.url, opts.regions, false),
    LOG_LEVEL: 'ERROR',
    // The SDK's retry backoff and adaptive limiter run on the WALL clock, which the time scale does
    // not compress: scaled, a throttled call would sleep k times too long relative to the limits.
    // So when scaled, a throttled call fails at once (the SDK's own settings) and collect carries
    // it over – what the SDK's retries end in anyway. At scale 1 the product's adaptive mode runs.
    ...(opts.timeScale > 1 ? { AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '1' } : {}),
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  account.setLimits({ latency: 'realistic', rateLimits: 'realistic', timeScale: opts.timeScale });
  const runs: ConvergenceRun[] = [];
  let convergedAfterRuns: number | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const validate = (require('../tasks/validate-input/handler') as typeof import('../tasks/validate-input/handler')).handler;
    const defaults = { ...DEFAULT_BEHAVIOUR, regions: opts.regions };
    for (let index = 0; index < opts.maxRuns; index++) {
      if (convergedAfterRuns !== undefined && index >= convergedAfterRuns + opts.steadyRuns) break;
      const before = account.calls().length;
      const startedAt = new Date(account.clock.now() + 2_000).toISOString();
      const v = await quiet(() => validate({ defaults, input: {}, startedAt, executionName: `converge-${opts.size}-${index}` }));
      const outcomes = await Promise.all(
        v.regions.map(async (region) => {
          const collect = coldCollect();
          const t = performance.now();
          try {
            const result = await quiet(() => collect({ region, run: v.run }, invocationContext('collect', timeoutSeconds, `converge-${index}-${region}`, opts.timeScale)));
            return { ms: (performance.now() - t) * opts.timeScale, result };
          } catch (err) {
            return { ms: (performance.now() - t) * opts.timeScale, error: err as Error };
          }
        }),
      );
      const results = outcomes.flatMap((o) => (o.result ? [o.result] : []));
      const calls = account.calls().slice(before);
      const carriedOver = { describes: 0, tagReads: 0, alarmWrites: 0 };
      for (const r of results) {
        carriedOver.describes += r.carriedOver?.describes ?? 0;
        carriedOver.tagReads += r.carriedOver?.tagReads ?? 0;
        carriedOver.alarmWrites += r.carriedOver?.alarmWrites ?? 0;
      }
      const run: ConvergenceRun = {
        index,
        longestInvocationMs: Math.max(...outcomes.map((o) => o.ms)),
        overTimeout: outcomes.filter((o) => o.ms > timeoutSeconds * 1000).length,
        failedInvocations: outcomes.filter((o) => o.error).length,
        failures: outcomes.flatMap((o) => (o.error ? [`${o.error.name}: ${o.error.message}`.slice(0, 300)] : [])),
        alarmsPresent: account.cloudwatch.alarmList().length,
        alarmsWanted: alarmsWanted(account, opts.regions),
        carriedOver,
        throttled: calls.filter((c) => c.outcome !== 'ok' && /thrott/i.test(c.errorCode ?? '')).length,
        apiCalls: calls.length,
      };
      runs.push(run);
      const done = run.failedInvocations === 0 && run.alarmsPresent >= run.alarmsWanted && carriedOver.describes + carriedOver.alarmWrites === 0;
      if (done && convergedAfterRuns === undefined) convergedAfterRuns = index + 1;
      account.clock.advance(5 * MINUTE_MS);
    }
  } finally {
    account.setLimits(undefined);
    for (const [k, val] of Object.entries(saved)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
    await server.close();
  }
  const steady = convergedAfterRuns === undefined ? [] : runs.slice(convergedAfterRuns);
  return {
    size: opts.size,
    regions: opts.regions,
    timeScale: opts.timeScale,
    timeoutMs: timeoutSeconds * 1000,
    runs,
    convergedAfterRuns,
    convergedAfterMinutes: convergedAfterRuns === undefined ? undefined : convergedAfterRuns * 5,
    longestInvocationMs: Math.max(...runs.map((r) => r.longestInvocationMs)),
    steadyLongestInvocationMs: steady.length ? Math.max(...steady.map((r) => r.longestInvocationMs)) : undefined,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * Alarms the deploy wants: an idle and a low-utilization alarm for every ACTIVE campaign and
 * recommender (the defaults create both), counted from the simulator's own inventory.
 */
function alarmsWanted(account: SimAccount, regions: string[]): number {
  let active = 0;
  for (const region of regions) {
    for (const res of [...account.personalize.existing(region, 'campaign'), ...account.personalize.existing(region, 'recommender')]) {
      if (account.personalize.snapshot(res.arn)?.status === 'ACTIVE') active++;
    }
  }
  const perResource = Number(DEFAULT_BEHAVIOUR.autoCreateIdleAlarms) + Number(DEFAULT_BEHAVIOUR.autoCreateUtilizationAlarms);
  return active * perResource;
}
