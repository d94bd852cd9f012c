/**
 * The data-feed checks of one region for one MONITOR run: list the dataset groups, check those in
 * their hourly slot (core/time isDecisionSlot, like collect's decisions), compare with the open
 * findings stored, report what opened and what recovered (email and Slack through the home-region
 * topic, an event on the default bus), store what was reported, write one `dataFeed` record per
 * checked group, and keep each group's "ingestion stopped" alarm.
 *
 * Reports only: nothing here changes Personalize. A dry run reads and checks the same and writes
 * nothing: no notification, event, state or alarm (`wouldNotify` counts what it would send).
 * Nothing fails the run: every failure is a named problem and the next check tries again. A
 * finding whose delivery failed stays stored unreported and is delivered by the group's next check.
 */
import type { CloudWatchClient } from '../aws/cloudwatch';
import type { EventBridgeClient } from '../aws/eventbridge';
import { putEvents } from '../aws/eventbridge';
import type { SNSClient } from '../aws/sns';
import { publishStructured } from '../aws/sns';
import { listDatasetGroupsPage, type PersonalizeClient } from '../aws/personalize';
import {
  DATA_FEED_DETAIL_TYPES,
  dataFeedPartition,
  openItemSortKey,
  type DataFeedFinding,
  type DataFeedSettings,
  type DataFeedStatus,
  type DatasetGroupFacts,
  type OpenFindingItem,
} from '../../core/contracts/data-feed';
import { EVENT_SOURCE } from '../../core/contracts/events';
import type { AlarmOwnership } from '../../core/contracts/ownership';
import type { Problem, RunContext } from '../../core/contracts/run';
import { chatContentFromEmail, snsJsonMessage } from '../../core/chat-message';
import { checkDatasetGroup, dataFeedEventDetail, dataFeedNotification, dataFeedRecord, ingestionAlarmName, ingestionAlarmSpecs, planOpenFindings } from '../../core/data-feed';
import { isDecisionSlot } from '../../core/time';
import type { AlarmSpec } from '../../core/types';
import type { Logger } from '../shared/logger';
import { ApiCallCounter, describeError } from '../collect/aws-calls';
import { reconcileAlarms } from '../collect/alarm-reconciler';
import { UNLIMITED_BUDGET, type Budget } from '../collect/budget';
import { allPages, readGroupsFacts, readPutEventsHours, type ListedGroup } from './facts';
import { openItemExpiry, type OpenFindingsStore } from './open-findings';

/** Notifications (each with its event) sent per region and run at most; the rest go out with later checks. */
export const MAX_DELIVERIES_PER_RUN = 20;
/** Problems listed in a result; the rest are counted. */
export const MAX_PROBLEMS_IN_RESULT = 20;

export interface DataFeedInput {
  region: string;
  run: RunContext;
}

export interface DataFeedDeps {
  personalize: PersonalizeClient;
  cloudwatch: CloudWatchClient;
  /** Home-region clients: the notification topic and the default bus are there. */
  sns: SNSClient;
  events: EventBridgeClient;
  logger: Logger;
  store: OpenFindingsStore;
  /** Home-region notification topic (PM_NOTIFY_TOPIC_ARN). */
  notifyTopicArn: string;
  /** This region's alarm topic (PM_ALARM_TOPIC_ARNS): the ingestion alarm notifies it; absent → no actions (a problem). */
  alarmTopicArn?: string;
  ownership: AlarmOwnership;
  budget?: Budget;
}

/** What a region's data-feed check did (small: it travels through the MONITOR). */
export interface DataFeedResult {
  region: string;
  /** Dataset groups listed, and checked this run (those in their slot). */
  datasetGroups: number;
  checked: number;
  /** Findings open in the region after this run (of every group, checked or not). */
  open: number;
  opened: number;
  recovered: number;
  /** Notifications (with their events) sent; in a dry run those it would have sent. */
  notified: number;
  wouldNotify: number;
  alarms: { created: number; updated: number; deleted: number; unchanged: number };
  problems: Problem[];
  apiCalls: number;
}

