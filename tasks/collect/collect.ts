/**
 * Collects one region for one MONITOR run: discovery → one batched metric read → metrics for
 * every resource → decisions (in each resource's decision slot) → PutMetricData → alarm
 * reconcile → a small RegionResult (counts and findings, never raw metrics).
 *
 * Collect never changes Personalize (not even outside dry-run): actions are the ACTION
 * machine's. In a dry run (`run.dryRun`) it writes NOTHING either: no PutMetricData, no
 * PutMetricAlarm, no DeleteAlarms. It makes the same reads and reports what it would have written:
 * counts in `wouldWrite`, the alarm names per change in the log. (The finding emails a dry run
 * sends are the MONITOR's NotifyFinding state, not collect's, and are the dry run's purpose.)
 *
 * Alarms are only changed or deleted when they are ours (prefix and owner tag, `deps.ownership`).
 *
 * State (./state-store.ts): the region's persisted discovery state is loaded first (one Query) and
 * written back right after discovery (so a container killed later keeps what it described) and
 * again at the end (tag reads). A failing read or write is a problem of the region, never a failed
 * region: it then behaves as a cold start. A dry run writes its state too: the table is the
 * monitor's own cache, nothing of the user's changes, and the next (real) run needs it as much.
 *
 * Time budget (./budget.ts, from the Lambda context): optional work – describes beyond the stored
 * ones, tag reads, alarm writes – starts only while the budget allows; what does not fit is
 * carried over (`carriedOver` in the result) and done by the next runs. Mandatory every run: the
 * listing, the state read and write, the metric read of the resources whose decision is due, the
 * decisions and the result.
 *
 * Lean reads (default, deploy publishUtilizationMetrics false): recent traffic is read only for the
 * resources in their decision slot and no PutMetricData is made; with it true, recent traffic of
 * every resource is read and the original's utilization metrics are published.
 */
import type { CloudWatchClient, PersonalizeClient } from '../aws/clients';
import { alarmSpecs } from '../../core/alarms';
import { rankFindings } from '../../core/findings';
import { fleetFingerprint } from '../../core/fleet';
import { decisionRecord, leftFleetRecord } from '../../core/records';
import { isMonitorable } from '../../core/status';
import { isDecisionSlot, recentWindow, trafficWindow, type TimeWindow } from '../../core/time';
import type { AlarmOwnership } from '../../core/contracts/ownership';
import type { AlarmSpec, Finding, MetricPoint, MonitoredResource, RegionResult } from '../../core/types';
import { withoutCanary } from '../../core/canary';
import { canaryResourceKey } from '../../core/contracts/canary';
import type { CanaryCountsReader, CanaryWindowCounts } from '../shared/canary-counts';
import { METRIC_NAMES, monitorMetrics } from '../../core/utilization';
import type { Logger } from '../shared/logger';
import type { RunContext } from '../../core/contracts/run';
import { reconcileAlarms, type AlarmChanges } from './alarm-reconciler';
import { ApiCallCounter, describeError } from './aws-calls';
import { decideResource, mayBeCandidate } from './decide';
import { timeBudget, type Budget } from './budget';
import { discoverResources, processState, type Problem } from './discovery';
import { spec } from './spec';
import { RegionState, type StateStore } from './state-store';
import { readTraffic } from './metrics-reader';
import { writeMetrics } from './metrics-writer';

/** Problems listed in a result; the rest are counted in one line (the payload must stay small). */
export const MAX_PROBLEMS_IN_RESULT = 30;
/** Longest problem text kept in a result. */
export const MAX_PROBLEM_CHARS = 300;
/**
 * Bytes of findings one result may carry: with the capped problems the result stays below
 * 64 KiB (a quarter of the 256 KiB state payload limit) even at maxFindingsPerRegion = 100.
 */
export const MAX_FINDINGS_BYTES = 40 * 1024;
/** Alarm names per log line of alarm changes (a line stays far below CloudWatch Logs' 256 KB event). */
export const MAX_ALARM_NAMES_PER_LOG_LINE = 100;

export interface CollectInput {
  region: string;
  run: RunContext;
}

