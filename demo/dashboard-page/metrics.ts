/**
 * Metric widgets as GetMetricData calls, like the console sends them: every row of the widget
 * becomes a query of one call per region, with the row's (or widget's) period and statistic.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { consolePeriod, wholeRangePeriod } from './time';

/** CloudWatch allows at most this many queries per GetMetricData call. */
const MAX_QUERIES_PER_CALL = 500;
/** Widget period when the body names none (the console's default). */
const DEFAULT_PERIOD_SEC = 300;

/** A widget of a dashboard body, as parsed from JSON (loosely typed: bodies come from anywhere). */
export interface Widget {
  type: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  properties: Record<string, unknown>;
}

/** One drawn series: its label, colour (when the body sets one) and datapoints in time order. */
export interface Series {
  label: string;
  color?: string;
  region: string;
  points: { t: number; v: number }[];
  /** Period of the datapoints (ms): a step longer than this is a gap. Inferred from the points when absent. */
  periodMs?: number;
  /** Statistic of a metric row (absent for expressions). */
  stat?: string;
}

/** One GetMetricData call of a widget: its rows as queries, and the series they return. */
export interface WidgetRequest {
  region: string;
  /** Every row of the region, in row order: MetricStat rows and metric-math expressions. */
  queries: MetricDataQuery[];
  /** What each returned query (ReturnData true) is drawn as, by query Id. */
  drawn: Map<string, { label: string; color?: string; periodSec: number; stat?: string }>;
}

/** A row period the console would not draw as is, and the one requested instead. */
export interface PeriodAdjustment {
  fromSec: number;
  toSec: number;
}

/** How {@link widgetRequests} picks periods. */
export interface RequestOptions {
  /** `periodOverride: "inherit"` of the body: every row's period is obeyed as is. */
  inheritPeriods?: boolean;
  /** singleValue `setPeriodToTimeRange`: one period over the whole range for every row. */
  wholeRange?: boolean;
}

type Row = (string | Record<string, unknown>)[];

/** Expands CloudWatch's `.` / `...` shorthand (relative to the previous metric row) and splits a row into its parts. */
function expandRows(rows: Row[]): { ids: string[]; options: Record<string, unknown> }[] {
  const out: { ids: string[]; options: Record<string, unknown> }[] = [];
  let previous: string[] = [];
  for (const row of rows) {
    const last = row[row.length - 1];
    const options = (typeof last === 'object' && last !== null ? last : {}) as Record<string, unknown>;
    const parts = row.filter((x): x is string => typeof x === 'string');
    if (parts.length === 0) {
      // An expression row (`[{ "expression": ... }]`) is not a metric: the shorthand skips it.
      out.push({ ids: [], options });
      continue;
    }
    const ids = parts[0] === '...' ? [...previous.slice(0, previous.length - (parts.length - 1)), ...parts.slice(1)] : parts.map((p, i) => (p === '.' ? previous[i] : p));
    previous = ids;
    out.push({ ids, options });
  }
  return out;
}

/** A row's `color` when it is a hex colour (anything else would be injected into SVG attributes). */
export function colorOf(options: Record<string, unknown>): string | undefined {
  return typeof options.color === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(options.color) ? options.color : undefined;
}

const positiveInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/**
 * The GetMetricData calls a metric widget needs, one per region, like the console: every row of
 * the widget becomes a query of that call – metric rows as MetricStat with the row's `stat` /
 * `period` or else the widget's (hidden ones, `visible: false`, with ReturnData false, so
 * expressions can use them without drawing them), expression rows as `Expression` – so
 * expressions can refer to the rows' `id`s. Rows without an `id` get generated ids (`r<row>`,
 * skipping any explicit id). Rows that are neither are counted as skipped.
 *
 * A period the range would hold more than 1,440 times is requested as the next larger console
 * period (listed in `adjusted`): CloudWatch aggregates it, so a Sum stays a Sum and `PERIOD(m1)`
 * in an expression is the period actually drawn.
 */
