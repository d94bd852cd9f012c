/** Text table and HTML report of an assessment. Pure: strings in, strings out. */
import type { AssessedResource, AssessReport, ProposedAction, RegionAssessment, Totals } from './assess';

const usd = (n: number) => `$${n.toFixed(2)}`;

export function actionText(a: ProposedAction): string {
  if (a.kind === 'setMinimum') return `new minimum ${a.newMinimum}`;
  if (a.kind === 'none') return `none (${a.because})`;
  return a.kind;
}

function utilizationText(r: AssessedResource): string {
  return r.utilization ? `${r.utilization.averagePercent}% / ${r.utilization.lowWatermarkPercent}%` : '-';
}

function idleText(r: AssessedResource): string {
  if (r.hoursIdle === undefined) return '-';
  return `${r.hoursIdleAtLeast ? '>=' : ''}${r.hoursIdle}`;
}

function status(r: AssessedResource): string {
  return r.latestUpdateStatus && r.latestUpdateStatus !== 'ACTIVE' ? `${r.status} (update ${r.latestUpdateStatus})` : r.status;
}

const HEAD = ['resource', 'type', 'status', 'min', 'util avg / low', 'hours idle', 'proposed action', 'waste/month'];
const RIGHT = new Set([3, 4, 5, 7]);

