/**
 * Inline SVG line charts of metric widgets: series (split at gaps), horizontal annotations, a
 * y axis with nice ticks, its title and range from the body, time ticks. Pure.
 */
import { esc, formatNumber, formatTick } from './format';
import { colorOf, type Series, type Widget } from './metrics';

/** Default size and margins of a chart (a widget's box gives the size on the page). */
export const CHART = { width: 560, height: 220, left: 56, right: 12, top: 12, bottom: 28 } as const;

/**
 * 20 distinct series colours (Tableau 10 then its light/dark companions reordered so neighbours
 * differ); past 20 series the colours repeat with a dash pattern, so 60 series stay apart.
 */
export const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#393b79', '#e6550d', '#637939', '#ad494a', '#7b4173', '#31a354', '#3182bd', '#c7a500', '#843c39', '#de9ed6',
] as const;
/** Dash patterns of the 2nd, 3rd, ... round of the palette (the first is solid). */
export const DASHES = ['', '6 3', '2 2', '8 3 2 3'] as const;

/** Colour and dash pattern of the i-th series of a chart (an explicit colour of the row wins). */
export function seriesStyle(i: number, color?: string): { color: string; dash: string } {
  return { color: color ?? PALETTE[i % PALETTE.length], dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length] };
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

/** Options of {@link svgChart}. */
export interface ChartOptions {
  annotations?: HorizontalLine[];
  /** `yAxis.left.min` / `yAxis.left.max` of the widget. */
  yMin?: number;
  yMax?: number;
  /** `yAxis.left.label`: the axis title, drawn along the axis. */
  yLabel?: string;
  /** Id of the plot's clipPath (unique in the page); used only when an explicit y range cuts data. */
  clipId?: string;
  /** Size of the SVG (px), e.g. to fit the widget's box; default CHART's. */
  width?: number;
  height?: number;
}

/**
 * The horizontal annotations of a widget that are drawn: single values and bands (pairs); hidden
 * ones (`visible: false`) are left out, entries without a finite value are counted as skipped.
 */
