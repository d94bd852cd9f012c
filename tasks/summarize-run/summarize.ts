/**
 * Sums up one MONITOR run across regions. Pure: the handler publishes the resulting metric.
 */
import { createHash } from 'node:crypto';
import type { CarriedOver, MetricPoint, WouldWrite } from '../../core/types';
import type { Problem, RunContext } from '../../core/contracts/run';

/** A region as the workflow hands it over: the collect result without its findings, or its failure. */
export type RegionOutcome =
  | {
      region: string;
      ok: true;
      resources: { campaigns: number; recommenders: number; active: number; skipped: number };
      metricsWritten: number;
      alarms: { created: number; updated: number; deleted: number; unchanged: number };
      /** Absent in results of collects older than the dry-run report: counted as nothing. */
      wouldWrite?: WouldWrite;
      findings: number;
      deferredFindings: number;
      problems: { target: string; error: string }[];
      fleetFingerprint: string;
      apiCalls: number;
      /** Absent in results of collects older than the time budget: counted as nothing. */
      carriedOver?: CarriedOver;
    }
  | { region: string; ok: false; error: string; cause: string };

/** One region's data-feed check as the MONITOR passes it (tasks/data-feed result, or its failure). */
export type DataFeedOutcome =
  | { region: string; datasetGroups: number; checked: number; open: number; opened: number; recovered: number; notified: number; wouldNotify: number; problems: { target: string; error: string }[]; ok?: undefined }
  | { region: string; ok: false; error: string; cause: string };

export interface SummarizeInput {
  run: RunContext;
  regionResults: RegionOutcome[];
  /** Absent (or empty) when dataFeedChecks is off. */
  dataFeedResults?: DataFeedOutcome[];
}

/** The data-feed checks of a run, summed over its regions (a failed region's check is a run problem, never a failed run). */
export interface DataFeedSummary {
  datasetGroups: number;
  checked: number;
  open: number;
  opened: number;
  recovered: number;
  notified: number;
  wouldNotify: number;
  problems: number;
}

export interface RunSummary {
  now: string;
  executionName: string;
  dryRun: boolean;
  regions: { ok: string[]; failed: { region: string; error: string; cause: string }[] };
  anyRegionFailed: boolean;
  resources: { campaigns: number; recommenders: number; active: number; skipped: number };
  findings: number;
  deferredFindings: number;
  alarms: { created: number; updated: number; deleted: number; unchanged: number };
  metricsWritten: number;
  /**
   * What this run did NOT write because it is a dry run (all zero / false otherwise): metric
   * points (the regions' and monitoredResourceCount), alarm changes, and whether the dashboard
   * would have been rebuilt (the fleet changed). The alarm names are in the collect logs.
   */
  wouldWrite: RunWouldWrite;
  apiCalls: number;
  /** Work the regions' time budgets left for the next runs (describes, tag reads, alarm writes), summed. */
  carriedOver: CarriedOver;
  /** Problems of every region plus those of the run itself (`runProblems`). */
  problems: number;
  /**
   * Problems of the run itself, not of one region (the regions' own are in their results), e.g.
   * `monitoredResourceCount` not published. A problem never fails the run.
   */
  runProblems: Problem[];
  /**
   * Set when a region failed: one line naming each failed region and its error, at most
   * MAX_FAILURE_CAUSE_CHARS; the MONITOR fails with it as the execution's cause.
   */
  failureCause?: string;
  /** Hash over the regions' fleet fingerprints: changes when the fleet does. */
  fleetFingerprint: string;
  /** The fleet differs from the previous run this container saw (or no previous run is known). */
  fleetChanged: boolean;
  /** With dataFeedChecks on. */
  dataFeed?: DataFeedSummary;
}

export interface RunWouldWrite extends WouldWrite {
  dashboard: boolean;
}

/** Most characters of a failure cause kept in the summary (causes can be whole stack traces). */
const MAX_CAUSE_CHARS = 500;
/** Most characters of `failureCause` (the execution's error cause). */
export const MAX_FAILURE_CAUSE_CHARS = 1000;
/** Fewest characters each failed region gets in `failureCause` before the whole line is cut. */
const MIN_REGION_CAUSE_CHARS = 80;

