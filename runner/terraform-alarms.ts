/**
 * An `aws_cloudwatch_metric_alarm` block of the synthesized stack → the PutMetricAlarm input
 * `terraform apply` would send (the runner creates the stack's alarms in the sim with it).
 * Every value goes through the stack's reference resolution (`${aws_sfn_state_machine.x.arn}`
 * in a dimension, a topic ARN in alarm_actions, ...), so the alarm watches and notifies exactly
 * what the other resources are called.
 *
 * Terraform arguments (provider aws): alarm_name, alarm_description, comparison_operator,
 * evaluation_periods, datapoints_to_alarm, threshold, treat_missing_data, actions_enabled,
 * alarm_actions, ok_actions, insufficient_data_actions, tags, and either a single metric
 * (namespace, metric_name, dimensions (map), period, statistic | extended_statistic, unit) or
 * `metric_query` blocks (id, expression, label, return_data, period, metric { namespace,
 * metric_name, dimensions, period, stat, unit }). A nested block may be synthesized as an
 * object or as a one-element list; both are read.
 */
import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { TfBlock, TfStack } from './terraform';

type Json = Record<string, unknown>;

/** The PutMetricAlarm input of one `aws_cloudwatch_metric_alarm` block (undefined members left out). */
export function putMetricAlarmInput(stack: TfStack, block: TfBlock): PutMetricAlarmCommandInput {
  const where = `${block.type}.${block.name}`;
  const config = stack.resolve(block.config, where) as Json;
  const str = (o: Json, key: string, at: string): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object') throw new Error(`${at}.${key} is not a scalar`);
    return String(v);
  };
  const num = (o: Json, key: string, at: string): number | undefined => {
    const v = str(o, key, at);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${at}.${key} is not a number: ${JSON.stringify(v)}`);
    return n;
  };
  const bool = (o: Json, key: string, at: string): boolean | undefined => {
    const v = str(o, key, at);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw new Error(`${at}.${key} is not a boolean: ${JSON.stringify(v)}`);
    return v === 'true';
  };
  const list = (o: Json, key: string, at: string): string[] | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw new Error(`${at}.${key} is not a list`);
    return v.map(String);
  };
  const map = (o: Json, key: string, at: string): [string, string][] | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${at}.${key} is not a map`);
    return Object.entries(v as Json).map(([k, x]) => [k, String(x)]);
  };
  const dimensions = (o: Json, at: string) => map(o, 'dimensions', at)?.map(([Name, Value]) => ({ Name, Value }));
  /** A nested block: an object, a one-element list, or absent. */
  const nested = (o: Json, key: string, at: string): Json | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    const one = Array.isArray(v) ? (v.length === 0 ? undefined : v.length === 1 ? v[0] : undefined) : v;
    if (Array.isArray(v) && v.length > 1) throw new Error(`${at}.${key}: at most one block`);
    if (one !== undefined && (typeof one !== 'object' || one === null)) throw new Error(`${at}.${key} is not a block`);
    return one as Json | undefined;
  };

  const alarmName = str(config, 'alarm_name', where) ?? block.name;
  const rawQueries = config.metric_query;
  const queries = rawQueries === undefined || rawQueries === null ? [] : Array.isArray(rawQueries) ? (rawQueries as Json[]) : [rawQueries as Json];
  const metrics = queries.map((q, i) => {
    const at = `${where}.metric_query[${i}]`;
    const metric = nested(q, 'metric', at);
    const mAt = `${at}.metric`;
    return strip({
      Id: str(q, 'id', at),
      Expression: str(q, 'expression', at),
      Label: str(q, 'label', at),
      ReturnData: bool(q, 'return_data', at),
      Period: num(q, 'period', at),
      AccountId: str(q, 'account_id', at),
      MetricStat: metric
        ? strip({
            Metric: strip({ Namespace: str(metric, 'namespace', mAt), MetricName: str(metric, 'metric_name', mAt), Dimensions: dimensions(metric, mAt) }),
            Period: num(metric, 'period', mAt),
            Stat: str(metric, 'stat', mAt),
            Unit: str(metric, 'unit', mAt),
          })
        : undefined,
    });
  });
  const tags = map(config, 'tags', where);

  return strip({
    AlarmName: alarmName,
    AlarmDescription: str(config, 'alarm_description', where),
    ActionsEnabled: bool(config, 'actions_enabled', where),
    AlarmActions: list(config, 'alarm_actions', where),
    OKActions: list(config, 'ok_actions', where),
    InsufficientDataActions: list(config, 'insufficient_data_actions', where),
    ComparisonOperator: str(config, 'comparison_operator', where),
    EvaluationPeriods: num(config, 'evaluation_periods', where),
    DatapointsToAlarm: num(config, 'datapoints_to_alarm', where),
    Threshold: num(config, 'threshold', where),
    ThresholdMetricId: str(config, 'threshold_metric_id', where),
    TreatMissingData: str(config, 'treat_missing_data', where),
    EvaluateLowSampleCountPercentile: str(config, 'evaluate_low_sample_count_percentiles', where),
    Namespace: str(config, 'namespace', where),
    MetricName: str(config, 'metric_name', where),
    Dimensions: metrics.length > 0 ? undefined : dimensions(config, where),
    Period: num(config, 'period', where),
    Statistic: str(config, 'statistic', where),
    ExtendedStatistic: str(config, 'extended_statistic', where),
    Unit: str(config, 'unit', where),
    Metrics: metrics.length > 0 ? metrics : undefined,
    Tags: tags && tags.length > 0 ? tags.map(([Key, Value]) => ({ Key, Value })) : undefined,
  }) as PutMetricAlarmCommandInput;
}

/** Drops undefined members (so the wire input has only what the block says). */
function strip<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
