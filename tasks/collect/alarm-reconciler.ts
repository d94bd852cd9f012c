/**
 * Alarm reconciler: makes the region's monitor alarms match the desired specs, writing only
 * differences (steady state: one DescribeAlarms page per 100 alarms, zero writes, zero tag reads).
 *
 * Ownership (core/contracts/ownership.ts): alarms are listed by OUR prefix; before an existing
 * alarm is rewritten or deleted its tags are read (ListTagsForResource, only for those
 * candidates) and it is left alone unless it carries our owner tag with our stack name. The
 * original sample's alarms (`PersonalizeMonitor-…`, `CreatedBy=PersonalizeMonitor`) are never
 * listed, changed or deleted.
 *
 * Dry run: the same reads, no write; the result names what would have been created, rewritten
 * and deleted.
 */
import {
  deleteAlarms,
  describeAlarms,
  listTagsForResource,
  putMetricAlarm,
  type CloudWatchClient,
  type MetricAlarm,
} from '../aws/cloudwatch';
import { alarmDiffers, alarmResourceArn } from '../../core/alarms';
import { toPutInput, toSpec } from './alarm-wire';
import { DATA_FEED_ALARM_INFIX, isDataFeedAlarmName, isOriginalAlarmName, isOwnedAlarm, isStackAlarmName, ownerTag, type AlarmOwnership } from '../../core/contracts/ownership';
import type { AlarmSpec } from '../../core/types';
import { ApiCallCounter, describeError, isThrottling, mapWithConcurrency } from './aws-calls';
import type { Budget } from './budget';
import type { Problem } from './discovery';

/** Start of the problem text of an alarm left alone because it lacks our owner tag (a notice, not a failure). */
export const NOT_OWNED_NOTICE = 'has our prefix but not our owner tag';

/** Tag reads in flight at once (only alarms about to be rewritten or deleted are read). */
export const TAG_READ_CONCURRENCY = 5;
/**
 * PutMetricAlarm calls in flight at once. CloudWatch allows about 3 per second per account and
 * region; with the SDK's adaptive retry mode (tasks/aws/clients.ts) the client paces itself once
 * throttled, and 3 in flight keep it at that rate without a burst of throttles.
 */
export const PUT_ALARM_CONCURRENCY = 3;

export interface ReconcileOptions {
  /** Region whose alarms are reconciled (the client's region). */
  region: string;
  /**
   * Discovery listed and read every resource of the region. Only then does a missing spec mean
   * "gone, stopped or no longer monitored"; on a partial listing nothing is deleted.
   */
  discoveryComplete: boolean;
  calls: ApiCallCounter;
  /** Our prefix and stack name: only alarms with both are changed or deleted. */
  ownership: AlarmOwnership;
  /** Read and plan only; write nothing (the result names the would-be changes). */
  dryRun?: boolean;
  /** Each write (PutMetricAlarm, a DeleteAlarms call) starts only while it allows; default: always. */
  budget?: Budget;
  /**
   * The data-feed task's alarms instead of the resources' (default): only names under
   * `<prefix>IngestionStopped-` are listed, and an obsolete one is deleted when `mayDelete` says so.
   */
  dataFeed?: { mayDelete: (alarmName: string) => boolean };
}

/** Alarm names per kind of change: made (outside a dry run) or planned (in one). */
export interface AlarmChanges {
  create: string[];
  update: string[];
  delete: string[];
}

export interface ReconcileResult {
  /** Changes MADE (always 0 in a dry run). */
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** Outside a dry run: the changes made; in one: the changes that would have been made. */
  changes: AlarmChanges;
  /** Alarms with our prefix but without our owner tag (or whose tags could not be read): left alone. */
  notOwned: string[];
  problems: Problem[];
  /**
   * Writes left for the next run: puts and deletes not started for lack of time, and puts still
   * throttled after the SDK's retries (the next run plans them again from the listing).
   */
  carriedOver: number;
}

/** What reconcile must do, from the listing alone (pure). */
export interface AlarmPlan {
  create: AlarmSpec[];
  /** Existing alarms that differ from their spec: rewritten if ours. */
  update: { spec: AlarmSpec; alarm: MetricAlarm }[];
  unchanged: number;
  /** Existing alarms no spec covers (only when discovery was complete): deleted if ours. */
  delete: MetricAlarm[];
}

/**
 * Compares the listed alarms with the desired specs. An obsolete alarm is a delete candidate only
 * when discovery was complete and it names a resource of this region (anything else is not ours
 * to judge).
 */
