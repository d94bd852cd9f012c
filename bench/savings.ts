/**
 * A simulated month of a realistic fleet under three policies, billed by the sim's model:
 *  - none: nobody acts;
 *  - ours: the pure decision rules of core/ (evaluateIdle, evaluateOverProvisioned, exemption
 *    tags) in each resource's hourly decision slot, acting at once (`auto` mode) after the
 *    ACTION machine's re-check (no request since the idle window started);
 *  - original: the original monitor's idle rule and 25 %-per-hour step down, in its own slots.
 * Decisions read the traffic the sim's resources actually SERVED (the traffic model masked by
 * status, i.e. exactly what AWS/Personalize metrics report, without the publishing delay);
 * actions change the sim's resources through its model API, so the bill reflects them.
 */
import { behaviourSchema, DEFAULT_BEHAVIOUR, type Behaviour } from '../config/schema';
import { evaluateOverProvisioned } from '../core/capacity';
import { parseExemption } from '../core/exemption';
import { evaluateIdle } from '../core/idle';
import { isMonitorable, isTransitionalStatus } from '../core/status';
import { decisionSlot, FIVE_MINUTES_MS, recentWindow, trafficWindow } from '../core/time';
import type { MonitoredResource, TrafficSample } from '../core/types';
import { DAY_MS, demoFleet, HOUR_MS, MINUTE_MS, traffic, type SimAccount } from '../sim';
import type { SimResource } from '../sim/personalize';
import { ORIGINAL, originalIsIdle, originalSlotMinute, originalStepDown, type OriginalView } from './original-model';
import { findWrongActions, type BenchAction, type WrongAction } from './wrong-actions';

export type Policy = 'none' | 'ours' | 'original';
export const POLICIES: readonly Policy[] = ['none', 'ours', 'original'];

/** Campaigns / recommenders provisioned a little above their quietest hour (the original undershoots them). */
const NEAR_MINIMUM = [
  { name: 'near-min-campaign-a', kind: 'campaign', min: 10, troughRps: 8.6, peakRps: 14 },
  { name: 'near-min-recommender-b', kind: 'recommender', min: 12, troughRps: 10.3, peakRps: 16 },
  { name: 'near-min-campaign-c', kind: 'campaign', min: 6, troughRps: 5.4, peakRps: 9 },
] as const;
/** A recommender nobody used for weeks; its team restarts it on day 10 and sends traffic 2 hours later. */
const PAUSED = { name: 'paused-recommender-x', min: 2, restartAfterMs: 10 * DAY_MS, trafficAfterRestartMs: 2 * HOUR_MS, rps: 2 };
/** Age of the extra resources at the start of the month (as demoFleet's). */
const EXTRA_AGE_MS = 30 * DAY_MS;
const NOISE = 0.15;

export interface SavingsOptions {
  regions: string[];
  /** Resources of the demo fleet (the extra resources above come on top). */
  demoResources: number;
  seed: number;
  days: number;
}

export interface PolicyOutcome {
  policy: Policy;
  billUsd: number;
  billByProfile: Record<string, number>;
  actions: BenchAction[];
  wrong: WrongAction[];
  /** Actions refused by the sim (e.g. ResourceInUseException). */
  failedActions: number;
  /** Actions on resources carrying the exemption tag. */
  actionsOnExempt: number;
  /** Simulated decisions taken (resource-hours judged). */
  decisions: number;
}

export interface SavingsResult {
  days: number;
  monthStart: string;
  resources: number;
  profiles: Record<string, number>;
  behaviour: Pick<Behaviour, 'idleThresholdHours' | 'lookBackDays' | 'coolDownHours' | 'maxStepPercent' | 'metricDelayMinutes'>;
  outcomes: Record<Policy, PolicyOutcome>;
}

interface Scenario {
  account: SimAccount;
  profileOf: Map<string, string>;
  pausedArn: string;
  monthStart: number;
}

