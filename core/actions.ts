/**
 * Rules of the ACTION state machine: what a request is, which approval mode applies, whether a
 * re-check lets the action proceed, when a change has settled, which result events follow, and
 * the facts every message about an action shows. Pure: no SDK imports, `now` passed in.
 */
import type { ApprovalMode, Behaviour } from '../config/schema';
import type { ActionKind, Exemption, ResourceType } from './types';
import { lowestStepMinimum } from './capacity';
import { monthlyCost, overProvisionWaste, type Prices } from './cost';
import { isTransitional, isTransitionalStatus, isUpdatable, normalizeStatus } from './status';
import { HOUR_MS } from './time';
import type { ActionRequest, ActionRun, ActionSource, Fact, RecheckDecision, RecheckResult, RequestOrigin, ResourceSnapshot } from './contracts/action';
import { ACTION_INPUT_ERROR, ACTION_FAILED_ERROR } from './contracts/errors';
import { DASHBOARD_DETAIL_TYPE, REQUEST_DETAIL_TYPES, RESULT_DETAIL_TYPES, type DashboardDetail, type ResultDetail } from './contracts/events';

export {
  type ActionPolicy,
  type ActionRequest,
  type ActionRun,
  type ActionState,
  type Fact,
  type RecheckResult,
  type ResourceSnapshot,
} from './contracts/action';
export { BUS_VIA, EVENT_SOURCE, INPUT_ENVELOPE } from './contracts/events';

/** The source shown to people and in events, by origin. */
export function sourceOf(origin: RequestOrigin): ActionSource {
  return origin === 'monitor' ? 'monitor' : origin === 'manual' ? 'manual' : 'event';
}

/** The input of the ACTION machine is invalid. The execution fails at once; nothing was changed. */
export class ActionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ACTION_INPUT_ERROR;
  }
}

/** The action cannot be carried out as asked (e.g. the resource changed under it). Caught → NotifyFailed. */
export class ActionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ACTION_FAILED_ERROR;
  }
}

/** The only action each resource type accepts besides setMinCapacity: campaigns are deleted, recommenders stopped. */
export const IDLE_ACTION: Record<ResourceType, ActionKind> = { campaign: 'delete', recommender: 'stop' };

/** Throws ActionInputError when the action does not fit the resource type. */
export function checkActionFitsResource(action: ActionKind, type: ResourceType, arn: string): void {
  if (action === 'setMinCapacity' || IDLE_ACTION[type] === action) return;
  const allowed = IDLE_ACTION[type];
  throw new ActionInputError(
    `action "${action}" cannot be applied to ${type} ${arn}: a ${type} can only be ${allowed === 'delete' ? 'deleted' : 'stopped'} (${allowed}) or get a new minimum (setMinCapacity)`,
  );
}

/** How cautious a mode is: a request may ask for a more cautious mode, never a less cautious one. */
const CAUTION: Record<ApprovalMode, number> = { auto: 0, approval: 1, report: 2 };

/** The more cautious of two modes. */
export function moreCautious(a: ApprovalMode, b: ApprovalMode): ApprovalMode {
  return CAUTION[a] >= CAUTION[b] ? a : b;
}

/**
 * The approval mode of a request, from its origin (who started the execution): MONITOR idle
 * findings → idleActionMode, MONITOR capacity findings → capacityActionMode, people and the
 * requests bus → eventActionMode; a stop or delete from the default bus needs approval at
 * least. A requested `approval` or `dryRun` can only make it more cautious (dry-run → report).
 */
export function resolveMode(
  request: { action: ActionKind; origin: RequestOrigin; approval?: ApprovalMode; dryRun: boolean },
  behaviour: Pick<Behaviour, 'idleActionMode' | 'capacityActionMode' | 'eventActionMode'>,
): ApprovalMode {
  if (request.dryRun) return 'report';
  let mode: ApprovalMode =
    request.origin !== 'monitor'
      ? behaviour.eventActionMode
      : request.action === 'setMinCapacity'
        ? behaviour.capacityActionMode
        : behaviour.idleActionMode;
  if (request.origin === 'defaultBus' && isIdleAction(request.action)) mode = moreCautious(mode, 'approval');
  return request.approval ? moreCautious(mode, request.approval) : mode;
}

export interface RecheckInput {
  request: ActionRequest;
  run: Pick<ActionRun, 'idleThresholdHours' | 'maxStepPercent' | 'maxMinCapacity' | 'maxAutoRaiseFactor' | 'approvalsDeliverable'>;
  current: ResourceSnapshot;
  /** The re-check's own clock (epoch ms). */
  now: number;
  /** Requests served in `trafficWindow` (stop/delete only; undefined when not read yet). */
  requestsInWindow?: number;
  /** Exemption read from the tags (monitor-sourced requests only). */
  exemption?: Exemption;
  /** A person approved this very execution. */
  approved?: boolean;
}

