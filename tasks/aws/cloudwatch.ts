/**
 * Amazon CloudWatch: every operation the tasks call, with its per-call limits, paging and
 * batching done here once (GetMetricData ≤ 500 queries and NextToken, PutMetricData ≤ 1,000
 * metrics and 1 MB, DescribeAlarms pages, DeleteAlarms ≤ 100 names).
 */
import {
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  ListDashboardsCommand,
  ListTagsForResourceCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  type AlarmType,
  type CloudWatchClient,
  type DashboardValidationMessage,
  type MetricAlarm,
  type MetricDataQuery,
  type MetricDataResult,
  type MetricDatum,
  type PutMetricAlarmCommandInput,
  type ScanBy,
} from '@aws-sdk/client-cloudwatch';
import type { MetricPoint } from '../../core/types';
import { errorName } from './errors';

export type {
  CloudWatchClient,
  DashboardValidationMessage,
  MetricAlarm,
  MetricDataQuery,
  MetricDataResult,
  MetricDatum,
  PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';

/** GetMetricData limits per call. */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;
/** Safety stop for a GetMetricData NextToken chain that never ends. */
export const MAX_PAGES_PER_CALL = 100;
/** PutMetricData limits per request. */
export const MAX_METRICS_PER_CALL = 1000;
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** DescribeAlarms page size and DeleteAlarms batch size (both CloudWatch maxima). */
export const DESCRIBE_ALARMS_PAGE_SIZE = 100;
export const DELETE_ALARMS_BATCH_SIZE = 100;
/** Safety stop for a DescribeAlarms NextToken chain that never ends (100,000 alarms). */
export const MAX_DESCRIBE_ALARMS_PAGES = 1000;
/**
 * PutMetricData encoded size is estimated as twice the datum's JSON: covers the query protocol's
 * longer member keys and percent-encoded ARNs, should a client speak it, with room to spare.
 */
const ENCODING_FACTOR = 2;
/** Request envelope (namespace, action, headers are not counted by the limit but kept clear of it). */
const ENVELOPE_BYTES = 1024;
/** Names under which CloudWatch reports a missing dashboard (the protocols name it differently). */
const DASHBOARD_NOT_FOUND = new Set(['DashboardNotFoundError', 'ResourceNotFound', 'ResourceNotFoundException']);
/** Names under which PutDashboard rejects a body. */
const DASHBOARD_INVALID_BODY = new Set(['DashboardInvalidInputError', 'InvalidParameterInput']);

/** Called before every request an operation sends (callers count API calls with it). */
export type OnRequest = () => void;

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new Error(`chunk size must be at least 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * GetMetricData over one time range, following NextToken; the results of every page in order
 * (a query's values may span pages). At most MAX_QUERIES_PER_CALL queries.
 * @throws the SDK error, or when NextToken comes back more than MAX_PAGES_PER_CALL times.
 */
export async function getMetricData(
  client: CloudWatchClient,
  request: { queries: MetricDataQuery[]; start: number; end: number; scanBy?: ScanBy },
  onRequest?: OnRequest,
): Promise<MetricDataResult[]> {
  if (request.queries.length > MAX_QUERIES_PER_CALL) throw new Error(`GetMetricData takes at most ${MAX_QUERIES_PER_CALL} queries, got ${request.queries.length}`);
  const results: MetricDataResult[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    if (++pages > MAX_PAGES_PER_CALL) throw new Error(`GetMetricData returned NextToken more than ${MAX_PAGES_PER_CALL} times`);
    onRequest?.();
    const out = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(request.start),
        EndTime: new Date(request.end),
        MetricDataQueries: request.queries,
        ...(request.scanBy ? { ScanBy: request.scanBy } : {}),
        NextToken: nextToken,
      }),
    );
    results.push(...(out.MetricDataResults ?? []));
    nextToken = out.NextToken;
  } while (nextToken);
  return results;
}

/** Namespace of Personalize's own request metrics. */
export const PERSONALIZE_NAMESPACE = 'AWS/Personalize';

/** A Sum query of one Personalize request metric of one resource (e.g. GetRecommendations by CampaignArn). */
export function requestSumQuery(id: string, metricName: string, dimension: { name: string; value: string }, periodSeconds: number): MetricDataQuery {
  return {
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: { Namespace: PERSONALIZE_NAMESPACE, MetricName: metricName, Dimensions: [{ Name: dimension.name, Value: dimension.value }] },
      Period: periodSeconds,
      Stat: 'Sum',
    },
  };
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

/** Splits data into PutMetricData requests within both limits, in order. */
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

/**
 * Publishes `data` to `namespace` in as few requests as the limits allow. A failing request does
 * not stop the others: its size and error are returned in `failed`.
 * @throws only when the requests cannot be planned.
 */
export async function putMetricData(
  client: CloudWatchClient,
  namespace: string,
  data: readonly MetricDatum[],
  onRequest?: OnRequest,
): Promise<{ written: number; failed: { metrics: number; error: unknown }[] }> {
  const result = { written: 0, failed: [] as { metrics: number; error: unknown }[] };
  for (const batch of planPutCalls(data)) {
    onRequest?.();
    try {
      await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: batch }));
      result.written += batch.length;
    } catch (error) {
      result.failed.push({ metrics: batch.length, error });
    }
  }
  return result;
}

/**
 * Every metric alarm whose name starts with `prefix`, all pages.
 * @throws the SDK error, or when NextToken comes back more than MAX_DESCRIBE_ALARMS_PAGES times.
 */
export async function describeAlarms(
  client: CloudWatchClient,
  request: { prefix: string; alarmTypes?: AlarmType[]; where: string },
  onRequest?: OnRequest,
): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_DESCRIBE_ALARMS_PAGES; page++) {
    onRequest?.();
    const out = await client.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: request.prefix,
        ...(request.alarmTypes ? { AlarmTypes: request.alarmTypes } : {}),
        MaxRecords: DESCRIBE_ALARMS_PAGE_SIZE,
        NextToken: nextToken,
      }),
    );
    alarms.push(...(out.MetricAlarms ?? []));
    nextToken = out.NextToken;
    if (!nextToken) return alarms;
  }
  throw new Error(`DescribeAlarms in ${request.where} returned NextToken more than ${MAX_DESCRIBE_ALARMS_PAGES} times`);
}

/**
 * Deletes alarms in batches of DELETE_ALARMS_BATCH_SIZE; returns the names deleted. Without
 * `onBatchError` the first failing batch throws; with it, each failure is reported and the
 * other batches still run.
 */
export async function deleteAlarms(
  client: CloudWatchClient,
  names: readonly string[],
  options: { onRequest?: OnRequest; onBatchError?: (batch: string[], err: unknown) => void } = {},
): Promise<string[]> {
  const deleted: string[] = [];
  for (const batch of chunk(names, DELETE_ALARMS_BATCH_SIZE)) {
    options.onRequest?.();
    try {
      await client.send(new DeleteAlarmsCommand({ AlarmNames: batch }));
      deleted.push(...batch);
    } catch (err) {
      if (!options.onBatchError) throw err;
      options.onBatchError(batch, err);
    }
  }
  return deleted;
}

/** The tags of an alarm (or any CloudWatch resource) by its ARN. */
export async function listTagsForResource(client: CloudWatchClient, resourceArn: string): Promise<{ Key: string; Value: string }[]> {
  const out = await client.send(new ListTagsForResourceCommand({ ResourceARN: resourceArn }));
  return (out.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

/** Names of the dashboards whose names start with `prefix`, all pages. */
export async function listDashboards(client: CloudWatchClient, prefix: string, onRequest?: OnRequest): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_DESCRIBE_ALARMS_PAGES; page++) {
    onRequest?.();
    const out = await client.send(new ListDashboardsCommand({ DashboardNamePrefix: prefix, NextToken: token }));
    names.push(...(out.DashboardEntries ?? []).flatMap((d) => (d.DashboardName ? [d.DashboardName] : [])));
    token = out.NextToken;
    if (!token) return names;
  }
  throw new Error(`ListDashboards returned NextToken more than ${MAX_DESCRIBE_ALARMS_PAGES} times`);
}

/** PutMetricAlarm (creates or overwrites). */
export async function putMetricAlarm(client: CloudWatchClient, input: PutMetricAlarmCommandInput): Promise<void> {
  await client.send(new PutMetricAlarmCommand(input));
}

/** Prefixes the SDK error's message with the call and dashboard, keeping its name (retries match on it). */
function withContext(err: unknown, where: string): unknown {
  if (err instanceof Error) err.message = `${where}: ${err.message}`;
  return err;
}

/** The stored dashboard body, or undefined when the dashboard does not exist. */
export async function getDashboardBody(client: CloudWatchClient, name: string): Promise<string | undefined> {
  try {
    const out = await client.send(new GetDashboardCommand({ DashboardName: name }));
    return out.DashboardBody ?? '';
  } catch (err) {
    if (DASHBOARD_NOT_FOUND.has(errorName(err))) return undefined;
    throw withContext(err, `GetDashboard ${name}`);
  }
}

/** PutDashboard; returns its validation messages (from the response or from a rejection). */
export async function putDashboard(client: CloudWatchClient, name: string, body: string): Promise<DashboardValidationMessage[]> {
  try {
    const out = await client.send(new PutDashboardCommand({ DashboardName: name, DashboardBody: body }));
    return out.DashboardValidationMessages ?? [];
  } catch (err) {
    if (DASHBOARD_INVALID_BODY.has(errorName(err))) {
      const messages = (err as { dashboardValidationMessages?: DashboardValidationMessage[] }).dashboardValidationMessages ?? [];
      return messages.length > 0 ? messages : [{ Message: (err as Error).message }];
    }
    throw withContext(err, `PutDashboard ${name}`);
  }
}

/** DeleteDashboards; dashboards already gone count as deleted. */
export async function deleteDashboards(client: CloudWatchClient, names: string[]): Promise<void> {
  try {
    await client.send(new DeleteDashboardsCommand({ DashboardNames: names }));
  } catch (err) {
    if (!DASHBOARD_NOT_FOUND.has(errorName(err))) throw withContext(err, `DeleteDashboards ${names.join(', ')}`);
  }
}
