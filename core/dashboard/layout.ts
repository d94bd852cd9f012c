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
import type { MonitoredResource } from '../types';
import {
  ACTIONS_LOOKBACK_MS,
  DASHBOARD_START,
  GRID_COLUMNS,
  MAX_METRICS_PER_DASHBOARD,
  MAX_METRICS_PER_WIDGET,
  MAX_WIDGETS_PER_DASHBOARD,
  MAX_WIDGET_HEIGHT,
  RESOURCES_PER_SECTION,
} from './constants';
import { alarmsUrl, dashboardUrl, datasetGroupUrl, parseArnOrNone, partitionOfRegion, personalizeHomeUrl, stateMachineUrl } from './links';
import { mdEscape, mdLink, mdTable } from './markdown';
import { actionsQuery, failedRegionsQuery, openFindingsQuery, canaryQuery, dataFeedQuery, openFindingsTotalQuery, runsQuery } from './queries';
import { dashboardPageName } from './names';
import type { DashboardBody, DashboardDocument, MonitorHealth, SizedWidget, Widget } from './types';
import {
  alarmStatusWidget,
  capacityGraph,
  errorsGraph,
  latencyGraph,
  logTableWidget,
  monitorExecutionsGraph,
  monitorRunCountsWidget,
  place,
  resourcesMonitoredWidget,
  textWidget,
  utilizationGraph,
} from './widgets';

export interface DashboardInput {
  fleet: readonly MonitoredResource[];
  health?: MonitorHealth;
  stackName: string;
  /** The deployment's alarm prefix: the alarms links show only our alarms (absent: all alarms of the region). */
  alarmPrefix?: string;
  homeRegion: string;
  /** Monitored regions (header links); defaults to the home region and the fleet's regions. */
  regions?: readonly string[];
  /**
   * The data-feed task runs (PM_DATA_FEED_CHECKS): its `dataFeed` records are shown, on the index
   * (one row per dataset group) and in each dataset group's section. Absent: not drawn at all.
   */
  dataFeed?: boolean;
}

/** Size of the graphs of a dataset group: three 8-wide graphs per row, as the original. */
const GRAPH = { width: 8, height: 8 } as const;
const HEADER_HEIGHT = 4;
/** Width of the "Resources Monitored" number beside the header. */
const COUNT_WIDTH = 6;
/** Smallest text widget that shows a title and a sentence. */
const MIN_TEXT_HEIGHT = 3;
const SECTION_HEADER_HEIGHT = 2;
/** Heights of the live tables: about 15 rows of the findings and actions tables show without scrolling. */
const TABLE_HEIGHT = 9;
const HEALTH_HEIGHT = 6;
/** Height of a dataset group's own data-feed table: its title, the column names and its one row. */
const GROUP_DATA_FEED_HEIGHT = 4;
/** Width of the findings total beside the findings table. */
const TOTAL_WIDTH = 6;
/** Grid units per markdown line (a text widget row is taller than a line of text). */
const GRID_UNITS_PER_TEXT_LINE = 0.6;
const MIN_TABLE_HEIGHT = 6;

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
  const feed = dataFeedTables(input);
  const sections = groups.flatMap((g) => sectionsOf(g, feed));

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

/** Where a section's data-feed table reads (the data-feed task's log group is in the home region). */
interface DataFeedTables {
  stackName: string;
  region: string;
}

/** The data-feed tables' source when the input shows them, else undefined (no table at all). */
function dataFeedTables(input: DashboardInput): DataFeedTables | undefined {
  return input.dataFeed ? { stackName: input.stackName, region: input.homeRegion } : undefined;
}

interface Section {
  group: Group;
  resources: MonitoredResource[];
  rows: SizedWidget[][];
  widgets: number;
  metrics: number;
}

/**
 * The sections of a group; their widget and metric counts are those of their rows, so the packing
 * counts the data-feed table of the first section as any other widget.
 */
function sectionsOf(group: Group, feed: DataFeedTables | undefined): Section[] {
  const parts = Math.ceil(group.resources.length / RESOURCES_PER_SECTION);
  const out: Section[] = [];
  for (let p = 0; p < parts; p++) {
    const first = p * RESOURCES_PER_SECTION;
    const resources = group.resources.slice(first, first + RESOURCES_PER_SECTION);
    const rows = sectionRows(group, resources, p, parts, first, feed);
    const flat = rows.flat();
    out.push({ group, resources, rows, widgets: flat.length, metrics: countMetrics(flat) });
  }
  return out;
}