/** The checks' settings from the run. */
export function settingsOf(run: RunContext): DataFeedSettings {
  return {
    eventIngestionIdleHours: run.eventIngestionIdleHours,
    putEventsErrorPercent: run.putEventsErrorPercent,
    maxImportAgeDays: run.maxImportAgeDays > 0 ? run.maxImportAgeDays : undefined,
    maxModelAgeDays: run.maxModelAgeDays,
    campaignVersionLagHours: run.campaignVersionLagHours,
    exemptionTagKey: run.exemptionTagKey,
  };
}

/** One notification to send: a finding opened (or still unreported) or recovered. */
interface Delivery {
  item: OpenFindingItem;
  status: DataFeedStatus;
  why?: string;
}

/** Checks `input.region`'s data feed. Never throws for AWS failures: they are `problems`. */
export async function checkRegionDataFeed(input: DataFeedInput, deps: DataFeedDeps): Promise<DataFeedResult> {
  const { region, run } = input;
  const now = Date.parse(run.now);
  const log = deps.logger.child({ region, executionName: run.executionName });
  const calls = new ApiCallCounter();
  const problems: Problem[] = [];
  const budget = deps.budget ?? UNLIMITED_BUDGET;
  const result: DataFeedResult = { region, datasetGroups: 0, checked: 0, open: 0, opened: 0, recovered: 0, notified: 0, wouldNotify: 0, alarms: { created: 0, updated: 0, deleted: 0, unchanged: 0 }, problems, apiCalls: 0 };
  const done = (): DataFeedResult => {
    result.apiCalls = calls.total;
    log.info('data feed checked', { ...result, problems: problems.length, apiCallsByOperation: calls.byOperation() });
    result.problems = boundProblems(problems);
    return result;
  };

  const ctx = { region, calls, problems };
  const groups = await listGroups(deps.personalize, ctx);
  // Without the listing nothing is checked this run (and nothing recovers).
  if (!groups) return done();
  result.datasetGroups = groups.length;
  let open: OpenFindingItem[];
  try {
    open = await deps.store.load(region, now, () => calls.add('Query'));
  } catch (err) {
    // Without what was reported, reporting again would repeat every open finding: check next run.
    problems.push({ target: `state:${region}`, error: `open findings not read, no check this run: ${describeError(err)}` });
    return done();
  }

  const due = groups.filter((g) => isDecisionSlot(g.arn, now));
  const { facts, notRead } = await readGroupsFacts(deps.personalize, due, ctx, () => budget.allows());
  // Not checked for lack of time: they come round in their slot next hour (nothing recovers meanwhile).
  if (notRead.length > 0) problems.push({ target: `datasetGroups:${region}`, error: `${notRead.length} of ${due.length} dataset groups due were not checked (time budget); they are checked in their slot next hour` });
  await readPutEventsHours(deps.cloudwatch, facts, now, ctx);
  result.checked = facts.length;

  const settings = settingsOf(run);
  const puts: OpenFindingItem[] = [];
  const deletes: OpenFindingItem[] = [];
  const deliveries: Delivery[] = [];
  const desiredAlarms: AlarmSpec[] = [];
  const item = (finding: DataFeedFinding, openedAt: number, reportedAt?: number): OpenFindingItem => ({
    pk: dataFeedPartition(region),
    sk: openItemSortKey(finding.check, finding.resourceArn),
    finding,
    openedAt,
    checkedAt: now,
    reportedAt,
    expiresAt: openItemExpiry(now),
  });

  for (const f of facts) {
    const groupOpen = open.filter((i) => i.finding.datasetGroupArn === f.arn);
    const check = checkDatasetGroup(f, settings, now, new Set(groupOpen.map((i) => i.sk)));
    const plan = planOpenFindings(groupOpen, check, goneResources(groupOpen, f));
    for (const finding of plan.opened) {
      const it = item(finding, now);
      puts.push(it);
      deliveries.push({ item: it, status: 'open' });
    }
    for (const { item: before, finding } of plan.stillOpen) {
      const it = item(finding, before.openedAt, before.reportedAt);
      puts.push(it);
      if (before.reportedAt === undefined) deliveries.push({ item: it, status: 'open' });
    }
    for (const { item: before, why } of plan.recovered) deliveries.push({ item: before, status: 'recovered', why });
    deletes.push(...plan.silenced);
    result.opened += plan.opened.length;
    result.recovered += plan.recovered.length;
    const openAfter = [...plan.opened, ...plan.stillOpen.map((s) => s.finding)];
    log.record(dataFeedRecord(f, openAfter, now));
    desiredAlarms.push(...ingestionAlarmSpecs(f, settings, check, now, deps.ownership.prefix, deps.alarmTopicArn ?? ''));
  }
  // Groups the (complete) listing no longer shows: their findings recover (the group is gone).
  const listed = new Set(groups.map((g) => g.arn));
  for (const i of open) {
    if (listed.has(i.finding.datasetGroupArn)) continue;
    deliveries.push({ item: i, status: 'recovered', why: `dataset group ${i.finding.datasetGroupName} no longer exists` });
    result.recovered++;
  }

  if (run.dryRun) {
    result.wouldNotify = deliveries.length;
    result.open = open.length + result.opened - result.recovered - deletes.length;
    for (const d of deliveries) log.info('data feed finding (dry run: not sent)', { status: d.status, check: d.item.finding.check, resourceArn: d.item.finding.resourceArn, reason: d.item.finding.reason });
    return done();
  }

  // Deliver: each notification with its event; a failure leaves the finding unreported (open)
  // or not yet recovered (still stored), for the next check.
  let sent = 0;
  for (const d of deliveries) {
    // Left for a later check: an opened finding is stored unreported, a recovered one stays stored.
    if (sent >= MAX_DELIVERIES_PER_RUN || !budget.allows()) continue;
    sent++;
    try {
      await deliver(deps, d, now, calls);
      result.notified++;
      if (d.status === 'open') d.item.reportedAt = now;
      else deletes.push(d.item);
    } catch (err) {
      problems.push({ target: d.item.finding.resourceArn, error: `${d.status === 'open' ? 'finding' : 'recovery'} ${d.item.finding.check} not delivered, sent again with the next check: ${describeError(err)}` });
    }
  }

  try {
    const unprocessed = await deps.store.save(puts, dedupe(deletes), () => calls.add('BatchWriteItem'));
    if (unprocessed > 0) problems.push({ target: `state:${region}`, error: `${unprocessed} open-finding writes unprocessed after retries` });
  } catch (err) {
    problems.push({ target: `state:${region}`, error: `open findings not written (the next check may report them again): ${describeError(err)}` });
  }
  const deleted = new Set(deletes.map((d) => d.sk));
  const kept = new Map<string, boolean>(open.filter((i) => !deleted.has(i.sk)).map((i) => [i.sk, true]));
  for (const p of puts) kept.set(p.sk, true);
  result.open = kept.size;

  if (facts.length > 0) await reconcileIngestionAlarms(deps, { region, facts, groups, desired: desiredAlarms, calls, problems, budget, result });
  return done();
}

