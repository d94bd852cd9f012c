/**
 * Metrics writer: publishes MetricPoints to the `PersonalizeMonitor` namespace in as few
 * PutMetricData calls as the limits allow (1,000 metrics and 1 MB per request; the original
 * sent 20 per call).
 */
import { putMetricData, toDatum, type CloudWatchClient } from '../aws/cloudwatch';
import { MONITOR_NAMESPACE, type MetricPoint } from '../../core/types';
import { ApiCallCounter, describeError } from './aws-calls';

export interface WriteResult {
  /** Metric points accepted by CloudWatch. */
  written: number;
  /** One entry per failed call (its points are lost for this run; the next run writes fresh ones). */
  failures: string[];
}

/** Where a failed write went: the call, the namespace and, when known, the region. */
export function putFailureText(metrics: number, region: string | undefined, err: unknown): string {
  return `PutMetricData of ${metrics} metrics failed (${MONITOR_NAMESPACE}${region ? `, ${region}` : ''}): ${describeError(err)}`;
}

/**
 * Publishes `points` (to `region`'s CloudWatch: named in failures). A failing call does not
 * stop the others: one bad batch never costs the region all its metrics. Never throws: every
 * failure, even planning the calls, is returned in `failures`.
 */
export async function writeMetrics(cloudwatch: CloudWatchClient, points: readonly MetricPoint[], calls: ApiCallCounter, region?: string): Promise<WriteResult> {
  try {
    const out = await putMetricData(cloudwatch, MONITOR_NAMESPACE, points.map(toDatum), () => calls.add('PutMetricData'));
    return { written: out.written, failures: out.failed.map((f) => putFailureText(f.metrics, region, f.error)) };
  } catch (err) {
    // Only planning the calls can throw here (each failed call is in `failed`).
    return { written: 0, failures: [putFailureText(points.length, region, err)] };
  }
}
