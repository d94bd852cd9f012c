/**
 * Alarm reconciler: makes the region's monitor alarms match the desired specs, writing only
 * differences (steady state: one DescribeAlarms page per 100 alarms, zero writes).
 */
import {
  deleteAlarms,
  describeAlarms,
  putMetricAlarm,
  type CloudWatchClient,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from '../aws/cloudwatch';
import { alarmDiffers, alarmResourceArn } from '../../core/alarms';
import { ALARM_PREFIX, type AlarmSpec } from '../../core/types';
import { ApiCallCounter, describeError } from './aws-calls';
import type { Problem } from './discovery';

/** Tags set on every alarm the monitor creates (the original's, plus the resource for clean-up). */
export const CREATED_BY_TAG = { Key: 'CreatedBy', Value: 'PersonalizeMonitor' } as const;

export interface ReconcileOptions {
  /** Region whose alarms are reconciled (the client's region). */
  region: string;
  /**
   * Discovery listed and read every resource of the region. Only then does a missing spec mean
   * "gone, stopped or no longer monitored"; on a partial listing nothing is deleted.
   */
  discoveryComplete: boolean;
  calls: ApiCallCounter;
}

export interface ReconcileResult {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  problems: Problem[];
}

/**
 * Creates missing alarms, rewrites differing ones, deletes our alarms of this region that no
 * desired spec covers (when discovery was complete).
 * @throws the SDK error when the existing alarms cannot be listed (nothing was written then).
 */
export async function reconcileAlarms(cloudwatch: CloudWatchClient, desired: readonly AlarmSpec[], opts: ReconcileOptions): Promise<ReconcileResult> {
  const result: ReconcileResult = { created: 0, updated: 0, deleted: 0, unchanged: 0, problems: [] };
  const existing = await listOurAlarms(cloudwatch, opts);
  const existingByName = new Map(existing.map((a) => [a.AlarmName!, a]));

  for (const spec of desired) {
    const current = existingByName.get(spec.name);
    if (current && !alarmDiffers(toSpec(current, opts.region), spec)) {
      result.unchanged++;
      continue;
    }
    opts.calls.add('PutMetricAlarm');
    try {
      // Tags only count on create; CloudWatch ignores them when an alarm is updated.
      await putMetricAlarm(cloudwatch, toPutInput(spec, !current));
      if (current) result.updated++;
      else result.created++;
    } catch (err) {
      result.problems.push({ target: spec.name, error: `PutMetricAlarm failed: ${describeError(err)}` });
    }
  }

  if (!opts.discoveryComplete) return result;
  const wanted = new Set(desired.map((s) => s.name));
  const obsolete = existing
    .filter((a) => !wanted.has(a.AlarmName!))
    .filter((a) => {
      // Only alarms that name a resource of this region: anything else is not ours to judge.
      const arn = alarmResourceArn(a.Dimensions?.map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })));
      return arn !== undefined && arn.split(':')[3] === opts.region;
    })
    .map((a) => a.AlarmName!);
  const deleted = await deleteAlarms(cloudwatch, obsolete, {
    onRequest: () => opts.calls.add('DeleteAlarms'),
    onBatchError: (names, err) => result.problems.push({ target: `alarms:${names[0]}…(${names.length})`, error: `DeleteAlarms failed: ${describeError(err)}` }),
  });
  result.deleted += deleted.length;
  return result;
}

/** Every metric alarm whose name starts with ALARM_PREFIX (ours), all pages. */
export async function listOurAlarms(cloudwatch: CloudWatchClient, opts: ReconcileOptions): Promise<MetricAlarm[]> {
  const all = await describeAlarms(cloudwatch, { prefix: ALARM_PREFIX, alarmTypes: ['MetricAlarm'], where: opts.region }, () => opts.calls.add('DescribeAlarms'));
  return all.filter((a) => a.AlarmName?.startsWith(ALARM_PREFIX));
}

/** An existing alarm as a spec, so the pure `alarmDiffers` can compare it (absent fields take CloudWatch's defaults). */
export function toSpec(a: MetricAlarm, region: string): AlarmSpec {
  const dimensions = (a.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
  const evaluationPeriods = a.EvaluationPeriods ?? 0;
  return {
    name: a.AlarmName ?? '',
    description: a.AlarmDescription ?? '',
    resourceArn: alarmResourceArn(dimensions) ?? '',
    region,
    namespace: a.Namespace ?? '',
    metricName: a.MetricName ?? '',
    dimensions,
    statistic: a.Statistic as AlarmSpec['statistic'],
    period: a.Period ?? 0,
    evaluationPeriods,
    datapointsToAlarm: a.DatapointsToAlarm ?? evaluationPeriods,
    threshold: a.Threshold ?? Number.NaN,
    comparison: a.ComparisonOperator as AlarmSpec['comparison'],
    treatMissingData: (a.TreatMissingData ?? 'missing') as AlarmSpec['treatMissingData'],
    actionsEnabled: a.ActionsEnabled ?? true,
    alarmActions: a.AlarmActions ?? [],
  };
}

/** PutMetricAlarm input for a spec; `create` adds the ownership tags. */
export function toPutInput(spec: AlarmSpec, create: boolean): PutMetricAlarmCommandInput {
  return {
    AlarmName: spec.name,
    AlarmDescription: spec.description,
    ActionsEnabled: spec.actionsEnabled,
    AlarmActions: spec.alarmActions,
    Namespace: spec.namespace,
    MetricName: spec.metricName,
    Dimensions: spec.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
    Statistic: spec.statistic,
    Period: spec.period,
    EvaluationPeriods: spec.evaluationPeriods,
    DatapointsToAlarm: spec.datapointsToAlarm,
    Threshold: spec.threshold,
    ComparisonOperator: spec.comparison,
    TreatMissingData: spec.treatMissingData,
    Tags: create ? [{ ...CREATED_BY_TAG }, { Key: 'ResourceArn', Value: spec.resourceArn }] : undefined,
  };
}