/**
 * The traffic window an idle action is re-checked over, decided only from what the execution
 * knows itself (never from a request's evidence): it ends now and starts one idle window before
 * the execution started (`$$.Execution.StartTime`, when the MONITOR found it idle, or now if
 * that were later). So it covers the finding's whole window and everything since, however long
 * the approval took; a forged evidence window cannot shorten or move it.
 */
export function trafficWindow(request: Pick<ActionRequest, 'requestedAt'>, idleThresholdHours: number, now: number): { start: number; end: number } {
  const started = Date.parse(request.requestedAt);
  const anchor = Number.isFinite(started) ? Math.min(started, now) : now;
  return { start: anchor - idleThresholdHours * HOUR_MS, end: now };
}

/** True when the request stops or deletes (its safety rests on the resource still being idle). */
export function isIdleAction(action: ActionKind): boolean {
  return action === 'delete' || action === 'stop';
}

/** The status fields the status helpers read (an unknown status is never updatable). */
function statusFields(s: ResourceSnapshot): { status: string; latestUpdateStatus?: string } {
  return { status: s.status ?? '', latestUpdateStatus: s.latestUpdateStatus };
}

function statusText(s: ResourceSnapshot): string {
  const update = s.latestUpdateStatus ? `, latest update ${normalizeStatus(s.latestUpdateStatus)}` : '';
  return `status ${normalizeStatus(s.status)}${update}`;
}

/** Stop/delete already under way or finished, judged from the resource's own status. */
function alreadyGoingAway(action: ActionKind, s: ResourceSnapshot): boolean {
  const status = normalizeStatus(s.status);
  if (action === 'delete') return status.startsWith('DELETE');
  if (action === 'stop') return status.startsWith('STOP') || status === 'INACTIVE';
  return false;
}

/**
 * The re-check right before acting. Every "no" says why in a sentence fit for an email:
 * gone → alreadyDone (delete) or skip; already deleting/stopping → alreadyDone; status or latest
 * update not updatable → skip; now exempt (monitor-sourced) → skip; setMinCapacity: minimum
 * already at (or being changed to) the new value → alreadyDone, another update in progress → skip,
 * the minimum changed since a monitor finding → skip; stop/delete: any request since the finding → skip.
 */
export function decideRecheck(input: RecheckInput): RecheckResult {
  const { request, run, current, requestsInWindow, exemption, now } = input;
  const what = `${request.resourceType} ${request.name}`;
  const result = (decision: RecheckDecision, reason: string): RecheckResult => ({ decision, reason, current });

  if (!current.exists) {
    return request.action === 'delete'
      ? result('alreadyDone', `The ${what} no longer exists.`)
      : result('skip', `The ${what} no longer exists.`);
  }
  if (alreadyGoingAway(request.action, current)) {
    return result('alreadyDone', `The ${what} is already ${request.action === 'delete' ? 'being deleted' : 'stopping or stopped'} (${statusText(current)}).`);
  }
  if (request.action === 'setMinCapacity') {
    const target = request.newMin;
    if (isTransitional(statusFields(current))) {
      if (current.pendingMinCapacity !== undefined && current.pendingMinCapacity === target) {
        return result('alreadyDone', `An update of the ${what} to minimum ${target} is already in progress.`);
      }
      return result('skip', `Another update of the ${what} is in progress (${statusText(current)}); it is left alone.`);
    }
    if (current.minCapacity === target && isUpdatable(statusFields(current))) {
      return result('alreadyDone', `The minimum of the ${what} is already ${target}.`);
    }
  }
  if (!isUpdatable(statusFields(current))) {
    return result('skip', `The ${what} cannot be changed now (${statusText(current)}); it must be ACTIVE or CREATE FAILED.`);
  }
  if (request.origin === 'monitor' && exemption?.exempt) {
    return result('skip', `The ${what} is now exempt: ${exemption.reason}.`);
  }
  if (request.action === 'setMinCapacity') {
    const target = request.newMin;
    if (target === undefined || !Number.isSafeInteger(target) || target < 1 || target > run.maxMinCapacity) {
      // ValidateAction refuses these; the re-check never relies on it.
      return result('skip', `The new minimum ${String(target)} is outside 1..${run.maxMinCapacity} (maxMinCapacity).`);
    }
    const currentMin = current.minCapacity;
    if (currentMin === undefined) return result('skip', `The current minimum of the ${what} is unknown; a change cannot be bounded.`);
    if (request.origin === 'monitor') {
      const found = request.evidence?.currentMin;
      if (found !== undefined && currentMin !== found) {
        return result('skip', `The minimum of the ${what} changed since the finding (${found} → ${currentMin}); the finding no longer applies.`);
      }
      if (target > currentMin) {
        return result('skip', `The monitor never raises a minimum on its own (${currentMin} → ${target} requested).`);
      }
      const floor = lowestStepMinimum(currentMin, run.maxStepPercent);
      if (target < floor) {
        return result('skip', `Lowering the ${what} from ${currentMin} to ${target} cuts more than maxStepPercent ${run.maxStepPercent}% allows (at most to ${floor}).`);
      }
    }
    if (target > currentMin * run.maxAutoRaiseFactor && request.mode === 'auto' && input.approved !== true) {
      if (!run.approvalsDeliverable) {
        return result('skip', `Raising the ${what} from ${currentMin} to ${target} is more than maxAutoRaiseFactor ${run.maxAutoRaiseFactor} times its minimum and needs a person's approval, but no notificationEndpoint is configured to ask one.`);
      }
      return result('needsApproval', `Raising the ${what} from ${currentMin} to ${target} is more than maxAutoRaiseFactor ${run.maxAutoRaiseFactor} times its minimum: a person must approve it first.`);
    }
  }
  if (isIdleAction(request.action)) {
    const window = trafficWindow(request, run.idleThresholdHours, now);
    if (current.changedAt === undefined || current.changedAt > window.start) {
      const since = current.changedAt === undefined ? 'at an unknown time' : `at ${new Date(current.changedAt).toISOString()}`;
      return result('skip', `The ${what} was created, updated or restarted ${since}, within the ${run.idleThresholdHours}-hour idle window: it cannot be shown idle.`);
    }
    if (requestsInWindow !== undefined && requestsInWindow > 0) {
      const n = requestsInWindow;
      return result('skip', `${n} request${n === 1 ? '' : 's'} between ${new Date(window.start).toISOString()} and now: the ${what} is in use.`);
    }
  }
  return result('proceed', `The ${what} is ${request.action === 'setMinCapacity' ? 'at minimum ' + String(current.minCapacity) : 'still idle'} and can be changed.`);
}

