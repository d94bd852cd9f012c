/**
 * Findings: a decision with its evidence, the original's request event (the ACTION input), a
 * ready email and the deterministic name of its ACTION execution.
 * Small on purpose: findings travel through the state machine. Pure.
 */
import type { Behaviour } from '../config/schema';
import { shortHash } from './arn';
import { asciiText, MAX_SUBJECT_LENGTH } from './sns-text';
import { DAY_MS } from './time';
import type { ActionKind, Finding, FindingEvidence, FindingKind, MonitoredResource, ResourceType } from './types';
import { REQUEST_DETAIL_TYPES, type RequestDetail } from './contracts/events';

export { DASHBOARD_DETAIL_TYPE, EVENT_SOURCE, REQUEST_DETAIL_TYPES } from './contracts/events';

const SUBJECT_PREFIX = '[Personalize Monitor]';
const DRY_RUN_PREFIX = '[dry-run]';

type FindingBehaviour = Pick<Behaviour, 'dryRun' | 'autoDeleteOrStopIdleResources' | 'autoAdjustMinTps' | 'idleThresholdHours'>;

/** The action a finding asks for: campaigns are deleted, recommenders stopped (never deleted). */
export function actionFor(kind: FindingKind, type: ResourceType): ActionKind {
  if (kind === 'overProvisioned') return 'setMinCapacity';
  return type === 'campaign' ? 'delete' : 'stop';
}

/** Request detail-type of an action on a resource type. */
export function requestDetailType(action: ActionKind, type: ResourceType): string {
  return action === 'setMinCapacity' ? REQUEST_DETAIL_TYPES.setMinCapacity[type] : REQUEST_DETAIL_TYPES[action];
}

/** `2025-03-01T10:00:00Z` → `2025-03-01 10:00` (short, for people; times are UTC). */
function when(isoTime: string): string {
  return `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)}`;
}

function unitOf(type: ResourceType): 'TPS' | 'RPS' {
  return type === 'campaign' ? 'TPS' : 'RPS';
}

/** One sentence saying why the finding was made, built from its evidence (the window is in the evidence). */
export function findingReason(kind: FindingKind, type: ResourceType, e: FindingEvidence): string {
  const unit = unitOf(type);
  if (kind === 'idle') {
    return `No requests in ${e.datapoints} h (no data = zero) nor in the last 5 min; minimum ${e.currentMin} ${unit}.`;
  }
  return `Lowest hourly average in ${e.datapoints} h was ${e.lowWatermark} ${unit}; minimum ${e.currentMin} -> ${e.newMin}.`;
}


/** What the subject says will happen. */
function outcome(action: ActionKind, e: FindingEvidence, actionEnabled: boolean, dryRun: boolean): string {
  if (!actionEnabled) return 'report only';
  const verb = action === 'setMinCapacity' ? `set min ${e.currentMin} -> ${e.newMin}` : action;
  return dryRun ? `would ${verb}` : `${verb} requested`;
}

/** Shortest part of a resource name kept when a subject must be shortened. */
const MIN_NAME_IN_SUBJECT = 10;

/**
 * `[dry-run] [Personalize Monitor] Idle campaign my-camp in eu-west-1: delete requested`, at most
 * 100 ASCII characters: a long name is shortened first, then the region dropped (the message has both).
 */
function subject(kind: FindingKind, resource: MonitoredResource, what: string, dryRun: boolean): string {
  const head = `${dryRun ? `${DRY_RUN_PREFIX} ` : ''}${SUBJECT_PREFIX} ${kind === 'idle' ? 'Idle' : 'Over-provisioned'} ${resource.type} `;
  const name = asciiText(resource.name);
  for (const tail of [` in ${resource.region}: ${what}`, `: ${what}`]) {
    const room = MAX_SUBJECT_LENGTH - head.length - tail.length;
    if (name.length <= room) return asciiText(head + name + tail);
    if (room >= MIN_NAME_IN_SUBJECT) return asciiText(`${head}${name.slice(0, room - 3)}...${tail}`);
  }
  return asciiText(`${head}${name}: ${what}`).slice(0, MAX_SUBJECT_LENGTH);
}

/**
 * Short plain-text body: what and where, why, the evidence and the saving. The subject already
 * says what happens; the body adds only why nothing will (switch off, dry-run).
 */
