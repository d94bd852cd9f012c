/**
 * Lays the whole fleet out on one or more dashboards. Pure and deterministic: the same input in
 * any order gives the same bodies (so an unchanged fleet needs no PutDashboard), and nothing
 * depends on the wall clock except through `now`.
 *
 * Dashboard 1 (`<stackName>-dashboard`) is the index: overview, findings, actions, monitor
 * health, links to the other dashboards, then dataset groups. When the fleet exceeds CloudWatch's
 * limits, the remaining dataset groups go to `…-dashboard-2`, `-3`, ... Never fails on size,
 * never exceeds.
 */
import type { Finding, MonitoredResource } from '../types';
import {
  ACTIONS_LOOKBACK_MS,
  DASHBOARD_START,
  GRID_COLUMNS,
  MAX_METRICS_PER_DASHBOARD,
  MAX_METRICS_PER_WIDGET,
  MAX_TABLE_ROWS,
  MAX_WIDGETS_PER_DASHBOARD,
  MAX_WIDGET_HEIGHT,
  RESOURCES_PER_SECTION,
} from './constants';
import { alarmsUrl, dashboardUrl, datasetGroupUrl, parseArnOrNone, partitionOfRegion, personalizeHomeUrl, stateMachineUrl } from './links';
import { formatTime, formatUsd, mdEscape, mdLink, mdTable } from './markdown';
import { dashboardPageName } from './names';
import type { DashboardAction, DashboardBody, DashboardDocument, MonitorHealth, SizedWidget, Widget } from './types';
import {
  capacityGraph,
  errorsGraph,
  latencyGraph,
  monitorExecutionsGraph,
  place,
  resourcesMonitoredWidget,
  textWidget,
  utilizationGraph,
} from './widgets';

export interface DashboardInput {
  fleet: readonly MonitoredResource[];
  /** Findings of the run that triggered the build; undefined = not part of this build (event-triggered). */
  findings?: readonly Finding[];
  /** Recent actions of the ACTION machine; undefined = none reported to this build. */
  actions?: readonly DashboardAction[];
  health?: MonitorHealth;
  stackName: string;
  /** The deployment's alarm prefix: the alarms links show only our alarms (absent: all alarms of the region). */
  alarmPrefix?: string;
  homeRegion: string;
  /** Monitored regions (header links); defaults to the home region and the fleet's regions. */
  regions?: readonly string[];
  /** Epoch ms: only filters which actions are recent. Never printed (the body must not change with time alone). */
  now: number;
}

/** Size of the graphs of a dataset group: three 8-wide graphs per row, as the original. */
const GRAPH = { width: 8, height: 8 } as const;
const HEADER_HEIGHT = 4;
/** Width of the "Resources Monitored" number beside the header. */
const COUNT_WIDTH = 6;
/** Smallest text widget that shows a title and a sentence. */
const MIN_TEXT_HEIGHT = 3;
const SECTION_HEADER_HEIGHT = 2;
const HEALTH_HEIGHT = 6;
/** Grid units per markdown line (a text widget row is taller than a line of text). */
const GRID_UNITS_PER_TEXT_LINE = 0.6;
const MIN_TABLE_HEIGHT = 6;
const MAX_PROBLEMS_LISTED = 10;
const MAX_REASON_CHARS = 120;

/** Widget and metric counts of a rendered body. */
export interface DashboardStats {
  widgets: number;
  metrics: number;
  maxMetricsPerWidget: number;
  bytes: number;
}

/** Counts widgets and metrics of a body (JSON text or object); every row of a metric widget counts, hidden and expression rows too (as CloudWatch counts them). */
export function dashboardStats(body: string | DashboardBody): DashboardStats {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const parsed: DashboardBody = typeof body === 'string' ? JSON.parse(body) : body;
  const perWidget = parsed.widgets.map((w) => (w.type === 'metric' ? w.properties.metrics.length : 0));
  return {
    widgets: parsed.widgets.length,
    metrics: perWidget.reduce((a, b) => a + b, 0),
    maxMetricsPerWidget: Math.max(0, ...perWidget),
    bytes: Buffer.byteLength(text),
  };
}

/**
 * Builds every dashboard of the stack, index first.
 * @returns `{ name, body }` per dashboard; body is JSON text ready for PutDashboard.
 */
