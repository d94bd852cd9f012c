/**
 * The alarms the monitor owns for each resource, as desired state (reconcile compares and writes
 * only differences). Pure: no SDK imports.
 */
import type { Behaviour } from '../config/schema';
import type { AlarmMetricQuery, AlarmMetricStat, AlarmSpec, Dimension, MonitoredResource } from './types';
import { shortHash } from './arn';
import { latestActivity } from './decision';
import { FIVE_MINUTES_SECONDS, HOUR_MS, HOUR_SECONDS } from './time';
import { METRIC_NAMES } from './utilization';
import { canaryRequestsPerPeriod } from './canary';

/** Namespace of Personalize's own request metrics. */
export const PERSONALIZE_NAMESPACE = 'AWS/Personalize';
/** CloudWatch: an alarm name is at most 255 characters. */
export const MAX_ALARM_NAME_LENGTH = 255;
/** CloudWatch: an alarm description is at most 1024 characters. */
export const MAX_ALARM_DESCRIPTION_LENGTH = 1024;
/** CloudWatch: period × evaluation periods ≤ 1 day when the period is under an hour… */
export const MAX_EVALUATION_SECONDS_SHORT_PERIOD = 24 * HOUR_SECONDS;
/** …and ≤ 7 days when it is an hour or more. */
export const MAX_EVALUATION_SECONDS_LONG_PERIOD = 7 * 24 * HOUR_SECONDS;
/** Hours of idleness up to which the idle alarm can use 5-minute periods. */
const SHORT_PERIOD_MAX_HOURS = MAX_EVALUATION_SECONDS_SHORT_PERIOD / HOUR_SECONDS;

/** Low-utilization alarm: 9 of the last 12 five-minute utilizations below the threshold (the original's window). */
export const LOW_UTILIZATION = { period: FIVE_MINUTES_SECONDS, evaluationPeriods: 12, datapointsToAlarm: 9 } as const;

/** KPI alarms (error rate, latency): 3 of the last 3 five-minute periods above the level. */
export const KPI_WINDOW = { period: FIVE_MINUTES_SECONDS, evaluationPeriods: 3, datapointsToAlarm: 3 } as const;
/** Availability alarm: 2 of 2 periods without a successful request (the canary's runs included). */
export const AVAILABILITY_EVALUATION_PERIODS = 2;
/** Width of the traffic anomaly band in standard deviations. */
export const ANOMALY_BAND_WIDTH = 2;

export type AlarmLevel = 'Warning' | 'Critical';
export type AlarmKind =
  | 'LowUtilization'
  | 'Idle'
  | `ErrorRate${AlarmLevel}`
  | `Latency${AlarmLevel}`
  | 'Availability'
  | 'TrafficAnomaly';

type AlarmBehaviour = Pick<
  Behaviour,
  'autoCreateUtilizationAlarms' | 'autoCreateIdleAlarms' | 'utilizationThresholdAlarmLowerBound' | 'idleThresholdHours'
> &
  Partial<Pick<Behaviour, 'kpiAlarms' | 'errorRateWarnPercent' | 'errorRateCriticalPercent' | 'latencyWarnMs' | 'latencyCriticalMs' | 'trafficAnomalyAlarms'>>;

/** What else decides a resource's alarms: the region's critical topic and the health-check canary. */
export interface AlarmOptions {
  /** The region's critical topic: critical alarms notify it as well as `topicArn`. */
  criticalTopicArn?: string;
  /** healthCheckIntervalMinutes when the canary is on (absent: off). */
  canaryIntervalMinutes?: number;
}
type AlarmResource = Pick<MonitoredResource, 'arn' | 'name' | 'type' | 'region' | 'minCapacity' | 'requestMetric' | 'createdAt' | 'lastUpdatedAt'>;

const TYPE_LABEL = { campaign: 'Campaign', recommender: 'Recommender' } as const;

/**
 * Name of a monitor alarm: `<prefix><Kind>-<Campaign|Recommender>-<name>-<hash(arn)>`, the prefix
 * being the deployment's alarmPrefix (default `<stackName>-alarm-`, never the original's
 * `PersonalizeMonitor-`). The hash makes it unique per resource (same name in two regions or
 * accounts, bug 6). With a prefix within MAX_ALARM_PREFIX_LENGTH the name fits 255 in full; the
 * name part is cut only beyond that.
 * @throws when the prefix leaves no room for the resource name (the config schema prevents it).
 */
