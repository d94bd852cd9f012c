/**
 * Data-feed checks: is the data still flowing into a dataset group and is its model fresh? From
 * the facts of one dataset group (core/contracts/data-feed.ts, read by tasks/data-feed) to the
 * conditions open now, the open findings to report, those that recovered, and the dashboard's
 * record. Reports only: nothing here leads to an action. Pure: facts, settings and `now` are passed in.
 */
import { parseExemption } from './exemption';
import { recordText, type DataFeedRecord } from './contracts/records';
import { DAY_MS, HOUR_MS, iso } from './time';
import { snsSubject, asciiText } from './sns-text';
import { shortHash } from './arn';
import { DATA_FEED_ALARM_INFIX } from './contracts/ownership';
import { MAX_ALARM_DESCRIPTION_LENGTH, MAX_ALARM_NAME_LENGTH, PERSONALIZE_NAMESPACE } from './alarms';
import type { SingleMetricAlarmSpec } from './types';
import {
  DATA_FEED_LOOKBACK_DAYS,
  EVENT_TRACKER_DIMENSION,
  PUT_EVENTS_METRICS,
  MAX_MODEL_AGE_TAG_KEY,
  openItemSortKey,
  type DataFeedCheck,
  type DataFeedEventDetail,
  type DataFeedFinding,
  type DataFeedResourceType,
  type DataFeedSettings,
  type DataFeedStatus,
  type DatasetGroupFacts,
  type OpenFindingItem,
  type SolutionFacts,
  type SolutionVersionFacts,
} from './contracts/data-feed';

/** Fewest PutEvents calls (successful + failed) in the error window for an error rate to count: a handful of calls proves nothing. */
export const MIN_CALLS_FOR_ERROR_RATE = 20;
/** An automatic-training schedule is missed when no automatic version started for its period plus this grace. */
export const TRAINING_SCHEDULE_GRACE_MS = DAY_MS;
/** Longest maxModelAgeDays a tag may set. */
export const MAX_MODEL_AGE_DAYS_LIMIT = 3650;

const ACTIVE = 'ACTIVE';
const FAILED = 'CREATE FAILED';

/** Labels for people, per check. */
export const CHECK_TITLES: Record<DataFeedCheck, string> = {
  ingestionStopped: 'Event ingestion stopped',
  ingestionErrors: 'Event ingestion errors',
  trackerUnused: 'Event tracker unused',
  importFailed: 'Import failed',
  importOverdue: 'Import overdue',
  trainingFailed: 'Training failed',
  trainingScheduleMissed: 'Automatic training missed',
  modelStale: 'Model stale',
  campaignOnOldModel: 'Campaign serves an old model',
};

/** What one check of one dataset group found. */
export interface DataFeedCheckResult {
  /** Conditions open now (exempt resources excluded). */
  findings: DataFeedFinding[];
  /**
   * Sort keys (openItemSortKey) of every check × resource that was evaluated on complete facts,
   * whether it found something or not: only these may recover.
   */
  evaluated: Set<string>;
  /** Resources silenced by the exemption tag (their open findings close without a note). */
  silenced: Set<string>;
}

/** A whole number of days from a tag; undefined when absent or not valid (then the setting applies). */
export function maxModelAgeDaysOf(tags: Record<string, string>, fallback: number): number {
  const raw = tags[MAX_MODEL_AGE_TAG_KEY]?.trim();
  if (raw === undefined || !/^\d{1,4}$/.test(raw)) return fallback;
  const days = Number(raw);
  return days >= 1 && days <= MAX_MODEL_AGE_DAYS_LIMIT ? days : fallback;
}

/** `rate(7 days)` / `rate(1 day)` → 7 / 1; undefined for anything else (then the schedule is not checked). */
export function scheduleDays(expression: string | undefined): number | undefined {
  const m = expression ? /^rate\(\s*(\d+)\s+days?\s*\)$/i.exec(expression.trim()) : null;
  const days = m ? Number(m[1]) : NaN;
  return days >= 1 && days <= 30 ? days : undefined;
}

function hours(ms: number): number {
  return Math.round((ms / HOUR_MS) * 10) / 10;
}

