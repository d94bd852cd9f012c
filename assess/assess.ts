/**
 * The assessment: every campaign and recommender of the chosen regions, their traffic, and the
 * decision the MONITOR would make about each, made by the MONITOR's own code (discovery,
 * metrics reader, `decideResource`) for EVERY resource at once instead of each in its hourly
 * decision slot. Reads only: the clients are wrapped by `readOnlyClients`, which refuses every
 * operation that is not List*, Describe* or Get* before it is sent. Clients and `now` are injected.
 */
import { LOWEST_MINIMUM, MIN_HOURS_FOR_CAPACITY } from '../core/capacity';
import type { RunContext } from '../core/contracts/run';
import { latestActivity } from '../core/decision';
import { isMonitorable, isUpdatable, normalizeStatus, STATUS } from '../core/status';
import { decisionWindow, HOUR_MS, HOUR_SECONDS, recentWindow, trafficWindow, type TimeWindow } from '../core/time';
import type { Finding, MonitoredResource, ResourceType, TrafficSample } from '../core/types';
import { averageRate, hourlySumsIn } from '../core/utilization';
import type { Clients } from '../tasks/aws/clients';
import { readOnlyClients } from '../tasks/aws/read-only';
import { ApiCallCounter, describeError } from '../tasks/collect/aws-calls';
import { decideResource, type ResourceDecision } from '../tasks/collect/decide';
import { discoverResources, type Problem } from '../tasks/collect/discovery';
import { readTraffic } from '../tasks/collect/metrics-reader';
import { Logger } from '../tasks/shared/logger';
import { CallObserver, type FatalProblem } from './observe';

/** Why no action is proposed for a resource. */
export type NoActionReason = 'new' | 'updating' | 'exempt' | 'busy' | 'inactive' | 'unread';

export type ProposedAction =
  | { kind: 'delete' | 'stop'; detail: string }
  | { kind: 'setMinimum'; newMinimum: number; detail: string }
  | { kind: 'none'; because: NoActionReason; detail: string };

export interface Utilization {
  /** Whole hours counted (look-back window, from the latest creation/update on). */
  hours: number;
  averageRate: number;
  lowWatermarkRate: number;
  /** Percent of the minimum capacity. */
  averagePercent: number;
  lowWatermarkPercent: number;
}

export interface AssessedResource {
  arn: string;
  name: string;
  type: ResourceType;
  region: string;
  status: string;
  latestUpdateStatus?: string;
  minCapacity: number;
  utilization?: Utilization;
  /** Hours without a request up to now (undefined: unknown). */
  hoursIdle?: number;
  /** True when no request was seen in the whole window read: idle at least `hoursIdle` hours. */
  hoursIdleAtLeast?: boolean;
  action: ProposedAction;
  monthlyWasteUsd: number;
  /** The findings the MONITOR's decision raises (the same objects it would pass to the ACTION). */
  findings: Finding[];
  /** The decision's own sentences (why idle or not, why over-provisioned or not). */
  reasons: { idle?: string; capacity?: string };
  /** Hourly request sums of the look-back window, oldest first (for charts; not in the JSON). */
  hourly?: { start: number; sums: number[] };
}

export interface ActionCounts {
  delete: number;
  stop: number;
  setMinimum: number;
  none: number;
}

export interface Totals {
  resources: number;
  campaigns: number;
  recommenders: number;
  actions: ActionCounts;
  monthlyWasteUsd: number;
}

export interface RegionAssessment {
  region: string;
  /** Set when the region could not be listed (then `resources` is empty). */
  error?: string;
  resources: AssessedResource[];
  problems: Problem[];
  totals: Totals;
  apiCalls: number;
}

export interface AssessReport {
  now: string;
  regions: RegionAssessment[];
  totals: Totals;
  /** Commands sent, all regions (the SDK's retries of one command are not counted). */
  apiCalls: number;
  apiCallsByOperation: Record<string, number>;
  /** Credentials, permissions or throttling that made the answer incomplete: exit 1. */
  fatal: FatalProblem[];
  behaviour: Pick<RunContext, 'idleThresholdHours' | 'lookBackDays' | 'coolDownHours' | 'maxStepPercent' | 'metricDelayMinutes' | 'autoDeleteOrStopIdleResources' | 'exemptionTagKey' | 'campaignTpsHourPrice' | 'recommenderRpsHourPrice'>;
}