export function alarmName(kind: AlarmKind, resource: Pick<MonitoredResource, 'arn' | 'name' | 'type'>, prefix: string): string {
  const head = `${prefix}${kind}-${TYPE_LABEL[resource.type]}-`;
  const tail = `-${shortHash(resource.arn)}`;
  const room = MAX_ALARM_NAME_LENGTH - head.length - tail.length;
  if (room < 1) throw new Error(`alarm prefix of ${prefix.length} characters leaves no room for a name within ${MAX_ALARM_NAME_LENGTH} characters`);
  return `${head}${resource.name.slice(0, room)}${tail}`;
}

/** Period and evaluation periods of the idle alarm within CloudWatch's limits (bug 3). */
export function idleAlarmWindow(idleThresholdHours: number): { period: number; evaluationPeriods: number } {
  if (!(Number.isInteger(idleThresholdHours) && idleThresholdHours >= 1)) {
    throw new Error(`idleThresholdHours must be a whole number of hours, got ${idleThresholdHours}`);
  }
  if (idleThresholdHours <= SHORT_PERIOD_MAX_HOURS) {
    return { period: FIVE_MINUTES_SECONDS, evaluationPeriods: (HOUR_SECONDS / FIVE_MINUTES_SECONDS) * idleThresholdHours };
  }
  if (idleThresholdHours * HOUR_SECONDS > MAX_EVALUATION_SECONDS_LONG_PERIOD) {
    throw new Error(`idleThresholdHours ${idleThresholdHours} exceeds CloudWatch's 7-day alarm window`);
  }
  return { period: HOUR_SECONDS, evaluationPeriods: idleThresholdHours };
}

/** Id of the request-count query of the low-utilization alarm. */
export const LOW_UTILIZATION_REQUESTS_ID = 'm1';
/** Id of the utilization expression of the low-utilization alarm (the series it alarms on). */
export const LOW_UTILIZATION_EXPRESSION_ID = 'e1';

/**
 * Metric-math expression of a resource's utilization in percent of its minimum, over the request
 * sums of query `id`: `100*FILL(id,0)/PERIOD(id)/<minimum>` (requests per second over the
 * minimum; a period without requests counts as 0). The minimum is a constant, so a changed
 * minimum changes the expression – and the reconcile rewrites the alarm. With the canary on,
 * `canaryPerPeriod` (its most requests per period) is subtracted: `100*(FILL(id,0)-c)/…`.
 */
export function utilizationExpression(id: string, minCapacity: number, canaryPerPeriod = 0): string {
  const requests = canaryPerPeriod > 0 ? `(FILL(${id},0)-${canaryPerPeriod})` : `FILL(${id},0)`;
  return `100*${requests}/PERIOD(${id})/${minCapacity}`;
}

/**
 * Desired alarms of one resource: low utilization (when AutoCreateUtilizationAlarms) and idle
 * (when AutoCreateIdleAlarms), both notifying `topicArn`, named with the deployment's `prefix`.
 *
 * Both read only Personalize's own request metric (`AWS/Personalize`, free): the low-utilization
 * alarm is metric math over it with the minimum as a constant, so it needs no metric published by
 * the monitor (the original's `PersonalizeMonitor` utilization metric, billed per resource).
 */