/** The month's fleet: the demo fleet plus near-minimum resources and the paused recommender. */
function buildScenario(opts: SavingsOptions): Scenario {
  const { account, resources } = demoFleet({ regions: opts.regions, resources: opts.demoResources, seed: opts.seed });
  const monthStart = account.clock.now();
  const createdAt = monthStart - EXTRA_AGE_MS;
  const profileOf = new Map(resources.map((r) => [r.arn, r.profile as string]));
  NEAR_MINIMUM.forEach((spec, i) => {
    const region = opts.regions[i % opts.regions.length];
    const fn = traffic.noisy(traffic.diurnal({ peakRps: spec.peakRps, troughRps: spec.troughRps }), { seed: opts.seed * 31 + i, amplitude: NOISE });
    const arn =
      spec.kind === 'campaign'
        ? account.personalize.createCampaign({ region, name: spec.name, minProvisionedTPS: spec.min, createdAt, traffic: fn, tags: { team: 'search' } })
        : account.personalize.createRecommender({ region, name: spec.name, minRecommendationRequestsPerSecond: spec.min, createdAt, traffic: fn, tags: { team: 'home' } });
    profileOf.set(arn, 'nearMinimum');
  });
  const comeback = monthStart + PAUSED.restartAfterMs + PAUSED.trafficAfterRestartMs;
  const pausedArn = account.personalize.createRecommender({
    region: opts.regions[0],
    name: PAUSED.name,
    minRecommendationRequestsPerSecond: PAUSED.min,
    createdAt,
    tags: { team: 'mobile' },
    traffic: traffic.switchAt(comeback, traffic.idle(), traffic.noisy(traffic.constant(PAUSED.rps), { seed: opts.seed * 37, amplitude: NOISE })),
  });
  profileOf.set(pausedArn, 'pausedThenRestarted');
  return { account, profileOf, pausedArn, monthStart };
}

/**
 * Requests a resource served, from the sim's model: per whole hour (cached once the hour is
 * past, as actions only change the future) and per minute at the edges of a range.
 */
class ServedTraffic {
  private readonly hours = new Map<string, Map<number, number>>();

  constructor(private readonly account: SimAccount) {}

  /** Served requests in [from, to) (minute-aligned), as known at `now`. */
  sum(res: SimResource, from: number, to: number, now: number): number {
    if (from % MINUTE_MS !== 0 || to % MINUTE_MS !== 0) throw new Error(`ServedTraffic.sum: range ${from}..${to} is not minute-aligned`);
    let n = 0;
    let t = from;
    while (t < to) {
      if (t % HOUR_MS === 0 && t + HOUR_MS <= to) {
        n += this.hour(res, t, now);
        t += HOUR_MS;
      } else {
        n += this.account.personalize.requestsInMinute(res, t);
        t += MINUTE_MS;
      }
    }
    return n;
  }

  /** Served requests in the hour starting at `hourStart`. */
  hour(res: SimResource, hourStart: number, now: number): number {
    let cache = this.hours.get(res.arn);
    if (!cache) this.hours.set(res.arn, (cache = new Map()));
    const known = cache.get(hourStart);
    if (known !== undefined) return known;
    const model = this.account.personalize;
    let n = 0;
    if (model.nextPhaseChange(res, hourStart) >= hourStart + HOUR_MS) {
      n = model.billedMinimum(res, hourStart) === undefined ? 0 : model.trafficRequests(res, hourStart, hourStart + HOUR_MS);
    } else {
      for (let m = hourStart; m < hourStart + HOUR_MS; m += MINUTE_MS) n += model.requestsInMinute(res, m);
    }
    if (hourStart + HOUR_MS <= now) cache.set(hourStart, n);
    return n;
  }

  /** Hourly sums of [start, start + hours × 1 h). */
  hourly(res: SimResource, start: number, hours: number, now: number): number[] {
    return Array.from({ length: hours }, (_, i) => this.hour(res, start + i * HOUR_MS, now));
  }
}

const seconds = (epochSeconds: unknown) => (typeof epochSeconds === 'number' ? epochSeconds * 1000 : 0);

/** The resource as collect's discovery maps DescribeCampaign / DescribeRecommender. */
function monitoredFrom(account: SimAccount, res: SimResource): MonitoredResource {
  const d = account.personalize.describe(res) as Record<string, unknown>;
  const update = (res.kind === 'campaign' ? d.latestCampaignUpdate : d.latestRecommenderUpdate) as Record<string, unknown> | undefined;
  const updateStatus = update?.status as string | undefined;
  const config = d.recommenderConfig as Record<string, unknown> | undefined;
  const min = (res.kind === 'campaign' ? d.minProvisionedTPS : config?.minRecommendationRequestsPerSecond) as number;
  const pending =
    update && isTransitionalStatus(updateStatus)
      ? ((res.kind === 'campaign' ? update.minProvisionedTPS : (update.recommenderConfig as Record<string, unknown>)?.minRecommendationRequestsPerSecond) as number)
      : undefined;
  return {
    arn: res.arn,
    name: res.name,
    type: res.kind,
    region: res.region,
    partition: 'aws',
    accountId: account.accountId,
    status: d.status as string,
    latestUpdateStatus: updateStatus,
    minCapacity: min,
    pendingMinCapacity: pending,
    requestMetric: res.requestMetric,
    createdAt: seconds(d.creationDateTime),
    lastUpdatedAt: Math.max(seconds(d.lastUpdatedDateTime), seconds(update?.creationDateTime), seconds(update?.lastUpdatedDateTime)),
  };
}