function days(ms: number): number {
  return Math.round((ms / DAY_MS) * 10) / 10;
}

function newestFirst<T extends { createdAt: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.createdAt - a.createdAt);
}

/** The newest ACTIVE version of a solution, if any. */
export function latestActiveVersion(solution: Pick<SolutionFacts, 'versions'>): SolutionVersionFacts | undefined {
  return newestFirst(solution.versions).find((v) => v.status === ACTIVE);
}

/**
 * Runs every check on one dataset group. `open` are the sort keys of this group's findings open
 * before this check: an import failure already reported stays open past the look-back until a
 * later import succeeds.
 */
export function checkDatasetGroup(facts: DatasetGroupFacts, settings: DataFeedSettings, now: number, open: ReadonlySet<string> = new Set()): DataFeedCheckResult {
  const result: DataFeedCheckResult = { findings: [], evaluated: new Set(), silenced: new Set() };
  const incomplete = new Set(facts.incomplete);
  const lookbackStart = now - DATA_FEED_LOOKBACK_DAYS * DAY_MS;
  const exempt = (tags: Record<string, string>) => parseExemption(tags, settings.exemptionTagKey, now).exempt;
  const groupExempt = exempt(facts.tags);
  const base = { datasetGroupArn: facts.arn, datasetGroupName: facts.name, region: facts.region };
  const add = (check: DataFeedCheck, type: DataFeedResourceType, resource: { arn: string; name: string }, reason: string, evidence: DataFeedFinding['evidence']) =>
    result.findings.push({ check, resourceArn: resource.arn, resourceName: resource.name, resourceType: type, ...base, reason, evidence });
  const evaluated = (check: DataFeedCheck, arn: string) => result.evaluated.add(openItemSortKey(check, arn));

  // Event ingestion, per tracker.
  if (!incomplete.has('trackers')) {
    for (const t of facts.trackers) {
      if (groupExempt) {
        result.silenced.add(t.arn);
        continue;
      }
      if (t.status !== ACTIVE || !t.hours) continue;
      for (const c of ['ingestionStopped', 'ingestionErrors', 'trackerUnused'] as const) evaluated(c, t.arn);
      const inLookback = t.hours.filter((h) => h.t >= lookbackStart);
      const withEvents = inLookback.filter((h) => h.requests > 0);
      const total = withEvents.reduce((s, h) => s + h.requests, 0);
      if (total === 0) {
        // Stopped for longer than the look-back: still stopped (not "unused"), until events come back.
        if (open.has(openItemSortKey('ingestionStopped', t.arn))) {
          add('ingestionStopped', 'eventTracker', t, `No events through tracker ${t.name} for more than ${DATA_FEED_LOOKBACK_DAYS} days (limit ${settings.eventIngestionIdleHours} h).`, {
            lastEventAt: '',
            hoursWithoutEvents: DATA_FEED_LOOKBACK_DAYS * 24,
            normalCallsPerHour: 0,
            eventIngestionIdleHours: settings.eventIngestionIdleHours,
          });
        } else if (t.createdAt <= lookbackStart && inLookback.every((h) => h.errors === 0)) {
          // Unused means no call at all: a tracker whose calls all failed is the error-rate check's.
          add('trackerUnused', 'eventTracker', t, `Event tracker ${t.name} received no events in ${DATA_FEED_LOOKBACK_DAYS} days: the event stream probably points elsewhere.`, {
            trackerCreatedAt: iso(t.createdAt),
            lookbackDays: DATA_FEED_LOOKBACK_DAYS,
          });
        }
      } else {
        const lastEventAt = Math.min(now, Math.max(...withEvents.map((h) => h.t)) + HOUR_MS);
        const perHour = Math.round(total / withEvents.length);
        if (now - lastEventAt >= settings.eventIngestionIdleHours * HOUR_MS) {
          add('ingestionStopped', 'eventTracker', t, `No events through tracker ${t.name} for ${hours(now - lastEventAt)} h (limit ${settings.eventIngestionIdleHours} h); it had about ${perHour} calls per hour before.`, {
            lastEventAt: iso(lastEventAt),
            hoursWithoutEvents: hours(now - lastEventAt),
            normalCallsPerHour: perHour,
            eventIngestionIdleHours: settings.eventIngestionIdleHours,
          });
        }
      }
      const windowStart = now - settings.eventIngestionIdleHours * HOUR_MS;
      const recent = t.hours.filter((h) => h.t >= floorHour(windowStart));
      const ok = recent.reduce((s, h) => s + h.requests, 0);
      const errors = recent.reduce((s, h) => s + h.errors, 0);
      const calls = ok + errors;
      const errorPercent = calls > 0 ? Math.round((errors / calls) * 1000) / 10 : 0;
      if (calls >= MIN_CALLS_FOR_ERROR_RATE && errorPercent > settings.putEventsErrorPercent) {
        add('ingestionErrors', 'eventTracker', t, `${errorPercent}% of PutEvents calls through tracker ${t.name} failed in the last ${settings.eventIngestionIdleHours} h (limit ${settings.putEventsErrorPercent}%).`, {
          errorPercent,
          failedCalls: errors,
          calls,
          windowStart: iso(floorHour(windowStart)),
          putEventsErrorPercent: settings.putEventsErrorPercent,
        });
      }
    }
  }

  // Imports, per dataset.
  if (!incomplete.has('datasets')) {
    for (const d of facts.datasets) {
      if (groupExempt) {
        result.silenced.add(d.arn);
        continue;
      }
      if (incomplete.has(`imports:${d.arn}`)) continue;
      evaluated('importFailed', d.arn);
      const finished = newestFirst(d.imports).filter((j) => j.status === ACTIVE || j.status === FAILED);
      const last = finished[0];
      if (last?.status === FAILED && (last.lastUpdatedAt >= lookbackStart || open.has(openItemSortKey('importFailed', d.arn)))) {
        add('importFailed', 'dataset', d, `The last import into ${d.name} (${d.datasetType}), job ${last.name}, failed: ${last.failureReason ?? 'no reason given'}.`, {
          jobArn: last.arn,
          jobName: last.name,
          failedAt: iso(last.lastUpdatedAt),
          failureReason: recordText(last.failureReason ?? ''),
        });
      }
      const maxAge = settings.maxImportAgeDays;
      if (maxAge && maxAge > 0) {
        evaluated('importOverdue', d.arn);
        const lastOk = finished.find((j) => j.status === ACTIVE);
        const since = lastOk?.lastUpdatedAt ?? d.createdAt;
        if (now - since > maxAge * DAY_MS) {
          add('importOverdue', 'dataset', d, `No successful import into ${d.name} (${d.datasetType}) for ${days(now - since)} days (limit ${maxAge}).`, {
            lastSuccessfulImportAt: lastOk ? iso(lastOk.lastUpdatedAt) : '',
            daysWithoutImport: days(now - since),
            maxImportAgeDays: maxAge,
          });
        }
      }
    }
  }

  // Training and serving, per solution and its campaigns.
  const solutionsKnown = !incomplete.has('solutions');
  for (const s of solutionsKnown ? facts.solutions : []) {
    const silenced = groupExempt || exempt(s.tags);
    const campaigns = facts.campaigns.filter((c) => c.solutionArn === s.arn);
    if (silenced) {
      result.silenced.add(s.arn);
      for (const c of campaigns) result.silenced.add(c.arn);
      continue;
    }
    if (incomplete.has(`versions:${s.arn}`)) continue;
    const versions = newestFirst(s.versions);
    const latest = versions[0];
    const active = latestActiveVersion(s);
    evaluated('trainingFailed', s.arn);
    if (latest?.status === FAILED) {
      add('trainingFailed', 'solution', s, `The latest training of ${s.name} failed: ${latest.failureReason ?? 'no reason given'}.`, {
        solutionVersionArn: latest.arn,
        trainingType: latest.trainingType ?? '',
        failedAt: iso(latest.lastUpdatedAt),
        failureReason: recordText(latest.failureReason ?? ''),
        lastActiveVersionAt: active ? iso(active.createdAt) : '',
      });
    }
    const maxAgeDays = maxModelAgeDaysOf(s.tags, settings.maxModelAgeDays);
    if (active) {
      evaluated('modelStale', s.arn);
      if (now - active.createdAt > maxAgeDays * DAY_MS) {
        add('modelStale', 'solution', s, `The newest ACTIVE model of ${s.name} was trained ${days(now - active.createdAt)} days ago (limit ${maxAgeDays} days).`, {
          solutionVersionArn: active.arn,
          trainedAt: iso(active.createdAt),
          modelAgeDays: days(now - active.createdAt),
          maxModelAgeDays: maxAgeDays,
        });
      }
    }
    if (s.autoTrainingDays) {
      evaluated('trainingScheduleMissed', s.arn);
      const automatic = versions.find((v) => v.trainingType === 'AUTOMATIC');
      const since = automatic?.createdAt ?? s.createdAt;
      const due = since + s.autoTrainingDays * DAY_MS;
      if (now > due + TRAINING_SCHEDULE_GRACE_MS) {
        add('trainingScheduleMissed', 'solution', s, `Automatic training of ${s.name} (every ${s.autoTrainingDays} days) produced no version since ${iso(since)}: it was due ${iso(due)}.`, {
          lastAutomaticVersionAt: automatic ? iso(automatic.createdAt) : '',
          dueAt: iso(due),
          scheduleDays: s.autoTrainingDays,
        });
      }
    }
    if (incomplete.has('campaigns')) continue;
    for (const c of campaigns) {
      if (c.status !== ACTIVE) continue;
      evaluated('campaignOnOldModel', c.arn);
      if (c.syncWithLatest || !active || c.solutionVersionArn === active.arn) continue;
      const serving = s.versions.find((v) => v.arn === c.solutionVersionArn);
      if (serving && serving.createdAt >= active.createdAt) continue;
      const readyAt = active.lastUpdatedAt;
      if (now - readyAt > settings.campaignVersionLagHours * HOUR_MS) {
        add('campaignOnOldModel', 'campaign', c, `Campaign ${c.name} serves ${shortVersion(c.solutionVersionArn)} while ${shortVersion(active.arn)} of ${s.name} has been ACTIVE for ${hours(now - readyAt)} h (limit ${settings.campaignVersionLagHours} h).`, {
          servingVersionArn: c.solutionVersionArn,
          servingTrainedAt: serving ? iso(serving.createdAt) : '',
          latestVersionArn: active.arn,
          latestReadyAt: iso(readyAt),
          lagHours: hours(now - readyAt),
          campaignVersionLagHours: settings.campaignVersionLagHours,
        });
      }
    }
  }

  // Recommenders (domain dataset groups): the last update stands for the model's age.
  if (!incomplete.has('recommenders')) {
    for (const r of facts.recommenders) {
      if (groupExempt) {
        result.silenced.add(r.arn);
        continue;
      }
      if (r.status !== ACTIVE) continue;
      evaluated('modelStale', r.arn);
      const since = r.lastUpdatedAt || r.createdAt;
      if (now - since > settings.maxModelAgeDays * DAY_MS) {
        add('modelStale', 'recommender', r, `Recommender ${r.name} was last updated ${days(now - since)} days ago (limit ${settings.maxModelAgeDays} days).`, {
          lastUpdatedAt: iso(since),
          modelAgeDays: days(now - since),
          maxModelAgeDays: settings.maxModelAgeDays,
        });
      }
    }
  }
  return result;
}