export function buildDashboards(input: DashboardInput): DashboardDocument[] {
  const groups = groupFleet(input.fleet).map((g) => ({ ...g, alarmPrefix: input.alarmPrefix }));
  const sections = groups.flatMap(sectionsOf);

  const reserve = overviewRows(input, groups, []).flat();
  // +1: the "Dashboards" contents widget, present only when the fleet is split.
  const indexBudget = budget(reserve.length + 1, countMetrics(reserve));
  const partBudget = budget(1, 0);
  const pages = pack(sections, indexBudget, partBudget);

  const names = pages.map((_, i) => dashboardPageName(input.stackName, i + 1));
  const summaries = pages.map((page, i) => ({ name: names[i], groups: uniqueGroupNames(page), resources: page.reduce((n, s) => n + s.resources.length, 0) }));

  return pages.map((page, i) => {
    const rows: SizedWidget[][] = i === 0 ? overviewRows(input, groups, summaries) : [[partHeader(input, i, summaries)]];
    if (i === 0 && groups.length === 0) rows.push([emptyFleetText(input)]);
    for (const s of page) rows.push(...s.rows);
    const body: DashboardBody = { start: DASHBOARD_START, widgets: stackRows(rows) };
    const doc = { name: names[i], body: JSON.stringify(body) };
    assertWithinLimits(doc, body);
    return doc;
  });
}

// ---- grouping ------------------------------------------------------------------------------

interface Group {
  /** Sort key and identity: dataset group ARN (or none) + region. */
  key: string;
  name: string;
  datasetGroupArn?: string;
  region: string;
  partition: string;
  accountId: string;
  resources: MonitoredResource[];
  /** The deployment's alarm prefix (alarms link). */
  alarmPrefix?: string;
}

const UNKNOWN_GROUP = 'Unknown dataset group';

/** Dataset groups sorted by name, region, ARN; resources by type, name, ARN; duplicates dropped. */
function groupFleet(fleet: readonly MonitoredResource[]): Group[] {
  const byKey = new Map<string, Group>();
  const seen = new Set<string>();
  for (const r of [...fleet].sort(compareResources)) {
    if (seen.has(r.arn)) continue;
    seen.add(r.arn);
    // A dataset group is regional, but key by region too so a graph never mixes regions.
    const key = `${r.datasetGroupArn ?? ''}|${r.region}`;
    let g = byKey.get(key);
    if (!g) {
      g = { key, name: groupName(r.datasetGroupArn), datasetGroupArn: r.datasetGroupArn, region: r.region, partition: r.partition, accountId: r.accountId, resources: [] };
      byKey.set(key, g);
    }
    g.resources.push(r);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      Number(!a.datasetGroupArn) - Number(!b.datasetGroupArn) || cmp(a.name, b.name) || cmp(a.region, b.region) || cmp(a.key, b.key),
  );
}

function compareResources(a: MonitoredResource, b: MonitoredResource): number {
  return cmp(a.type, b.type) || cmp(a.name, b.name) || cmp(a.arn, b.arn);
}

