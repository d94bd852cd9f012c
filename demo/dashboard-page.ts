/**
 * Renders the CloudWatch dashboards the product built into one self-contained HTML page: every
 * metric widget becomes an inline SVG chart of the metrics it names, read from the (simulated)
 * CloudWatch with GetMetricData over the demo's window. No scripts, no external resources.
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

/** One series request derived from a dashboard metric row. */
interface SeriesRequest {
  region: string;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  stat: string;
  period: number;
  label: string;
  color?: string;
}

/** Expands CloudWatch's `...` shorthand and splits a row into its parts. */
function expandRows(rows: Row[]): { ids: string[]; options: Record<string, unknown> }[] {
  const out: { ids: string[]; options: Record<string, unknown> }[] = [];
  let previous: string[] = [];
  for (const row of rows) {
    const options = (typeof row[row.length - 1] === 'object' ? row[row.length - 1] : {}) as Record<string, unknown>;
    const parts = row.filter((x): x is string => typeof x === 'string');
    const ids = parts[0] === '...' ? [...previous.slice(0, previous.length - (parts.length - 1)), ...parts.slice(1)] : parts.map((p, i) => (p === '.' ? previous[i] : p));
    previous = ids;
    out.push({ ids, options });
  }
  return out;
}

/** The series a metric widget asks for (metric-math expressions are skipped and reported). */
export function seriesRequests(widget: Widget, windowMs: number): { requests: SeriesRequest[]; skipped: number } {
  const p = widget.properties;
  const basePeriod = Number(p.period ?? 300);
  // Coarser than the widget when the window is long, like the console does.
  const period = Math.max(basePeriod, Math.ceil(windowMs / 1000 / TARGET_POINTS / 300) * 300);
  let skipped = 0;
  const requests: SeriesRequest[] = [];
  for (const { ids, options } of expandRows((p.metrics ?? []) as Row[])) {
    if ('expression' in options || ids.length < 2) {
      skipped += 1;
      continue;
    }
    const [namespace, metricName, ...dims] = ids;
    const dimensions: { Name: string; Value: string }[] = [];
    for (let i = 0; i + 1 < dims.length; i += 2) dimensions.push({ Name: dims[i], Value: dims[i + 1] });
    requests.push({
      region: String(options.region ?? p.region ?? 'us-east-1'),
      namespace,
      metricName,
      dimensions,
      stat: String(options.stat ?? p.stat ?? 'Average'),
      period: Number(options.period ?? period),
      label: String(options.label ?? `${metricName} ${dimensions.map((d) => d.Value.split('/').pop()).join(' ')}`.trim()),
      color: typeof options.color === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(options.color) ? options.color : undefined,
    });
  }
  return { requests, skipped };
}

/** Reads the series with GetMetricData (≤ 500 queries per call, NextToken paging), per region. */
async function readSeries(requests: SeriesRequest[], client: (region: string) => CloudWatchClient, startMs: number, endMs: number): Promise<Series[]> {
  const out: Series[] = requests.map((r) => ({ label: r.label, color: r.color, region: r.region, points: [] }));
  const byRegion = new Map<string, number[]>();
  requests.forEach((r, i) => byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), i]));
  for (const [region, indexes] of byRegion) {
    for (let c = 0; c < indexes.length; c += MAX_QUERIES_PER_CALL) {
      const chunk = indexes.slice(c, c + MAX_QUERIES_PER_CALL);
      const queries: MetricDataQuery[] = chunk.map((i) => ({
        Id: `q${i}`,
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: requests[i].namespace, MetricName: requests[i].metricName, Dimensions: requests[i].dimensions },
          Period: requests[i].period,
          Stat: requests[i].stat,
        },
      }));
      let token: string | undefined;
      do {
        const res = await client(region).send(
          new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(startMs), EndTime: new Date(endMs), NextToken: token, ScanBy: 'TimestampAscending' }),
        );
        for (const r of res.MetricDataResults ?? []) {
          const i = Number(r.Id?.slice(1));
          (r.Timestamps ?? []).forEach((t, k) => out[i].points.push({ t: t.getTime(), v: r.Values?.[k] ?? 0 }));
        }
        token = res.NextToken;
      } while (token);
    }
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

/** An SVG line chart of the series over [startMs, endMs]. */
export function svgChart(series: Series[], startMs: number, endMs: number): string {
  const { width, height, left, right, top, bottom } = CHART;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(1e-9, ...series.flatMap((s) => s.points.map((p) => p.v)));
  const x = (t: number) => left + ((t - startMs) / (endMs - startMs)) * plotW;
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`];
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#ddd"/>`);
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
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
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    if (s.points.length === 1) parts.push(`<circle cx="${x(s.points[0].t).toFixed(1)}" cy="${y(s.points[0].v).toFixed(1)}" r="2.5" fill="${color}"/>`);
    else parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts}"><title>${esc(s.label)}</title></polyline>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

function legend(series: Series[]): string {
  return `<ul class="legend">${series
    .map((s, i) => `<li><span style="background:${s.color ?? PALETTE[i % PALETTE.length]}"></span>${esc(s.label)}${s.points.length === 0 ? ' <em>(no data)</em>' : ''}</li>`)
    .join('')}</ul>`;
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
): Promise<{ html: string; charts: number; series: number; seriesWithData: number; skippedExpressions: number }> {
  const { startMs, endMs } = options;
  let charts = 0;
  let seriesCount = 0;
  let withData = 0;
  let skippedExpressions = 0;
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
      const { requests, skipped } = seriesRequests(w, endMs - startMs);
      skippedExpressions += skipped;
      const series = await readSeries(requests, options.client, startMs, endMs);
      seriesCount += series.length;
      withData += series.filter((s) => s.points.length > 0).length;
      const title = esc(String(p.title ?? ''));
      if (p.view === 'singleValue') {
        const values = series.map((s) => `<div class="single"><b>${s.points.length ? fmt(s.points[s.points.length - 1].v) : '–'}</b><br>${esc(s.label)}</div>`).join('');
        cards.push(`<div class="card"><h3>${title}</h3><div class="singles">${values}</div></div>`);
      } else {
        charts += 1;
        if (series.every((x) => x.points.length === 0)) {
          cards.push(`<div class="card"><h3>${title}</h3><p class="note">No datapoints in this window for ${series.map((x) => esc(x.label)).join(', ')}.</p></div>`);
          continue;
        }
        cards.push(`<div class="card"><h3>${title}</h3>${svgChart(series, startMs, endMs)}${legend(series)}${skipped ? `<p class="note">${skipped} metric-math line(s) not drawn</p>` : ''}</div>`);
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
  return { html, charts, series: seriesCount, seriesWithData: withData, skippedExpressions };
}
