/**
 * Typed shapes of a CloudWatch dashboard body (the subset the monitor renders) and of the
 * dashboard builder's inputs. Pure: no SDK imports.
 * Body reference: CloudWatch "Dashboard Body Structure and Syntax".
 */

/** Rendering options that may end a metric row. */
export interface MetricOptions {
  label?: string;
  stat?: MetricStat;
  period?: number;
  yAxis?: 'left' | 'right';
  color?: string;
  visible?: boolean;
  /** Id of the row for metric-math expressions of the same widget (unique in it, starts lowercase). */
  id?: string;
}

/**
 * One metric of a metric widget: `[namespace, metricName, dimName, dimValue, ..., {options}]`.
 * The `"."` shorthand (repeat the row above) is valid CloudWatch syntax but never rendered here:
 * full rows keep every row self-describing.
 */
export type MetricRow =
  | readonly [namespace: string, metricName: string, ...dimensions: string[]]
  | readonly [namespace: string, metricName: string, ...rest: [...dimensions: string[], options: MetricOptions]];

/**
 * A metric-math row: `[{ expression, label, id }]`, an expression over the ids of other rows of
 * the same widget (counted like a metric row by CloudWatch's per-widget and per-dashboard limits).
 */
export type ExpressionRow = readonly [{ expression: string; label?: string; id: string; color?: string; yAxis?: 'left' | 'right'; visible?: boolean }];

/** Any row of a metric widget's `metrics`. */
export type WidgetRow = MetricRow | ExpressionRow;

export type MetricStat = 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount' | `p${number}`;

export interface HorizontalAnnotation {
  value: number;
  label?: string;
  color?: string;
}

export interface YAxis {
  label?: string;
  min?: number;
  max?: number;
  showUnits?: boolean;
}

export interface MetricWidgetProperties {
  view: 'timeSeries' | 'singleValue';
  title: string;
  /** Dashboards are global: every metric widget names the region its metrics live in. */
  region: string;
  metrics: WidgetRow[];
  stat: MetricStat;
  period: number;
  stacked?: boolean;
  yAxis?: { left?: YAxis; right?: YAxis };
  annotations?: { horizontal: HorizontalAnnotation[] };
  sparkline?: boolean;
  /** singleValue: one value over the whole time range (the widget's period is ignored). */
  setPeriodToTimeRange?: boolean;
}

export interface TextWidgetProperties {
  markdown: string;
  background?: 'solid' | 'transparent';
}

interface WidgetBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MetricWidget extends WidgetBox {
  type: 'metric';
  properties: MetricWidgetProperties;
}

export interface TextWidget extends WidgetBox {
  type: 'text';
  properties: TextWidgetProperties;
}

/**
 * A CloudWatch Logs Insights widget: `query` starts with one `SOURCE '<log group>' |` per log
 * group, then the Logs Insights QL pipeline. It runs over the dashboard's time range each time
 * the dashboard is viewed or refreshed (always live, billed per GB scanned).
 */
export interface LogWidgetProperties {
  title: string;
  /** Region of the log groups. */
  region: string;
  query: string;
  view: 'table';
}

export interface LogWidget extends WidgetBox {
  type: 'log';
  properties: LogWidgetProperties;
}

/** An alarm status widget: the current state of up to 100 alarms, by ARN. */
export interface AlarmWidgetProperties {
  title: string;
  alarms: string[];
}

export interface AlarmWidget extends WidgetBox {
  type: 'alarm';
  properties: AlarmWidgetProperties;
}

export type Widget = MetricWidget | TextWidget | LogWidget | AlarmWidget;

/** A widget whose position is not decided yet (layout places it on the grid). */
export type SizedWidget = Omit<MetricWidget, 'x' | 'y'> | Omit<TextWidget, 'x' | 'y'> | Omit<LogWidget, 'x' | 'y'> | Omit<AlarmWidget, 'x' | 'y'>;

export interface DashboardBody {
  /** Default time range of the dashboard, ISO-8601 duration relative to now. */
  start: string;
  widgets: Widget[];
}

/** A dashboard ready for PutDashboard. */
export interface DashboardDocument {
  name: string;
  /** JSON text of a {@link DashboardBody}. */
  body: string;
}

/** Health of the monitor itself (what the builder knows without any run's input). */
export interface MonitorHealth {
  /** ARN of the MONITOR state machine (its AWS/States execution metrics are shown). */
  stateMachineArn?: string;
  /** ARNs of the monitor's own alarms (shown by an alarm widget). */
  alarmArns?: readonly string[];
  /** The health-check canary runs (healthCheck on): its endpoint-health table is shown. */
  canary?: boolean;
}
