/**
 * Sums up one MONITOR run across regions. Pure: the handler publishes the resulting metric.
 */
import { createHash } from 'node:crypto';
import type { MetricPoint } from '../../core/types';
import type { RunContext } from '../validate-input/validate';

/** A region as the workflow hands it over: the collect result without its findings, or its failure. */
export type RegionOutcome =
  | {
      region: string;
      ok: true;
      resources: { campaigns: number; recommenders: number; active: number; skipped: number };
      metricsWritten: number;
      alarms: { created: number; updated: number; deleted: number; unchanged: number };
      findings: number;
      deferredFindings: number;
      problems: { target: string; error: string }[];
      fleetFingerprint: string;
      apiCalls: number;
    }
  | { region: string; ok: false; error: string; cause: string };

export interface SummarizeInput {
  run: RunContext;
  regionResults: RegionOutcome[];
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
  apiCalls: number;
  problems: number;
  /** Hash over the regions' fleet fingerprints: changes when the fleet does. */
  fleetFingerprint: string;
  /** The fleet differs from the previous run this container saw (or no previous run is known). */
  fleetChanged: boolean;
}

/** Most characters of a failure cause kept in the summary (causes can be whole stack traces). */
const MAX_CAUSE_CHARS = 500;

/** Combines region outcomes; `previousFingerprint` is what the last run saw, if known. */
export function summarize(input: SummarizeInput, previousFingerprint?: string): RunSummary {
  if (!input || !Array.isArray(input.regionResults) || !input.run) {
    throw new Error('summarize-run expects { run, regionResults: [...] }');
  }
  const ok = input.regionResults.filter((r): r is Extract<RegionOutcome, { ok: true }> => r.ok === true);
  const failed = input.regionResults
    .filter((r): r is Extract<RegionOutcome, { ok: false }> => r.ok !== true)
    .map((r) => ({ region: r.region, error: r.error, cause: String(r.cause ?? '').slice(0, MAX_CAUSE_CHARS) }));
  const sum = (f: (r: (typeof ok)[number]) => number) => ok.reduce((acc, r) => acc + f(r), 0);
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
    apiCalls: sum((r) => r.apiCalls),
    problems: sum((r) => r.problems.length),
    fleetFingerprint: fingerprint,
    // A failed region hides part of the fleet: do not call that a change.
    fleetChanged: failed.length === 0 && fingerprint !== previousFingerprint,
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

