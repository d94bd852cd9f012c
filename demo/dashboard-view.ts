/**
 * What the dashboard shows, read as a person would read it: the index body's live tables (each
 * log widget's Logs Insights query run over the log lines the runner captured, in the body's
 * time range), the states its alarm widget shows, and the numbers of its run-count widget. The
 * demo prints it beside its own account of the run, and checks that both say the same.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { DashboardBody, LogWidget, MetricWidget, AlarmWidget } from '../core/dashboard/types';
import { runLogsInsightsQuery, type LogEventInput, type LogValue } from '../sim/logs-insights';
import { parseAlarmArn } from './dashboard-page/logs-alarms';
import { readSeries, singleValue, widgetRequests, type Widget } from './dashboard-page/metrics';
import { dashboardTimeRange, type TimeRange } from './dashboard-page/time';

export interface LiveTable {
  title: string;
  fields: string[];
  rows: Record<string, LogValue>[];
  bytesScanned: number;
}

export interface DashboardView {
  range: { start: string; end: string };
  tables: LiveTable[];
  alarms: { name: string; state: string }[];
  /** The run-count widget: label → value over the whole range. */
  runCounts: Record<string, number>;
}

/** Reads the index dashboard's live widgets. */
export async function readDashboardView(body: string, events: readonly LogEventInput[], nowMs: number, client: (region: string) => CloudWatchClient): Promise<DashboardView> {
  const parsed = JSON.parse(body) as DashboardBody;
  const range = dashboardTimeRange(parsed, nowMs);
  const tables = parsed.widgets
    .filter((w): w is LogWidget => w.type === 'log')
    .map((w) => {
      const r = runLogsInsightsQuery(w.properties.query, events, range);
      return { title: w.properties.title, fields: r.fields, rows: r.rows, bytesScanned: r.bytesScanned };
    });
  const alarms: DashboardView['alarms'] = [];
  for (const w of parsed.widgets.filter((x): x is AlarmWidget => x.type === 'alarm')) {
    for (const arn of w.properties.alarms) {
      const parsed = parseAlarmArn(arn);
      if (!parsed) {
        alarms.push({ name: arn, state: 'not an alarm ARN' });
        continue;
      }
      const { region, name } = parsed;
      const out = await client(region).send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
      alarms.push({ name, state: out.MetricAlarms?.[0]?.StateValue ?? 'not found' });
    }
  }
  const counts = parsed.widgets.find((w): w is MetricWidget => w.type === 'metric' && w.properties.setPeriodToTimeRange === true);
  return {
    range: { start: new Date(range.startMs).toISOString(), end: new Date(range.endMs).toISOString() },
    tables,
    alarms,
    runCounts: counts ? await wholeRangeSums(counts, range, client) : {},
  };
}

/** A single-value widget's numbers over the whole range, as the page shows them (no datapoint: 0). */
async function wholeRangeSums(w: MetricWidget, range: TimeRange, client: (region: string) => CloudWatchClient): Promise<Record<string, number>> {
  const { requests } = widgetRequests(w as unknown as Widget, range.endMs - range.startMs, { wholeRange: true });
  const series = await readSeries(requests, client, range.startMs, range.endMs);
  return Object.fromEntries(series.map((s) => [s.label, singleValue(s, true).value ?? 0]));
}

/** An ACTION execution as the demo saw it end. */
export interface SeenAction {
  execution: string;
  /** The demo's word: done, rejected, expired, skipped, reported only, failed, awaiting approval, running, ... */
  outcome: string;
}

/** The actions table's word for the demo's (undefined: no outcome recorded yet, e.g. still waiting). */
const RECORDED: Record<string, string> = { done: 'done', rejected: 'rejected', expired: 'expired', skipped: 'skipped', failed: 'failed', 'reported only': 'report' };

/**
 * Where the demo's account and the dashboard's actions table differ: every ended execution must
 * have its outcome in the table, and the table no outcome of an execution the demo did not see.
 */
export function actionDisagreements(seen: readonly SeenAction[], table: LiveTable | undefined): string[] {
  if (!table) return ['the dashboard has no actions table'];
  const rows = table.rows.map((r) => ({ execution: String(r.executionArn ?? '').split(':').pop() ?? '', outcome: String(r.outcome ?? '') }));
  const problems: string[] = [];
  for (const a of seen) {
    const word = RECORDED[a.outcome];
    if (word && !rows.some((r) => r.execution === a.execution && r.outcome === word)) problems.push(`${a.execution}: ${a.outcome} is not on the dashboard`);
  }
  const known = new Set(seen.map((a) => a.execution));
  for (const r of rows) if (!known.has(r.execution)) problems.push(`${r.execution}: ${r.outcome} on the dashboard, but no such execution ran`);
  return problems;
}

/** A finding as the demo printed it, with the ARN of its resource. */
export interface SeenFinding {
  resourceArn: string;
  name: string;
}

/**
 * Where the demo's findings and the dashboard's open findings differ: every open finding on the
 * dashboard was found by the run, and none is open for a resource whose ACTION took effect (done)
 * after it was last found.
 */
export function findingDisagreements(
  findings: readonly SeenFinding[],
  done: readonly { resourceArn: string; at: string }[],
  open: LiveTable | undefined,
): string[] {
  if (!open) return ['the dashboard has no open-findings table'];
  const found = new Set(findings.map((f) => f.resourceArn));
  const problems: string[] = [];
  for (const r of open.rows) {
    const arn = String(r.resourceArn ?? '');
    if (!found.has(arn)) problems.push(`${String(r.resource)}: open on the dashboard, but the run never found it`);
    const decided = Date.parse(String(r.decidedAt ?? ''));
    if (done.some((d) => d.resourceArn === arn && Date.parse(d.at) > decided)) problems.push(`${String(r.resource)}: still open on the dashboard after its action took effect`);
  }
  return problems;
}