function grid(rows: string[][]): string[] {
  const widths = HEAD.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (RIGHT.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

function totalsText(t: Totals): string {
  const a = t.actions;
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${n(t.resources, 'resource')} (${n(t.campaigns, 'campaign')}, ${n(t.recommenders, 'recommender')}): ${a.delete} delete, ${a.stop} stop, ${a.setMinimum} new minimum, ${a.none} none; estimated waste ${usd(t.monthlyWasteUsd)}/month`;
}

export function regionTable(g: RegionAssessment): string {
  const lines = [`Region ${g.region}`];
  if (g.error) return [...lines, `  not assessed: ${g.error}`].join('\n');
  if (g.resources.length === 0) lines.push('  no campaigns or recommenders');
  else {
    const rows = [HEAD, ...g.resources.map((r) => [r.name, r.type, status(r), String(r.minCapacity), utilizationText(r), idleText(r), actionText(r.action), usd(r.monthlyWasteUsd)])];
    const [head, ...body] = grid(rows);
    lines.push(`  ${head}`, `  ${'-'.repeat(head.length)}`, ...body.map((l) => `  ${l}`));
  }
  lines.push(`  total: ${totalsText(g.totals)}`);
  for (const p of g.problems) lines.push(`  problem: ${p.target}: ${p.error}`);
  return lines.join('\n');
}

export function reportText(report: AssessReport): string {
  const b = report.behaviour;
  return [
    `Personalize Monitor assessment at ${report.now} (read-only; idle after ${b.idleThresholdHours} h, look-back ${b.lookBackDays} days, cool-down ${b.coolDownHours} h, max step ${b.maxStepPercent}%)`,
    '',
    ...report.regions.flatMap((g) => [regionTable(g), '']),
    `All regions: ${totalsText(report.totals)}`,
    `API calls: ${report.apiCalls} (${Object.entries(report.apiCallsByOperation).map(([op, n]) => `${op} ${n}`).join(', ')})`,
    'Utilization: average / lowest hourly average over the look-back, in % of the minimum.',
  ].join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CHART = { width: 480, height: 120, left: 44, right: 8, top: 8, bottom: 20 } as const;

/** Hourly average rate over the look-back as an inline SVG, with the minimum (and the proposed one) as lines. */
export function utilizationSvg(r: AssessedResource): string {
  if (!r.hourly || r.hourly.sums.length === 0) return '<p class="muted">no traffic read</p>';
  const rates = r.hourly.sums.map((s) => s / 3600);
  const proposed = r.action.kind === 'setMinimum' ? r.action.newMinimum : undefined;
  const top = Math.max(1e-9, r.minCapacity, ...rates) * 1.1;
  const w = CHART.width - CHART.left - CHART.right;
  const h = CHART.height - CHART.top - CHART.bottom;
  const x = (i: number) => CHART.left + (rates.length <= 1 ? 0 : (i / (rates.length - 1)) * w);
  const y = (v: number) => CHART.top + h - (v / top) * h;
  const points = rates.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const line = (v: number, color: string, label: string) =>
    `<line x1="${CHART.left}" x2="${CHART.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${color}" stroke-dasharray="4 3"/><text x="${CHART.left + w - 2}" y="${(y(v) - 3).toFixed(1)}" text-anchor="end" font-size="10" fill="${color}">${esc(label)}</text>`;
  const days = (rates.length / 24).toFixed(0);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${CHART.height}" role="img" aria-label="hourly requests per second of ${esc(r.name)}">`,
    `<rect x="${CHART.left}" y="${CHART.top}" width="${w}" height="${h}" fill="#fafafa" stroke="#ddd"/>`,
    `<text x="${CHART.left - 4}" y="${CHART.top + 8}" text-anchor="end" font-size="10">${top.toFixed(1)}</text>`,
    `<text x="${CHART.left - 4}" y="${CHART.top + h}" text-anchor="end" font-size="10">0</text>`,
    `<text x="${CHART.left}" y="${CHART.height - 6}" font-size="10">-${days} d</text><text x="${CHART.left + w}" y="${CHART.height - 6}" font-size="10" text-anchor="end">now</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="1.2" points="${points}"/>`,
    line(r.minCapacity, '#d62728', `minimum ${r.minCapacity}`),
    proposed !== undefined ? line(proposed, '#2ca02c', `proposed ${proposed}`) : '',
    '</svg>',
  ].join('');
}

export function reportHtml(report: AssessReport): string {
  const t = report.totals;
  const regions = report.regions
    .map((g) => {
      if (g.error) return `<h2>${esc(g.region)}</h2><p class="bad">not assessed: ${esc(g.error)}</p>`;
      const rows = g.resources
        .map(
          (r) =>
            `<tr><td><b>${esc(r.name)}</b><br><span class="muted">${esc(r.arn)}</span></td><td>${r.type}</td><td>${esc(status(r))}</td><td class="n">${r.minCapacity}</td>` +
            `<td class="n">${esc(utilizationText(r))}</td><td class="n">${esc(idleText(r))}</td><td>${esc(actionText(r.action))}<br><span class="muted">${esc(r.action.detail)}</span></td>` +
            `<td class="n">${usd(r.monthlyWasteUsd)}</td><td>${utilizationSvg(r)}</td></tr>`,
        )
        .join('\n');
      return `<h2>${esc(g.region)}</h2><p>${esc(totalsText(g.totals))}</p>
<table><tr>${[...HEAD, 'hourly requests/s (look-back)'].map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${rows}</table>${g.problems.map((p) => `<p class="bad">${esc(p.target)}: ${esc(p.error)}</p>`).join('')}`;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Personalize Monitor assessment ${esc(report.now)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:4px 8px;vertical-align:top;text-align:left}.n{text-align:right}.muted{color:#777;font-size:11px}.bad{color:#b00}.totals{font-size:1.2em}</style></head><body>
<h1>Personalize Monitor assessment</h1>
<p>At ${esc(report.now)}, read-only. ${report.apiCalls} API calls.</p>
<p class="totals">All regions: ${esc(totalsText(t))}</p>
<table><tr><th>region</th><th>resources</th><th>delete</th><th>stop</th><th>new minimum</th><th>none</th><th>waste/month</th></tr>
${report.regions.map((g) => `<tr><td>${esc(g.region)}</td><td class="n">${g.totals.resources}</td><td class="n">${g.totals.actions.delete}</td><td class="n">${g.totals.actions.stop}</td><td class="n">${g.totals.actions.setMinimum}</td><td class="n">${g.totals.actions.none}</td><td class="n">${usd(g.totals.monthlyWasteUsd)}</td></tr>`).join('\n')}
<tr><th>total</th><th class="n">${t.resources}</th><th class="n">${t.actions.delete}</th><th class="n">${t.actions.stop}</th><th class="n">${t.actions.setMinimum}</th><th class="n">${t.actions.none}</th><th class="n">${usd(t.monthlyWasteUsd)}</th></tr></table>
${regions}
</body></html>
`;
}