export interface CollectDeps {
  personalize: PersonalizeClient;
  cloudwatch: CloudWatchClient;
  logger: Logger;
  /** SNS topic of this region for alarm actions; absent → alarms without actions (a problem). */
  topicArn?: string;
  /** Our alarm prefix and stack name (PM_ALARM_PREFIX, PM_STACK_NAME): only such alarms are changed. */
  ownership: AlarmOwnership;
  /** The state table (PM_STATE_TABLE); absent → the process-local state (tests, scripts). */
  state?: StateStore;
  /** The invocation's time budget; default the spec's timeout from now. */
  budget?: Budget;
  /**
   * PM_PUBLISH_UTILIZATION_METRICS: read every resource's recent traffic and publish the original's
   * metrics. The handler passes the deploy's value (default false: lean); callers that pass
   * nothing (tests, assess, the bench's parity runs) get the original's behaviour.
   */
  publishUtilizationMetrics?: boolean;
  /** The health-check canary's counts (healthCheck on): its requests are taken out of the traffic read. Absent: no canary. */
  canary?: CanaryCountsReader;
  /** Critical topic of this region (PM_CRITICAL_TOPIC_ARNS): critical alarms notify it too; absent → only `topicArn`. */
  criticalTopicArn?: string;
  /**
   * healthCheckIntervalMinutes when the canary is on (PM_HEALTH_CHECK): availability alarms, and
   * idle/low-utilization alarms that discount its requests. Absent → `canary`'s interval, else off.
   */
  healthCheckIntervalMinutes?: number;
}

/**
 * Collects `input.region`.
 * @throws RegionCollectError when the region cannot be listed; everything after the listing
 *   is reported per resource in `problems` and never fails the region.
 */