/** Applies an action to the sim (as the ACTION machine's act step would). Returns false when refused. */
function act(account: SimAccount, res: SimResource, action: { kind: 'idle' } | { kind: 'capacity'; newMin: number }): boolean {
  const model = account.personalize;
  try {
    if (action.kind === 'idle') {
      if (res.kind === 'campaign') model.delete(res.arn, 'campaign');
      else model.stopRecommender(res.arn);
    } else if (res.kind === 'campaign') {
      model.updateCampaign(res.arn, { minProvisionedTPS: action.newMin });
    } else {
      const config = (model.describe(res) as { recommenderConfig: Record<string, unknown> }).recommenderConfig;
      model.updateRecommender(res.arn, { ...config, minRecommendationRequestsPerSecond: action.newMin });
    }
    return true;
  } catch {
    return false;
  }
}

interface Decider {
  /** Minute offset in the hour at which the resource is judged. */
  offsetMs(arn: string): number;
  decide(res: SimResource, now: number): { kind: 'idle' } | { kind: 'capacity'; newMin: number } | undefined;
}

function oursDecider(account: SimAccount, served: ServedTraffic, behaviour: Behaviour): Decider {
  const hoursRead = (trafficWindow(0, behaviour).end - trafficWindow(0, behaviour).start) / HOUR_MS;
  return {
    // The MONITOR runs every 5 minutes; a resource is judged in its slot (a minute into it).
    offsetMs: (arn) => decisionSlot(arn) * FIVE_MINUTES_MS + MINUTE_MS,
    decide(res, now) {
      const resource = monitoredFrom(account, res);
      if (!isMonitorable(resource)) return undefined;
      const recent = recentWindow(now, behaviour.metricDelayMinutes);
      const window = trafficWindow(now, behaviour);
      const sample: TrafficSample = {
        recentRequests: served.sum(res, recent.start, recent.end, now),
        hourlySums: served.hourly(res, window.start, hoursRead, now),
        hourlyStart: window.start,
      };
      const exemption = parseExemption(Object.fromEntries(res.tags), behaviour.exemptionTagKey, now);
      const input = { resource, traffic: sample, behaviour, now, exemption };
      const idle = evaluateIdle(input);
      if (idle.idle) {
        // The ACTION machine's re-check: any request since the idle window started cancels it.
        const since = served.sum(res, Date.parse(idle.evidence.windowStart), Math.floor(now / MINUTE_MS) * MINUTE_MS, now);
        return since === 0 ? { kind: 'idle' } : undefined;
      }
      const capacity = evaluateOverProvisioned(input);
      return capacity.overProvisioned ? { kind: 'capacity', newMin: capacity.newMin } : undefined;
    },
  };
}

function originalDecider(account: SimAccount, served: ServedTraffic, idleThresholdHours: number): Decider {
  return {
    offsetMs: (arn) => originalSlotMinute(arn) * MINUTE_MS + MINUTE_MS,
    decide(res, now) {
      const snap = account.personalize.snapshot(res.arn, now);
      // get_configured_active_*: ACTIVE and the latest update not being deleted.
      if (!snap || snap.status !== 'ACTIVE' || snap.latestUpdateStatus?.startsWith('DELETE')) return undefined;
      const view: OriginalView = { status: snap.status, latestUpdateStatus: snap.latestUpdateStatus, minCapacity: snap.minCapacity, createdAt: res.createdAt };
      const windowEnd = Math.floor(now / FIVE_MINUTES_MS) * FIVE_MINUTES_MS;
      const recent = served.sum(res, windowEnd - FIVE_MINUTES_MS, windowEnd, now);
      if (recent === 0) {
        const idleWindow = served.sum(res, now - idleThresholdHours * HOUR_MS, now, now);
        if (originalIsIdle(view, { recent5MinRequests: recent, requestsInIdleWindow: idleWindow }, now, idleThresholdHours)) return { kind: 'idle' };
      }
      const end = Math.floor(now / HOUR_MS) * HOUR_MS;
      const hours = ORIGINAL.lookBackDays * 24;
      const newMin = originalStepDown(view, served.hourly(res, end - hours * HOUR_MS, hours, now), now);
      return newMin === undefined ? undefined : { kind: 'capacity', newMin };
    },
  };
}

