/**
 * Renders the CloudWatch dashboards the product built into one self-contained HTML page that
 * draws what the console would draw from the same bodies: widgets placed on the 24-column grid
 * at their x/y/width/height, each dashboard over the time range its body asks for (`start` /
 * `end`), metric widgets read from the (simulated) CloudWatch with one GetMetricData per widget
 * and region with the rows' period and statistic (so expressions are evaluated by CloudWatch
 * itself), log widgets from the results the caller captured, alarm widgets from DescribeAlarms.
 * No scripts, no external resources.
 *
 * The parts live in demo/dashboard-page/: time range and periods (time.ts), requests (metrics.ts),
 * charts (chart.ts), markdown (markdown.ts), log and alarm widgets (logs-alarms.ts).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CHART, horizontalAnnotations, leftAxis, legend, svgChart, type HorizontalLine } from './dashboard-page/chart';
import { esc, formatDuration, formatNumber } from './dashboard-page/format';
import { alarmWidgetBody, logWidgetBody, type LogsSource } from './dashboard-page/logs-alarms';
import { markdown } from './dashboard-page/markdown';
import { readSeries, singleValue, widgetRequests, type PeriodAdjustment, type Series, type Widget } from './dashboard-page/metrics';
import { dashboardTimeRange, wholeRangePeriod, type TimeRange } from './dashboard-page/time';

export { CHART, DASHES, PALETTE, horizontalAnnotations, niceTicks, segments, seriesStyle, svgChart, type ChartOptions, type HorizontalLine } from './dashboard-page/chart';
export { formatNumber } from './dashboard-page/format';
export { logCell, parseAlarmArn, type LogsQuery, type LogsResult, type LogsSource } from './dashboard-page/logs-alarms';
export { widgetRequests, type PeriodAdjustment, type Series, type Widget, type WidgetRequest } from './dashboard-page/metrics';
export { CONSOLE_PERIODS, MAX_POINTS_PER_SERIES, applyDuration, consolePeriod, dashboardTimeRange, wholeRangePeriod, type TimeRange } from './dashboard-page/time';

/** One dashboard: its name and body (JSON text, as GetDashboard returns it). */
export interface DashboardSource {
  name: string;
  body: string;
}

/** Options of {@link renderDashboardPage}. */
export interface RenderOptions {
  /** CloudWatch client of a region (GetMetricData, DescribeAlarms). */
  client: (region: string) => CloudWatchClient;
  /** "Now": relative `start` durations of the bodies end here. */
  endMs: number;
  /** Start of the range of a body without `start` (default: the console's 3 hours before `endMs`). */
  startMs?: number;
  title: string;
  subtitle?: string;
  /** Results of log widgets' Logs Insights queries (e.g. what the runner captured); without it log widgets say so. */
  logs?: LogsSource;
}

/** The page and what it drew. */
export interface RenderedPage {
  html: string;
  /** timeSeries charts drawn (widgets with datapoints). */
  charts: number;
  series: number;
  seriesWithData: number;
  skippedRows: number;
  /** Widgets whose data could not be read (GetMetricData refused, a log query or DescribeAlarms failed). */
  widgetErrors: number;
  /** Every widget of every body (each is drawn, unknown types as a note). */
  widgets: number;
  logWidgets: number;
  alarmWidgets: number;
}

/** Pixels of one grid column and of one grid row unit (the console's grid is 24 columns wide). */
export const GRID = { columns: 24, columnPx: 56, rowPx: 36 } as const;
/** CloudWatch's default widget size when the body gives none. */
const DEFAULT_SIZE = { width: 6, height: 6 } as const;
/** Space a widget's frame takes from its box: padding 4 + border 1 + card padding 8, each side. */
const FRAME_PX = 2 * (4 + 1 + 8);
const TITLE_PX = 22;
const NOTE_PX = 15;
const LEGEND_ROW_PX = 15;
const LEGEND_ITEM_PX = 180;

/**
 * CSS grid placement of a widget: `grid-column` / `grid-row` from x/y/width/height (clamped to
 * the 24 columns); without x/y the widget flows into the next free place, as the console does.
 */