/** Locale-independent comparison (localeCompare could differ between runtimes). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupName(datasetGroupArn: string | undefined): string {
  const resource = datasetGroupArn ? parseArnOrNone(datasetGroupArn)?.resource : undefined;
  return resource?.startsWith('dataset-group/') ? resource.slice('dataset-group/'.length) : datasetGroupArn ?? UNKNOWN_GROUP;
}

// ---- sections (one dataset group, or one slice of a large one) -----------------------------

interface Section {
  group: Group;
  resources: MonitoredResource[];
  rows: SizedWidget[][];
  widgets: number;
  metrics: number;
}

function sectionsOf(group: Group): Section[] {
  const parts = Math.ceil(group.resources.length / RESOURCES_PER_SECTION);
  const out: Section[] = [];
  for (let p = 0; p < parts; p++) {
    const first = p * RESOURCES_PER_SECTION;
    const resources = group.resources.slice(first, first + RESOURCES_PER_SECTION);
    const rows = sectionRows(group, resources, p, parts, first);
    const flat = rows.flat();
    out.push({ group, resources, rows, widgets: flat.length, metrics: countMetrics(flat) });
  }
  return out;
}

function sectionRows(group: Group, resources: MonitoredResource[], part: number, parts: number, first: number): SizedWidget[][] {
  const range = parts > 1 ? ` (resources ${first + 1}–${first + resources.length} of ${group.resources.length})` : '';
  const suffix = ` – ${group.name}${parts > 1 ? ` (${part + 1}/${parts})` : ''}`;
  const link = group.datasetGroupArn ? ` | ${mdLink('Manage', datasetGroupUrl(group.datasetGroupArn))}` : '';
  const alarms = mdLink('Alarms', alarmsUrl(group.partition, group.region, group.alarmPrefix));
  const header = `### Dataset group: **${mdEscape(group.name)}** (${group.region})${range}${link} | ${alarms}`;

  const table = mdTable(
    ['Resource', 'ARN', 'Type', 'Minimum', 'Request metric', 'Status'],
    resources.map((r) => [
      mdEscape(r.name),
      `\`${r.arn}\``,
      r.type,
      `${r.minCapacity}${r.type === 'campaign' ? ' TPS' : ' RPS'}${r.pendingMinCapacity !== undefined ? ` → ${r.pendingMinCapacity} (updating)` : ''}`,
      r.requestMetric,
      mdEscape(r.latestUpdateStatus ? `${r.status} (update ${r.latestUpdateStatus})` : r.status),
    ]),
  );
  const tableHeight = textHeight(table, MIN_TABLE_HEIGHT);
  return [
    [textWidget(header, { width: GRID_COLUMNS, height: SECTION_HEADER_HEIGHT })],
    [
      capacityGraph(resources, group.region, GRAPH, suffix),
      utilizationGraph(resources, group.region, GRAPH, suffix),
      latencyGraph(resources, group.region, GRAPH, suffix),
    ],
    [errorsGraph(resources, group.region, { width: GRAPH.width, height: tableHeight }, suffix), textWidget(table, { width: GRID_COLUMNS - GRAPH.width, height: tableHeight })],
  ];
}

// ---- packing -------------------------------------------------------------------------------

interface Budget {
  widgets: number;
  metrics: number;
}

function budget(reservedWidgets: number, reservedMetrics: number): Budget {
  return { widgets: MAX_WIDGETS_PER_DASHBOARD - reservedWidgets, metrics: MAX_METRICS_PER_DASHBOARD - reservedMetrics };
}

/** Greedy, in order: a section goes on the current dashboard while it fits, else starts the next one. */
function pack(sections: Section[], first: Budget, next: Budget): Section[][] {
  const pages: Section[][] = [[]];
  let used = { widgets: 0, metrics: 0 };
  for (const s of sections) {
    const b = pages.length === 1 ? first : next;
    const page = pages[pages.length - 1];
    if (page.length > 0 && (used.widgets + s.widgets > b.widgets || used.metrics + s.metrics > b.metrics)) {
      pages.push([s]);
      used = { widgets: s.widgets, metrics: s.metrics };
    } else {
      page.push(s);
      used = { widgets: used.widgets + s.widgets, metrics: used.metrics + s.metrics };
    }
  }
  return pages;
}

function uniqueGroupNames(page: Section[]): string[] {
  return [...new Set(page.map((s) => (s.group.datasetGroupArn ? `${s.group.name} (${s.group.region})` : `${UNKNOWN_GROUP} (${s.group.region})`)))];
}

// ---- overview (index dashboard) ------------------------------------------------------------

interface PageSummary {
  name: string;
  groups: string[];
  resources: number;
}

function overviewRows(input: DashboardInput, groups: Group[], pages: PageSummary[]): SizedWidget[][] {
  const rows: SizedWidget[][] = [
    [textWidget(headerMarkdown(input, groups), { width: GRID_COLUMNS - COUNT_WIDTH, height: HEADER_HEIGHT }),
      resourcesMonitoredWidget(input.homeRegion, { width: COUNT_WIDTH, height: HEADER_HEIGHT }),
    ],
  ];
  if (pages.length > 1) {
    const md = contentsMarkdown(input, pages);
    rows.push([textWidget(md, { width: GRID_COLUMNS, height: textHeight(md, MIN_TEXT_HEIGHT) })]);
  }
  rows.push(healthRow(input));
  const findings = findingsMarkdown(input.findings);
  rows.push([textWidget(findings, { width: GRID_COLUMNS, height: textHeight(findings, MIN_TEXT_HEIGHT) })]);
  const actions = actionsMarkdown(input.actions, input.now);
  rows.push([textWidget(actions, { width: GRID_COLUMNS, height: textHeight(actions, MIN_TEXT_HEIGHT) })]);
  return rows;
}

function homePartition(input: DashboardInput): string {
  return partitionOfRegion(input.homeRegion);
}

