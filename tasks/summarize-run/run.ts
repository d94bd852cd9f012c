/**
 * One SummarizeRun of a warm container: the summary (./summarize, pure), the fleet fingerprint
 * remembered between runs, and monitoredResourceCount published in the home region. Never fails
 * the run for the metric: a failed PutMetricData (after the SDK's bounded retries of throttling
 * and server errors) is a named problem of the summary (`runProblems`).
 *
 * Dry run: nothing is published; the metric is counted in `wouldWrite.metrics`, and a changed
 * fleet sets `wouldWrite.dashboard` (the MONITOR then does not start the rebuild). A dry run
 * compares its fleet with the last run of either kind but leaves the fingerprint real runs
 * compare with alone: a dry run must not change what a later real run does.
 */
import type { Problem } from '../../core/contracts/run';
import { putMetricData, type CloudWatchClient } from '../aws/cloudwatch';
import { describeError } from '../aws/errors';
import type { Logger } from '../shared/logger';
import { runRecords } from '../../core/records';
import { MONITOR_NAMESPACE, type MetricPoint } from '../../core/types';
import { resourceCountMetric, summarize, type RunSummary, type SummarizeInput } from './summarize';

/** Attempts of the PutMetricData call, the first included (the SDK retries throttling and 5xx with backoff). */
export const METRIC_MAX_ATTEMPTS = 3;
/** Per-attempt limits (ms): three attempts stay well inside the function's 30 s. */
export const METRIC_CLIENT_OPTIONS = { maxAttempts: METRIC_MAX_ATTEMPTS, connectionTimeoutMs: 2_000, requestTimeoutMs: 5_000 } as const;

export interface SummarizeDeps {
  /** CloudWatch of the home region, with METRIC_CLIENT_OPTIONS. */
  cloudwatch: () => CloudWatchClient;
  logger: Logger;
}

/** Fleet fingerprint of the last real (not dry) run this warm container summarized. */
let lastFingerprint: string | undefined;
/** Fleet fingerprint of the last run of either kind. */
let lastSeenFingerprint: string | undefined;

/** For tests: forget what earlier runs left in this module. */
export function resetState(): void {
  lastFingerprint = undefined;
  lastSeenFingerprint = undefined;
}

/** Publishes the metric; a failure is returned as a problem, never thrown. */
async function publish(cloudwatch: () => CloudWatchClient, metric: MetricPoint, homeRegion: string): Promise<Problem | undefined> {
  const problem = (err: unknown): Problem => ({
    target: `metrics:${homeRegion}`,
    error: `PutMetricData ${metric.metricName} (${MONITOR_NAMESPACE}, ${homeRegion}): ${describeError(err)}`,
  });
  try {
    const datum = { MetricName: metric.metricName, Value: metric.value, Unit: metric.unit, Timestamp: new Date(metric.timestamp) };
    const out = await putMetricData(cloudwatch(), MONITOR_NAMESPACE, [datum]);
    return out.failed.length > 0 ? problem(out.failed[0].error) : undefined;
  } catch (err) {
    return problem(err);
  }
}

/** Summarizes the run and publishes its resource count. */
export async function summarizeRun(event: SummarizeInput, homeRegion: string, deps: SummarizeDeps): Promise<RunSummary> {
  const dryRun = event?.run?.dryRun === true;
  const summary = summarize(event, dryRun ? lastSeenFingerprint : lastFingerprint);
  if (!summary.anyRegionFailed) {
    lastSeenFingerprint = summary.fleetFingerprint;
    if (!dryRun) lastFingerprint = summary.fleetFingerprint;
  }

  const metric = resourceCountMetric(summary);
  let problem: Problem | undefined;
  if (dryRun) {
    if (metric) summary.wouldWrite.metrics += 1;
    summary.wouldWrite.dashboard = summary.fleetChanged;
  } else if (metric) {
    problem = await publish(deps.cloudwatch, metric, homeRegion);
  }
  if (problem) {
    summary.runProblems.push(problem);
    summary.problems += 1;
  }
  const { logger } = deps;
  const log = summary.anyRegionFailed ? logger.error.bind(logger) : problem ? logger.warn.bind(logger) : logger.info.bind(logger);
  log('run summary', { ...summary });
  for (const record of runRecords(
    { at: Number.isFinite(Date.parse(summary.now)) ? Date.parse(summary.now) : Date.now(), dryRun: summary.dryRun, resources: summary.resources.active, findings: summary.findings, problems: summary.problems },
    [...summary.regions.ok.map((region) => ({ region, ok: true })), ...summary.regions.failed.map((f) => ({ region: f.region, ok: false, cause: [f.error, f.cause].filter(Boolean).join(': ') }))],
  )) {
    logger.record(record);
  }
  return summary;
}