export function gridPlacement(w: Pick<Widget, 'x' | 'y' | 'width' | 'height'>): { style: string; width: number; height: number } {
  const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);
  const x = int(w.x);
  const y = int(w.y);
  const col = x === undefined ? undefined : Math.min(Math.max(0, x), GRID.columns - 1);
  const width = Math.max(1, Math.min(int(w.width) ?? DEFAULT_SIZE.width, GRID.columns - (col ?? 0)));
  const height = Math.max(1, int(w.height) ?? DEFAULT_SIZE.height);
  const column = col === undefined ? `span ${width}` : `${col + 1} / span ${width}`;
  const row = y === undefined || y < 0 ? `span ${height}` : `${y + 1} / span ${height}`;
  return { style: `grid-column:${column};grid-row:${row}`, width, height };
}

/** "period 300 s shown as 900 s to fit 7 days": why the chart's datapoints are coarser than the body's period. */
export function periodNote(a: PeriodAdjustment, rangeMs: number): string {
  return `period ${formatNumber(a.fromSec)} s shown as ${formatNumber(a.toSec)} s to fit ${formatDuration(Math.round(rangeMs / 1000))}`;
}

interface Counts {
  charts: number;
  series: number;
  seriesWithData: number;
  skippedRows: number;
  widgetErrors: number;
}

/** The inner width/height (px) of a widget's card on the grid. */
function innerBox(place: { width: number; height: number }): { width: number; height: number } {
  return { width: place.width * GRID.columnPx - FRAME_PX, height: place.height * GRID.rowPx - FRAME_PX };
}

/** A metric widget's card: chart (timeSeries and other views), or values (singleValue). */
async function metricCard(w: Widget, place: { width: number; height: number }, range: TimeRange, inheritPeriods: boolean, options: RenderOptions, counts: Counts, index: string): Promise<string> {
  const p = w.properties;
  const title = esc(String(p.title ?? ''));
  const rangeMs = range.endMs - range.startMs;
  const wholeRange = p.view === 'singleValue' && p.setPeriodToTimeRange === true;
  const { requests, skipped, adjusted } = widgetRequests(w, rangeMs, { inheritPeriods, wholeRange });
  counts.skippedRows += skipped;
  const notes: string[] = adjusted.map((a) => `<p class="note period-note">${esc(periodNote(a, rangeMs))}</p>`);
  if (skipped) notes.push(`<p class="note">${skipped} row(s) neither a metric nor an expression, not drawn</p>`);
  let series: Series[];
  try {
    series = await readSeries(requests, options.client, range.startMs, range.endMs);
  } catch (e) {
    // Like the console, a widget whose query CloudWatch refuses (e.g. metric math outside
    // what the simulator evaluates) shows the error; the rest of the page still renders.
    if ((e as Error).name !== 'ValidationException') throw e;
    counts.widgetErrors += 1;
    return `<div class="card"><h3>${title}</h3><p class="note">GetMetricData refused this widget's queries: ${esc((e as Error).message)}</p></div>`;
  }
  counts.series += series.length;
  counts.seriesWithData += series.filter((s) => s.points.length > 0).length;
  if (p.view === 'singleValue') {
    const values = series
      .map((s) => {
        const { value, note } = singleValue(s, wholeRange);
        return `<div class="single"><b>${value === undefined ? '–' : formatNumber(value)}</b><br>${esc(s.label)}${note ? ` <em>(${esc(note)})</em>` : ''}</div>`;
      })
      .join('');
    const over = wholeRange ? `<p class="note">over the whole range (period ${formatNumber(wholeRangePeriod(rangeMs))} s)</p>` : '';
    return `<div class="card"><h3>${title}</h3><div class="singles">${values}</div>${over}${notes.join('')}</div>`;
  }
  const { annotations, skipped: badAnnotations } = horizontalAnnotations(w);
  if (badAnnotations) notes.push(`<p class="note">${badAnnotations} horizontal annotation(s) without a numeric value, not drawn</p>`);
  if (series.every((x) => x.points.length === 0)) {
    const minima = annotations.length ? ` Annotations: ${annotations.map((a) => `${esc(a.label)} ${a.values.map(formatNumber).join(' – ')}`).join(', ')}.` : '';
    return `<div class="card"><h3>${title}</h3><p class="note">No datapoints in this time range for ${series.map((x) => esc(x.label)).join(', ')}.${minima}</p>${notes.join('')}</div>`;
  }
  counts.charts += 1;
  const box = innerBox(place);
  const legendHeight = legendPx(series, annotations, box);
  const chartHeight = Math.max(90, box.height - TITLE_PX - legendHeight - notes.length * NOTE_PX);
  const axis = leftAxis(w);
  const chart = svgChart(series, range.startMs, range.endMs, {
    annotations,
    ...(axis.yMin !== undefined ? { yMin: axis.yMin } : {}),
    ...(axis.yMax !== undefined ? { yMax: axis.yMax } : {}),
    // Units: GetMetricData returns none, so `showUnits` never adds one; the label is the title.
    ...(axis.yLabel ? { yLabel: axis.yLabel } : {}),
    clipId: `plot-clip-${index}`,
    width: Math.max(CHART.left + CHART.right + 60, box.width),
    height: chartHeight,
  });
  return `<div class="card"><h3>${title}</h3><div class="plot">${chart}</div>${legend(series, annotations, legendHeight)}${notes.join('')}</div>`;
}

