/**
 * Alarms on the wire: an existing CloudWatch alarm as a spec (so the pure `alarmDiffers` can
 * compare it) and a spec as PutMetricAlarm input. The only place that knows both shapes.
 */
import type { MetricAlarm, PutMetricAlarmCommandInput } from '../aws/cloudwatch';
import { alarmResourceArn } from '../../core/alarms';
import { ownerTag } from '../../core/contracts/ownership';
import type { AlarmSpec } from '../../core/types';

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

/** PutMetricAlarm input for a spec; `create` adds the ownership tags (our owner tag and the resource). */
export function toPutInput(spec: AlarmSpec, create: boolean, stackName: string): PutMetricAlarmCommandInput {
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
    Tags: create ? [ownerTag(stackName), { Key: 'ResourceArn', Value: spec.resourceArn }] : undefined,
  };
}