export type SettleState = 'settled' | 'pending' | 'failed';

/**
 * Has the action taken effect? delete → gone; stop → INACTIVE; setMinCapacity → ACTIVE with the
 * new minimum and no update in progress. `failed` only when it visibly cannot happen any more
 * (the update to the new minimum FAILED, or a resource being stopped/updated disappeared);
 * everything else is `pending` and the definition's round limit ends the wait.
 */
export function settleState(request: ActionRequest, current: ResourceSnapshot): { state: SettleState; detail: string } {
  const status = normalizeStatus(current.status);
  if (request.action === 'delete') {
    return current.exists ? { state: 'pending', detail: `status ${status}` } : { state: 'settled', detail: 'deleted' };
  }
  if (!current.exists) {
    return { state: 'failed', detail: `the ${request.resourceType} ${request.name} disappeared while it was being changed` };
  }
  if (request.action === 'stop') {
    if (status === 'INACTIVE') return { state: 'settled', detail: 'stopped (INACTIVE)' };
    // Anything else may be the describe lagging behind the call: the round limit ends the wait.
    return { state: 'pending', detail: `status ${status}` };
  }
  const update = normalizeStatus(current.latestUpdateStatus);
  if (update.endsWith('FAILED') && current.pendingMinCapacity === request.newMin) {
    return { state: 'failed', detail: `the update to minimum ${request.newMin} failed (latest update ${update})` };
  }
  if (isTransitionalStatus(current.status) || isTransitionalStatus(current.latestUpdateStatus)) {
    return { state: 'pending', detail: statusText(current) };
  }
  if (status === 'ACTIVE' && current.minCapacity === request.newMin) return { state: 'settled', detail: `ACTIVE at minimum ${request.newMin}` };
  return { state: 'pending', detail: `${statusText(current)}, minimum ${String(current.minCapacity)} (waiting for ${request.newMin})` };
}

/** Request detail-types (the original's) and the action and resource type each stands for. */
export const REQUEST_EVENTS: Record<string, { action: ActionKind; resourceType: ResourceType }> = {
  [REQUEST_DETAIL_TYPES.delete]: { action: 'delete', resourceType: 'campaign' },
  [REQUEST_DETAIL_TYPES.stop]: { action: 'stop', resourceType: 'recommender' },
  [REQUEST_DETAIL_TYPES.setMinCapacity.campaign]: { action: 'setMinCapacity', resourceType: 'campaign' },
  [REQUEST_DETAIL_TYPES.setMinCapacity.recommender]: { action: 'setMinCapacity', resourceType: 'recommender' },
};

/** An event to publish (the adapter maps it to PutEvents). */
export interface OutgoingEvent {
  detailType: string;
  detail: ResultDetail | DashboardDetail;
  resources: string[];
}

