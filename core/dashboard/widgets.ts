/**
 * Typed widget builders (pure: objects, never template strings). Each builder validates what it
 * is given, so a body that would be rejected by PutDashboard fails here, naming the widget.
 */
import { parseAlarmArn } from '../contracts/ownership';
import { MONITOR_NAMESPACE, type Dimension, type MonitoredResource } from '../types';
import { utilizationExpression } from '../alarms';
import { METRIC_NAMES } from '../utilization';
import {
  GRAPH_PERIOD_SECONDS,
  GRID_COLUMNS,
  LOWEST_ALLOWED_MIN_CAPACITY,
  MAX_METRICS_PER_WIDGET,
  MAX_WIDGET_HEIGHT,
  PERSONALIZE_NAMESPACE,
  STATES_NAMESPACE,
} from './constants';
import type {
  ExpressionRow,
  HorizontalAnnotation,
  MetricOptions,
  MetricRow,
  MetricStat,
  MetricWidget,
  AlarmWidget,
  LogWidget,
  SizedWidget,
  TextWidget,
  Widget,
  WidgetRow,
  YAxis,
} from './types';

export interface Size {
  width: number;
  height: number;
}

/** `[namespace, metric, dimName, dimValue, ..., {options}]`; options are left off when empty. */
export function metricRow(namespace: string, metricName: string, dimensions: readonly Dimension[], options?: MetricOptions): MetricRow {
  const dims = dimensions.flatMap((d) => [d.name, d.value]);
  return options && Object.keys(options).length > 0 ? [namespace, metricName, ...dims, options] : [namespace, metricName, ...dims];
}

/**
 * A metric-math row `[{ expression, label, id }]`: `expression` over the ids of other rows of the
 * same widget. CloudWatch counts it like a metric row.
 * @throws Error when the id does not start with a lowercase letter (CloudWatch's rule for ids).
 */
export function expressionRow(expression: string, id: string, label?: string): ExpressionRow {
  if (!/^[a-z][A-Za-z0-9_]*$/.test(id)) throw new Error(`metric-math id "${id}" must start with a lowercase letter and hold only letters, digits and _`);
  return [label === undefined ? { expression, id } : { expression, label, id }];
}

/** CloudWatch: alarms per alarm status widget. */
export const MAX_ALARMS_PER_WIDGET = 100;

/**
 * A Logs Insights table: `query` (SOURCE commands first) runs over the dashboard's time range
 * whenever the dashboard is shown or refreshed.
 * @throws Error when the query names no log group (no leading SOURCE).
 */
export function logTableWidget(title: string, region: string, query: string, size: Size): Omit<LogWidget, 'x' | 'y'> {
  checkSize(size, `log widget "${title}"`);
  if (!region) throw new Error(`log widget "${title}": region is required (dashboards are global)`);
  if (!/^SOURCE '[^']+'/.test(query)) throw new Error(`log widget "${title}": the query must start with SOURCE '<log group>'`);
  return { type: 'log', width: size.width, height: size.height, properties: { title, region, query, view: 'table' } };
}

/**
 * The state of up to MAX_ALARMS_PER_WIDGET alarms.
 * @throws Error on an empty list, too many alarms or a value that is not an alarm ARN.
 */
export function alarmStatusWidget(title: string, alarmArns: readonly string[], size: Size): Omit<AlarmWidget, 'x' | 'y'> {
  const what = `alarm widget "${title}"`;
  checkSize(size, what);
  if (alarmArns.length === 0 || alarmArns.length > MAX_ALARMS_PER_WIDGET) throw new Error(`${what}: needs 1-${MAX_ALARMS_PER_WIDGET} alarms, got ${alarmArns.length}`);
  const bad = alarmArns.find((a) => parseAlarmArn(a) === undefined);
  if (bad !== undefined) throw new Error(`${what}: "${bad}" is not an alarm ARN`);
  return { type: 'alarm', width: size.width, height: size.height, properties: { title, alarms: [...alarmArns] } };
}

/** A markdown text widget. */
export function textWidget(markdown: string, size: Size): Omit<TextWidget, 'x' | 'y'> {
  checkSize(size, 'text widget');
  return { type: 'text', width: size.width, height: size.height, properties: { markdown } };
}

interface MetricWidgetOptions extends Size {
  title: string;
  region: string;
  metrics: WidgetRow[];
  stat: MetricStat;
  period?: number;
}

/** The parts every metric widget shares; `extra` holds what its view adds. */
function metricWidget(o: MetricWidgetOptions, view: 'singleValue' | 'timeSeries', extra: Record<string, unknown>): Omit<MetricWidget, 'x' | 'y'> {
  checkMetricWidget(o);
  return {
    type: 'metric',
    width: o.width,
    height: o.height,
    properties: {
      view,
      title: o.title,
      region: o.region,
      metrics: o.metrics,
      stat: o.stat,
      period: o.period ?? GRAPH_PERIOD_SECONDS,
      ...extra,
    },
  };
}