function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** `…/solution/name/abcd1234` → `version abcd1234`. */
function shortVersion(arn: string): string {
  return `version ${arn.slice(arn.lastIndexOf('/') + 1)}`;
}

/** What to do with this group's findings after a check. */
export interface OpenFindingsPlan {
  /** Found now, not open before: store and report. */
  opened: DataFeedFinding[];
  /** Open before and still found: refresh `checkedAt`; report if a previous delivery failed. */
  stillOpen: { item: OpenFindingItem; finding: DataFeedFinding }[];
  /** Open before, evaluated now and not found (or the resource is gone): report recovery, delete. */
  recovered: { item: OpenFindingItem; why: string }[];
  /** Open before, now exempt: delete without a note. */
  silenced: OpenFindingItem[];
}

/**
 * Compares this group's open items with what the check found. An item whose check could not be
 * evaluated (facts incomplete, resource not ACTIVE) stays as it is: nothing recovers on a failed read.
 * `gone` are the resources (ARNs) that complete listings no longer show: their findings recover.
 */
export function planOpenFindings(open: readonly OpenFindingItem[], result: DataFeedCheckResult, gone: ReadonlySet<string> = new Set()): OpenFindingsPlan {
  const plan: OpenFindingsPlan = { opened: [], stillOpen: [], recovered: [], silenced: [] };
  const openByKey = new Map(open.map((i) => [i.sk, i]));
  const found = new Set<string>();
  for (const f of result.findings) {
    const key = openItemSortKey(f.check, f.resourceArn);
    found.add(key);
    const item = openByKey.get(key);
    if (item) plan.stillOpen.push({ item, finding: f });
    else plan.opened.push(f);
  }
  for (const item of open) {
    if (found.has(item.sk)) continue;
    if (result.silenced.has(item.finding.resourceArn)) plan.silenced.push(item);
    else if (gone.has(item.finding.resourceArn)) plan.recovered.push({ item, why: `${item.finding.resourceName} no longer exists` });
    else if (result.evaluated.has(item.sk)) plan.recovered.push({ item, why: 'the condition is no longer found' });
  }
  return plan;
}