function headerMarkdown(input: DashboardInput, groups: Group[]): string {
  const resources = groups.flatMap((g) => g.resources);
  const campaigns = resources.filter((r) => r.type === 'campaign').length;
  const regions = [...new Set([input.homeRegion, ...(input.regions ?? []), ...resources.map((r) => r.region)])].sort(cmp);
  const regionLinks = regions.map((r) => `${mdLink(r, personalizeHomeUrl(partitionOfRegion(r), r))} (${mdLink('alarms', alarmsUrl(partitionOfRegion(r), r, input.alarmPrefix))})`);
  const sm = input.health?.stateMachineArn;
  return [
    `## Personalize Monitor – ${mdEscape(input.stackName)}`,
    '*Managed by Personalize Monitor: rebuilt automatically, manual edits are lost.*',
    `${campaigns} campaign(s) and ${resources.length - campaigns} recommender(s) in ${groups.length} dataset group(s).`,
    `Regions: ${regionLinks.join(' · ')}${sm ? ` | Monitor: ${mdLink('state machine', stateMachineUrl(sm))}` : ''}`,
  ].join('\n\n');
}

function contentsMarkdown(input: DashboardInput, pages: PageSummary[]): string {
  const partition = homePartition(input);
  return [
    `### Dashboards (the fleet is split to stay within CloudWatch's limits)`,
    mdTable(
      ['Dashboard', 'Resources', 'Dataset groups'],
      pages.map((p, i) => [
        i === 0 ? `${mdEscape(p.name)} (this one)` : mdLink(p.name, dashboardUrl(partition, input.homeRegion, p.name)),
        String(p.resources),
        mdEscape(p.groups.join(', ')),
      ]),
    ),
  ].join('\n\n');
}

function partHeader(input: DashboardInput, index: number, pages: PageSummary[]): SizedWidget {
  const index1 = pages[0].name;
  const md = [
    `## Personalize Monitor – ${mdEscape(input.stackName)} (dashboard ${index + 1} of ${pages.length})`,
    `Findings, actions and monitor health are on the index: ${mdLink(index1, dashboardUrl(homePartition(input), input.homeRegion, index1))}.`,
    `Dataset groups here: ${mdEscape(pages[index].groups.join(', '))}`,
  ].join('\n\n');
  return textWidget(md, { width: GRID_COLUMNS, height: textHeight(md, MIN_TEXT_HEIGHT) });
}

function emptyFleetText(input: DashboardInput): SizedWidget {
  const regions = [...new Set([input.homeRegion, ...(input.regions ?? [])])].sort(cmp);
  return textWidget(
    `### No campaigns or recommenders are monitored\n\nNone was found active in ${regions.join(', ')}. Graphs appear here once a campaign or recommender is active (or listed in the configuration).`,
    { width: GRID_COLUMNS, height: MIN_TEXT_HEIGHT },
  );
}

function healthRow(input: DashboardInput): SizedWidget[] {
  const sm = input.health?.stateMachineArn;
  const lines = ['### Monitor health'];
  const run = input.health?.lastRun;
  if (!run) lines.push('No monitor run reported to this build (rebuilt on an event); the next scheduled rebuild shows the last run.');
  else if (run.failedRegions.length === 0) lines.push(`Last successful run: **${formatTime(run.at)}**`);
  else lines.push(`Last run: **${formatTime(run.at)}**, failed in ${run.failedRegions.map(mdEscape).join(', ')}`);
  if (run && run.problems.length > 0) {
    const shown = [...run.problems].sort((a, b) => cmp(a.target, b.target) || cmp(a.error, b.error)).slice(0, MAX_PROBLEMS_LISTED);
    lines.push(`Problems (${shown.length} of ${run.problems.length}):`, shown.map((p) => `- \`${p.target}\`: ${mdEscape(truncate(p.error))}`).join('\n'));
  }
  if (sm) lines.push(mdLink('Open the MONITOR state machine', stateMachineUrl(sm)));
  const md = lines.join('\n\n');
  if (!sm) return [textWidget(md, { width: GRID_COLUMNS, height: textHeight(md, HEALTH_HEIGHT) })];
  const region = parseArnOrNone(sm)?.region || input.homeRegion;
  const height = textHeight(md, HEALTH_HEIGHT);
  return [monitorExecutionsGraph(sm, region, { width: GRID_COLUMNS / 2, height }), textWidget(md, { width: GRID_COLUMNS / 2, height })];
}