function sectionRows(group: Group, resources: MonitoredResource[], part: number, parts: number, first: number, feed: DataFeedTables | undefined): SizedWidget[][] {
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
  // The group's data feed once, in its first section (a group without an ARN has no feed to show).
  const feedRows = feed && part === 0 && group.datasetGroupArn ? [[groupDataFeedTable(group, group.datasetGroupArn, feed)]] : [];
  return [
    [textWidget(header, { width: GRID_COLUMNS, height: SECTION_HEADER_HEIGHT })],
    ...feedRows,
    [
      capacityGraph(resources, group.region, GRAPH, suffix),
      utilizationGraph(resources, group.region, GRAPH, suffix),
      latencyGraph(resources, group.region, GRAPH, suffix),
    ],
    [errorsGraph(resources, group.region, { width: GRAPH.width, height: tableHeight }, suffix), textWidget(table, { width: GRID_COLUMNS - GRAPH.width, height: tableHeight })],
  ];
}

/** The latest data-feed check of one dataset group: one row, the width of the grid (its many columns). */
function groupDataFeedTable(group: Group, datasetGroupArn: string, feed: DataFeedTables): SizedWidget {
  return logTableWidget(`Data feed of ${group.name}: last event, import, training, versions`, feed.region, dataFeedQuery(feed.stackName, datasetGroupArn), {
    width: GRID_COLUMNS,
    height: GROUP_DATA_FEED_HEIGHT,
  });
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
  const { stackName, homeRegion } = input;
  const days = ACTIONS_LOOKBACK_MS / 86_400_000;
  rows.push([
    logTableWidget('Open findings (latest decision per resource; newest first)', homeRegion, openFindingsQuery(stackName), { width: GRID_COLUMNS - TOTAL_WIDTH, height: TABLE_HEIGHT }),
    logTableWidget('Open findings: count and estimated waste (USD per month)', homeRegion, openFindingsTotalQuery(stackName), { width: TOTAL_WIDTH, height: TABLE_HEIGHT }),
  ]);
  rows.push([logTableWidget(`Actions (every outcome; the dashboard opens on the last ${days} days)`, homeRegion, actionsQuery(stackName), { width: GRID_COLUMNS, height: TABLE_HEIGHT })]);
  if (input.health?.canary) {
    rows.push([
      logTableWidget('Endpoint health (health-check canary): checks, share succeeded, average latency (ms), last outcome – least available first', homeRegion, canaryQuery(stackName), {
        width: GRID_COLUMNS,
        height: TABLE_HEIGHT,
      }),
    ]);
  }
  if (input.dataFeed) {
    rows.push([
      logTableWidget('Data feed per dataset group: last event, events per hour, last import, last training, newest model, open findings – most findings first', homeRegion, dataFeedQuery(stackName), {
        width: GRID_COLUMNS,
        height: TABLE_HEIGHT,
      }),
    ]);
  }
  rows.push(...healthRows(input));
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

/**
 * The monitor's health: runs that reached their summary (by outcome, with the last of each),
 * failed regions with their cause, every execution's outcome from AWS/States (failed and timed
 * out runs write no summary), the monitor's own alarms, and its executions over time.
 */
function healthRows(input: DashboardInput): SizedWidget[][] {
  const sm = input.health?.stateMachineArn;
  const alarms = input.health?.alarmArns ?? [];
  const third = GRID_COLUMNS / 3;
  const logs = [
    logTableWidget('Monitor runs by outcome (last successful: outcome ok)', input.homeRegion, runsQuery(input.stackName), { width: sm ? third : GRID_COLUMNS / 2, height: HEALTH_HEIGHT }),
    logTableWidget('Failed regions and their cause', input.homeRegion, failedRegionsQuery(input.stackName), { width: sm ? third : GRID_COLUMNS / 2, height: HEALTH_HEIGHT }),
  ];
  const region = (sm && parseArnOrNone(sm)?.region) || input.homeRegion;
  const rows: SizedWidget[][] = [sm ? [...logs, monitorRunCountsWidget(sm, region, { width: third, height: HEALTH_HEIGHT })] : logs];
  const bottom: SizedWidget[] = [];
  if (alarms.length > 0) bottom.push(alarmStatusWidget("The monitor's own alarms", alarms, { width: sm ? GRID_COLUMNS / 2 : GRID_COLUMNS, height: HEALTH_HEIGHT }));
  if (sm) bottom.push(monitorExecutionsGraph(sm, region, { width: alarms.length > 0 ? GRID_COLUMNS / 2 : GRID_COLUMNS, height: HEALTH_HEIGHT }));
  if (bottom.length > 0) rows.push(bottom);
  return rows;
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

/** Invariant of the packing; a violation is a bug here, caught before PutDashboard would reject it. */
function assertWithinLimits(doc: DashboardDocument, body: DashboardBody): void {
  const s = dashboardStats(body);
  if (s.widgets > MAX_WIDGETS_PER_DASHBOARD || s.metrics > MAX_METRICS_PER_DASHBOARD || s.maxMetricsPerWidget > MAX_METRICS_PER_WIDGET) {
    throw new Error(`dashboard ${doc.name}: ${s.widgets} widgets, ${s.metrics} metrics, ${s.maxMetricsPerWidget} in one widget exceed CloudWatch's limits`);
  }
}
