/**
 * Records: the structured log lines the dashboard's Logs Insights widgets read. Each is one JSON
 * line a task writes at INFO (the functions' application log level is fixed at INFO, so they are
 * always kept), with `record` naming its kind and flat fields (queries stay simple and a record
 * reads well on its own in the console). They are the single source of the dashboard's
 * findings, actions and monitor-health tables: nothing is stored for the dashboard and no widget
 * depends on what one trigger passed to a rebuild.
 *
 * Who writes what (log group = the task's function):
 * - `decision` – collect, once per resource and decision slot (hourly), and when a resource leaves
 *   the fleet (finding `none`): the latest decision per resource is its open finding, if any.
 * - `action` – action-notify at every outcome of an ACTION execution, and the approval function
 *   when a person approves (the execution goes on to its re-check).
 * - `run` and `regionFailed` – summarize-run, once per MONITOR run that reached it, and once per
 *   region that failed in it.
 * - `canary` – the health-check canary, once per resource and canary run it asked (or could not ask).
 * - `dataFeed` – the data-feed task, once per dataset group it checked (hourly, in the group's slot).
 */
import type { ActionKind, ActionSource, Outcome, RequestOrigin } from './action';
import type { FindingKind, ResourceType } from '../types';
import type { CanaryOutcome } from '../canary';

/** The field naming a record's kind (queries filter on it). */
export const RECORD_FIELD = 'record';

/** The log message of every record line (the console shows it; queries use `record`). */
export const RECORD_MESSAGE = 'record';

/** What a decision found: one kind, both, or nothing (the finding is closed). */
export type DecisionFinding = FindingKind | 'idle+overProvisioned' | 'none';

/** A resource's decision (`finding` `none`: nothing to do, or it left the fleet). */
export interface DecisionRecord {
  record: 'decision';
  resourceArn: string;
  /** The resource's name (the dashboard's "Resource" column). */
  name: string;
  resourceType: ResourceType;
  region: string;
  finding: DecisionFinding;
  /** "10" or "10 → 4" (a proposed lower minimum). */
  minimum: string;
  /** Utilization over the window, percent (0 when idle). */
  utilizationPercent: number;
  /** Estimated monthly cost of the waste (0 without a finding). */
  monthlyWasteUsd: number;
  /** What happens next: the action, `report only`, or `<action> (dry run)`; `none` without a finding. */
  nextStep: string;
  reason: string;
  /** The run's time (ISO-8601): the decision's time, also in a simulation. */
  at: string;
}

/** Outcomes an action record reports: an ACTION execution's outcomes (see OUTCOMES). */
export type ActionRecordOutcome = Outcome;

/** One outcome of one ACTION execution. */
export interface ActionRecord {
  record: 'action';
  executionArn: string;
  resourceArn: string;
  /** The resource's name. */
  resource: string;
  region: string;
  action: ActionKind;
  outcome: ActionRecordOutcome;
  /** Who decided: a person by the approval link, the monitor in auto mode, a request sender, a manual execution, or nobody (expired). */
  decidedBy: string;
  /** Short free text: the new minimum, the re-check's reason, the error. */
  detail: string;
  /** What started the execution (absent in the approval function's record: it does not know). */
  source?: ActionSource;
  origin?: RequestOrigin;
  /** When the outcome happened (ISO-8601). */
  at: string;
}

/** How a MONITOR run that reached its summary ended. */
export type RunOutcome = 'ok' | 'regionFailed';

/** One MONITOR run (written by summarize-run: a run that failed before it writes none). */
export interface RunRecord {
  record: 'run';
  outcome: RunOutcome;
  regions: number;
  failedRegions: number;
  resources: number;
  findings: number;
  problems: number;
  dryRun: boolean;
  /** The run's time (ISO-8601). */
  at: string;
}

/** A region whose collection failed in a run, with the cause. */
export interface RegionFailedRecord {
  record: 'regionFailed';
  region: string;
  cause: string;
  at: string;
}

/** One health-check canary request to one resource (written by the canary task, once per resource and run). */
export interface CanaryRecord {
  record: 'canary';
  resourceArn: string;
  /** The resource's name. */
  name: string;
  resourceType: ResourceType;
  region: string;
  outcome: CanaryOutcome;
  /** 1 when the request succeeded, else 0: its average over a range is the share of successful checks. */
  succeeded: 0 | 1;
  /** Time from sending the request to its answer (ms, monotonic clock); 0 when no request was made. */
  latencyMs: number;
  /** Short free text: the operation, the error, or why the canary could not ask. */
  detail: string;
  /** When the request started (ISO-8601). */
  at: string;
}

/**
 * One check of one dataset group's data feed (the dashboard's "Data feed" table: the latest per
 * group). Times are ISO-8601, '' when there is none (no tracker, no import, no version).
 */
export interface DataFeedRecord {
  record: 'dataFeed';
  datasetGroupArn: string;
  /** The dataset group's name. */
  name: string;
  region: string;
  /** End of the last hour with PutEvents calls in the look-back, over all its trackers. */
  lastEventAt: string;
  /** Average PutEvents calls per hour over the look-back's hours with calls (0 without any). */
  eventsPerHour: number;
  /** Last import job (any dataset): its time (completion, or creation while running) and status. */
  lastImportAt: string;
  lastImportStatus: string;
  /** Last solution version (any solution): its time and status. */
  lastTrainingAt: string;
  lastTrainingStatus: string;
  /** Newest ACTIVE solution version's creation, over its solutions. */
  latestActiveModelAt: string;
  /** Solutions, ACTIVE versions, campaigns serving an older version than their solution's latest. */
  solutions: number;
  activeVersions: number;
  campaignsOnOldModel: number;
  /** Open findings of the group after this check, and their checks (comma-separated, '' for none). */
  openFindings: number;
  checks: string;
  at: string;
}

export type MonitorRecord = DecisionRecord | ActionRecord | RunRecord | RegionFailedRecord | CanaryRecord | DataFeedRecord;

/** Longest free text in a record (a record line stays small; the execution history has the rest). */
export const MAX_RECORD_TEXT = 300;

/** Trims free text for a record. */
export function recordText(text: string | undefined): string {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  return t.length > MAX_RECORD_TEXT ? `${t.slice(0, MAX_RECORD_TEXT - 1)}…` : t;
}