function findingsMarkdown(findings: readonly Finding[] | undefined): string {
  const title = '### Findings of the last run';
  if (findings === undefined) return `${title}\n\nNot part of this rebuild (triggered by an event); the next scheduled rebuild by the monitor shows them.`;
  if (findings.length === 0) return `${title}\n\nNo idle or over-provisioned campaign or recommender.`;
  const sorted = [...findings].sort(
    (a, b) => b.evidence.monthlyWasteUsd - a.evidence.monthlyWasteUsd || cmp(a.resourceArn, b.resourceArn) || cmp(a.kind, b.kind),
  );
  const total = sorted.reduce((n, f) => n + f.evidence.monthlyWasteUsd, 0);
  const rows = sorted.slice(0, MAX_TABLE_ROWS).map((f) => [
    `${mdEscape(f.name)} (${f.resourceType})`,
    f.region,
    f.kind === 'idle' ? 'Idle' : 'Over-provisioned',
    f.evidence.newMin !== undefined ? `${f.evidence.currentMin} → ${f.evidence.newMin}` : String(f.evidence.currentMin),
    `${f.evidence.utilizationPercent.toFixed(1)}%`,
    formatUsd(f.evidence.monthlyWasteUsd),
    f.dryRun ? `${f.action} (dry run)` : f.actionEnabled ? f.action : 'report only',
    mdEscape(truncate(f.reason)),
  ]);
  const more = sorted.length > MAX_TABLE_ROWS ? `\n\n…and ${sorted.length - MAX_TABLE_ROWS} more (largest waste listed first).` : '';
  return [
    title,
    `${sorted.length} finding(s), estimated waste **${formatUsd(total)} per month**.`,
    mdTable(['Resource', 'Region', 'Finding', 'Minimum', 'Utilization', 'Est. monthly waste', 'Action', 'Reason'], rows) + more,
  ].join('\n\n');
}

function actionsMarkdown(actions: readonly DashboardAction[] | undefined, now: number): string {
  const title = `### Actions (last ${ACTIONS_LOOKBACK_MS / 86_400_000} days)`;
  if (actions === undefined) return `${title}\n\nNone reported to this build.`;
  const recent = actions
    .filter((a) => a.at >= now - ACTIONS_LOOKBACK_MS)
    .sort((a, b) => b.at - a.at || cmp(a.resourceArn, b.resourceArn) || cmp(a.action, b.action) || cmp(a.outcome, b.outcome));
  if (recent.length === 0) return `${title}\n\nNo action taken, approved, rejected or expired.`;
  const rows = recent.slice(0, MAX_TABLE_ROWS).map((a) => [
    formatTime(a.at),
    mdEscape(a.name),
    a.region,
    a.action,
    a.outcome,
    mdEscape(truncate(a.detail ?? '')),
  ]);
  const more = recent.length > MAX_TABLE_ROWS ? `\n\n…and ${recent.length - MAX_TABLE_ROWS} older.` : '';
  return `${title}\n\n${mdTable(['When', 'Resource', 'Region', 'Action', 'Outcome', 'Detail'], rows)}${more}`;
}

// ---- grid ----------------------------------------------------------------------------------

/** Places rows top to bottom, widgets of a row left to right; a row is as tall as its tallest widget. */
function stackRows(rows: SizedWidget[][]): Widget[] {
  const out: Widget[] = [];
  let y = 0;
  for (const row of rows) {
    let x = 0;
    for (const w of row) {
      out.push(place(w, x, y));
      x += w.width;
    }
    y += Math.max(0, ...row.map((w) => w.height));
  }
  return out;
}

/** Height of a text widget for its markdown, within [min, CloudWatch's maximum]. */
function textHeight(markdown: string, min: number): number {
  const lines = markdown.split('\n').length;
  return Math.min(MAX_WIDGET_HEIGHT, Math.max(min, Math.ceil(lines * GRID_UNITS_PER_TEXT_LINE) + 1));
}

/**
 * Metrics of widgets as CloudWatch counts them against its per-dashboard limit: every row of a
 * metric widget, hidden metric rows and metric-math expression rows included (the utilization and
 * capacity graphs draw 2 rows per resource: a hidden request sum and an expression).
 */
function countMetrics(widgets: SizedWidget[]): number {
  return widgets.reduce((n, w) => n + (w.type === 'metric' ? w.properties.metrics.length : 0), 0);
}

function truncate(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

/** Invariant of the packing; a violation is a bug here, caught before PutDashboard would reject it. */
function assertWithinLimits(doc: DashboardDocument, body: DashboardBody): void {
  const s = dashboardStats(body);
  if (s.widgets > MAX_WIDGETS_PER_DASHBOARD || s.metrics > MAX_METRICS_PER_DASHBOARD || s.maxMetricsPerWidget > MAX_METRICS_PER_WIDGET) {
    throw new Error(`dashboard ${doc.name}: ${s.widgets} widgets, ${s.metrics} metrics, ${s.maxMetricsPerWidget} in one widget exceed CloudWatch's limits`);
  }
}