export type AssessPhase = 'listing' | 'reading metrics' | 'deciding' | 'done' | 'failed';

export interface ProgressEvent {
  region: string;
  phase: AssessPhase;
  /** Resources decided so far / to decide (deciding phase). */
  done?: number;
  total?: number;
  /** Commands sent so far, all regions. */
  calls: number;
}

export interface AssessDeps {
  /** Any client factory: assess wraps it in `readOnlyClients` itself. */
  clients: Clients;
  /** Evaluation instant (epoch ms). */
  now: number;
  onProgress?: (event: ProgressEvent) => void;
  logger?: Logger;
}

export interface AssessInput {
  regions: readonly string[];
  /** The resolved behaviour (`resolveRun` from tasks/validate-input), `now` included. */
  run: RunContext;
}

/** Assesses every region (concurrently) and totals the result. */
export async function assess(input: AssessInput, deps: AssessDeps): Promise<AssessReport> {
  const clients = readOnlyClients(deps.clients);
  const observer = new CallObserver();
  const log = deps.logger ?? new Logger('assess', {}, 'OFF');
  const progress = (region: string, phase: AssessPhase, extra: { done?: number; total?: number } = {}) =>
    deps.onProgress?.({ region, phase, calls: observer.calls.length, ...extra });

  const regions = await Promise.all(
    input.regions.map((region) =>
      assessRegion(region, input.run, deps.now, {
        personalize: observer.watch(clients.personalize(region), 'personalize', region),
        cloudwatch: observer.watch(clients.cloudwatch(region), 'cloudwatch', region),
        log: log.child({ region }),
        progress: (phase, extra) => progress(region, phase, extra),
      }),
    ),
  );
  const r = input.run;
  return {
    now: new Date(deps.now).toISOString(),
    regions,
    totals: sumTotals(regions.map((x) => x.totals)),
    apiCalls: observer.calls.length,
    apiCallsByOperation: observer.byOperation(),
    fatal: observer.fatalProblems(),
    behaviour: {
      idleThresholdHours: r.idleThresholdHours,
      lookBackDays: r.lookBackDays,
      coolDownHours: r.coolDownHours,
      maxStepPercent: r.maxStepPercent,
      metricDelayMinutes: r.metricDelayMinutes,
      autoDeleteOrStopIdleResources: r.autoDeleteOrStopIdleResources,
      exemptionTagKey: r.exemptionTagKey,
      campaignTpsHourPrice: r.campaignTpsHourPrice,
      recommenderRpsHourPrice: r.recommenderRpsHourPrice,
    },
  };
}

interface RegionDeps {
  personalize: ReturnType<Clients['personalize']>;
  cloudwatch: ReturnType<Clients['cloudwatch']>;
  log: Logger;
  progress: (phase: AssessPhase, extra?: { done?: number; total?: number }) => void;
}

async function assessRegion(region: string, run: RunContext, now: number, deps: RegionDeps): Promise<RegionAssessment> {
  const calls = new ApiCallCounter();
  const problems: Problem[] = [];
  deps.progress('listing');
  let discovery;
  try {
    discovery = await discoverResources(deps.personalize, { region, campaignArns: run.campaignArns, recommenderArns: run.recommenderArns }, calls);
  } catch (err) {
    deps.progress('failed');
    return { region, error: describeError(err), resources: [], problems, totals: totalsOf([]), apiCalls: calls.total };
  }
  problems.push(...discovery.problems);
  const monitored = discovery.resources.filter((r) => isMonitorable(r));

  deps.progress('reading metrics');
  const recent = recentWindow(now, run.metricDelayMinutes);
  const window = trafficWindow(now, run);
  // Hourly history for every resource (the MONITOR reads it only for candidates in their slot;
  // the decisions of the others do not depend on it, and the report charts it).
  const read = await readTraffic(deps.cloudwatch, { resources: monitored, recent, hourly: { window, wanted: () => true } }, calls);

  const resources: AssessedResource[] = [];
  let done = 0;
  for (const r of discovery.resources) {
    deps.progress('deciding', { done: done++, total: discovery.resources.length });
    if (!isMonitorable(r)) {
      const inactive = normalizeStatus(r.status) === STATUS.INACTIVE;
      resources.push(row(r, undefined, window, run, now, {
        kind: 'none',
        because: inactive ? 'inactive' : 'updating',
        detail: inactive ? 'Stopped (INACTIVE): it serves and bills nothing.' : `Its status is ${normalizeStatus(r.status)}${r.latestUpdateStatus ? `, latest update ${normalizeStatus(r.latestUpdateStatus)}` : ''}: not monitored until ACTIVE.`,
      }));
      continue;
    }
    const traffic = read.traffic.get(r.arn);
    const failed = read.recentFailed.get(r.arn) ?? read.hourlyFailed.get(r.arn);
    if (failed || !traffic) {
      problems.push({ target: r.arn, error: `no decision: ${failed ?? 'no traffic read'}` });
      resources.push(row(r, traffic, window, run, now, { kind: 'none', because: 'unread', detail: `Traffic not read: ${failed ?? 'unknown'}.` }));
      continue;
    }
    let decision: ResourceDecision;
    try {
      decision = await decideResource(r, traffic, run, now, { personalize: deps.personalize, calls, log: deps.log, problems });
    } catch (err) {
      problems.push({ target: r.arn, error: `decision failed: ${describeError(err)}` });
      resources.push(row(r, traffic, window, run, now, { kind: 'none', because: 'unread', detail: `Decision failed: ${describeError(err)}.` }));
      continue;
    }
    resources.push(row(r, traffic, window, run, now, proposedAction(r, traffic, decision, run, now), decision));
  }
  deps.progress('done');
  return { region, resources, problems, totals: totalsOf(resources), apiCalls: calls.total };
}