/** The EventBridge detail of a finding opened or recovered. */
export function dataFeedEventDetail(finding: DataFeedFinding, status: DataFeedStatus, openedAt: number, why?: string): DataFeedEventDetail {
  return {
    Check: finding.check,
    Status: status,
    ARN: finding.resourceArn,
    ResourceType: finding.resourceType,
    DatasetGroupArn: finding.datasetGroupArn,
    Region: finding.region,
    Reason: status === 'open' ? finding.reason : `Recovered: ${why ?? 'the condition is no longer found'}. Was: ${finding.reason}`,
    OpenedAt: iso(openedAt),
    Evidence: finding.evidence,
  };
}

const SUBJECT_PREFIX = '[Personalize Monitor]';

/** Email subject and body of a finding opened or recovered (ASCII; the subject ≤ 100 characters). */
export function dataFeedNotification(finding: DataFeedFinding, status: DataFeedStatus, openedAt: number, now: number, why?: string): { subject: string; message: string } {
  const title = CHECK_TITLES[finding.check];
  const head = status === 'open' ? title : `Recovered: ${title.toLowerCase()}`;
  const subject = snsSubject(`${SUBJECT_PREFIX} ${head}: ${finding.resourceName} (${finding.datasetGroupName}) in ${finding.region}`);
  const lines = [
    `${head}, ${finding.resourceType} in ${finding.region}: ${finding.resourceArn}`,
    `Dataset group: ${finding.datasetGroupName} (${finding.datasetGroupArn})`,
    status === 'open' ? finding.reason : `${why ?? 'The condition is no longer found'} (open since ${iso(openedAt)}, recovered by ${iso(now)}). Was: ${finding.reason}`,
    ...Object.entries(finding.evidence).map(([k, v]) => `${k}: ${v === '' ? '-' : v}`),
    'This is a report: the monitor changes nothing in the data feed.',
  ];
  return { subject, message: asciiText(lines.join('\n'), true) };
}

