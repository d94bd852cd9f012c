/**
 * Lambda `summarize-run`: last task of a MONITOR run; publishes monitoredResourceCount.
 * Never fails the run for the metric: a failed PutMetricData (after the SDK's bounded retries of
 * throttling and server errors) is a named problem of the summary (`runProblems`).
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describeError } from '../shared/aws-errors';
import { ConfigurationError } from '../shared/errors';
import { Logger } from '../shared/logger';
import { MONITOR_NAMESPACE, type MetricPoint } from '../../core/types';
import { resourceCountMetric, summarize, type RunProblem, type RunSummary, type SummarizeInput } from './summarize';

/** Attempts of the PutMetricData call, the first included (the SDK retries throttling and 5xx with backoff). */
export const METRIC_MAX_ATTEMPTS = 3;
/** Per-attempt limits (ms): three attempts stay well inside the function's 30 s. */
const CONNECTION_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;

const logger = new Logger('summarize-run');
let client: CloudWatchClient | undefined;
/** Fleet fingerprint of the last run this warm container summarized. */
let lastFingerprint: string | undefined;

/** For tests: forget what earlier runs left in this module. */
export function resetState(): void {
  client = undefined;
  lastFingerprint = undefined;
}

/** Publishes the metric in the home region; a failure is returned as a problem, never thrown. */
async function publish(metric: MetricPoint, homeRegion: string): Promise<RunProblem | undefined> {
  try {
    client ??= new CloudWatchClient({
      region: homeRegion,
      maxAttempts: METRIC_MAX_ATTEMPTS,
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    });
    await client.send(
      new PutMetricDataCommand({
        Namespace: MONITOR_NAMESPACE,
        MetricData: [{ MetricName: metric.metricName, Value: metric.value, Unit: metric.unit, Timestamp: new Date(metric.timestamp) }],
      }),
    );
    return undefined;
  } catch (err) {
    return { target: `metrics:${homeRegion}`, error: `PutMetricData ${metric.metricName} (${MONITOR_NAMESPACE}, ${homeRegion}): ${describeError(err)}` };
  }
}

export async function handler(event: SummarizeInput): Promise<RunSummary> {
  const homeRegion = process.env.PM_HOME_REGION;
  if (!homeRegion) throw new ConfigurationError('environment variable PM_HOME_REGION is not set');
  const summary = summarize(event, lastFingerprint);
  if (!summary.anyRegionFailed) lastFingerprint = summary.fleetFingerprint;

  const metric = resourceCountMetric(summary);
  const problem = metric ? await publish(metric, homeRegion) : undefined;
  if (problem) {
    summary.runProblems.push(problem);
    summary.problems += 1;
  }
  const log = summary.anyRegionFailed ? logger.error.bind(logger) : problem ? logger.warn.bind(logger) : logger.info.bind(logger);
  log('run summary', { ...summary });
  return summary;
}
