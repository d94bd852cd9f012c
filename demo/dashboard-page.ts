/**
 * Renders the CloudWatch dashboards the product built into one self-contained HTML page: every
 * metric widget becomes an inline SVG chart of the metrics and metric-math expressions it names,
 * read from the (simulated) CloudWatch with one GetMetricData per widget (and region) over the
 * demo's window, so expressions are evaluated by CloudWatch itself. No scripts, no external resources.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';

/** CloudWatch allows at most this many queries per GetMetricData call. */
const MAX_QUERIES_PER_CALL = 500;
/** Points per series we aim for: enough detail, small page. */
const TARGET_POINTS = 240;
const CHART = { width: 560, height: 220, left: 56, right: 12, top: 12, bottom: 28 } as const;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export interface DashboardSource {
  name: string;
  body: string;
}

interface Series {
  label: string;
  color?: string;
  region: string;
  points: { t: number; v: number }[];
}

type Row = (string | Record<string, unknown>)[];

interface Widget {
  type: string;
  properties: Record<string, unknown>;
}

/** One GetMetricData call of a widget: its rows as queries, and the series they return. */
export interface WidgetRequest {
  region: string;
  /** Every row of the region, in row order: MetricStat rows and metric-math expressions. */
  queries: MetricDataQuery[];
  /** What each returned query (ReturnData true) is drawn as, by query Id. */
  drawn: Map<string, { label: string; color?: string }>;
}

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

function colorOf(options: Record<string, unknown>): string | undefined {
  return typeof options.color === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(options.color) ? options.color : undefined;
}

/**
 * The GetMetricData calls a metric widget needs, one per region, like the console: every row of
 * the widget becomes a query of that call – metric rows as MetricStat (hidden ones, `visible:
 * false`, with ReturnData false, so expressions can use them without drawing them), expression
 * rows as `Expression` – so expressions can refer to the rows' `id`s. Rows without an `id` get
 * generated ids (`r<row>`, skipping any explicit id). Rows that are neither are counted as skipped.
 */
export function widgetRequests(widget: Widget, windowMs: number): { requests: WidgetRequest[]; skipped: number } {
  const p = widget.properties;
  const basePeriod = Number(p.period ?? 300);
  // Coarser than the widget when the window is long, like the console does.
  const period = Math.max(basePeriod, Math.ceil(windowMs / 1000 / TARGET_POINTS / 300) * 300);
  const rows = expandRows((p.metrics ?? []) as Row[]);
  const explicit = new Set(rows.map((r) => r.options.id).filter((id): id is string => typeof id === 'string'));
  const taken = new Set(explicit);
  const idFor = (options: Record<string, unknown>, row: number): string => {
    if (typeof options.id === 'string') return options.id;
    let id = `r${row}`;
    for (let n = 0; taken.has(id); n++) id = `r${row}_${n}`;
    taken.add(id);
    return id;
  };
  let skipped = 0;
  const byRegion = new Map<string, WidgetRequest>();
  const requestOf = (region: string) => byRegion.get(region) ?? (byRegion.set(region, { region, queries: [], drawn: new Map() }), byRegion.get(region)!);
  rows.forEach(({ ids, options }, row) => {
    const region = String(options.region ?? p.region ?? 'us-east-1');
    const visible = options.visible !== false;
    if (typeof options.expression === 'string') {
      const id = idFor(options, row);
      const r = requestOf(region);
      r.queries.push({ Id: id, Expression: options.expression, ReturnData: visible, ...(typeof options.label === 'string' ? { Label: options.label } : {}), ...(options.period !== undefined ? { Period: Number(options.period) } : {}) });
      if (visible) r.drawn.set(id, { label: String(options.label ?? options.expression), color: colorOf(options) });
      return;
    }
    if (ids.length < 2) {
      skipped += 1;
      return;
    }
    const [namespace, metricName, ...dims] = ids;
    const dimensions: { Name: string; Value: string }[] = [];
    for (let i = 0; i + 1 < dims.length; i += 2) dimensions.push({ Name: dims[i], Value: dims[i + 1] });
    const id = idFor(options, row);
    const r = requestOf(region);
    r.queries.push({
      Id: id,
      ReturnData: visible,
      MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions }, Period: Number(options.period ?? period), Stat: String(options.stat ?? p.stat ?? 'Average') },
    });
    if (visible) r.drawn.set(id, { label: String(options.label ?? `${metricName} ${dimensions.map((d) => d.Value.split('/').pop()).join(' ')}`.trim()), color: colorOf(options) });
  });
  return { requests: [...byRegion.values()], skipped };
}