/** The dashboard record of one checked group (after the plan: `openAfter` = this group's open findings). */
export function dataFeedRecord(facts: DatasetGroupFacts, openAfter: readonly DataFeedFinding[], now: number): DataFeedRecord {
  const lookbackStart = now - DATA_FEED_LOOKBACK_DAYS * DAY_MS;
  const hoursWithEvents = facts.trackers.flatMap((t) => (t.hours ?? []).filter((h) => h.t >= lookbackStart && h.requests > 0));
  const total = hoursWithEvents.reduce((s, h) => s + h.requests, 0);
  const lastEvent = hoursWithEvents.length > 0 ? Math.min(now, Math.max(...hoursWithEvents.map((h) => h.t)) + HOUR_MS) : undefined;
  const jobs = newestFirst(facts.datasets.flatMap((d) => d.imports));
  const versions = newestFirst(facts.solutions.flatMap((s) => s.versions));
  const active = versions.filter((v) => v.status === ACTIVE);
  const finishedAt = (x: { status: string; createdAt: number; lastUpdatedAt: number }) => (x.status === ACTIVE || x.status === FAILED ? x.lastUpdatedAt : x.createdAt);
  const checks = [...new Set(openAfter.map((f) => f.check))].sort();
  return {
    record: 'dataFeed',
    datasetGroupArn: facts.arn,
    name: facts.name,
    region: facts.region,
    lastEventAt: lastEvent === undefined ? '' : iso(lastEvent),
    eventsPerHour: hoursWithEvents.length > 0 ? Math.round(total / hoursWithEvents.length) : 0,
    lastImportAt: jobs[0] ? iso(finishedAt(jobs[0])) : '',
    lastImportStatus: jobs[0]?.status ?? '',
    lastTrainingAt: versions[0] ? iso(finishedAt(versions[0])) : '',
    lastTrainingStatus: versions[0]?.status ?? '',
    latestActiveModelAt: active[0] ? iso(active[0].createdAt) : '',
    solutions: facts.solutions.length,
    activeVersions: active.length,
    campaignsOnOldModel: openAfter.filter((f) => f.check === 'campaignOnOldModel').length,
    openFindings: openAfter.length,
    checks: checks.join(','),
    at: iso(now),
  };
}