/** Height the legend gets: its rows, at most a third of the card (it scrolls beyond). */
function legendPx(series: Series[], annotations: HorizontalLine[], box: { width: number; height: number }): number {
  const perRow = Math.max(1, Math.floor(box.width / LEGEND_ITEM_PX));
  const rows = Math.ceil((series.length + annotations.length) / perRow);
  return Math.min(rows * LEGEND_ROW_PX + 4, Math.round(box.height / 3));
}

/** One widget, framed and placed on the grid, with its type and index as data attributes. */
async function widgetHtml(w: Widget, index: number, dashboard: number, range: TimeRange, inheritPeriods: boolean, options: RenderOptions, counts: Counts, kinds: { log: number; alarm: number }): Promise<string> {
  const place = gridPlacement(w);
  const p = (w.properties ?? {}) as Record<string, unknown>;
  const widget: Widget = { ...w, properties: p };
  const type = String(w.type ?? 'unknown');
  let card: string;
  if (type === 'text') {
    card = `<div class="card text${p.background === 'transparent' ? ' transparent' : ''}">${markdown(String(p.markdown ?? ''))}</div>`;
  } else if (type === 'metric') {
    card = await metricCard(widget, place, range, inheritPeriods, options, counts, `${dashboard}-${index}`);
  } else if (type === 'log') {
    kinds.log += 1;
    const body = await logWidgetBody(p, options.logs, range.startMs, range.endMs);
    if (body.error) counts.widgetErrors += 1;
    card = `<div class="card log"><h3>${esc(String(p.title ?? 'Logs'))}</h3>${body.html}</div>`;
  } else if (type === 'alarm') {
    kinds.alarm += 1;
    const body = await alarmWidgetBody(p, options.client);
    counts.widgetErrors += body.errors ? 1 : 0;
    card = `<div class="card alarm"><h3>${esc(String(p.title ?? 'Alarms'))}</h3>${body.html}</div>`;
  } else {
    card = `<div class="card"><h3>${esc(String(p.title ?? type))}</h3><p class="note">A "${esc(type)}" widget is not rendered by this page.</p></div>`;
  }
  return `<div class="widget widget-${esc(type)}" data-widget-type="${esc(type)}" data-widget-index="${index}" style="${place.style};height:${place.height * GRID.rowPx}px">${card}</div>`;
}

const fmtTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * The whole page: one section per dashboard over the time range of its body, every widget of the
 * body drawn in its place on the grid (charts for timeSeries, values for singleValue, markdown for
 * text, tables for log widgets, state tiles for alarm widgets).
 */