export function planAlarms(
  existing: readonly MetricAlarm[],
  desired: readonly AlarmSpec[],
  region: string,
  discoveryComplete: boolean,
  mayDelete?: (alarmName: string) => boolean,
): AlarmPlan {
  const plan: AlarmPlan = { create: [], update: [], unchanged: 0, delete: [] };
  const existingByName = new Map(existing.map((a) => [a.AlarmName!, a]));
  for (const spec of desired) {
    const current = existingByName.get(spec.name);
    if (!current) plan.create.push(spec);
    else if (alarmDiffers(toSpec(current, region), spec)) plan.update.push({ spec, alarm: current });
    else plan.unchanged++;
  }
  if (!discoveryComplete) return plan;
  const wanted = new Set(desired.map((s) => s.name));
  plan.delete = existing.filter((a) => {
    if (wanted.has(a.AlarmName!)) return false;
    if (mayDelete) return mayDelete(a.AlarmName!);
    // Top-level Dimensions for a single-metric alarm, the MetricStat's for a metric-math one.
    const arn = alarmResourceArn(a);
    return arn !== undefined && arn.split(':')[3] === region;
  });
  return plan;
}

/**
 * Splits `alarms` into ours (prefix and owner tag) and the rest, reading each one's tags
 * (one ListTagsForResource per alarm; none for an empty list). An alarm whose tags cannot be read
 * is not ours: nothing is changed on a guess.
 */
export async function partitionByOwnership(
  cloudwatch: CloudWatchClient,
  alarms: readonly MetricAlarm[],
  ownership: AlarmOwnership,
  onRequest?: () => void,
  budget?: Budget,
): Promise<{ owned: MetricAlarm[]; notOwned: MetricAlarm[]; problems: Problem[]; notRead: MetricAlarm[] }> {
  const out = { owned: [] as MetricAlarm[], notOwned: [] as MetricAlarm[], problems: [] as Problem[], notRead: [] as MetricAlarm[] };
  const verdicts = await mapWithConcurrency(alarms, TAG_READ_CONCURRENCY, async (a): Promise<boolean | Problem | 'notRead'> => {
    const name = a.AlarmName ?? '';
    // The original's alarms are never ours, whatever their tags say: not even read.
    if (!name.startsWith(ownership.prefix) || isOriginalAlarmName(name) || !a.AlarmArn) return false;
    // Part of an alarm write: not started without time for it (the next run reads it).
    if (budget && !budget.allows()) return 'notRead';
    onRequest?.();
    try {
      return isOwnedAlarm(name, await listTagsForResource(cloudwatch, a.AlarmArn), ownership);
    } catch (err) {
      return { target: name, error: `ListTagsForResource failed, alarm left alone: ${describeError(err)}` };
    }
  });
  verdicts.forEach((v, i) => {
    if (v === true) out.owned.push(alarms[i]);
    else if (v === 'notRead') out.notRead.push(alarms[i]);
    else {
      out.notOwned.push(alarms[i]);
      if (typeof v === 'object') out.problems.push(v);
    }
  });
  return out;
}

/**
 * Creates missing alarms, rewrites differing ones, deletes alarms of this region that no desired
 * spec covers (when discovery was complete) – rewrites and deletes only of alarms we own.
 * @throws the SDK error when the existing alarms cannot be listed (nothing was written then).
 */