/**
 * What the decision proposes: the idle action when there is an idle finding (deleting or
 * stopping makes the minimum moot), else the new minimum, else nothing and why.
 */
export function proposedAction(r: MonitoredResource, traffic: TrafficSample, decision: ResourceDecision, run: RunContext, now: number): ProposedAction {
  const idle = decision.findings.find((f) => f.kind === 'idle');
  if (idle) return { kind: r.type === 'campaign' ? 'delete' : 'stop', detail: idle.reason };
  const over = decision.findings.find((f) => f.kind === 'overProvisioned');
  if (over?.evidence.newMin !== undefined) return { kind: 'setMinimum', newMinimum: over.evidence.newMin, detail: over.reason };
  const detail = [decision.withheld, !decision.idle.idle ? decision.idle.reason : undefined, !decision.capacity.overProvisioned ? decision.capacity.reason : undefined]
    .filter(Boolean)
    .join(' ');
  return { kind: 'none', because: noActionReason(r, traffic, decision, run, now), detail };
}

/** The short reason for no action, from the facts the decision used. */
export function noActionReason(r: MonitoredResource, traffic: TrafficSample, decision: ResourceDecision, run: RunContext, now: number): NoActionReason {
  if (decision.withheld) return 'unread';
  const updateStatus = r.latestUpdateStatus === undefined ? STATUS.ACTIVE : normalizeStatus(r.latestUpdateStatus);
  if (!isUpdatable(r) || r.pendingMinCapacity !== undefined || updateStatus !== STATUS.ACTIVE) return 'updating';
  if (decision.exemption?.exempt) return 'exempt';
  const activity = latestActivity(r);
  const idleWindow = decisionWindow(now, run.metricDelayMinutes, run.idleThresholdHours);
  const lookBack = decisionWindow(now, run.metricDelayMinutes, run.lookBackDays * 24);
  const served = traffic.recentRequests > 0 || (traffic.hourlySums ?? []).some((s) => s > 0);
  const tooRecent =
    activity > idleWindow.start ||
    (r.minCapacity > LOWEST_MINIMUM && (activity > lookBack.end - MIN_HOURS_FOR_CAPACITY * HOUR_MS || now < r.lastUpdatedAt + run.coolDownHours * HOUR_MS));
  if (tooRecent && !(served && r.minCapacity <= LOWEST_MINIMUM)) return 'new';
  return 'busy';
}