/** Reads a widget's series: one GetMetricData per region (NextToken paging), returned series in row order. */
async function readSeries(requests: WidgetRequest[], client: (region: string) => CloudWatchClient, startMs: number, endMs: number): Promise<Series[]> {
  const out: Series[] = [];
  for (const r of requests) {
    if (r.queries.length > MAX_QUERIES_PER_CALL) throw new Error(`a widget has ${r.queries.length} rows in ${r.region}; GetMetricData takes at most ${MAX_QUERIES_PER_CALL} queries`);
    const byId = new Map<string, Series>();
    for (const [id, d] of r.drawn) {
      const s: Series = { label: d.label, color: d.color, region: r.region, points: [] };
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
        (m.Timestamps ?? []).forEach((t, k) => s.points.push({ t: t.getTime(), v: m.Values?.[k] ?? 0 }));
      }
      token = res.NextToken;
    } while (token);
  }
  for (const s of out) s.points.sort((a, b) => a.t - b.t);
  return out;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return `${(v / 1000).toFixed(1)}k`;
  if (a >= 10) return v.toFixed(0);
  if (a >= 1) return v.toFixed(1);
  return v.toFixed(2);
}

/** Default colours of horizontal annotations: dark, apart from the series palette. */
const ANNOTATION_PALETTE = ['#555555', '#a0522d', '#6a5acd', '#2f4f4f', '#b8860b', '#8b008b'];

/**
 * A horizontal annotation of a metric widget (`properties.annotations.horizontal`): a line at one
 * value, or a band between two (CloudWatch's pair `[{ value, label }, { value }]`).
 */
export interface HorizontalLine {
  label: string;
  color: string;
  /** One value: a line; two: a band, drawn as a line at each edge. */
  values: [number] | [number, number];
  /** CloudWatch's `fill`: shade the area above / below the line (between the edges of a band). */
  fill?: 'above' | 'below';
}

/** Options of {@link svgChart}: the widget's horizontal annotations and its left y-axis. */
export interface ChartOptions {
  annotations?: HorizontalLine[];
  /** `yAxis.left.min` / `yAxis.left.max` of the widget. */
  yMin?: number;
  yMax?: number;
  /** Id of the plot's clipPath (unique in the page); used only when an explicit y range cuts data. */
  clipId?: string;
}

/**
 * The horizontal annotations of a widget that are drawn: single values and bands (pairs); hidden
 * ones (`visible: false`) are left out, entries without a finite value are counted as skipped.
 */