/** The original's result event for a finished action, and the dashboard rebuild request. */
export function resultEvents(request: ActionRequest): OutgoingEvent[] {
  const detailType = request.action === 'setMinCapacity' ? RESULT_DETAIL_TYPES.setMinCapacity[request.resourceType] : RESULT_DETAIL_TYPES[request.action];
  const detail: ResultDetail = { ARN: request.resourceArn, Reason: request.reason };
  if (request.action === 'setMinCapacity') detail.NewMinTPS = request.newMin;
  return [
    { detailType, detail, resources: [request.resourceArn] },
    { detailType: DASHBOARD_DETAIL_TYPE, detail: { Reason: `${describeAction(request)} finished` }, resources: [request.resourceArn] },
  ];
}

/** `Delete campaign my-campaign`, `Set minimum of recommender r1 to 2` – for subjects and pages. */
export function describeAction(request: Pick<ActionRequest, 'action' | 'resourceType' | 'name' | 'newMin'>): string {
  const what = `${request.resourceType} ${request.name}`;
  switch (request.action) {
    case 'delete':
      return `Delete ${what}`;
    case 'stop':
      return `Stop ${what}`;
    case 'setMinCapacity':
      return `Set minimum ${request.resourceType === 'campaign' ? 'TPS' : 'RPS'} of ${what} to ${request.newMin}`;
  }
}

/**
 * Estimated monthly saving in USD: the finding's waste estimate when there is one, else what the
 * evidence's current minimum allows computing (negative = the change costs more, e.g. pre-warming);
 * undefined when nothing is known.
 */
export function estimatedMonthlySaving(request: ActionRequest, prices: Prices): number | undefined {
  const e = request.evidence;
  if (e?.monthlyWasteUsd !== undefined) return e.monthlyWasteUsd;
  if (e?.currentMin === undefined) return undefined;
  if (request.action !== 'setMinCapacity') return monthlyCost(e.currentMin, request.resourceType, prices);
  const newMin = request.newMin ?? e.currentMin;
  return newMin <= e.currentMin
    ? overProvisionWaste(e.currentMin, newMin, request.resourceType, prices)
    : -monthlyCost(newMin - e.currentMin, request.resourceType, prices);
}


/** Formats USD for people: `$146.00`, `-$20.00`. */
export function formatUsd(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}$${Math.abs(amount).toFixed(2)}`;
}

/**
 * The facts a person needs to decide: action, resource, region, why, evidence (utilization, idle
 * hours, current → new minimum), estimated monthly saving, and the expiry when one is given.
 */
export function actionFacts(request: ActionRequest, prices: Prices, expiresAt?: number): Fact[] {
  const e = request.evidence ?? {};
  const facts: Fact[] = [
    { label: 'Action', value: describeAction(request) },
    { label: 'Resource', value: request.resourceArn },
    { label: 'Region', value: request.region },
    { label: 'Reason', value: request.reason },
    { label: 'Requested by', value: `${request.source} (${request.origin}) at ${request.requestedAt}` },
  ];
  if (request.evidence && request.origin !== 'monitor') {
    // A requester's figures are shown, never trusted: say so to the person deciding.
    facts.push({ label: 'Evidence', value: 'as stated by the requester, not verified; the re-check reads its own data before acting' });
  }
  if (e.utilizationPercent !== undefined) facts.push({ label: 'Utilization', value: `${e.utilizationPercent}%` });
  if (e.windowStart && e.windowEnd) facts.push({ label: 'Observed window', value: `${e.windowStart} – ${e.windowEnd}` });
  if (e.totalRequests !== undefined) facts.push({ label: 'Requests in window', value: String(e.totalRequests) });
  if (isIdleAction(request.action) && e.windowStart && e.windowEnd) {
    const hours = Math.round(((Date.parse(e.windowEnd) - Date.parse(e.windowStart)) / HOUR_MS) * 10) / 10;
    if (Number.isFinite(hours)) facts.push({ label: 'Idle for', value: `${hours} hours` });
  }
  if (e.ageHours !== undefined) facts.push({ label: 'Age', value: `${e.ageHours} hours` });
  if (request.action === 'setMinCapacity') {
    facts.push({ label: 'Minimum', value: `${e.currentMin ?? 'current'} → ${request.newMin}` });
  } else if (e.currentMin !== undefined) {
    facts.push({ label: 'Current minimum', value: String(e.currentMin) });
  }
  if (e.lowWatermark !== undefined) facts.push({ label: 'Lowest hourly average', value: String(e.lowWatermark) });
  const saving = estimatedMonthlySaving(request, prices);
  facts.push({
    label: 'Estimated monthly saving',
    value: saving === undefined ? 'not estimated (no evidence given)' : saving < 0 ? `${formatUsd(-saving)} extra cost` : formatUsd(saving),
  });
  if (expiresAt !== undefined) facts.push({ label: 'Link expires', value: new Date(expiresAt).toISOString() });
  return facts;
}