/** The region's ACTIVE dataset groups (all pages); undefined (and a problem) when the listing failed. */
async function listGroups(personalize: PersonalizeClient, ctx: { region: string; calls: ApiCallCounter; problems: Problem[] }): Promise<ListedGroup[] | undefined> {
  const all = await allPages('ListDatasetGroups', `datasetGroups:${ctx.region}`, ctx, (t) => listDatasetGroupsPage(personalize, t));
  return all?.flatMap((g) => (g.datasetGroupArn && g.status === 'ACTIVE' ? [{ arn: g.datasetGroupArn, name: g.name ?? '' }] : []));
}

/** Resources of open findings that this group's complete facts no longer show. */
function goneResources(open: readonly OpenFindingItem[], f: DatasetGroupFacts): Set<string> {
  const incomplete = new Set(f.incomplete);
  const present: Record<string, { complete: boolean; arns: Set<string> }> = {
    eventTracker: { complete: !incomplete.has('trackers'), arns: new Set(f.trackers.map((t) => t.arn)) },
    dataset: { complete: !incomplete.has('datasets'), arns: new Set(f.datasets.map((d) => d.arn)) },
    solution: { complete: !incomplete.has('solutions'), arns: new Set(f.solutions.map((s) => s.arn)) },
    campaign: { complete: !incomplete.has('solutions') && !incomplete.has('campaigns'), arns: new Set(f.campaigns.map((c) => c.arn)) },
    recommender: { complete: !incomplete.has('recommenders'), arns: new Set(f.recommenders.map((r) => r.arn)) },
  };
  const gone = new Set<string>();
  for (const i of open) {
    const p = present[i.finding.resourceType];
    if (p?.complete && !p.arns.has(i.finding.resourceArn)) gone.add(i.finding.resourceArn);
  }
  return gone;
}