/** Combines region outcomes; `previousFingerprint` is what the last run saw, if known. */
export function summarize(input: SummarizeInput, previousFingerprint?: string): RunSummary {
  if (!input || !Array.isArray(input.regionResults) || !input.run) {
    throw new Error('summarize-run expects { run, regionResults: [...] }');
  }
  const ok = input.regionResults.filter((r): r is Extract<RegionOutcome, { ok: true }> => r.ok === true);
  const failedInFull = input.regionResults
    .filter((r): r is Extract<RegionOutcome, { ok: false }> => r.ok !== true)
    .map((r) => ({ region: r.region, error: String(r.error ?? 'Error'), cause: String(r.cause ?? '') }));
  const failed = failedInFull.map((r) => ({ ...r, cause: r.cause.slice(0, MAX_CAUSE_CHARS) }));
  const sum = (f: (r: (typeof ok)[number]) => number) => ok.reduce((acc, r) => acc + f(r), 0);
  const feeds = Array.isArray(input.dataFeedResults) ? input.dataFeedResults : [];
  const feedsOk = feeds.filter((r): r is Extract<DataFeedOutcome, { ok?: undefined }> => r.ok !== false);
  const feedSum = (f: (r: (typeof feedsOk)[number]) => number) => feedsOk.reduce((acc, r) => acc + f(r), 0);
  const feedRunProblems: Problem[] = feeds
    .filter((r): r is Extract<DataFeedOutcome, { ok: false }> => r.ok === false)
    .map((r) => ({ target: `dataFeed:${r.region}`, error: `data-feed check failed: ${String(r.error ?? 'Error')} ${String(r.cause ?? '').slice(0, MAX_CAUSE_CHARS)}`.trim() }));
  const fingerprint = createHash('sha256')
    .update(
      ok
        .map((r) => `${r.region}=${r.fleetFingerprint}`)
        .sort()
        .join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
  return {
    now: input.run.now,
    executionName: input.run.executionName,
    dryRun: input.run.dryRun,
    regions: { ok: ok.map((r) => r.region).sort(), failed },
    anyRegionFailed: failed.length > 0,
    resources: {
      campaigns: sum((r) => r.resources.campaigns),
      recommenders: sum((r) => r.resources.recommenders),
      active: sum((r) => r.resources.active),
      skipped: sum((r) => r.resources.skipped),
    },
    findings: sum((r) => r.findings),
    deferredFindings: sum((r) => r.deferredFindings),
    alarms: {
      created: sum((r) => r.alarms.created),
      updated: sum((r) => r.alarms.updated),
      deleted: sum((r) => r.alarms.deleted),
      unchanged: sum((r) => r.alarms.unchanged),
    },
    metricsWritten: sum((r) => r.metricsWritten),
    wouldWrite: {
      metrics: sum((r) => r.wouldWrite?.metrics ?? 0),
      alarms: {
        created: sum((r) => r.wouldWrite?.alarms.created ?? 0),
        updated: sum((r) => r.wouldWrite?.alarms.updated ?? 0),
        deleted: sum((r) => r.wouldWrite?.alarms.deleted ?? 0),
      },
      dashboard: false,
    },
    apiCalls: sum((r) => r.apiCalls),
    carriedOver: {
      describes: sum((r) => r.carriedOver?.describes ?? 0),
      tagReads: sum((r) => r.carriedOver?.tagReads ?? 0),
      alarmWrites: sum((r) => r.carriedOver?.alarmWrites ?? 0),
    },
    problems: sum((r) => r.problems.length) + feedSum((r) => r.problems.length) + feedRunProblems.length,
    runProblems: feedRunProblems,
    ...(failed.length > 0 ? { failureCause: failureCause(failedInFull, input.regionResults.length) } : {}),
    fleetFingerprint: fingerprint,
    // A failed region hides part of the fleet: do not call that a change.
    fleetChanged: failed.length === 0 && fingerprint !== previousFingerprint,
    ...(feeds.length > 0
      ? {
          dataFeed: {
            datasetGroups: feedSum((r) => r.datasetGroups),
            checked: feedSum((r) => r.checked),
            open: feedSum((r) => r.open),
            opened: feedSum((r) => r.opened),
            recovered: feedSum((r) => r.recovered),
            notified: feedSum((r) => r.notified),
            wouldNotify: feedSum((r) => r.wouldNotify),
            problems: feedSum((r) => r.problems.length) + feedRunProblems.length,
          },
        }
      : {}),
  };
}

/**
 * The original's `monitoredResourceCount` (no dimension, home region). Not published when a
 * region failed: a partial count would look like resources vanished.
 */
export function resourceCountMetric(summary: RunSummary): MetricPoint | undefined {
  if (summary.anyRegionFailed) return undefined;
  return {
    metricName: 'monitoredResourceCount',
    dimensions: [],
    value: summary.resources.active,
    unit: 'Count',
    timestamp: Date.parse(summary.now),
  };
}

/** Cuts `text` to `max` characters, marking the cut with "…". */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `Error: message` of a failed region as the workflow recorded it: the Cause of a Lambda error
 * is the JSON `{ errorType, errorMessage, trace }`; any other cause is taken as it is.
 */
export function regionError(f: { error: string; cause: string }): string {
  try {
    const parsed = JSON.parse(f.cause) as { errorType?: unknown; errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') {
      return `${typeof parsed.errorType === 'string' && parsed.errorType ? parsed.errorType : f.error}: ${parsed.errorMessage}`;
    }
  } catch {
    // not JSON: the cause as given
  }
  const detail = f.cause.trim();
  return detail ? `${f.error}: ${detail}` : f.error;
}

/**
 * One line for the execution's cause: "2 of 3 regions failed: eu-west-1: RegionCollectError: …;
 * ap-south-1: …". Each region gets a fair share of MAX_FAILURE_CAUSE_CHARS (at least
 * MIN_REGION_CAUSE_CHARS), so one long error does not hide the regions after it.
 */
export function failureCause(failed: readonly { region: string; error: string; cause: string }[], regionCount: number): string {
  const head = `${failed.length} of ${regionCount} region${regionCount === 1 ? '' : 's'} failed: `;
  const share = Math.max(MIN_REGION_CAUSE_CHARS, Math.floor((MAX_FAILURE_CAUSE_CHARS - head.length) / failed.length) - 2);
  const parts = failed.map((f) => truncate(`${f.region}: ${regionError(f)}`.replace(/\s+/g, ' '), share));
  return truncate(head + parts.join('; '), MAX_FAILURE_CAUSE_CHARS);
}