/** Runs the month under `policy` on a fresh copy of the fleet. */
function runPolicy(policy: Policy, opts: SavingsOptions, behaviour: Behaviour): PolicyOutcome {
  const scenario = buildScenario(opts);
  const { account, monthStart } = scenario;
  const monthEnd = monthStart + opts.days * DAY_MS;
  const served = new ServedTraffic(account);
  const decider =
    policy === 'ours' ? oursDecider(account, served, behaviour) : policy === 'original' ? originalDecider(account, served, behaviour.idleThresholdHours) : undefined;
  const actions: BenchAction[] = [];
  let failedActions = 0;
  let decisions = 0;

  if (decider) {
    const resources = account.personalize.all();
    const restartAt = monthStart + PAUSED.restartAfterMs;
    type Step = { at: number; res?: SimResource };
    const steps: Step[] = [{ at: restartAt }];
    for (let h = monthStart; h < monthEnd; h += HOUR_MS) for (const res of resources) steps.push({ at: h + decider.offsetMs(res.arn), res });
    steps.sort((a, b) => a.at - b.at);
    for (const step of steps) {
      if (step.at >= monthEnd) break;
      account.clock.set(step.at);
      if (!step.res) {
        // The team restarts its paused recommender if a monitor stopped it.
        if (account.personalize.snapshot(scenario.pausedArn)?.status === 'INACTIVE') account.personalize.startRecommender(scenario.pausedArn);
        continue;
      }
      if (!account.personalize.snapshot(step.res.arn)) continue;
      decisions++;
      const decision = decider.decide(step.res, step.at);
      if (!decision) continue;
      if (act(account, step.res, decision)) actions.push({ arn: step.res.arn, kind: decision.kind, at: step.at, ...(decision.kind === 'capacity' ? { newMin: decision.newMin } : {}) });
      else failedActions++;
    }
  }

  const bill = account.bill(monthStart, monthEnd);
  const billByProfile: Record<string, number> = {};
  for (const r of bill.resources) {
    const profile = scenario.profileOf.get(r.arn) ?? 'other';
    billByProfile[profile] = (billByProfile[profile] ?? 0) + r.cost;
  }
  const demand = (arn: string, from: number, to: number) => account.personalize.trafficRequests(account.personalize.get(arn), from, to);
  const exemptKey = behaviour.exemptionTagKey;
  return {
    policy,
    billUsd: bill.total,
    billByProfile,
    actions,
    wrong: findWrongActions(actions, demand),
    failedActions,
    actionsOnExempt: actions.filter((a) => account.personalize.get(a.arn).tags.has(exemptKey)).length,
    decisions,
  };
}

/** The behaviour of the month: defaults, acting on idle resources, every action in `auto` mode. */
export function savingsBehaviour(regions: string[]): Behaviour {
  return behaviourSchema.parse({
    ...DEFAULT_BEHAVIOUR,
    regions,
    autoDeleteOrStopIdleResources: true,
    autoAdjustMinTps: true,
    idleActionMode: 'auto',
    capacityActionMode: 'auto',
  });
}

/** Simulates the month under every policy. */
export function simulateMonth(opts: SavingsOptions): SavingsResult {
  const behaviour = savingsBehaviour(opts.regions);
  const outcomes = Object.fromEntries(POLICIES.map((p) => [p, runPolicy(p, opts, behaviour)])) as Record<Policy, PolicyOutcome>;
  const probe = buildScenario(opts);
  const profiles: Record<string, number> = {};
  for (const p of probe.profileOf.values()) profiles[p] = (profiles[p] ?? 0) + 1;
  return {
    days: opts.days,
    monthStart: new Date(probe.monthStart).toISOString(),
    resources: probe.profileOf.size,
    profiles,
    behaviour: {
      idleThresholdHours: behaviour.idleThresholdHours,
      lookBackDays: behaviour.lookBackDays,
      coolDownHours: behaviour.coolDownHours,
      maxStepPercent: behaviour.maxStepPercent,
      metricDelayMinutes: behaviour.metricDelayMinutes,
    },
    outcomes,
  };
}
