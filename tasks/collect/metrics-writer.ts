/**
 * Metrics writer: publishes MetricPoints to the `PersonalizeMonitor` namespace in as few
 * PutMetricData calls as the limits allow (1,000 metrics and 1 MB per request; the original
 * sent 20 per call).
 */
import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { MONITOR_NAMESPACE, type MetricPoint } from '../../core/types';
import { ApiCallCounter, describeError } from './aws-calls';

/** PutMetricData limits per request. */
export const MAX_METRICS_PER_CALL = 1000;
export const MAX_REQUEST_BYTES = 1024 * 1024;
/**
 * Encoded size is estimated as twice the datum's JSON: covers the query protocol's longer
 * member keys and percent-encoded ARNs, should a client speak it, with room to spare.
 */
const ENCODING_FACTOR = 2;
/** Request envelope (namespace, action, headers are not counted by the limit but kept clear of it). */
const ENVELOPE_BYTES = 1024;

export interface WriteResult {
  /** Metric points accepted by CloudWatch. */
  written: number;
  /** One entry per failed call (its points are lost for this run; the next run writes fresh ones). */
  failures: string[];
}

/** Maps a pure MetricPoint onto the SDK shape. */
export function toDatum(point: MetricPoint): MetricDatum {
  return {
    MetricName: point.metricName,
    Dimensions: point.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
    Value: point.value,
    Unit: point.unit,
    Timestamp: new Date(point.timestamp),
  };
}

/** Estimated bytes a datum adds to a request. */
function estimatedBytes(datum: MetricDatum): number {
  return Buffer.byteLength(JSON.stringify(datum)) * ENCODING_FACTOR;
}

/** Splits data into requests within both limits, in order. */
export function planPutCalls(data: readonly MetricDatum[]): MetricDatum[][] {
  const calls: MetricDatum[][] = [];
  let current: MetricDatum[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const d of data) {
    const size = estimatedBytes(d);
    if (current.length > 0 && (current.length >= MAX_METRICS_PER_CALL || bytes + size > MAX_REQUEST_BYTES)) {
      calls.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    current.push(d);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
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
  let written = 0;
  const failures: string[] = [];
  let batches: MetricDatum[][];
  try {
    batches = planPutCalls(points.map(toDatum));
  } catch (err) {
    return { written, failures: [putFailureText(points.length, region, err)] };
  }
  for (const batch of batches) {
    calls.add('PutMetricData');
    try {
      await cloudwatch.send(new PutMetricDataCommand({ Namespace: MONITOR_NAMESPACE, MetricData: batch }));
      written += batch.length;
    } catch (err) {
      failures.push(putFailureText(batch.length, region, err));
    }
  }
  return { written, failures };
}