export async function collectRegion(input: CollectInput, deps: CollectDeps): Promise<RegionResult> {
  const { region, run } = input;
  const now = Date.parse(run.now);
  const log = deps.logger.child({ region, executionName: run.executionName });
  const calls = new ApiCallCounter();
  const problems: Problem[] = [];
  const budget = deps.budget ?? timeBudget(undefined, spec.timeoutSeconds * 1000);
  const carriedOver = { describes: 0, tagReads: 0, alarmWrites: 0 };

  const state = await loadState(region, now, deps.state, calls, problems);
  const saveState = async (when: string): Promise<void> => {
    if (!deps.state) {
      state.markSaved(state.changes());
      return;
    }
    const pending = state.pendingChanges;
    try {
      const saved = await deps.state.save(state, now, calls);
      if (saved.unprocessed > 0) problems.push({ target: `state:${region}`, error: `state write ${when}: ${saved.unprocessed} items unprocessed after retries; written by a later run` });
    } catch (err) {
      problems.push({ target: `state:${region}`, error: `state not written ${when} (${pending} changes; the next run describes them again): ${describeError(err)}` });
    }
  };

  // Resources monitored as of the stored state: one that a complete listing no longer shows as
  // monitorable left the fleet, and its findings close on the dashboard.
  const monitoredBefore = [...state.resources.values()].map((e) => e.resource).filter((r) => isMonitorable(r));
  const discovery = await discoverResources(
    deps.personalize,
    { region, campaignArns: run.campaignArns, recommenderArns: run.recommenderArns },
    calls,
    { state, budget, now },
  );
  carriedOver.describes = discovery.carriedOver;
  problems.push(...discovery.problems);
  // Written at once: a container killed later in the run keeps what it described.
  await saveState('after discovery');
  const monitored = discovery.resources.filter((r) => isMonitorable(r));
  if (discovery.complete) {
    const stillMonitored = new Set(monitored.map((r) => r.arn));
    for (const r of monitoredBefore) if (!stillMonitored.has(r.arn)) log.record(leftFleetRecord(r, now));
  }

  // One logical read: recent traffic (of all when publishing, else of those whose decision is
  // due), hourly history only where a finding is possible.
  const publish = deps.publishUtilizationMetrics ?? true;
  const recent = recentWindow(now, run.metricDelayMinutes);
  const inSlot = new Set(monitored.filter((r) => isDecisionSlot(r.arn, now)).map((r) => r.arn));
  const canary = deps.canary && monitored.length > 0 ? await readCanaryCounts(deps.canary, { region, recent, from: trafficWindow(now, run).start, calls, problems }) : undefined;
  // Whether hourly history is worth reading depends on the users' recent requests, not the canary's.
  const userRequests = (r: MonitoredResource, recentRequests: number): number =>
    canary ? withoutCanary({ recentRequests }, canary.countsOf(canaryResourceKey(r)), recent).recentRequests : recentRequests;
  const read = await readTraffic(
    deps.cloudwatch,
    {
      resources: publish ? monitored : monitored.filter((r) => inSlot.has(r.arn)),
      recent,
      hourly: { window: trafficWindow(now, run), wanted: (r, recentRequests) => inSlot.has(r.arn) && mayBeCandidate(r, userRequests(r, recentRequests)) },
    },
    calls,
  );

  // The canary's own requests are not use: out of every sample read.
  if (canary) for (const r of monitored) {
    const sample = read.traffic.get(r.arn);
    if (sample) read.traffic.set(r.arn, withoutCanary(sample, canary.countsOf(canaryResourceKey(r)), recent));
  }

  // Metrics for every monitored resource, whatever happens to its decision (bug 9); lean: none.
  const points: MetricPoint[] = [];
  if (!publish) {
    for (const [arn, failed] of read.recentFailed) problems.push({ target: arn, error: `recent traffic not read: ${failed}` });
  }
  for (const r of publish ? monitored : []) {
    try {
      const failed = read.recentFailed.get(r.arn);
      const all = monitorMetrics(r, read.traffic.get(r.arn)?.recentRequests ?? 0, recent.start);
      // Unknown traffic must not be published as 0% utilization: only the minimum is certain.
      points.push(...(failed ? all.filter((p) => p.metricName === METRIC_NAMES[r.type].minCapacity) : all));
      if (failed) problems.push({ target: r.arn, error: `recent traffic not read: ${failed}` });
    } catch (err) {
      problems.push({ target: r.arn, error: `metrics not computed: ${describeError(err)}` });
    }
  }

  const findings: Finding[] = [];
  for (const r of monitored) {
    if (!inSlot.has(r.arn)) continue;
    try {
      const failed = read.recentFailed.get(r.arn) ?? read.hourlyFailed.get(r.arn);
      if (failed) {
        // A failed recent read is already reported with the metrics.
        if (!read.recentFailed.has(r.arn)) problems.push({ target: r.arn, error: `no decision this run: ${failed}` });
        log.warn('decision', { resourceArn: r.arn, outcome: 'undecided', reason: failed });
        continue;
      }
      const decision = await decideResource(r, read.traffic.get(r.arn)!, run, now, {
        personalize: deps.personalize,
        calls,
        log,
        problems,
        state,
        budget,
        onTagReadCarriedOver: () => carriedOver.tagReads++,
      });
      findings.push(...decision.findings);
      if (decision.withheld === undefined) log.record(decisionRecord(r, decision.findings, now));
    } catch (err) {
      problems.push({ target: r.arn, error: `decision failed: ${describeError(err)}` });
    }
  }
  const { kept, deferred } = fitFindings(rankFindings(findings, run.maxFindingsPerRegion));

  const { dryRun } = run;
  const wouldWrite = { metrics: 0, alarms: { created: 0, updated: 0, deleted: 0 } };
  // A failed write is a problem of this region (call, namespace, region named), never a failed
  // region: the alarms and findings below still happen. A dry run only counts the points.
  const written = dryRun || points.length === 0 ? { written: 0, failures: [] as string[] } : await writeMetrics(deps.cloudwatch, points, calls, region);
  if (dryRun) wouldWrite.metrics = points.length;
  for (const f of written.failures) problems.push({ target: `metrics:${region}`, error: f });

  const alarms = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
  try {
    const desired = desiredAlarms(monitored, run, deps, now);
    if (desired.length > 0 && !deps.topicArn) {
      problems.push({ target: `alarms:${region}`, error: `no SNS topic for ${region} in PM_ALARM_TOPIC_ARNS; alarms ${dryRun ? 'would be' : 'were'} created without actions` });
    }
    const reconciled = await reconcileAlarms(deps.cloudwatch, desired, { region, discoveryComplete: discovery.complete, calls, ownership: deps.ownership, dryRun, budget });
    Object.assign(alarms, { created: reconciled.created, updated: reconciled.updated, deleted: reconciled.deleted, unchanged: reconciled.unchanged });
    carriedOver.alarmWrites = reconciled.carriedOver;
    if (dryRun) {
      wouldWrite.alarms = { created: reconciled.changes.create.length, updated: reconciled.changes.update.length, deleted: reconciled.changes.delete.length };
    }
    logAlarmChanges(log, reconciled.changes, dryRun);
    problems.push(...reconciled.problems);
  } catch (err) {
    problems.push({ target: `alarms:${region}`, error: `alarm reconcile failed: ${describeError(err)}` });
  }

  // Tag reads (and anything else changed since discovery).
  await saveState('at the end');

  const result: RegionResult = {
    region,
    ok: true,
    resources: {
      campaigns: discovery.resources.filter((r) => r.type === 'campaign').length,
      recommenders: discovery.resources.filter((r) => r.type === 'recommender').length,
      active: monitored.length,
      skipped: discovery.skipped,
    },
    metricsWritten: written.written,
    alarms,
    wouldWrite,
    findings: kept,
    deferredFindings: deferred.length,
    problems: boundProblems(problems),
    fleetFingerprint: fleetFingerprint(discovery.resources),
    apiCalls: calls.total,
    carriedOver,
  };
  log.info('region collected', {
    resources: result.resources,
    decisionSlot: inSlot.size,
    findings: kept.length,
    deferredFindings: deferred.length,
    dryRun,
    metricsWritten: result.metricsWritten,
    alarms,
    ...(dryRun ? { wouldWrite } : {}),
    problems: problems.length,
    discoveryComplete: discovery.complete,
    carriedOver,
    remainingMs: Math.round(budget.remainingMs()),
    apiCalls: calls.total,
    apiCallsByOperation: calls.byOperation(),
  });
  return result;
}

