/**
 * The Logs Insights queries of the dashboard's live tables, over the records the tasks write
 * (core/contracts/records.ts). Pure: names in, query strings out. Each query stays inside the
 * subset the local evaluator checks (sim/logs-insights.ts), and follows Logs Insights QL:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
 * (`dedup` may only be followed by `limit`; `latest()` in the first `stats` only).
 *
 * A log widget runs its query over the dashboard's time range whenever the dashboard is viewed or
 * refreshed: the tables are live without any rebuild.
 */
import { functionName, lambdaLogGroupName } from '../contracts/names';
import { RECORD_FIELD } from '../contracts/records';

/** Rows a table shows (Logs Insights returns at most 10,000; a dashboard table stays readable). */
export const QUERY_ROW_LIMIT = 100;

/** The log group of a task's function. */
export function taskLogGroup(stackName: string, task: string): string {
  return lambdaLogGroupName(functionName(stackName, task));
}

function sources(groups: readonly string[]): string {
  for (const g of groups) if (!/^[\w./#-]+$/.test(g)) throw new Error(`log group name "${g}" has characters a SOURCE command cannot quote`);
  return groups.map((g) => `SOURCE '${g}'`).join(' | ');
}

function query(groups: readonly string[], commands: readonly string[]): string {
  return [sources(groups), ...commands].join('\n| ');
}

const isRecord = (kind: string) => `filter ${RECORD_FIELD} = "${kind}"`;

/** `value` as a Logs Insights string literal: double-quoted, backslash and double quote escaped. */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * Open findings: each resource's latest decision in the time range, where it found something
 * (a later `none` – in use again, or gone from the fleet – closes it). Newest first, then by waste.
 */
export function openFindingsQuery(stackName: string): string {
  return query(
    [taskLogGroup(stackName, 'collect')],
    [
      isRecord('decision'),
      'stats latest(finding) as finding, latest(name) as resource, latest(resourceType) as resourceType, latest(region) as region, latest(minimum) as minimum, latest(utilizationPercent) as utilizationPercent, latest(monthlyWasteUsd) as wasteUsdPerMonth, latest(nextStep) as nextStep, latest(reason) as reason, latest(at) as decidedAt by resourceArn',
      'filter finding != "none"',
      'sort decidedAt desc, wasteUsdPerMonth desc',
      `limit ${QUERY_ROW_LIMIT}`,
    ],
  );
}

/** Count and estimated monthly waste of the open findings (same selection as the table). */
export function openFindingsTotalQuery(stackName: string): string {
  return query(
    [taskLogGroup(stackName, 'collect')],
    [
      isRecord('decision'),
      'stats latest(finding) as finding, latest(monthlyWasteUsd) as waste by resourceArn',
      'filter finding != "none"',
      'stats count(*) as openFindings, sum(waste) as wasteUsdPerMonth',
    ],
  );
}

/**
 * Every outcome of every ACTION execution, newest first: the notify step records each outcome,
 * the approval function each approval (a retried step's duplicate is dropped).
 */
export function actionsQuery(stackName: string): string {
  return query(
    [taskLogGroup(stackName, 'action-notify'), taskLogGroup(stackName, 'approval')],
    [
      isRecord('action'),
      'fields at, resource, region, action, outcome, decidedBy, detail, executionArn',
      'sort at desc',
      'dedup executionArn, outcome',
      `limit ${QUERY_ROW_LIMIT}`,
    ],
  );
}

/** MONITOR runs that reached their summary, by outcome (`ok` / `regionFailed`), with the last of each. */
export function runsQuery(stackName: string): string {
  return query([taskLogGroup(stackName, 'summarize-run')], [isRecord('run'), 'stats count(*) as runs, latest(at) as lastRun by outcome', 'sort lastRun desc']);
}

/** Regions that failed, with how often and the last cause. */
export function failedRegionsQuery(stackName: string): string {
  return query(
    [taskLogGroup(stackName, 'summarize-run')],
    [isRecord('regionFailed'), 'stats count(*) as failedRuns, latest(cause) as lastCause, latest(at) as lastFailed by region', 'sort lastFailed desc', `limit ${QUERY_ROW_LIMIT}`],
  );
}

/**
 * Endpoint health from the health-check canary (healthCheck on): per resource the checks in the
 * range, the share that succeeded, their average latency, and the last outcome with its detail.
 * Least available first.
 */
export function canaryQuery(stackName: string): string {
  return query(
    [taskLogGroup(stackName, 'canary')],
    [
      isRecord('canary'),
      'stats count(*) as checks, avg(succeeded) as successShare, avg(latencyMs) as avgLatencyMs, latest(outcome) as lastOutcome, latest(detail) as lastDetail, latest(at) as lastCheck, latest(name) as resource, latest(region) as region by resourceArn',
      'sort successShare asc, avgLatencyMs desc',
      `limit ${QUERY_ROW_LIMIT}`,
    ],
  );
}

/**
 * Data feed from the data-feed task (its checks on, PM_DATA_FEED_CHECKS): per dataset group its latest check –
 * last event and events per hour, last import and training with their status, newest ACTIVE
 * model, versions, campaigns on an older model, and the open findings with their checks. Most
 * open findings first. With `datasetGroupArn`, that group only.
 */
export function dataFeedQuery(stackName: string, datasetGroupArn?: string): string {
  return query(
    [taskLogGroup(stackName, 'data-feed')],
    [
      isRecord('dataFeed'),
      ...(datasetGroupArn === undefined ? [] : [`filter datasetGroupArn = ${quoted(datasetGroupArn)}`]),
      'stats latest(name) as name, latest(region) as region, latest(lastEventAt) as lastEventAt, latest(eventsPerHour) as eventsPerHour, latest(lastImportAt) as lastImportAt, latest(lastImportStatus) as lastImportStatus, latest(lastTrainingAt) as lastTrainingAt, latest(lastTrainingStatus) as lastTrainingStatus, latest(latestActiveModelAt) as latestActiveModelAt, latest(activeVersions) as activeVersions, latest(campaignsOnOldModel) as campaignsOnOldModel, latest(openFindings) as openFindings, latest(checks) as checks, latest(at) as lastCheck by datasetGroupArn',
      'sort openFindings desc, name asc',
      `limit ${QUERY_ROW_LIMIT}`,
    ],
  );
}
