/**
 * Alarms on the wire: an existing CloudWatch alarm as a spec (so the pure `alarmDiffers` can
 * compare it) and a spec as PutMetricAlarm input. The only place that knows both shapes.
 */
import type { MetricAlarm, PutMetricAlarmCommandInput } from '../aws/cloudwatch';
import { alarmResourceArn } from '../../core/alarms';
import { ownerTag } from '../../core/contracts/ownership';
import type { AlarmMetricQuery, AlarmSpec, AlarmStatistic, Dimension } from '../../core/types';

type WireDimensions = { Name?: string; Value?: string }[] | undefined;
type WireQuery = NonNullable<MetricAlarm['Metrics']>[number];

function fromWireDimensions(ds: WireDimensions): Dimension[] {
  return (ds ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
}

function toWireDimensions(ds: readonly Dimension[]): { Name: string; Value: string }[] {
  return ds.map((d) => ({ Name: d.name, Value: d.value }));
}

/**
 * A metric-math query as DescribeAlarms returns it, as a spec query. Absent fields take
 * CloudWatch's defaults (ReturnData true); the period is read from the MetricStat (where
 * PutMetricAlarm puts it), else from the query.
 */
function fromWireQuery(q: WireQuery): AlarmMetricQuery {
  const base = { id: q.Id ?? '', returnData: q.ReturnData ?? true, ...(q.Label !== undefined ? { label: q.Label } : {}) };
  const ms = q.MetricStat;
  if (ms) {
    return {
      ...base,
      metricStat: {
        namespace: ms.Metric?.Namespace ?? '',
        metricName: ms.Metric?.MetricName ?? '',
        dimensions: fromWireDimensions(ms.Metric?.Dimensions),
        period: ms.Period ?? q.Period ?? 0,
        stat: ms.Stat as AlarmStatistic,
      },
    };
  }
  return { ...base, expression: q.Expression ?? '' };
}

/** A spec query as a PutMetricAlarm `Metrics` entry (PascalCase; the period inside MetricStat). */
function toWireQuery(q: AlarmMetricQuery): WireQuery {
  const out: WireQuery = { Id: q.id, ReturnData: q.returnData };
  if (q.label !== undefined) out.Label = q.label;
  if (q.metricStat) {
    const m = q.metricStat;
    out.MetricStat = { Metric: { Namespace: m.namespace, MetricName: m.metricName, Dimensions: toWireDimensions(m.dimensions) }, Period: m.period, Stat: m.stat };
  } else {
    out.Expression = q.expression;
  }
  return out;
}

/**
 * An existing alarm as a spec, so the pure `alarmDiffers` can compare it (absent fields take
 * CloudWatch's defaults). An alarm with `Metrics` becomes a metric-math spec (its single-metric
 * fields absent), any other a single-metric spec.
 */
export function toSpec(a: MetricAlarm, region: string): AlarmSpec {
  const evaluationPeriods = a.EvaluationPeriods ?? 0;
  const common = {
    name: a.AlarmName ?? '',
    description: a.AlarmDescription ?? '',
    resourceArn: alarmResourceArn(a) ?? '',
    region,
    evaluationPeriods,
    datapointsToAlarm: a.DatapointsToAlarm ?? evaluationPeriods,
    // An anomaly detection alarm has no Threshold (its spec's is 0, unused).
    threshold: a.Threshold ?? (a.ThresholdMetricId ? 0 : Number.NaN),
    ...(a.ThresholdMetricId ? { thresholdMetricId: a.ThresholdMetricId } : {}),
    comparison: a.ComparisonOperator as AlarmSpec['comparison'],
    treatMissingData: (a.TreatMissingData ?? 'missing') as AlarmSpec['treatMissingData'],
    actionsEnabled: a.ActionsEnabled ?? true,
    alarmActions: a.AlarmActions ?? [],
  };
  if (a.Metrics && a.Metrics.length > 0) return { ...common, metrics: a.Metrics.map(fromWireQuery) };
  return {
    ...common,
    namespace: a.Namespace ?? '',
    metricName: a.MetricName ?? '',
    dimensions: fromWireDimensions(a.Dimensions),
    statistic: a.Statistic as AlarmStatistic,
    period: a.Period ?? 0,
  };
}

/**
 * PutMetricAlarm input for a spec; `create` adds the ownership tags (our owner tag and the
 * resource). A metric-math spec sends `Metrics` and none of Namespace, MetricName, Dimensions,
 * Statistic, Period (CloudWatch rejects the combination).
 */
export function toPutInput(spec: AlarmSpec, create: boolean, stackName: string): PutMetricAlarmCommandInput {
  const metric: Partial<PutMetricAlarmCommandInput> = spec.metrics
    ? { Metrics: spec.metrics.map(toWireQuery) }
    : {
        Namespace: spec.namespace,
        MetricName: spec.metricName,
        Dimensions: toWireDimensions(spec.dimensions),
        Statistic: spec.statistic,
        Period: spec.period,
      };
  return {
    AlarmName: spec.name,
    AlarmDescription: spec.description,
    ActionsEnabled: spec.actionsEnabled,
    AlarmActions: spec.alarmActions,
    ...metric,
    EvaluationPeriods: spec.evaluationPeriods,
    DatapointsToAlarm: spec.datapointsToAlarm,
    // Anomaly detection: the band's query id instead of a Threshold (CloudWatch refuses both).
    ...(spec.thresholdMetricId ? { ThresholdMetricId: spec.thresholdMetricId } : { Threshold: spec.threshold }),
    ComparisonOperator: spec.comparison,
    TreatMissingData: spec.treatMissingData,
    Tags: create ? [ownerTag(stackName), { Key: 'ResourceArn', Value: spec.resourceArn }] : undefined,
  };
}
