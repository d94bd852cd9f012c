/**
 * Builds the records the dashboard reads (core/contracts/records.ts) from what the tasks decided.
 * Pure: no SDK, no clock (times are passed in).
 */
import type { ActionRequest, ApprovalResult, Outcome } from './contracts/action';
import type { ApprovalSummary } from './contracts/approvals';
import {
  recordText,
  type ActionRecord,
  type CanaryRecord,
  type DecisionFinding,
  type DecisionRecord,
  type RegionFailedRecord,
  type RunRecord,
} from './contracts/records';
import { iso } from './time';
import type { Finding, MonitoredResource } from './types';
import type { CanaryOutcome } from './canary';

/** Rounds money and percentages for a record (cents; one decimal). */
const cents = (n: number) => Math.round(n * 100) / 100;
const tenth = (n: number) => Math.round(n * 10) / 10;

/**
 * The decision record of one resource: its findings of this decision slot (none = closed). With
 * two findings (idle and over-provisioned, when the idle action is not allowed) the record shows
 * the idle one's waste (the whole minimum: the two are not added).
 */
export function decisionRecord(resource: MonitoredResource, findings: readonly Finding[], now: number): DecisionRecord {
  const idle = findings.find((f) => f.kind === 'idle');
  const capacity = findings.find((f) => f.kind === 'overProvisioned');
  const main = idle ?? capacity;
  const finding: DecisionFinding = idle && capacity ? 'idle+overProvisioned' : main ? main.kind : 'none';
  const newMin = capacity?.evidence.newMin;
  return {
    record: 'decision',
    resourceArn: resource.arn,
    name: resource.name,
    resourceType: resource.type,
    region: resource.region,
    finding,
    minimum: newMin !== undefined && newMin !== resource.minCapacity ? `${resource.minCapacity} → ${newMin}` : String(resource.minCapacity),
    utilizationPercent: tenth(main?.evidence.utilizationPercent ?? 0),
    monthlyWasteUsd: cents(main?.evidence.monthlyWasteUsd ?? 0),
    nextStep: main ? nextStepOf(findings) : 'none',
    reason: main ? recordText(findings.map((f) => f.reason).join(' ')) : 'in use as provisioned',
    at: iso(now),
  };
}

/** What happens to the findings: the actions, each `report only` or `(dry run)` as configured. */
function nextStepOf(findings: readonly Finding[]): string {
  return findings.map((f) => (f.dryRun ? `${f.action} (dry run)` : f.actionEnabled ? f.action : 'report only')).join(' + ');
}

/** The record closing a resource's findings when it leaves the fleet (deleted, stopped, no longer selected). */
export function leftFleetRecord(resource: MonitoredResource, now: number): DecisionRecord {
  return { ...decisionRecord(resource, [], now), reason: 'no longer monitored: deleted, stopped or no longer selected' };
}

/**
 * Who decided an outcome: the person who approved or rejected by the link, nobody (expired), or
 * what started the execution when no approval was asked for.
 */
export function decidedBy(outcome: Outcome, request: Pick<ActionRequest, 'source' | 'origin' | 'mode'>, approval?: ApprovalResult): string {
  if (outcome === 'expired') return 'nobody (the approval expired)';
  if (outcome === 'rejected') return 'a person, by the approval link';
  if (approval?.approved) return 'a person, by the approval link';
  if (outcome === 'report') return request.mode === 'report' ? 'report mode' : 'dry run';
  switch (request.source) {
    case 'monitor':
      return 'the monitor (auto mode)';
    case 'event':
      return `a request event (${request.origin === 'requestsBus' ? 'requests bus' : 'default bus'})`;
    case 'manual':
      return 'a manual execution';
  }
}

/** One outcome of one ACTION execution. */
export function actionRecord(
  outcome: Outcome,
  request: ActionRequest,
  executionArn: string,
  at: number,
  detail: string,
  approval?: ApprovalResult,
): ActionRecord {
  return {
    record: 'action',
    executionArn,
    resourceArn: request.resourceArn,
    resource: request.name,
    region: request.region,
    action: request.action,
    outcome,
    decidedBy: decidedBy(outcome, request, approval),
    detail: recordText(detail),
    source: request.source,
    origin: request.origin,
    at: iso(at),
  };
}

/** The run record and one record per failed region. */
export function runRecords(
  run: { at: number; dryRun: boolean; resources: number; findings: number; problems: number },
  regions: readonly { region: string; ok: boolean; cause?: string }[],
): [RunRecord, ...RegionFailedRecord[]] {
  const failed = regions.filter((r) => !r.ok);
  const at = iso(run.at);
  return [
    {
      record: 'run',
      outcome: failed.length > 0 ? 'regionFailed' : 'ok',
      regions: regions.length,
      failedRegions: failed.length,
      resources: run.resources,
      findings: run.findings,
      problems: run.problems,
      dryRun: run.dryRun,
      at,
    },
    ...failed.map((r) => ({ record: 'regionFailed' as const, region: r.region, cause: recordText(r.cause || 'failed'), at })),
  ];
}

/** The record of a person's approval, from what the approval stored (undefined for approvals stored without the action). */
export function approvedRecord(summary: ApprovalSummary, executionArn: string, decidedAt: string): ActionRecord | undefined {
  if (!summary.action) return undefined;
  return {
    record: 'action',
    executionArn,
    resourceArn: summary.resourceArn,
    resource: summary.name ?? summary.resourceArn.split('/').pop() ?? summary.resourceArn,
    region: summary.region,
    action: summary.action,
    outcome: 'approved',
    decidedBy: 'a person, by the approval link',
    detail: recordText(summary.title),
    at: decidedAt,
  };
}

/** The record of one canary request to `resource` (started at `startedAt`, epoch ms), latency rounded to the ms. */
export function canaryRecord(
  resource: Pick<MonitoredResource, 'arn' | 'name' | 'type' | 'region'>,
  outcome: CanaryOutcome,
  latencyMs: number,
  detail: string,
  startedAt: number,
): CanaryRecord {
  return {
    record: 'canary',
    resourceArn: resource.arn,
    name: resource.name,
    resourceType: resource.type,
    region: resource.region,
    outcome,
    succeeded: outcome === 'success' ? 1 : 0,
    latencyMs: Math.max(0, Math.round(latencyMs)),
    detail: recordText(detail),
    at: iso(startedAt),
  };
}
