/** Lambda `summarize-run`: last task of a MONITOR run; publishes monitoredResourceCount. */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ConfigurationError } from '../shared/errors';
import { Logger } from '../shared/logger';
import { MONITOR_NAMESPACE } from '../../core/types';
import { resourceCountMetric, summarize, type RunSummary, type SummarizeInput } from './summarize';

const logger = new Logger('summarize-run');
let client: CloudWatchClient | undefined;
/** Fleet fingerprint of the last run this warm container summarized. */
let lastFingerprint: string | undefined;

/** For tests: forget what earlier runs left in this module. */
export function resetState(): void {
  client = undefined;
  lastFingerprint = undefined;
}

export async function handler(event: SummarizeInput): Promise<RunSummary> {
  const homeRegion = process.env.PM_HOME_REGION;
  if (!homeRegion) throw new ConfigurationError('environment variable PM_HOME_REGION is not set');
  const summary = summarize(event, lastFingerprint);
  if (!summary.anyRegionFailed) lastFingerprint = summary.fleetFingerprint;

  const metric = resourceCountMetric(summary);
  if (metric) {
    client ??= new CloudWatchClient({ region: homeRegion });
    await client.send(
      new PutMetricDataCommand({
        Namespace: MONITOR_NAMESPACE,
        MetricData: [{ MetricName: metric.metricName, Value: metric.value, Unit: metric.unit, Timestamp: new Date(metric.timestamp) }],
      }),
    );
  }
  const log = summary.anyRegionFailed ? logger.error.bind(logger) : logger.info.bind(logger);
  log('run summary', { ...summary });
  return summary;
}