/** Sends one notification (email + Slack through the topic) and its event. @throws the SDK error. */
async function deliver(deps: DataFeedDeps, d: Delivery, now: number, calls: ApiCallCounter): Promise<void> {
  const { finding } = d.item;
  const n = dataFeedNotification(finding, d.status, d.item.openedAt, now, d.why);
  calls.add('Publish');
  await publishStructured(deps.sns, deps.notifyTopicArn, n.subject, snsJsonMessage(n.message, chatContentFromEmail(n.subject, n.message, { keywords: ['PersonalizeMonitor', 'DataFeed'] })));
  calls.add('PutEvents');
  const out = await putEvents(deps.events, [
    {
      Source: EVENT_SOURCE,
      DetailType: DATA_FEED_DETAIL_TYPES[finding.check],
      Detail: JSON.stringify(dataFeedEventDetail(finding, d.status, d.item.openedAt, d.why)),
      Resources: [finding.resourceArn],
      EventBusName: 'default',
    },
  ]);
  if (out.failed > 0) throw new Error(`PutEvents rejected the event (${out.errorCodes.join(', ')})`);
}

/** The checked groups' ingestion alarms: created, rewritten, or deleted when no longer wanted (or the group is gone). */
async function reconcileIngestionAlarms(
  deps: DataFeedDeps,
  ctx: { region: string; facts: DatasetGroupFacts[]; groups: ListedGroup[]; desired: AlarmSpec[]; calls: ApiCallCounter; problems: Problem[]; budget: Budget; result: DataFeedResult },
): Promise<void> {
  const prefix = deps.ownership.prefix;
  // Only a group whose trackers were read decides about its alarm.
  const decided = new Set(ctx.facts.filter((f) => !f.incomplete.includes('trackers') && f.trackers.every((t) => t.status !== 'ACTIVE' || t.hours)).map((f) => ingestionAlarmName(prefix, f)));
  const listed = new Set(ctx.groups.map((g) => ingestionAlarmName(prefix, g)));
  const desired = ctx.desired.filter((s) => decided.has(s.name));
  if (desired.length > 0 && !deps.alarmTopicArn) ctx.problems.push({ target: `alarms:${ctx.region}`, error: `no SNS topic for ${ctx.region} in PM_ALARM_TOPIC_ARNS; ingestion alarms were created without actions` });
  try {
    const r = await reconcileAlarms(deps.cloudwatch, desired, {
      region: ctx.region,
      discoveryComplete: true,
      calls: ctx.calls,
      ownership: deps.ownership,
      budget: ctx.budget,
      dataFeed: { mayDelete: (name) => decided.has(name) || !listed.has(name) },
    });
    ctx.result.alarms = { created: r.created, updated: r.updated, deleted: r.deleted, unchanged: r.unchanged };
    ctx.problems.push(...r.problems);
  } catch (err) {
    ctx.problems.push({ target: `alarms:${ctx.region}`, error: `ingestion alarms not reconciled: ${describeError(err)}` });
  }
}

function dedupe(items: OpenFindingItem[]): OpenFindingItem[] {
  return [...new Map(items.map((i) => [i.sk, i])).values()];
}

function boundProblems(problems: Problem[]): Problem[] {
  const shown = problems.slice(0, MAX_PROBLEMS_IN_RESULT).map((p) => ({ target: p.target, error: p.error.length > 300 ? `${p.error.slice(0, 299)}…` : p.error }));
  if (problems.length > MAX_PROBLEMS_IN_RESULT) shown.push({ target: 'more', error: `${problems.length - MAX_PROBLEMS_IN_RESULT} more problems; see the data-feed log` });
  return shown;
}