/**
 * Name of a dataset group's ingestion alarm: `<prefix>IngestionStopped-DatasetGroup-<name>-<hash>`
 * (Personalize allows one event tracker per dataset group, so one alarm per group).
 */
export function ingestionAlarmName(prefix: string, group: { arn: string; name: string }): string {
  const head = `${prefix}${DATA_FEED_ALARM_INFIX}DatasetGroup-`;
  const tail = `-${shortHash(group.arn, 8)}`;
  return `${head}${group.name.slice(0, Math.max(1, MAX_ALARM_NAME_LENGTH - head.length - tail.length))}${tail}`;
}

/**
 * The "event ingestion stopped" alarm of a dataset group's tracker: no successful PutEvents call
 * (Sum < 1) in each of eventIngestionIdleHours hourly periods, missing data breaching (no call =
 * no datapoint). Wanted only for an ACTIVE tracker, not exempt, that had events in the look-back or
 * whose stop is an open finding (a tracker never used would alarm for ever).
 */
export function ingestionAlarmSpecs(facts: DatasetGroupFacts, settings: DataFeedSettings, check: DataFeedCheckResult, now: number, prefix: string, topicArn: string): SingleMetricAlarmSpec[] {
  const lookbackStart = now - DATA_FEED_LOOKBACK_DAYS * DAY_MS;
  const stopped = new Set(check.findings.filter((f) => f.check === 'ingestionStopped').map((f) => f.resourceArn));
  return facts.trackers
    .filter((t) => t.status === ACTIVE && !check.silenced.has(t.arn) && (stopped.has(t.arn) || (t.hours ?? []).some((h) => h.t >= lookbackStart && h.requests > 0)))
    .slice(0, 1)
    .map((t) => ({
      name: ingestionAlarmName(prefix, facts),
      description: `Personalize Monitor: no events through event tracker ${t.name} of dataset group ${facts.name} for ${settings.eventIngestionIdleHours} hours (PutEventsRequests Sum < 1 per hour; no data counts as none). ${t.arn}`.slice(0, MAX_ALARM_DESCRIPTION_LENGTH),
      resourceArn: t.arn,
      region: facts.region,
      namespace: PERSONALIZE_NAMESPACE,
      metricName: PUT_EVENTS_METRICS.requests,
      dimensions: [{ name: EVENT_TRACKER_DIMENSION, value: t.arn }],
      statistic: 'Sum' as const,
      period: HOUR_MS / 1000,
      evaluationPeriods: settings.eventIngestionIdleHours,
      datapointsToAlarm: settings.eventIngestionIdleHours,
      threshold: 1,
      comparison: 'LessThanThreshold' as const,
      treatMissingData: 'breaching' as const,
      actionsEnabled: true,
      alarmActions: topicArn ? [topicArn] : [],
    }));
}