export function widgetRequests(widget: Widget, windowMs: number, options: RequestOptions = {}): { requests: WidgetRequest[]; skipped: number; adjusted: PeriodAdjustment[] } {
  const p = widget.properties;
  const widgetPeriod = positiveInt(p.period) ?? DEFAULT_PERIOD_SEC;
  const adjusted: PeriodAdjustment[] = [];
  const periodFor = (own: unknown): number => {
    if (options.wholeRange) return wholeRangePeriod(windowMs);
    const asked = positiveInt(own) ?? widgetPeriod;
    const drawn = options.inheritPeriods ? asked : consolePeriod(asked, windowMs);
    if (drawn !== asked && !adjusted.some((a) => a.fromSec === asked && a.toSec === drawn)) adjusted.push({ fromSec: asked, toSec: drawn });
    return drawn;
  };
  const rows = expandRows((p.metrics ?? []) as Row[]);
  const explicit = new Set(rows.map((r) => r.options.id).filter((id): id is string => typeof id === 'string'));
  const taken = new Set(explicit);
  const idFor = (o: Record<string, unknown>, row: number): string => {
    if (typeof o.id === 'string') return o.id;
    let id = `r${row}`;
    for (let n = 0; taken.has(id); n++) id = `r${row}_${n}`;
    taken.add(id);
    return id;
  };
  let skipped = 0;
  const byRegion = new Map<string, WidgetRequest>();
  const requestOf = (region: string) => byRegion.get(region) ?? (byRegion.set(region, { region, queries: [], drawn: new Map() }), byRegion.get(region)!);
  const expressions: { request: WidgetRequest; id: string; periodSec?: number }[] = [];
  rows.forEach(({ ids, options: o }, row) => {
    const region = String(o.region ?? p.region ?? 'us-east-1');
    const visible = o.visible !== false;
    if (typeof o.expression === 'string') {
      const id = idFor(o, row);
      const r = requestOf(region);
      const period = o.period !== undefined ? periodFor(o.period) : undefined;
      r.queries.push({ Id: id, Expression: o.expression, ReturnData: visible, ...(typeof o.label === 'string' ? { Label: o.label } : {}), ...(period !== undefined ? { Period: period } : {}) });
      if (visible) {
        r.drawn.set(id, { label: String(o.label ?? o.expression), color: colorOf(o), periodSec: period ?? 0 });
        expressions.push({ request: r, id, periodSec: period });
      }
      return;
    }
    if (ids.length < 2) {
      skipped += 1;
      return;
    }
    const [namespace, metricName, ...dims] = ids;
    const dimensions: { Name: string; Value: string }[] = [];
    for (let i = 0; i + 1 < dims.length; i += 2) dimensions.push({ Name: dims[i], Value: dims[i + 1] });
    const id = idFor(o, row);
    const r = requestOf(region);
    const period = periodFor(o.period);
    const stat = String(o.stat ?? p.stat ?? 'Average');
    r.queries.push({
      Id: id,
      ReturnData: visible,
      MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions }, Period: period, Stat: stat },
    });
    if (visible) r.drawn.set(id, { label: String(o.label ?? `${metricName} ${dimensions.map((d) => d.Value.split('/').pop()).join(' ')}`.trim()), color: colorOf(o), periodSec: period, stat });
  });
  // An expression without its own Period has the period of the metrics it combines: the
  // smallest of its call (the console requests one period per widget in practice).
  for (const e of expressions) {
    if (e.periodSec !== undefined) continue;
    const periods = e.request.queries.map((q) => q.MetricStat?.Period).filter((x): x is number => x !== undefined);
    e.request.drawn.get(e.id)!.periodSec = periods.length ? Math.min(...periods) : periodFor(undefined);
  }
  return { requests: [...byRegion.values()], skipped, adjusted };
}

/** Reads a widget's series: one GetMetricData per region (NextToken paging), returned series in row order. */
export async function readSeries(requests: WidgetRequest[], client: (region: string) => CloudWatchClient, startMs: number, endMs: number): Promise<Series[]> {
  const out: Series[] = [];
  for (const r of requests) {
    if (r.queries.length > MAX_QUERIES_PER_CALL) throw new Error(`a widget has ${r.queries.length} rows in ${r.region}; GetMetricData takes at most ${MAX_QUERIES_PER_CALL} queries`);
    const byId = new Map<string, Series>();
    for (const [id, d] of r.drawn) {
      const s: Series = { label: d.label, color: d.color, region: r.region, points: [], periodMs: d.periodSec * 1000, ...(d.stat ? { stat: d.stat } : {}) };
      byId.set(id, s);
      out.push(s);
    }
    let token: string | undefined;
    do {
      const res = await client(r.region).send(
        new GetMetricDataCommand({ MetricDataQueries: r.queries, StartTime: new Date(startMs), EndTime: new Date(endMs), NextToken: token, ScanBy: 'TimestampAscending' }),
      );
      for (const m of res.MetricDataResults ?? []) {
        const s = byId.get(m.Id ?? '');
        if (!s) continue;
        (m.Timestamps ?? []).forEach((t, k) => {
          const v = m.Values?.[k];
          // A missing value is no datapoint (a gap), never a zero.
          if (typeof v === 'number' && Number.isFinite(v)) s.points.push({ t: t.getTime(), v });
        });
      }
      token = res.NextToken;
    } while (token);
  }
  for (const s of out) s.points.sort((a, b) => a.t - b.t);
  return out;
}

/**
 * The value of a singleValue series: the last datapoint; over the whole range
 * (`setPeriodToTimeRange`), datapoints of several periods (CloudWatch aligns periods to the clock,
 * so a range-long period can straddle two) are combined where the statistic allows it.
 */
export function singleValue(s: Series, wholeRange: boolean): { value?: number; note?: string } {
  if (s.points.length === 0) return {};
  const values = s.points.map((p) => p.v);
  if (!wholeRange || values.length === 1) return { value: values[values.length - 1] };
  const combine: Record<string, (v: number[]) => number> = {
    Sum: (v) => v.reduce((a, b) => a + b, 0),
    SampleCount: (v) => v.reduce((a, b) => a + b, 0),
    Maximum: (v) => Math.max(...v),
    Minimum: (v) => Math.min(...v),
  };
  const f = s.stat ? combine[s.stat] : undefined;
  return f ? { value: f(values) } : { value: values[values.length - 1], note: `last of ${values.length} periods` };
}