export async function reconcileAlarms(cloudwatch: CloudWatchClient, desired: readonly AlarmSpec[], opts: ReconcileOptions): Promise<ReconcileResult> {
  const result: ReconcileResult = { created: 0, updated: 0, deleted: 0, unchanged: 0, changes: { create: [], update: [], delete: [] }, notOwned: [], problems: [], carriedOver: 0 };
  const existing = await listOurAlarms(cloudwatch, opts);
  const plan = planAlarms(existing, desired, opts.region, opts.discoveryComplete, opts.dataFeed?.mayDelete);
  result.unchanged = plan.unchanged;

  // Tags are read only for the alarms about to be rewritten or deleted: steady state reads none.
  const candidates = [...plan.update.map((u) => u.alarm), ...plan.delete];
  // Without a budget to write them, reading their tags would be wasted (dry run: read them all).
  const owners = await partitionByOwnership(cloudwatch, candidates, opts.ownership, () => opts.calls.add('ListTagsForResource'), opts.dryRun ? undefined : opts.budget);
  result.problems.push(...owners.problems);
  // Rewrites and deletes whose ownership could not be read in time: carried over, left alone now.
  result.carriedOver += owners.notRead.length;
  const owned = new Set(owners.owned.map((a) => a.AlarmName!));
  const unreadable = new Set(owners.problems.map((p) => p.target));
  for (const a of owners.notOwned) {
    result.notOwned.push(a.AlarmName!);
    if (unreadable.has(a.AlarmName!)) continue;
    const wanted = plan.update.some((u) => u.alarm === a);
    result.problems.push({
      target: a.AlarmName!,
      error: `${NOT_OWNED_NOTICE} (${ownerTag(opts.ownership.stackName).Key}=${opts.ownership.stackName}): left alone${wanted ? '; its desired settings were not applied' : ''}`,
    });
  }

  const puts = [...plan.create.map((spec) => ({ spec, create: true })), ...plan.update.filter((u) => owned.has(u.spec.name)).map((u) => ({ spec: u.spec, create: false }))];
  const obsolete = plan.delete.filter((a) => owned.has(a.AlarmName!)).map((a) => a.AlarmName!);
  if (opts.dryRun) {
    result.changes.create = puts.filter((p) => p.create).map((p) => p.spec.name);
    result.changes.update = puts.filter((p) => !p.create).map((p) => p.spec.name);
    result.changes.delete = obsolete;
    return result;
  }

  // Creates first (a resource without alarms is unwatched), then rewrites; each put starts only
  // while the budget allows. Throttled after the SDK's retries: carried over, one summary line.
  const budget = opts.budget;
  let throttled = 0;
  const outcomes = await mapWithConcurrency(puts, PUT_ALARM_CONCURRENCY, async ({ spec, create }): Promise<'done' | 'carried' | 'failed'> => {
    if (budget && !budget.allows()) return 'carried';
    opts.calls.add('PutMetricAlarm');
    try {
      // Tags only count on create; CloudWatch ignores them when an alarm is updated.
      await putMetricAlarm(cloudwatch, toPutInput(spec, create, opts.ownership.stackName));
      return 'done';
    } catch (err) {
      if (isThrottling(err)) {
        throttled++;
        return 'carried';
      }
      result.problems.push({ target: spec.name, error: `PutMetricAlarm failed: ${describeError(err)}` });
      return 'failed';
    }
  });
  // Counted in plan order, so the result lists are deterministic whatever finished first.
  puts.forEach(({ spec, create }, i) => {
    if (outcomes[i] === 'carried') result.carriedOver++;
    if (outcomes[i] !== 'done') return;
    if (create) {
      result.created++;
      result.changes.create.push(spec.name);
    } else {
      result.updated++;
      result.changes.update.push(spec.name);
    }
  });
  if (throttled > 0) {
    result.problems.push({ target: `alarms:${opts.region}`, error: `${throttled} PutMetricAlarm throttled after retries; carried over to the next run` });
  }
  if (budget && !budget.allows() && obsolete.length > 0) {
    result.carriedOver += obsolete.length;
    return result;
  }
  const deleted = await deleteAlarms(cloudwatch, obsolete, {
    onRequest: () => opts.calls.add('DeleteAlarms'),
    onBatchError: (names, err) => result.problems.push({ target: `alarms:${names[0]}…(${names.length})`, error: `DeleteAlarms failed: ${describeError(err)}` }),
  });
  result.deleted += deleted.length;
  result.changes.delete = deleted;
  return result;
}

/** Every metric alarm whose name starts with our prefix, all pages (the original's never: the prefix excludes them). */
export async function listOurAlarms(cloudwatch: CloudWatchClient, opts: Pick<ReconcileOptions, 'region' | 'calls' | 'ownership' | 'dataFeed'>): Promise<MetricAlarm[]> {
  const { prefix } = opts.ownership;
  const dataFeed = opts.dataFeed !== undefined;
  const listed = dataFeed ? `${prefix}${DATA_FEED_ALARM_INFIX}` : prefix;
  const all = await describeAlarms(cloudwatch, { prefix: listed, alarmTypes: ['MetricAlarm'], where: opts.region }, () => opts.calls.add('DescribeAlarms'));
  // The monitor's own alarms (Terraform's) share the prefix but are never a resource's; the
  // data-feed task's are its own.
  return all.filter(
    (a) => a.AlarmName?.startsWith(listed) && !isOriginalAlarmName(a.AlarmName) && !isStackAlarmName(a.AlarmName, prefix) && isDataFeedAlarmName(a.AlarmName, prefix) === dataFeed,
  );
}