export function horizontalAnnotations(widget: Widget): { annotations: HorizontalLine[]; skipped: number } {
  const raw = (widget.properties.annotations as { horizontal?: unknown } | undefined)?.horizontal;
  const annotations: HorizontalLine[] = [];
  let skipped = 0;
  if (!Array.isArray(raw)) return { annotations, skipped };
  const valueOf = (a: unknown): number | undefined => {
    const v = typeof a === 'object' && a !== null ? (a as Record<string, unknown>).value : undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  for (const entry of raw) {
    const edges = (Array.isArray(entry) ? entry : [entry]) as unknown[];
    const first = (typeof edges[0] === 'object' && edges[0] !== null ? edges[0] : {}) as Record<string, unknown>;
    const second = (typeof edges[1] === 'object' && edges[1] !== null ? edges[1] : {}) as Record<string, unknown>;
    if (first.visible === false) continue;
    const values = edges.slice(0, 2).map(valueOf);
    if (edges.length < 1 || edges.length > 2 || values.some((v) => v === undefined)) {
      skipped += 1;
      continue;
    }
    const label = typeof first.label === 'string' ? first.label : typeof second.label === 'string' ? second.label : values.map((v) => fmt(v!)).join(' – ');
    const fill = first.fill === 'above' || first.fill === 'below' ? first.fill : undefined;
    annotations.push({
      label,
      color: colorOf(first) ?? colorOf(second) ?? ANNOTATION_PALETTE[annotations.length % ANNOTATION_PALETTE.length],
      values: values as [number] | [number, number],
      ...(fill ? { fill } : {}),
    });
  }
  return { annotations, skipped };
}

/** `yAxis.left.min` / `max` of a widget, when numbers. */
function leftAxis(widget: Widget): { yMin?: number; yMax?: number } {
  const left = ((widget.properties.yAxis ?? {}) as { left?: Record<string, unknown> }).left ?? {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const yMin = num(left.min);
  const yMax = num(left.max);
  return { ...(yMin !== undefined ? { yMin } : {}), ...(yMax !== undefined ? { yMax } : {}) };
}

/**
 * An SVG line chart of the series over [startMs, endMs]. The y range runs from `yMin` (default 0,
 * or lower to reach a negative annotation) to `yMax` (default the highest datapoint or annotation
 * value); horizontal annotations are dashed lines across the plot, labelled at their right end.
 */
export function svgChart(series: Series[], startMs: number, endMs: number, options: ChartOptions = {}): string {
  const { width, height, left, right, top, bottom } = CHART;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const annotations = options.annotations ?? [];
  const annotationValues = annotations.flatMap((a) => a.values);
  const dataValues = series.flatMap((s) => s.points.map((p) => p.v));
  const min = options.yMin ?? Math.min(0, ...annotationValues);
  const autoMax = Math.max(min + 1e-9, ...dataValues, ...annotationValues);
  const max = options.yMax !== undefined && options.yMax > min ? options.yMax : autoMax;
  const x = (t: number) => left + ((t - startMs) / (endMs - startMs)) * plotW;
  const y = (v: number) => top + plotH - ((v - min) / (max - min)) * plotH;
  const inRange = (v: number) => v >= min && v <= max;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`];
  // An explicit y range can cut datapoints: clip the series to the plot, like the console.
  const clip = (options.yMin !== undefined || options.yMax !== undefined) && !dataValues.every(inRange);
  const clipId = options.clipId ?? 'plot-clip';
  if (clip) parts.push(`<defs><clipPath id="${esc(clipId)}"><rect x="${left}" y="${top}" width="${plotW}" height="${plotH}"/></clipPath></defs>`);
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#ddd"/>`);
  for (let k = 0; k <= 4; k++) {
    const v = min + ((max - min) * k) / 4;
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${fmt(v)}</text>`);
  }
  const days = Math.max(1, Math.round((endMs - startMs) / 86_400_000));
  const ticks = Math.min(8, days * 4);
  for (let k = 0; k <= ticks; k++) {
    const t = startMs + ((endMs - startMs) * k) / ticks;
    const d = new Date(t);
    const label = `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')} ${String(d.getUTCHours()).padStart(2, '0')}h`;
    parts.push(`<text x="${x(t).toFixed(1)}" y="${height - 8}" font-size="10" text-anchor="middle" fill="#555">${label}</text>`);
  }
  // Shading of annotations with `fill` (and between a band's edges), under the series.
  const clampY = (v: number) => y(Math.min(max, Math.max(min, v)));
  for (const a of annotations) {
    let from: number | undefined;
    let to: number | undefined;
    const lo = Math.min(...a.values);
    const hi = Math.max(...a.values);
    if (a.values.length === 2) [from, to] = [lo, hi];
    else if (a.fill === 'above') [from, to] = [a.values[0], max];
    else if (a.fill === 'below') [from, to] = [min, a.values[0]];
    if (from === undefined || to === undefined || to < min || from > max) continue;
    const y1 = clampY(to);
    const y2 = clampY(from);
    parts.push(`<rect class="annotation-fill" x="${left}" y="${y1.toFixed(1)}" width="${plotW}" height="${(y2 - y1).toFixed(1)}" fill="${a.color}" fill-opacity="0.08"/>`);
  }
  if (clip) parts.push(`<g clip-path="url(#${esc(clipId)})">`);
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    if (s.points.length === 1) parts.push(`<circle cx="${x(s.points[0].t).toFixed(1)}" cy="${y(s.points[0].v).toFixed(1)}" r="2.5" fill="${color}"/>`);
    else parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts}"><title>${esc(s.label)}</title></polyline>`);
  });
  if (clip) parts.push('</g>');
  // Annotation lines over the series; labels at the right end, above the line (below it at the
  // top of the plot), nudged apart so close values stay readable.
  const labels: { y: number; text: string; color: string }[] = [];
  for (const a of annotations) {
    const drawn = a.values.filter(inRange);
    for (const v of drawn) {
      const ly = y(v).toFixed(1);
      parts.push(`<line class="annotation" x1="${left}" x2="${left + plotW}" y1="${ly}" y2="${ly}" stroke="${a.color}" stroke-width="1.5" stroke-dasharray="6 4"><title>${esc(a.label)}: ${fmt(v)}</title></line>`);
    }
    if (drawn.length > 0) labels.push({ y: y(Math.max(...drawn)), text: a.label, color: a.color });
  }
  labels.sort((a, b) => a.y - b.y);
  let previous = -Infinity;
  for (const l of labels) {
    let ty = l.y - top >= 12 ? l.y - 3 : l.y + 11;
    ty = Math.max(ty, previous + 11);
    previous = ty;
    parts.push(`<text class="annotation-label" x="${left + plotW - 4}" y="${ty.toFixed(1)}" font-size="10" text-anchor="end" fill="${l.color}">${esc(l.text)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function legend(series: Series[], annotations: HorizontalLine[] = []): string {
  const lines = annotations.map(
    (a) =>
      `<li class="annotation"><span style="background:none;height:0;border-top:2px dashed ${a.color};vertical-align:middle;border-radius:0"></span>${esc(a.label)} (${a.values.map(fmt).join(' – ')})</li>`,
  );
  return `<ul class="legend">${series
    .map((s, i) => `<li><span style="background:${s.color ?? PALETTE[i % PALETTE.length]}"></span>${esc(s.label)}${s.points.length === 0 ? ' <em>(no data)</em>' : ''}</li>`)
    .join('')}${lines.join('')}</ul>`;
}

/** Minimal markdown for text widgets: headings, links, bold, code, bullet lines, tables, paragraphs. */
function markdown(md: string): string {
  const inline = (t: string) =>
    esc(t)
      .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
      .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
      .replace(/\*([^*]+)\*/g, '<i>$1</i>')
      .replace(/`([^`]+)`/g, '<code>$1</code>');
  const cells = (line: string) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  const out: string[] = [];
  const lines = md.split(/\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*\|/.test(line)) {
      const rows: string[][] = [];
      while (i < lines.length && /^\s*\|/.test(lines[i])) rows.push(cells(lines[i++]));
      i -= 1;
      const body = rows.filter((r) => !r.every((c) => /^:?-{3,}:?$/.test(c)));
      const [head, ...rest] = body;
      out.push(`<table><tr>${(head ?? []).map((c) => `<th>${inline(c)}</th>`).join('')}</tr>${rest.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</table>`);
      continue;
    }
    const h = /^(#{1,4})\s+(.*)$/.exec(line);
    if (h) out.push(`<h${h[1].length + 2}>${inline(h[2])}</h${h[1].length + 2}>`);
    else if (/^\s*[-*]\s+/.test(line)) out.push(`<div class="li">• ${inline(line.replace(/^\s*[-*]\s+/, ''))}</div>`);
    else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}

/**
 * The whole page: one section per dashboard, one card per widget (charts for timeSeries,
 * latest values for singleValue, text for markdown widgets).
 */
export async function renderDashboardPage(
  dashboards: DashboardSource[],
  options: { client: (region: string) => CloudWatchClient; startMs: number; endMs: number; title: string; subtitle?: string },
): Promise<{ html: string; charts: number; series: number; seriesWithData: number; skippedRows: number; widgetErrors: number }> {
  const { startMs, endMs } = options;
  let charts = 0;
  let seriesCount = 0;
  let withData = 0;
  let skippedRows = 0;
  let widgetErrors = 0;
  const sections: string[] = [];
  for (const d of dashboards) {
    const body = JSON.parse(d.body) as { widgets?: Widget[] };
    const cards: string[] = [];
    for (const w of body.widgets ?? []) {
      const p = w.properties ?? {};
      if (w.type === 'text') {
        cards.push(`<div class="card text">${markdown(String(p.markdown ?? ''))}</div>`);
        continue;
      }
      if (w.type !== 'metric') continue;
      const { requests, skipped } = widgetRequests(w, endMs - startMs);
      skippedRows += skipped;
      const title = esc(String(p.title ?? ''));
      const skippedNote = skipped ? `<p class="note">${skipped} row(s) neither a metric nor an expression, not drawn</p>` : '';
      let series: Series[];
      try {
        series = await readSeries(requests, options.client, startMs, endMs);
      } catch (e) {
        // Like the console, a widget whose query CloudWatch refuses (e.g. metric math outside
        // what the simulator evaluates) shows the error; the rest of the page still renders.
        if ((e as Error).name !== 'ValidationException') throw e;
        widgetErrors += 1;
        cards.push(`<div class="card"><h3>${title}</h3><p class="note">GetMetricData refused this widget's queries: ${esc((e as Error).message)}</p></div>`);
        continue;
      }
      seriesCount += series.length;
      withData += series.filter((s) => s.points.length > 0).length;
      if (p.view === 'singleValue') {
        const values = series.map((s) => `<div class="single"><b>${s.points.length ? fmt(s.points[s.points.length - 1].v) : '–'}</b><br>${esc(s.label)}</div>`).join('');
        cards.push(`<div class="card"><h3>${title}</h3><div class="singles">${values}</div></div>`);
      } else {
        charts += 1;
        const { annotations, skipped: badAnnotations } = horizontalAnnotations(w);
        const annotationNote = badAnnotations ? `<p class="note">${badAnnotations} horizontal annotation(s) without a numeric value, not drawn</p>` : '';
        if (series.every((x) => x.points.length === 0)) {
          const minima = annotations.length ? ` Annotations: ${annotations.map((a) => `${esc(a.label)} ${a.values.map(fmt).join(' – ')}`).join(', ')}.` : '';
          cards.push(`<div class="card"><h3>${title}</h3><p class="note">No datapoints in this window for ${series.map((x) => esc(x.label)).join(', ')}.${minima}</p></div>`);
          continue;
        }
        const chart = svgChart(series, startMs, endMs, { annotations, ...leftAxis(w), clipId: `plot-clip-${charts}` });
        cards.push(`<div class="card"><h3>${title}</h3>${chart}${legend(series, annotations)}${skippedNote}${annotationNote}</div>`);
      }
    }
    sections.push(`<section><h2>Dashboard ${esc(d.name)}</h2><div class="grid">${cards.join('\n')}</div></section>`);
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(options.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:0 0 8px}.sub{color:#666;margin:0 0 16px}
.grid{display:flex;flex-wrap:wrap;gap:14px}.card{border:1px solid #ddd;border-radius:6px;padding:10px;width:580px;box-sizing:border-box}
.card.text{font-size:13px}.card.text h3,.card.text h4,.card.text h5{margin:4px 0}.card.text p{margin:4px 0}
.legend{list-style:none;padding:0;margin:6px 0 0;font-size:11px;columns:2}.legend span{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
.singles{display:flex;flex-wrap:wrap;gap:12px}.single{font-size:11px;text-align:center;min-width:90px}.single b{font-size:22px}
.note{color:#888;font-size:11px}
table{border-collapse:collapse;font-size:11px;margin:6px 0}th,td{border:1px solid #ddd;padding:2px 5px;text-align:left;vertical-align:top;word-break:break-all}th{background:#f3f3f3}code{font-size:10px}
</style></head><body>
<h1>${esc(options.title)}</h1>
<p class="sub">${esc(options.subtitle ?? '')} Window ${new Date(startMs).toISOString()} – ${new Date(endMs).toISOString()} (simulated).</p>
${sections.join('\n')}
</body></html>
`;
  return { html, charts, series: seriesCount, seriesWithData: withData, skippedRows, widgetErrors };
}