/** A single-value (number) widget. */
export function singleValueWidget(o: MetricWidgetOptions & { sparkline?: boolean; setPeriodToTimeRange?: boolean }): Omit<MetricWidget, 'x' | 'y'> {
  return metricWidget(o, 'singleValue', { ...(o.sparkline ? { sparkline: true } : {}), ...(o.setPeriodToTimeRange ? { setPeriodToTimeRange: true } : {}) });
}

/** A line graph (timeSeries) with optional horizontal annotations. */
export function timeSeriesWidget(
  o: MetricWidgetOptions & { yAxis?: { left?: YAxis; right?: YAxis }; annotations?: HorizontalAnnotation[] },
): Omit<MetricWidget, 'x' | 'y'> {
  return metricWidget(o, 'timeSeries', {
    stacked: false,
    ...(o.yAxis ? { yAxis: o.yAxis } : {}),
    ...(o.annotations && o.annotations.length > 0 ? { annotations: { horizontal: o.annotations } } : {}),
  });
}

/**
 * Puts a sized widget at (x, y).
 * @throws Error when it would leave the 24-column grid.
 */
export function place(widget: SizedWidget, x: number, y: number): Widget {
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x + widget.width > GRID_COLUMNS) {
    throw new Error(`widget of width ${widget.width} cannot be placed at x=${x}, y=${y} on a ${GRID_COLUMNS}-column grid`);
  }
  // Key order as CloudWatch's own bodies: type, position, size, properties.
  const { type, width, height, properties } = widget;
  return { type, x, y, width, height, properties } as Widget;
}

function checkSize(size: Size, what: string): void {
  if (!Number.isInteger(size.width) || size.width < 1 || size.width > GRID_COLUMNS) {
    throw new Error(`${what}: width must be 1-${GRID_COLUMNS}, got ${size.width}`);
  }
  if (!Number.isInteger(size.height) || size.height < 1 || size.height > MAX_WIDGET_HEIGHT) {
    throw new Error(`${what}: height must be 1-${MAX_WIDGET_HEIGHT}, got ${size.height}`);
  }
}

/** Id of a row (metric or expression), if it has one. */
export function rowId(row: WidgetRow): string | undefined {
  const last = row[row.length - 1];
  return typeof last === 'object' ? last.id : undefined;
}

/**
 * Checks size, region and rows of a metric widget: at least one row, at most
 * MAX_METRICS_PER_WIDGET rows (CloudWatch counts every row: hidden metrics and expressions too),
 * row ids unique within the widget.
 */
function checkMetricWidget(o: MetricWidgetOptions): void {
  const what = `widget "${o.title}"`;
  checkSize(o, what);
  if (!o.region) throw new Error(`${what}: region is required (dashboards are global)`);
  if (o.metrics.length === 0) throw new Error(`${what}: needs at least one metric`);
  if (o.metrics.length > MAX_METRICS_PER_WIDGET) {
    throw new Error(`${what}: ${o.metrics.length} metrics, CloudWatch allows ${MAX_METRICS_PER_WIDGET} per widget`);
  }
  const ids = o.metrics.map(rowId).filter((id): id is string => id !== undefined);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Error(`${what}: metric id "${duplicate}" is used twice (ids must be unique within a widget)`);
}

// ---- Personalize Monitor widgets ------------------------------------------------------------

function dimensionOf(r: MonitoredResource): Dimension[] {
  return [{ name: METRIC_NAMES[r.type].dimension, value: r.arn }];
}

/** `AWS/Personalize` latency metric of a resource, by the request metric it is billed on. */
export function latencyMetricOf(r: Pick<MonitoredResource, 'requestMetric'>): string {
  return `${r.requestMetric}Latency`;
}

/** "Resources Monitored": the monitor's `monitoredResourceCount` (published in the home region). */
export function resourcesMonitoredWidget(homeRegion: string, size: Size): SizedWidget {
  return singleValueWidget({
    ...size,
    title: 'Resources Monitored',
    region: homeRegion,
    metrics: [metricRow(MONITOR_NAMESPACE, 'monitoredResourceCount', [])],
    stat: 'Average',
  });
}

/**
 * Hidden row of a resource's request sums, `m<i>`, for the expressions of a widget: Personalize's
 * own metric (free), never one the monitor publishes.
 */
function requestSumRow(r: MonitoredResource, i: number): MetricRow {
  return metricRow(PERSONALIZE_NAMESPACE, r.requestMetric, dimensionOf(r), { id: `m${i}`, stat: 'Sum', visible: false });
}

/**
 * Actual vs provisioned TPS/RPS of resources of one region, by metric math over Personalize's
 * request metric: per resource a hidden request sum `m<i>` and the rate `a<i>` = m<i>/PERIOD(m<i>)
 * (2 rows per resource). The provisioned minimum is a horizontal annotation per resource (exact,
 * no metric; the builder rewrites the body when a minimum changes), beside the lowest minimum
 * Personalize allows.
 */