export function horizontalAnnotations(widget: Pick<Widget, 'properties'> & { type?: string }): { annotations: HorizontalLine[]; skipped: number } {
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
    const label = typeof first.label === 'string' ? first.label : typeof second.label === 'string' ? second.label : values.map((v) => formatNumber(v!)).join(' – ');
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

/** The left y axis of a widget's body: `yAxis.left` min / max (numbers), label, showUnits. */
export function leftAxis(widget: Pick<Widget, 'properties'> & { type?: string }): { yMin?: number; yMax?: number; yLabel?: string; showUnits?: boolean } {
  const left = ((widget.properties.yAxis ?? {}) as { left?: Record<string, unknown> }).left ?? {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const yMin = num(left.min);
  const yMax = num(left.max);
  return {
    ...(yMin !== undefined ? { yMin } : {}),
    ...(yMax !== undefined ? { yMax } : {}),
    ...(typeof left.label === 'string' && left.label ? { yLabel: left.label } : {}),
    ...(typeof left.showUnits === 'boolean' ? { showUnits: left.showUnits } : {}),
  };
}

/**
 * Ticks of an axis from `min` to `max`: multiples of a 1/2/5 × 10^k step, about `count` of them,
 * all inside the range (the range itself is the data's, like the console's).
 */
export function niceTicks(min: number, max: number, count = 5): { values: number[]; step: number } {
  const span = max - min;
  if (!(span > 0)) return { values: [min], step: 1 };
  const raw = span / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The 1/2/5 step whose tick count is closest to `count` (the larger step on a tie).
  const ticksOf = (s: number) => Math.floor(span / s + 1e-9) + 1;
  const step = [0.5, 1, 2, 5, 10]
    .map((m) => m * mag)
    .reduce((best, s) => (Math.abs(ticksOf(s) - count) <= Math.abs(ticksOf(best) - count) ? s : best));
  const values: number[] = [];
  const first = Math.ceil(min / step - 1e-9) * step;
  for (let v = first; v <= max + step * 1e-9; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return { values, step };
}

/**
 * Runs of datapoints without a gap: a step longer than the series' period (1.5×, for rounding)
 * means CloudWatch had no value for the periods between, so the line must not bridge them.
 * Without a known period the smallest step between points is taken as the period.
 */
export function segments(points: readonly { t: number; v: number }[], periodMs?: number): { t: number; v: number }[][] {
  if (points.length === 0) return [];
  const steps = points.slice(1).map((p, i) => p.t - points[i].t).filter((d) => d > 0);
  const period = periodMs && periodMs > 0 ? periodMs : steps.length ? Math.min(...steps) : 0;
  const out: { t: number; v: number }[][] = [[points[0]]];
  for (let i = 1; i < points.length; i++) {
    if (points[i].t - points[i - 1].t > period * 1.5) out.push([]);
    out[out.length - 1].push(points[i]);
  }
  return out;
}

/** Time tick label: hours and minutes within a day, the date too over longer ranges. */
function timeLabel(t: number, rangeMs: number): string {
  const d = new Date(t);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const hm = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
  return rangeMs <= 86_400_000 ? hm : `${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${hm}`;
}

/**
 * An SVG line chart of the series over [startMs, endMs]. The y range runs from `yMin` (default 0,
 * or lower to reach a negative annotation) to `yMax` (default the highest datapoint or annotation
 * value); horizontal annotations are dashed lines across the plot, labelled at their right end.
 * Each series is one `<polyline>` per run of datapoints without a gap (a lone point is a dot),
 * grouped in `<g class="series">`; `yLabel` is drawn as the axis title.
 */
export function svgChart(series: Series[], startMs: number, endMs: number, options: ChartOptions = {}): string {
  const width = Math.round(options.width ?? CHART.width);
  const height = Math.round(options.height ?? CHART.height);
  const { left, right, top, bottom } = CHART;
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
  const ticks = niceTicks(min, max, Math.max(2, Math.min(6, Math.floor(plotH / 30) + 1)));
  for (const v of ticks.values) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text class="tick y-tick" x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${formatTick(v, ticks.step)}</text>`);
  }
  if (options.yLabel) {
    const cy = (top + plotH / 2).toFixed(1);
    parts.push(`<text class="axis-title" x="12" y="${cy}" font-size="11" text-anchor="middle" fill="#333" transform="rotate(-90 12 ${cy})">${esc(options.yLabel)}</text>`);
  }
  // Room for each label: "05-28 16:00" needs about twice the width of "16:00".
  const xTicks = Math.max(2, Math.min(8, Math.floor(plotW / (endMs - startMs > 86_400_000 ? 120 : 70))));
  for (let k = 0; k <= xTicks; k++) {
    const t = startMs + ((endMs - startMs) * k) / xTicks;
    const anchor = k === 0 ? 'start' : k === xTicks ? 'end' : 'middle';
    parts.push(`<text class="tick x-tick" x="${x(t).toFixed(1)}" y="${height - 8}" font-size="10" text-anchor="${anchor}" fill="#555">${timeLabel(t, endMs - startMs)}</text>`);
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
    const { color, dash } = seriesStyle(i, s.color);
    const dashAttr = dash ? ` stroke-dasharray="${dash}"` : '';
    const title = `<title>${esc(s.label)}</title>`;
    const runs = segments(s.points, s.periodMs).map((run) =>
      run.length === 1
        ? `<circle cx="${x(run[0].t).toFixed(1)}" cy="${y(run[0].v).toFixed(1)}" r="2.5" fill="${color}">${title}</circle>`
        : `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dashAttr} points="${run.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')}">${title}</polyline>`,
    );
    parts.push(`<g class="series" data-series="${i}">${runs.join('')}</g>`);
  });
  if (clip) parts.push('</g>');
  // Annotation lines over the series; labels at the right end, above the line (below it at the
  // top of the plot), nudged apart so close values stay readable.
  const labels: { y: number; text: string; color: string }[] = [];
  for (const a of annotations) {
    const drawn = a.values.filter(inRange);
    for (const v of drawn) {
      const ly = y(v).toFixed(1);
      parts.push(`<line class="annotation" x1="${left}" x2="${left + plotW}" y1="${ly}" y2="${ly}" stroke="${a.color}" stroke-width="1.5" stroke-dasharray="6 4"><title>${esc(a.label)}: ${formatNumber(v)}</title></line>`);
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

/** A legend swatch: a short line in the series' colour and dash pattern. */
function swatch(color: string, dash = '', width = 2): string {
  return `<svg class="swatch" width="18" height="8" viewBox="0 0 18 8" aria-hidden="true"><line x1="0" y1="4" x2="18" y2="4" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/></svg>`;
}

/** The legend of a chart: one entry per series (with its dash pattern), then the annotations. */
export function legend(series: Series[], annotations: HorizontalLine[] = [], maxHeightPx?: number): string {
  const items = series.map((s, i) => {
    const { color, dash } = seriesStyle(i, s.color);
    const label = `${esc(s.label)}${s.points.length === 0 ? ' <em>(no data)</em>' : ''}`;
    // The full label as a tooltip: a long one is cut with an ellipsis to keep the legend in its box.
    return `<li title="${esc(s.label)}">${swatch(color, dash, 3)}<span class="label">${label}</span></li>`;
  });
  const lines = annotations.map((a) => `<li class="annotation" title="${esc(a.label)}">${swatch(a.color, '4 2')}<span class="label">${esc(a.label)} (${a.values.map(formatNumber).join(' – ')})</span></li>`);
  const style = maxHeightPx ? ` style="max-height:${Math.round(maxHeightPx)}px"` : '';
  return `<ul class="legend"${style}>${items.join('')}${lines.join('')}</ul>`;
}