export function alarmSpecs(resource: AlarmResource, behaviour: AlarmBehaviour, topicArn: string, now: number, prefix: string, options: AlarmOptions = {}): AlarmSpec[] {
  const names = METRIC_NAMES[resource.type];
  const dimensions: Dimension[] = [{ name: names.dimension, value: resource.arn }];
  const unit = resource.type === 'campaign' ? 'minimum provisioned TPS' : 'minimum recommendation RPS';
  const interval = options.canaryIntervalMinutes;
  const canaryText = (c: number) => (interval ? ` The health-check canary's up to ${c} requests per period (every ${interval} min) are not use.` : '');
  // An empty topic (none configured) is no action.
  const warn = [topicArn].filter(Boolean);
  const critical = [topicArn, options.criticalTopicArn ?? ''].filter(Boolean);
  const specs: AlarmSpec[] = [];
  if (behaviour.autoCreateUtilizationAlarms) {
    const threshold = behaviour.utilizationThresholdAlarmLowerBound;
    const c = interval ? canaryRequestsPerPeriod(LOW_UTILIZATION.period, interval) : 0;
    const expression = utilizationExpression(LOW_UTILIZATION_REQUESTS_ID, resource.minCapacity, c);
    specs.push({
      name: alarmName('LowUtilization', resource, prefix),
      description: describe(
        `Personalize Monitor: ${resource.type} ${resource.name} used less than ${threshold}% of its ${unit} ` +
          `(${resource.minCapacity}) in ${LOW_UTILIZATION.datapointsToAlarm} of ${LOW_UTILIZATION.evaluationPeriods} five-minute periods. ` +
          `Utilization = ${expression}, ${LOW_UTILIZATION_REQUESTS_ID} = Sum of ${PERSONALIZE_NAMESPACE} ${resource.requestMetric} ` +
          `per period; no requests count as 0% (actions only while the minimum is above 1).${canaryText(c)} ${resource.arn}`,
      ),
      resourceArn: resource.arn,
      region: resource.region,
      metrics: [
        {
          id: LOW_UTILIZATION_REQUESTS_ID,
          returnData: false,
          metricStat: { namespace: PERSONALIZE_NAMESPACE, metricName: resource.requestMetric, dimensions, period: LOW_UTILIZATION.period, stat: 'Sum' },
        },
        { id: LOW_UTILIZATION_EXPRESSION_ID, returnData: true, label: 'Utilization of the minimum (%)', expression },
      ],
      evaluationPeriods: LOW_UTILIZATION.evaluationPeriods,
      datapointsToAlarm: LOW_UTILIZATION.datapointsToAlarm,
      threshold,
      comparison: 'LessThanThreshold',
      // Personalize publishes no request datapoint for a period without requests; FILL covers gaps
      // between datapoints, but a resource without any request in the window yields no value at
      // all. That is 0 % used, not "unknown": missing data breaches.
      treatMissingData: 'breaching',
      // At minimum 1 there is nothing left to lower: the alarm would only nag.
      actionsEnabled: resource.minCapacity > 1,
      alarmActions: warn,
    });
  }
  if (behaviour.autoCreateIdleAlarms) {
    const hours = behaviour.idleThresholdHours;
    const { period, evaluationPeriods } = idleAlarmWindow(hours);
    // With the canary on, at most its requests per period (≤ c) means no user request.
    const c = interval ? canaryRequestsPerPeriod(period, interval) : 0;
    specs.push({
      name: alarmName('Idle', resource, prefix),
      description: describe(
        `Personalize Monitor: ${resource.type} ${resource.name} served no ${resource.requestMetric} requests ` +
          `for ${hours} hours (no data counts as idle; Sum per ${period / 60}-minute period <= ${c}).${canaryText(c)} ${resource.arn}`,
      ),
      resourceArn: resource.arn,
      region: resource.region,
      namespace: PERSONALIZE_NAMESPACE,
      metricName: resource.requestMetric,
      dimensions,
      statistic: 'Sum',
      period,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      threshold: c,
      comparison: 'LessThanOrEqualToThreshold',
      treatMissingData: 'breaching',
      // A resource created, updated or restarted within the window would fire at once on missing data.
      actionsEnabled: now - latestActivity(resource) >= hours * HOUR_MS,
      alarmActions: warn,
    });
  }
  const base = { resourceArn: resource.arn, region: resource.region, actionsEnabled: true };
  const what = `Personalize Monitor: ${resource.type} ${resource.name}`;
  const op = resource.requestMetric;
  const kpi = { ...base, evaluationPeriods: KPI_WINDOW.evaluationPeriods, datapointsToAlarm: KPI_WINDOW.datapointsToAlarm, treatMissingData: 'notBreaching' as const, comparison: 'GreaterThanThreshold' as const };
  const stat = (metricName: string, s: AlarmMetricStat['stat'], period: number = KPI_WINDOW.period): AlarmMetricStat => ({ namespace: PERSONALIZE_NAMESPACE, metricName, dimensions, period, stat: s });
  const b = behaviour;
  if (b.kpiAlarms) {
    const expression = `100*FILL(m1,0)/m2`;
    for (const [level, threshold] of [['Warning', b.errorRateWarnPercent!], ['Critical', b.errorRateCriticalPercent!]] as const) {
      specs.push({
        ...kpi,
        name: alarmName(`ErrorRate${level}`, resource, prefix),
        description: describe(
          `${what}: ${level.toUpperCase()} – more than ${threshold}% of ${op} requests failed with 5xx in 3 of 3 five-minute periods. ` +
            `Rate = ${expression}, m1 = Sum and m2 = SampleCount (all requests) of ${PERSONALIZE_NAMESPACE} ${op}5xxErrors; no data is OK. ${resource.arn}`,
        ),
        metrics: [
          { id: 'm1', returnData: false, metricStat: stat(`${op}5xxErrors`, 'Sum') },
          { id: 'm2', returnData: false, metricStat: stat(`${op}5xxErrors`, 'SampleCount') },
          { id: 'e1', returnData: true, label: '5xx error rate (%)', expression },
        ],
        threshold,
        alarmActions: level === 'Critical' ? critical : warn,
      });
    }
    for (const [level, threshold] of [['Warning', b.latencyWarnMs!], ['Critical', b.latencyCriticalMs!]] as const) {
      specs.push({
        ...kpi,
        name: alarmName(`Latency${level}`, resource, prefix),
        description: describe(
          `${what}: ${level.toUpperCase()} – average ${op} latency above ${threshold} ms in 3 of 3 five-minute periods ` +
            `(${PERSONALIZE_NAMESPACE} ${op}Latency, Average; no data is OK). ${resource.arn}`,
        ),
        namespace: PERSONALIZE_NAMESPACE,
        metricName: `${op}Latency`,
        dimensions,
        statistic: 'Average',
        period: KPI_WINDOW.period,
        threshold,
        alarmActions: level === 'Critical' ? critical : warn,
      });
    }
  }
  if (interval) {
    const period = Math.max(FIVE_MINUTES_SECONDS, interval * 60);
    specs.push({
      ...base,
      name: alarmName('Availability', resource, prefix),
      description: describe(
        `${what}: CRITICAL – no successful ${op} request (the canary asks every ${interval} min) in ${AVAILABILITY_EVALUATION_PERIODS} of ${AVAILABILITY_EVALUATION_PERIODS} ` +
          `${period / 60}-minute periods (${PERSONALIZE_NAMESPACE} ${op} Sum < 1; no data breaches). ${resource.arn}`,
      ),
      namespace: PERSONALIZE_NAMESPACE,
      metricName: op,
      dimensions,
      statistic: 'Sum',
      period,
      evaluationPeriods: AVAILABILITY_EVALUATION_PERIODS,
      datapointsToAlarm: AVAILABILITY_EVALUATION_PERIODS,
      threshold: 1,
      comparison: 'LessThanThreshold',
      treatMissingData: 'breaching',
      // Just created, updated or restarted: no request yet would fire at once.
      actionsEnabled: now - latestActivity(resource) >= AVAILABILITY_EVALUATION_PERIODS * period * 1000,
      alarmActions: critical,
    });
  }
  if (b.trafficAnomalyAlarms) {
    const expression = `ANOMALY_DETECTION_BAND(m1,${ANOMALY_BAND_WIDTH})`;
    specs.push({
      ...kpi,
      name: alarmName('TrafficAnomaly', resource, prefix),
      description: describe(
        `${what}: WARNING – ${op} requests (Sum per five minutes) outside the anomaly detection band ${expression} in 3 of 3 periods; no data is OK. ${resource.arn}`,
      ),
      metrics: [
        { id: 'm1', returnData: true, metricStat: stat(op, 'Sum') },
        { id: 'ad1', returnData: true, label: 'Expected requests', expression },
      ],
      threshold: 0,
      thresholdMetricId: 'ad1',
      comparison: 'LessThanLowerOrGreaterThanUpperThreshold',
      alarmActions: warn,
    });
  }
  return specs;
}