export function capacityGraph(resources: readonly MonitoredResource[], region: string, size: Size, titleSuffix = ''): SizedWidget {
  return timeSeriesWidget({
    ...size,
    title: `Actual vs Provisioned TPS/RPS${titleSuffix}`,
    region,
    stat: 'Sum',
    metrics: resources.flatMap((r, k) => {
      const i = k + 1;
      return [requestSumRow(r, i), expressionRow(`m${i}/PERIOD(m${i})`, `a${i}`, `${r.name} actual`)];
    }),
    yAxis: { left: { label: 'TPS/RPS', min: 0, showUnits: false } },
    annotations: [
      ...resources.map((r) => ({ value: r.minCapacity, label: `${r.name} minimum` })),
      { value: LOWEST_ALLOWED_MIN_CAPACITY, label: 'Lowest minimum allowed' },
    ],
  });
}

/**
 * Utilization (actual / minimum, percent) of resources of one region, by metric math: per
 * resource a hidden request sum `m<i>` and `u<i>` = 100*FILL(m<i>,0)/PERIOD(m<i>)/<minimum> – the
 * low-utilization alarm's expression, the minimum a constant (2 rows per resource).
 */
export function utilizationGraph(resources: readonly MonitoredResource[], region: string, size: Size, titleSuffix = ''): SizedWidget {
  return timeSeriesWidget({
    ...size,
    title: `Utilization${titleSuffix}`,
    region,
    stat: 'Sum',
    metrics: resources.flatMap((r, k) => {
      const i = k + 1;
      return [requestSumRow(r, i), expressionRow(utilizationExpression(`m${i}`, r.minCapacity), `u${i}`, r.name)];
    }),
    yAxis: { left: { label: 'Percent', min: 0, showUnits: false } },
    annotations: [{ value: 100, label: 'Fully used minimum' }],
  });
}

/** Latency of resources of one region (`GetRecommendationsLatency` / `GetPersonalizedRankingLatency`). */
export function latencyGraph(resources: readonly MonitoredResource[], region: string, size: Size, titleSuffix = ''): SizedWidget {
  return timeSeriesWidget({
    ...size,
    title: `Latency${titleSuffix}`,
    region,
    stat: 'Average',
    metrics: resources.map((r) => metricRow(PERSONALIZE_NAMESPACE, latencyMetricOf(r), dimensionOf(r), { label: r.name })),
    yAxis: { left: { label: 'ms', min: 0, showUnits: false } },
  });
}

/** 4xx and 5xx errors of the request metric of resources of one region. */
export function errorsGraph(resources: readonly MonitoredResource[], region: string, size: Size, titleSuffix = ''): SizedWidget {
  return timeSeriesWidget({
    ...size,
    title: `Errors (4xx / 5xx)${titleSuffix}`,
    region,
    stat: 'Sum',
    metrics: resources.flatMap((r) => [
      metricRow(PERSONALIZE_NAMESPACE, `${r.requestMetric}4xxErrors`, dimensionOf(r), { label: `${r.name} 4xx` }),
      metricRow(PERSONALIZE_NAMESPACE, `${r.requestMetric}5xxErrors`, dimensionOf(r), { label: `${r.name} 5xx` }),
    ]),
    yAxis: { left: { label: 'Errors', min: 0, showUnits: false } },
  });
}

/** MONITOR executions over the whole time range: started, succeeded, failed, timed out (one number each). */
export function monitorRunCountsWidget(stateMachineArn: string, region: string, size: Size): SizedWidget {
  const dims = [{ name: 'StateMachineArn', value: stateMachineArn }];
  return singleValueWidget({
    ...size,
    title: 'Monitor runs in the time range',
    region,
    stat: 'Sum',
    metrics: [
      metricRow(STATES_NAMESPACE, 'ExecutionsStarted', dims, { label: 'Started' }),
      metricRow(STATES_NAMESPACE, 'ExecutionsSucceeded', dims, { label: 'Succeeded', color: '#2ca02c' }),
      metricRow(STATES_NAMESPACE, 'ExecutionsFailed', dims, { label: 'Failed', color: '#d62728' }),
      metricRow(STATES_NAMESPACE, 'ExecutionsTimedOut', dims, { label: 'Timed out', color: '#ff7f0e' }),
    ],
    setPeriodToTimeRange: true,
  });
}

/** Succeeded / failed / timed-out executions of the MONITOR state machine. */
export function monitorExecutionsGraph(stateMachineArn: string, region: string, size: Size): SizedWidget {
  const dims = [{ name: 'StateMachineArn', value: stateMachineArn }];
  return timeSeriesWidget({
    ...size,
    title: 'Monitor runs',
    region,
    stat: 'Sum',
    metrics: [
      metricRow(STATES_NAMESPACE, 'ExecutionsSucceeded', dims, { label: 'Succeeded', color: '#2ca02c' }),
      metricRow(STATES_NAMESPACE, 'ExecutionsFailed', dims, { label: 'Failed', color: '#d62728' }),
      metricRow(STATES_NAMESPACE, 'ExecutionsTimedOut', dims, { label: 'Timed out', color: '#ff7f0e' }),
    ],
    yAxis: { left: { label: 'Executions', min: 0, showUnits: false } },
  });
}