function message(f: Omit<Finding, 'notification' | 'event' | 'actionName'>, behaviourFlag: string): string {
  const e = f.evidence;
  // Utilization is 0 by definition for an idle resource: the spread is said only for capacity findings.
  const spread =
    f.kind === 'idle' ? '' : `, hourly average ${e.lowWatermark} to ${e.highWatermark}, utilization now ${e.utilizationPercent}%`;
  const lines = [
    `${f.kind === 'idle' ? 'Idle' : 'Over-provisioned'} ${f.resourceType} in ${f.region}: ${f.resourceArn}`,
    f.reason,
    `Window ${when(e.windowStart)} to ${when(e.windowEnd)} UTC: ${e.totalRequests} requests${spread}.`,
    `Estimated saving: $${e.monthlyWasteUsd.toFixed(2)} a month.`,
  ];
  if (!f.actionEnabled) lines.push(`Report only: ${behaviourFlag} is off.`);
  else if (f.dryRun) lines.push(`Dry-run: nothing is changed.`);
  return asciiText(lines.join('\n'), true);
}

/** Builds the finding for a decision: action, whether it is enabled, request event, email. */
export function buildFinding(
  kind: FindingKind,
  resource: MonitoredResource,
  evidence: FindingEvidence,
  behaviour: FindingBehaviour,
): Finding {
  const action = actionFor(kind, resource.type);
  const actionEnabled = kind === 'idle' ? behaviour.autoDeleteOrStopIdleResources : behaviour.autoAdjustMinTps;
  const reason = findingReason(kind, resource.type, evidence);
  const extra: RequestDetail['Evidence'] = {
    // ISO-8601 interval `start/end`.
    Window: `${evidence.windowStart}/${evidence.windowEnd}`,
    MonthlyWasteUsd: evidence.monthlyWasteUsd,
    Region: resource.region,
    DryRun: behaviour.dryRun,
  };
  const detail: RequestDetail =
    kind === 'idle'
      ? {
          ARN: resource.arn,
          Utilization: evidence.utilizationPercent,
          AgeHours: evidence.ageHours,
          IdleThresholdHours: behaviour.idleThresholdHours,
          TotalRequestsDuringIdleThresholdHours: evidence.totalRequests,
          Reason: reason,
          Evidence: extra,
        }
      : {
          ARN: resource.arn,
          // Recommenders use NewMinTPS too, as the original does.
          NewMinTPS: evidence.newMin,
          CurrentMinTPS: evidence.currentMin,
          MinAverageTPS: evidence.lowWatermark,
          MaxAverageTPS: evidence.highWatermark,
          Datapoints: evidence.datapoints,
          Reason: reason,
          Evidence: extra,
        };
  const base = {
    kind,
    action,
    actionEnabled,
    dryRun: behaviour.dryRun,
    resourceArn: resource.arn,
    resourceType: resource.type,
    region: resource.region,
    name: resource.name,
    reason,
    evidence,
  };
  const flag = kind === 'idle' ? 'AutoDeleteOrStopIdleResources' : 'AutoAdjustMinTPS';
  return {
    ...base,
    event: { detailType: requestDetailType(action, resource.type), detail },
    actionName: actionExecutionName(action, resource, evidence),
    notification: {
      subject: subject(kind, resource, outcome(action, evidence, actionEnabled, behaviour.dryRun), behaviour.dryRun),
      message: message(base, flag),
    },
  };
}

/** A finding is asked about again at most this often: a rejected or expired request comes back a week later. */
export const ACTION_REQUEST_PERIOD_MS = 7 * DAY_MS;

/**
 * Deterministic ACTION execution name (≤ 80 chars of `[a-z0-9-]`): action, resource, the
 * resource state it was decided on (last update, minimum, proposed minimum) and the week.
 */
export function actionExecutionName(action: ActionKind, resource: MonitoredResource, evidence: FindingEvidence): string {
  const week = Math.floor(Date.parse(evidence.windowEnd) / ACTION_REQUEST_PERIOD_MS);
  const basis = [resource.lastUpdatedAt, resource.minCapacity, evidence.newMin ?? '', week].join('|');
  return `${action}-${shortHash(resource.arn, 16)}-${shortHash(basis, 12)}`;
}

/**
 * Keeps the `max` most wasteful findings (ties by ARN, so runs agree) and defers the rest to a
 * later run: the state machine payload stays bounded whatever the fleet.
 */
export function rankFindings(findings: Finding[], max: number): { kept: Finding[]; deferred: Finding[] } {
  const sorted = [...findings].sort(
    (a, b) =>
      b.evidence.monthlyWasteUsd - a.evidence.monthlyWasteUsd ||
      (a.resourceArn < b.resourceArn ? -1 : a.resourceArn > b.resourceArn ? 1 : 0),
  );
  const keep = Math.max(0, Math.floor(max));
  return { kept: sorted.slice(0, keep), deferred: sorted.slice(keep) };
}