function describe(text: string): string {
  return text.length <= MAX_ALARM_DESCRIPTION_LENGTH ? text : `${text.slice(0, MAX_ALARM_DESCRIPTION_LENGTH - 3)}...`;
}

/** Dimension sets are unordered in CloudWatch: equal when they hold the same name=value pairs. */
function sameDimensions(a: readonly Dimension[] | undefined, b: readonly Dimension[] | undefined): boolean {
  const key = (ds: readonly Dimension[] | undefined) => (ds ?? []).map((d) => `${d.name}=${d.value}`).sort().join('\n');
  return key(a) === key(b);
}

function sameSet(a: string[], b: string[]): boolean {
  return [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** Same metric read: namespace, name, dimensions (any order), period and statistic. */
function sameMetricStat(a: AlarmMetricStat | undefined, b: AlarmMetricStat | undefined): boolean {
  if (!a || !b) return a === b;
  return a.namespace === b.namespace && a.metricName === b.metricName && sameDimensions(a.dimensions, b.dimensions) && a.period === b.period && a.stat === b.stat;
}

/**
 * Same metric-math queries, in order (the list is ordered; ids make the expressions refer to
 * each other): id, return data, label (absent = empty), expression and metric read of each.
 * Two absent lists (single-metric alarms) are the same.
 */
function sameQueries(a: readonly AlarmMetricQuery[] | undefined, b: readonly AlarmMetricQuery[] | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.length === b.length &&
    a.every((q, i) => {
      const r = b[i];
      return q.id === r.id && q.returnData === r.returnData && (q.label ?? '') === (r.label ?? '') && q.expression === r.expression && sameMetricStat(q.metricStat, r.metricStat);
    })
  );
}

/**
 * True when an existing alarm must be rewritten to match the desired one: any field that
 * changes its behaviour or text differs (so a config change rewrites it and steady state writes
 * nothing). A single-metric alarm always differs from a metric-math one (an upgrade rewrites the
 * old custom-metric alarm of the same name); metric-math alarms are compared query by query, so
 * a changed minimum (a constant of the expression) rewrites the alarm.
 */
export function alarmDiffers(existing: AlarmSpec, desired: AlarmSpec): boolean {
  return (
    existing.name !== desired.name ||
    existing.description !== desired.description ||
    existing.namespace !== desired.namespace ||
    existing.metricName !== desired.metricName ||
    !sameDimensions(existing.dimensions, desired.dimensions) ||
    existing.statistic !== desired.statistic ||
    existing.period !== desired.period ||
    (existing.metrics === undefined) !== (desired.metrics === undefined) ||
    !sameQueries(existing.metrics, desired.metrics) ||
    existing.evaluationPeriods !== desired.evaluationPeriods ||
    existing.datapointsToAlarm !== desired.datapointsToAlarm ||
    existing.threshold !== desired.threshold ||
    existing.thresholdMetricId !== desired.thresholdMetricId ||
    existing.comparison !== desired.comparison ||
    existing.treatMissingData !== desired.treatMissingData ||
    existing.actionsEnabled !== desired.actionsEnabled ||
    !sameSet(existing.alarmActions, desired.alarmActions)
  );
}

/** A dimension as CloudWatch returns it (DescribeAlarms: PascalCase, fields optional). */
interface WireDimension {
  Name?: string;
  Value?: string;
}

/**
 * The parts of an existing alarm (the SDK's `MetricAlarm`, structurally: no SDK import here)
 * that name the metric(s) it reads: its own dimensions, or its metric-math queries'.
 */
export interface AlarmMetricsLike {
  Dimensions?: readonly WireDimension[];
  Metrics?: readonly { MetricStat?: { Metric?: { Dimensions?: readonly WireDimension[] } } }[];
}

/**
 * The campaign or recommender an alarm watches (undefined if none): from a dimension list, or
 * from an existing alarm (`MetricAlarm`-like) – its top-level dimensions, else the dimensions of
 * its metric-math queries' metrics (a metric-math alarm has no top-level dimensions).
 */
export function alarmResourceArn(source: readonly Dimension[] | AlarmMetricsLike | undefined): string | undefined {
  const dimensionNames: string[] = [METRIC_NAMES.campaign.dimension, METRIC_NAMES.recommender.dimension];
  const find = (ds: readonly Dimension[] | undefined) => ds?.find((d) => dimensionNames.includes(d.name) && d.value)?.value;
  if (source === undefined || Array.isArray(source)) return find(source as readonly Dimension[] | undefined);
  const wire = (ds: readonly WireDimension[] | undefined) => find(ds?.map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })));
  const alarm = source as AlarmMetricsLike;
  return wire(alarm.Dimensions) ?? alarm.Metrics?.map((m) => wire(m.MetricStat?.Metric?.Dimensions)).find((arn) => arn !== undefined);
}
