/**
 * Log (Logs Insights table) and alarm status widgets: the logs come from what the caller captured,
 * alarm states from DescribeAlarms.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { parseAlarmArn } from '../../core/contracts/ownership';
import { esc, formatNumber } from './format';

export { parseAlarmArn };

/** What a log widget asks for: its query over the dashboard's time range. */
export interface LogsQuery {
  query: string;
  region: string;
  startMs: number;
  endMs: number;
}

/** Results of a Logs Insights query, as GetQueryResults gives them (fields in column order). */
export interface LogsResult {
  fields: string[];
  rows: Record<string, string | number | boolean | null>[];
  recordsScanned?: number;
  bytesScanned?: number;
}

/** Runs (or looks up) a log widget's query. */
export type LogsSource = (q: LogsQuery) => LogsResult | Promise<LogsResult>;

/**
 * A cell of a log table: numbers formatted (integers as integers), numeric text such as `9.0`
 * shown as `9` (Logs Insights returns every value as text), other text (ISO timestamps, ARNs,
 * account ids) as is, null as an empty cell.
 */
export function logCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  // Only a decimal with trailing zeros is rewritten: grouping digits of ids would change them.
  const m = /^(-?\d+)\.0+$/.exec(v);
  return m ? m[1] : v;
}

/** The body of a log widget: the table of results (or a note), then the query in `<details>`. */
export async function logWidgetBody(properties: Record<string, unknown>, logs: LogsSource | undefined, startMs: number, endMs: number): Promise<{ html: string; error: boolean }> {
  const query = String(properties.query ?? '');
  const region = String(properties.region ?? 'us-east-1');
  const details = `<details class="query"><summary>Query (${esc(region)})</summary><pre>${esc(query)}</pre></details>`;
  if (!logs) return { html: `<p class="note">No Logs Insights results were captured for this page: the renderer was given no logs source.</p>${details}`, error: false };
  let result: LogsResult;
  try {
    result = await logs({ query, region, startMs, endMs });
  } catch (e) {
    return { html: `<p class="note error">The Logs Insights query failed: ${esc((e as Error).message ?? String(e))}</p>${details}`, error: true };
  }
  // `@ptr` is the console's internal link to the record, never a column it shows.
  const fields = result.fields.filter((f) => f !== '@ptr');
  const scanned = [
    result.recordsScanned !== undefined ? `${formatNumber(result.recordsScanned)} records scanned` : '',
    result.bytesScanned !== undefined ? `${formatNumber(result.bytesScanned)} bytes scanned` : '',
  ].filter(Boolean);
  const count = `<p class="note row-count">${formatNumber(result.rows.length)} row${result.rows.length === 1 ? '' : 's'}${scanned.length ? ` · ${scanned.join(' · ')}` : ''}</p>`;
  if (result.rows.length === 0) return { html: `<p class="no-data">No data found</p>${count}${details}`, error: false };
  const head = `<tr>${fields.map((f) => `<th>${esc(f)}</th>`).join('')}</tr>`;
  const rows = result.rows.map((r) => `<tr>${fields.map((f) => `<td>${esc(logCell(r[f]))}</td>`).join('')}</tr>`).join('');
  return { html: `<div class="table-scroll"><table class="log-table">${head}${rows}</table></div>${count}${details}`, error: false };
}


interface AlarmState {
  name: string;
  state?: string;
  reason?: string;
  problem?: string;
}

/** DescribeAlarms allows at most this many AlarmNames per call. */
const MAX_NAMES_PER_CALL = 100;

/** The state of each alarm, by ARN order: one DescribeAlarms (paged) per region and 100 names. */
async function alarmStates(arns: string[], client: (region: string) => CloudWatchClient): Promise<{ states: AlarmState[]; errors: number }> {
  const parsed = arns.map((arn) => ({ arn, at: parseAlarmArn(arn) }));
  const found = new Map<string, { state?: string; reason?: string }>();
  const failed = new Map<string, string>();
  let errors = 0;
  const regions = [...new Set(parsed.flatMap((p) => (p.at ? [p.at.region] : [])))];
  for (const region of regions) {
    const names = [...new Set(parsed.filter((p) => p.at?.region === region).map((p) => p.at!.name))];
    for (let i = 0; i < names.length; i += MAX_NAMES_PER_CALL) {
      const batch = names.slice(i, i + MAX_NAMES_PER_CALL);
      try {
        let token: string | undefined;
        do {
          const res = await client(region).send(new DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: token }));
          for (const a of [...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? [])]) found.set(`${region}|${a.AlarmName}`, { state: a.StateValue, reason: a.StateReason });
          token = res.NextToken;
        } while (token);
      } catch (e) {
        // One region refusing still leaves the other tiles (and the page) drawn.
        errors += 1;
        for (const n of batch) failed.set(`${region}|${n}`, (e as Error).message ?? String(e));
      }
    }
  }
  const states = parsed.map(({ arn, at }): AlarmState => {
    if (!at) return { name: arn, problem: 'not an alarm ARN' };
    const key = `${at.region}|${at.name}`;
    if (failed.has(key)) return { name: at.name, problem: `DescribeAlarms failed: ${failed.get(key)}` };
    const hit = found.get(key);
    return hit ? { name: at.name, ...hit } : { name: at.name, problem: 'not found' };
  });
  return { states, errors };
}

const STATE_CLASS: Record<string, string> = { ALARM: 'state-alarm', OK: 'state-ok', INSUFFICIENT_DATA: 'state-insufficient' };

/** The body of an alarm widget: one tile per alarm, coloured by state (ALARM red, OK green, INSUFFICIENT_DATA grey). */
export async function alarmWidgetBody(properties: Record<string, unknown>, client: (region: string) => CloudWatchClient): Promise<{ html: string; errors: number }> {
  const arns = Array.isArray(properties.alarms) ? properties.alarms.map(String) : [];
  if (arns.length === 0) return { html: '<p class="note">This alarm widget lists no alarms.</p>', errors: 0 };
  const { states, errors } = await alarmStates(arns, client);
  const tiles = states.map((a) => {
    const cls = a.problem ? (a.problem === 'not found' ? 'state-missing' : 'state-error') : (STATE_CLASS[a.state ?? ''] ?? 'state-insufficient');
    const state = a.problem ?? a.state ?? 'unknown';
    return `<div class="alarm-tile ${cls}"><div class="alarm-name">${esc(a.name)}</div><div class="alarm-state">${esc(state)}</div>${a.reason ? `<div class="alarm-reason">${esc(a.reason)}</div>` : ''}</div>`;
  });
  return { html: `<div class="alarms">${tiles.join('')}</div>`, errors };
}