/**
 * The canary's counts for the traffic this run reads. A failed read is a problem and subtracts
 * nothing – resources the canary reached then look used this run (never idle by mistake).
 */
async function readCanaryCounts(
  canary: CanaryCountsReader,
  ctx: { region: string; recent: TimeWindow; from: number; calls: ApiCallCounter; problems: Problem[] },
): Promise<CanaryWindowCounts | undefined> {
  try {
    return await canary.read(ctx.region, Math.min(ctx.from, ctx.recent.start), ctx.recent.end, () => ctx.calls.add('Query'));
  } catch (err) {
    ctx.problems.push({ target: `canary:${ctx.region}`, error: `canary counts not read, its requests count as use this run (no resource found idle because of them): ${describeError(err)}` });
    return undefined;
  }
}

/** The region's state: from the store (a failing read is a problem: then a cold start), else the process's. */
async function loadState(region: string, now: number, store: StateStore | undefined, calls: ApiCallCounter, problems: Problem[]): Promise<RegionState> {
  if (!store) return processState(region);
  try {
    return await store.load(region, now, calls);
  } catch (err) {
    problems.push({ target: `state:${region}`, error: `state not read, collected as a cold start: ${describeError(err)}` });
    return new RegionState(region);
  }
}

/**
 * The alarms wanted for the monitored resources (none when every alarm kind is off: reconcile
 * then deletes ours). Without a topic the alarms are still created, without actions; without a
 * critical topic the critical ones notify only the topic.
 */
function desiredAlarms(monitored: MonitoredResource[], run: RunContext, deps: CollectDeps, now: number): AlarmSpec[] {
  const canaryIntervalMinutes = deps.healthCheckIntervalMinutes ?? deps.canary?.settings.intervalMinutes;
  if (!run.autoCreateUtilizationAlarms && !run.autoCreateIdleAlarms && !run.kpiAlarms && !run.trafficAnomalyAlarms && !canaryIntervalMinutes) return [];
  return monitored.flatMap((r) => alarmSpecs(r, run, deps.topicArn ?? '', now, deps.ownership.prefix, { criticalTopicArn: deps.criticalTopicArn, canaryIntervalMinutes }));
}

/**
 * One log line per kind of change, naming the alarms (at most MAX_ALARM_NAMES_PER_LOG_LINE per
 * line): `alarms would change` in a dry run (nothing was written), `alarms changed` otherwise.
 */
export function logAlarmChanges(log: Pick<Logger, 'info'>, changes: AlarmChanges, dryRun: boolean): void {
  const message = dryRun ? 'alarms would change (dry run: not written)' : 'alarms changed';
  for (const change of ['create', 'update', 'delete'] as const) {
    const names = changes[change];
    for (let i = 0; i < names.length; i += MAX_ALARM_NAMES_PER_LOG_LINE) {
      log.info(message, { change, dryRun, count: names.length, alarms: names.slice(i, i + MAX_ALARM_NAMES_PER_LOG_LINE) });
    }
  }
}

/** Moves the least wasteful kept findings to `deferred` until the kept ones fit MAX_FINDINGS_BYTES. */
function fitFindings(ranked: { kept: Finding[]; deferred: Finding[] }): { kept: Finding[]; deferred: Finding[] } {
  let bytes = 0;
  const fit = ranked.kept.findIndex((f) => (bytes += Buffer.byteLength(JSON.stringify(f))) > MAX_FINDINGS_BYTES);
  if (fit < 0) return ranked;
  return { kept: ranked.kept.slice(0, fit), deferred: [...ranked.kept.slice(fit), ...ranked.deferred] };
}

/** Keeps the result small whatever fails: the first problems in full, the rest counted. */
function boundProblems(problems: Problem[]): Problem[] {
  const shown = problems.slice(0, MAX_PROBLEMS_IN_RESULT).map((p) => ({
    target: p.target,
    error: p.error.length > MAX_PROBLEM_CHARS ? `${p.error.slice(0, MAX_PROBLEM_CHARS - 1)}…` : p.error,
  }));
  if (problems.length > MAX_PROBLEMS_IN_RESULT) {
    shown.push({ target: 'more', error: `${problems.length - MAX_PROBLEMS_IN_RESULT} more problems; see the collect log` });
  }
  return shown;
}