export async function renderDashboardPage(dashboards: DashboardSource[], options: RenderOptions): Promise<RenderedPage> {
  const counts: Counts = { charts: 0, series: 0, seriesWithData: 0, skippedRows: 0, widgetErrors: 0 };
  const kinds = { log: 0, alarm: 0 };
  let widgets = 0;
  const sections: string[] = [];
  for (const [di, d] of dashboards.entries()) {
    const body = JSON.parse(d.body) as { widgets?: Widget[]; start?: unknown; end?: unknown; periodOverride?: unknown };
    const range = dashboardTimeRange(body, options.endMs, options.startMs);
    const inherit = body.periodOverride === 'inherit';
    const cards: string[] = [];
    for (const [i, w] of (body.widgets ?? []).entries()) {
      widgets += 1;
      cards.push(await widgetHtml(w, i, di, range, inherit, options, counts, kinds));
    }
    const asked = typeof body.start === 'string' ? ` (body: start ${esc(body.start)}${typeof body.end === 'string' ? `, end ${esc(body.end)}` : ''})` : '';
    sections.push(
      `<section data-dashboard="${esc(d.name)}"><h2>Dashboard ${esc(d.name)}</h2><p class="range">Time range ${fmtTime(range.startMs)} – ${fmtTime(range.endMs)}${asked}, ${esc(formatDuration(Math.round((range.endMs - range.startMs) / 1000)))}.</p><div class="grid">${cards.join('\n')}</div></section>`,
    );
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(options.title)}</title>
<style>${PAGE_CSS}</style></head><body>
<h1>${esc(options.title)}</h1>
<p class="sub">${esc(options.subtitle ?? '')} Now is ${fmtTime(options.endMs)} (simulated).</p>
${sections.join('\n')}
</body></html>
`;
  return { html, ...counts, widgets, logWidgets: kinds.log, alarmWidgets: kinds.alarm };
}

/** The page's stylesheet: the 24-column grid, cards that keep their box, tables that never break words. */
const PAGE_CSS = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 4px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub,.range{color:#666;margin:0 0 12px;font-size:13px}
.grid{display:grid;grid-template-columns:repeat(${GRID.columns},${GRID.columnPx}px);grid-auto-rows:${GRID.rowPx}px;width:${GRID.columns * GRID.columnPx}px}
.widget{box-sizing:border-box;padding:4px;min-width:0;min-height:0;overflow:hidden}
.card{box-sizing:border-box;height:100%;border:1px solid #ddd;border-radius:6px;padding:8px;overflow:auto;display:flex;flex-direction:column;background:#fff}
.card h3{flex:0 0 auto;font-size:13px;margin:0 0 6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.card.text{display:block;font-size:13px}.card.text.transparent{border-color:transparent;background:none}
.card.text h3,.card.text h4,.card.text h5,.card.text h6{margin:4px 0;white-space:normal}.card.text p{margin:4px 0}
.plot{flex:0 0 auto;line-height:0}.plot svg{display:block;max-width:100%;height:auto}
.legend{flex:0 0 auto;list-style:none;padding:0;margin:2px 0 0;font-size:11px;display:grid;grid-template-columns:repeat(auto-fill,minmax(${LEGEND_ITEM_PX - 10}px,1fr));gap:0 10px;overflow:auto}
.legend li{display:flex;align-items:center;gap:4px;min-width:0;line-height:${LEGEND_ROW_PX}px}.legend .swatch{flex:0 0 auto}.legend .label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.singles{display:flex;flex-wrap:wrap;gap:12px}.single{font-size:11px;text-align:center;min-width:90px}.single b{font-size:24px}
.note{color:#777;font-size:11px;margin:2px 0}.note.error{color:#b00020}.no-data{color:#555;font-size:13px;margin:8px 0}
.table-scroll{overflow-x:auto;max-width:100%;flex:0 0 auto}
table{border-collapse:collapse;font-size:11px;margin:4px 0}
th,td{border:1px solid #ddd;padding:2px 5px;text-align:left;vertical-align:top;word-break:normal;overflow-wrap:normal;white-space:normal}
th{background:#f3f3f3}code{font-size:10px;white-space:nowrap}.log-table td{white-space:nowrap}
details.query{font-size:11px;margin-top:4px}details.query pre{white-space:pre;overflow-x:auto;background:#f6f6f6;padding:4px;margin:2px 0}
.alarms{display:flex;flex-wrap:wrap;gap:6px}
.alarm-tile{box-sizing:border-box;border:1px solid #ddd;border-left:6px solid #879596;border-radius:4px;padding:4px 8px;min-width:160px;max-width:100%;font-size:11px;overflow-x:auto}
.alarm-name{font-weight:600;white-space:nowrap}.alarm-state{font-weight:600;color:#687078}.alarm-reason{color:#555}
.state-alarm{border-left-color:#d13212}.state-alarm .alarm-state{color:#d13212}
.state-ok{border-left-color:#1d8102}.state-ok .alarm-state{color:#1d8102}
.state-insufficient{border-left-color:#879596}
.state-missing{border-left-color:#d5dbdb;background:#fafafa}.state-error{border-left-color:#b00020}.state-error .alarm-state{color:#b00020}
`;