function row(
  r: MonitoredResource,
  traffic: TrafficSample | undefined,
  window: TimeWindow,
  run: RunContext,
  now: number,
  action: ProposedAction,
  decision?: ResourceDecision,
): AssessedResource {
  const findings = decision?.findings ?? [];
  const idleFinding = findings.find((f) => f.kind === 'idle');
  const waste = action.kind === 'none' ? 0 : (idleFinding ?? findings.find((f) => f.kind === 'overProvisioned'))?.evidence.monthlyWasteUsd ?? 0;
  const lookBack = decisionWindow(now, run.metricDelayMinutes, run.lookBackDays * 24);
  const sums = traffic ? hourlySumsIn(traffic, lookBack) : undefined;
  const out: AssessedResource = {
    arn: r.arn,
    name: r.name,
    type: r.type,
    region: r.region,
    status: r.status,
    ...(r.latestUpdateStatus !== undefined ? { latestUpdateStatus: r.latestUpdateStatus } : {}),
    minCapacity: r.minCapacity,
    action,
    monthlyWasteUsd: waste,
    findings,
    reasons: decision ? { idle: decision.idle.idle ? undefined : decision.idle.reason, capacity: decision.capacity.overProvisioned ? undefined : decision.capacity.reason } : {},
  };
  if (Array.isArray(sums)) {
    out.hourly = { start: lookBack.start, sums };
    const utilization = utilizationOf(sums, lookBack, r);
    if (utilization) out.utilization = utilization;
  }
  if (traffic) Object.assign(out, idleHours(r, traffic, window, now));
  return out;
}

/** Average and low watermark over the look-back hours since the latest creation or update. */
export function utilizationOf(sums: number[], window: TimeWindow, r: MonitoredResource): Utilization | undefined {
  const fromIndex = Math.max(0, Math.ceil((latestActivity(r) - window.start) / HOUR_MS));
  const counted = sums.slice(fromIndex);
  if (counted.length === 0) return undefined;
  const rates = counted.map((s) => averageRate(s, HOUR_SECONDS));
  const avg = rates.reduce((a, b) => a + b, 0) / rates.length;
  const low = Math.min(...rates);
  const pct = (rate: number) => Math.round((rate / Math.max(r.minCapacity, Number.MIN_VALUE)) * 1000) / 10;
  const rate3 = (x: number) => Math.round(x * 1000) / 1000;
  return { hours: counted.length, averageRate: rate3(avg), lowWatermarkRate: rate3(low), averagePercent: pct(avg), lowWatermarkPercent: pct(low) };
}

/** Trailing hours without a request (0 when the last 5 minutes had some). */
export function idleHours(r: MonitoredResource, traffic: TrafficSample, window: TimeWindow, now: number): { hoursIdle?: number; hoursIdleAtLeast?: boolean } {
  if (traffic.recentRequests > 0) return { hoursIdle: 0 };
  const sums = traffic.hourlySums;
  if (!sums || traffic.hourlyStart === undefined) return {};
  let quiet = 0;
  for (let i = sums.length - 1; i >= 0 && !(sums[i] > 0); i--) quiet++;
  const sinceActivity = Math.floor((now - latestActivity(r)) / HOUR_MS);
  if (quiet === sums.length) {
    // Silent in the whole window read: idle since the window start or since it was created/updated.
    return sinceActivity <= Math.floor((now - window.start) / HOUR_MS) ? { hoursIdle: sinceActivity } : { hoursIdle: Math.floor((now - window.start) / HOUR_MS), hoursIdleAtLeast: true };
  }
  // Hours from the end of the last busy hour to now.
  return { hoursIdle: Math.floor((now - (window.start + (sums.length - quiet) * HOUR_MS)) / HOUR_MS) };
}

export function totalsOf(resources: readonly AssessedResource[]): Totals {
  const actions: ActionCounts = { delete: 0, stop: 0, setMinimum: 0, none: 0 };
  for (const r of resources) actions[r.action.kind]++;
  return {
    resources: resources.length,
    campaigns: resources.filter((r) => r.type === 'campaign').length,
    recommenders: resources.filter((r) => r.type === 'recommender').length,
    actions,
    monthlyWasteUsd: Math.round(resources.reduce((s, r) => s + r.monthlyWasteUsd, 0) * 100) / 100,
  };
}

function sumTotals(all: readonly Totals[]): Totals {
  const out = totalsOf([]);
  for (const t of all) {
    out.resources += t.resources;
    out.campaigns += t.campaigns;
    out.recommenders += t.recommenders;
    for (const k of Object.keys(out.actions) as (keyof ActionCounts)[]) out.actions[k] += t.actions[k];
    out.monthlyWasteUsd = Math.round((out.monthlyWasteUsd + t.monthlyWasteUsd) * 100) / 100;
  }
  return out;
}

/** The report without the hourly series (for --json). */
export function reportJson(report: AssessReport): unknown {
  return {
    ...report,
    regions: report.regions.map((g) => ({ ...g, resources: g.resources.map(({ hourly: _hourly, ...rest }) => rest) })),
  };
}
