/**
 * Simulated Amazon CloudWatch: GetMetricData / PutMetricData over the MetricStore, metric
 * alarms (per region, with the service's limits), dashboards (global) and tags.
 * The installed client speaks AWS JSON 1.0 with awsQueryCompatible (`x-amzn-query-mode: true`),
 * so errors carry both `__type` and the `x-amzn-query-error` code (see `queryCode`).
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from './clock';
import { SimError } from './errors';
import { evaluate, MetricMathError, parseExpression, referencedIds, type MathNode, type MathSeries, type MathValue } from './metric-math';
import { bucketStarts, MetricStore, SUPPORTED_STATS, statValue, type MetricDimension, type MetricIdentity, type Stat } from './metrics';
import type { OperationTable } from './operations';
import { seedFromString } from './random';
import {
  asRecord,
  decodeToken,
  encodeToken,
  optionalArray,
  optionalInt,
  optionalString,
  paginate,
  parseTimestamp,
  partitionOf,
  requireString,
  toEpochSeconds,
} from './util';

/** Limits of the real service. */
export const CLOUDWATCH_LIMITS = {
  maxQueriesPerGetMetricData: 500,
  maxDatapointsPerGetMetricData: 100_800,
  maxMetricsPerPutMetricData: 1000,
  maxDimensions: 30,
  maxValuesPerMetricDatum: 150,
  /** PutMetricData accepts timestamps up to two weeks back and two hours ahead. */
  maxPastMs: 14 * DAY_MS,
  maxFutureMs: 2 * HOUR_MS,
  maxAlarmsPerDescribePage: 100,
  defaultAlarmsPerDescribePage: 50,
  maxAlarmNamesPerCall: 100,
  maxAlarmTags: 50,
  maxAlarmMetricQueries: 20,
  /** Period × EvaluationPeriods: ≤ 1 day for periods under an hour, else ≤ 7 days. */
  maxEvaluationSecondsShortPeriod: 86_400,
  maxEvaluationSecondsLongPeriod: 7 * 86_400,
  shortPeriodBelowSec: 3600,
  maxDashboardWidgets: 500,
  maxMetricsPerWidget: 500,
  maxMetricsPerDashboard: 2500,
  dashboardsPerListPage: 1000,
} as const;

/** awsQuery codes of the CloudWatch exceptions (the SDK maps them back to its classes). */
const QUERY_CODES: Record<string, string> = {
  ResourceNotFound: 'ResourceNotFound',
  ResourceNotFoundException: 'ResourceNotFoundException',
  DashboardNotFoundError: 'ResourceNotFound',
  DashboardInvalidInputError: 'InvalidParameterInput',
  InvalidParameterValueException: 'InvalidParameterValue',
  InvalidParameterCombinationException: 'InvalidParameterCombination',
  MissingRequiredParameterException: 'MissingParameter',
  ValidationException: 'ValidationError',
  LimitExceededFault: 'LimitExceeded',
  InvalidNextToken: 'InvalidNextToken',
  InternalServiceFault: 'InternalServiceError',
};

/** A CloudWatch error with its query-compatible code. */
export function cwError(name: string, message: string, fields?: Record<string, unknown>, status?: number): SimError {
  const defaultStatus = name === 'ResourceNotFound' || name === 'DashboardNotFoundError' || name === 'ResourceNotFoundException' ? 404 : 400;
  return new SimError(name, message, { queryCode: QUERY_CODES[name] ?? name, fields, status: status ?? defaultStatus });
}
const validation = (m: string) => cwError('ValidationException', m);
const invalidValue = (m: string) => cwError('InvalidParameterValueException', m);
const missing = (m: string) => cwError('MissingRequiredParameterException', m);
const badToken = (m: string) => cwError('InvalidNextToken', m);

export interface CloudWatchOptions {
  /** Datapoints per GetMetricData page (real: 100,800); lower it to force paging in tests. */
  metricDataPageSize: number;
}

interface StoredAlarm {
  region: string;
  name: string;
  arn: string;
  /** PutMetricAlarm input as sent (PascalCase members), minus Tags. */
  config: Record<string, unknown>;
  updatedAt: number;
  /** When the state (or, at the first evaluation, its reason) last changed. */
  stateUpdatedAt: number;
  state: AlarmStateValue;
  stateReason: string;
  /** First evaluation instant: the first whole minute after creation (see `evaluateAlarm`). */
  firstEvaluationAt: number;
  /** Evaluated at least once (the first evaluation replaces "Unchecked: Initial alarm creation"). */
  evaluated: boolean;
}

/** States of a metric alarm. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
const ALARM_STATES: readonly AlarmStateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/** Comparison operators the simulator evaluates (static thresholds), with CloudWatch's wording. */
const COMPARISONS: Record<string, { test: (value: number, threshold: number) => boolean; text: string }> = {
  GreaterThanOrEqualToThreshold: { test: (v, t) => v >= t, text: 'greater than or equal to' },
  GreaterThanThreshold: { test: (v, t) => v > t, text: 'greater than' },
  LessThanThreshold: { test: (v, t) => v < t, text: 'less than' },
  LessThanOrEqualToThreshold: { test: (v, t) => v <= t, text: 'less than or equal to' },
};

/** An evaluation's outcome; `undefined` from `alarmStateAt` = keep the current state (`ignore`). */
interface AlarmEvaluation {
  value: AlarmStateValue;
  reason: string;
}

interface StoredDashboard {
  name: string;
  body: string;
  updatedAt: number;
}

/** One successful GetMetricData call, with what CloudWatch bills for it. */
export interface MetricDataRequestRecord {
  /** Simulated time of the call. */
  time: number;
  region: string;
  caller: string;
  /** MetricStat queries in the call (billed: "metrics requested"), returned or not. */
  metricsRequested: number;
  /** Metric math Expression queries (not billed). */
  expressions: number;
  /** Queries returned (ReturnData not false). */
  returned: number;
}

/** One GetMetricData query after validation. */
type ParsedQuery =
  | { kind: 'metric'; id: string; label: string; returnData: boolean; identity: MetricIdentity; period: number; stat: Stat; unit?: string }
  | { kind: 'expression'; id: string; label: string; returnData: boolean; expression: string; ast: MathNode; period?: number };

/** One query's computed datapoints. */
interface QueryResult {
  id: string;
  label: string;
  timestamps: number[];
  values: number[];
}

/** CloudWatch of one account: alarms per region, dashboards global, metrics in the store. */
export class CloudWatchModel {
  private readonly alarms = new Map<string, StoredAlarm>();
  private readonly dashboards = new Map<string, StoredDashboard>();
  /** Tags by resource ARN (alarms). */
  private readonly tags = new Map<string, Map<string, string>>();
  /** Successful GetMetricData calls with their billing counts (see `metricDataRequests`). */
  private readonly metricDataLog: MetricDataRequestRecord[] = [];

  constructor(
    readonly metrics: MetricStore,
    private readonly accountId: string,
    readonly options: CloudWatchOptions,
  ) {}

  /**
   * Successful GetMetricData calls (each page is a call), oldest first, optionally filtered.
   * CloudWatch bills GetMetricData per metric requested: sum `metricsRequested` (MetricStat
   * queries, hidden ones included; metric math expressions are not billed). The account's call
   * log (`account.calls`) has the same calls without their input, refused and faulted ones too.
   */
  metricDataRequests(filter: { region?: string; caller?: string; since?: number } = {}): MetricDataRequestRecord[] {
    return this.metricDataLog.filter(
      (r) => (!filter.region || r.region === filter.region) && (!filter.caller || r.caller === filter.caller) && (filter.since === undefined || r.time >= filter.since),
    );
  }

  /** Alarms stored in a region (or all), sorted by name. */
  alarmList(region?: string): StoredAlarm[] {
    return [...this.alarms.values()].filter((a) => !region || a.region === region).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Tags of an alarm ARN. */
  tagsOf(arn: string): Record<string, string> {
    return Object.fromEntries(this.tags.get(arn) ?? []);
  }

  /** Dashboards (global), sorted by name. */
  dashboardList(): { name: string; body: string; updatedAt: number }[] {
    return [...this.dashboards.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  alarmArn(region: string, name: string): string {
    return `arn:${partitionOf(region)}:cloudwatch:${region}:${this.accountId}:alarm:${name}`;
  }

  dashboardArn(name: string): string {
    return `arn:aws:cloudwatch::${this.accountId}:dashboard/${name}`;
  }

  /**
   * GetMetricData: MetricStat queries and metric math `Expression` queries (the subset of
   * sim/metric-math.ts), as one request: expressions refer to other queries by Id; only queries
   * with `ReturnData !== false` are returned (a hidden MetricStat is still read for the
   * expressions using it). Every successful call is also recorded in `metricDataRequests` with
   * what CloudWatch bills (metrics requested = MetricStat queries; expressions are free).
   */
  getMetricData(region: string, now: number, input: Record<string, unknown>, caller = 'unknown'): Record<string, unknown> {
    const queries = optionalArray(input, 'MetricDataQueries', validation);
    if (!queries || queries.length === 0) throw missing('MetricDataQueries is required');
    if (queries.length > CLOUDWATCH_LIMITS.maxQueriesPerGetMetricData) {
      throw validation(`The collection MetricDataQueries must not have a size greater than ${CLOUDWATCH_LIMITS.maxQueriesPerGetMetricData} (got ${queries.length}).`);
    }
    const start = parseTimestamp(input.StartTime, 'StartTime', validation);
    const end = parseTimestamp(input.EndTime, 'EndTime', validation);
    if (end <= start) throw validation('The parameter EndTime must be greater than StartTime.');
    const scanBy = optionalString(input, 'ScanBy', validation) ?? 'TimestampDescending';
    if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') throw validation(`ScanBy must be TimestampDescending or TimestampAscending, got ${scanBy}`);
    const maxDatapoints = optionalInt(input, 'MaxDatapoints', 1, Number.MAX_SAFE_INTEGER, validation);

    const parsed = queries.map((raw, i) => parseDataQuery(raw, i, region));
    const byId = indexQueries(parsed);
    const seriesOf = this.seriesEvaluator(byId, start, end, now);

    // Every query is evaluated (a hidden one too: its errors count), only ReturnData ones returned.
    for (const q of parsed) seriesOf(q.id);
    const results: QueryResult[] = [];
    for (const q of parsed) {
      if (!q.returnData) continue;
      const points = [...seriesOf(q.id).points].sort((a, b) => a[0] - b[0]);
      if (scanBy === 'TimestampDescending') points.reverse();
      results.push({ id: q.id, label: q.label, timestamps: points.map((p) => p[0]), values: points.map((p) => p[1]) });
    }

    // Page by datapoints across queries, in query order.
    const pageSize = Math.min(this.options.metricDataPageSize, maxDatapoints ?? Infinity, CLOUDWATCH_LIMITS.maxDatapointsPerGetMetricData);
    const scope = `gmd|${region}|${seedFromString(JSON.stringify([queries, input.StartTime, input.EndTime, scanBy]))}`;
    const offset = decodeToken(optionalString(input, 'NextToken', badToken), scope, badToken);
    const total = results.reduce((n, r) => n + r.values.length, 0);
    if (offset > total) throw badToken('NextToken points past the end of the results');
    const metricStats = parsed.filter((q) => q.kind === 'metric').length;
    this.metricDataLog.push({ time: now, region, caller, metricsRequested: metricStats, expressions: parsed.length - metricStats, returned: results.length });
    const pageEnd = Math.min(total, offset + pageSize);
    const out: Record<string, unknown>[] = [];
    let cursor = 0;
    for (const r of results) {
      const from = Math.max(offset, cursor) - cursor;
      const to = Math.min(pageEnd, cursor + r.values.length) - cursor;
      const hasPoints = to > from;
      if (hasPoints || (r.values.length === 0 && offset === 0)) {
        out.push({
          Id: r.id,
          Label: r.label,
          Timestamps: hasPoints ? r.timestamps.slice(from, to).map(toEpochSeconds) : [],
          Values: hasPoints ? r.values.slice(from, to) : [],
          StatusCode: cursor + r.values.length > pageEnd ? 'PartialData' : 'Complete',
        });
      }
      cursor += r.values.length;
    }
    return { MetricDataResults: out, NextToken: pageEnd < total ? encodeToken(scope, pageEnd) : undefined, Messages: [] };
  }

  /**
   * The evaluator GetMetricData and alarm evaluation share: a query Id → its series over
   * [start, end) as seen at `now`, memoized. MetricStat → the store's buckets; expression →
   * metric math (sim/metric-math.ts) over the other queries. Math errors → ValidationError.
   */
  private seriesEvaluator(byId: Map<string, ParsedQuery>, start: number, end: number, now: number): (id: string) => MathSeries {
    const evaluated = new Map<string, MathSeries>();
    const seriesOf = (id: string): MathSeries => {
      const hit = evaluated.get(id);
      if (hit) return hit;
      const q = byId.get(id)!;
      let series: MathSeries;
      if (q.kind === 'metric') {
        const buckets = this.metrics.buckets(q.identity, q.period, start, end, now, q.unit);
        series = { kind: 'series', periodSec: q.period, points: new Map(buckets.map((b) => [b.t, statValue(q.stat, b.stats)])) };
      } else {
        let value: MathValue;
        try {
          value = evaluate(q.ast, {
            series: seriesOf,
            periodOf: (ref) => (byId.get(ref) as Extract<ParsedQuery, { kind: 'metric' }>).period,
            grid: (periodSec) => bucketStarts(periodSec, start, end, now),
          });
        } catch (e) {
          if (e instanceof MetricMathError) throw validation(`Error in expression ${q.id} (${JSON.stringify(q.expression)}): ${e.message}`);
          throw e;
        }
        if (value.kind !== 'series') {
          throw validation(`Error in expression ${q.id} (${JSON.stringify(q.expression)}): the expression produces a single number, not a time series (TIME_SERIES(...) is not simulated).`);
        }
        // An explicit Period is the result's period for expressions using it (a FILL around it fills
        // on that grid); the simulator does not resample the data to it.
        series = q.period === undefined ? value : { ...value, periodSec: q.period };
      }
      evaluated.set(id, series);
      return series;
    };
    return seriesOf;
  }

  /** PutMetricData: validates like the service, stores values merged per minute. */
  putMetricData(region: string, now: number, input: Record<string, unknown>): void {
    const namespace = requireString(input, 'Namespace', missing);
    if (namespace.startsWith('AWS/')) throw invalidValue(`The value ${namespace} for parameter Namespace is invalid: namespaces starting with AWS/ are reserved.`);
    const data = optionalArray(input, 'MetricData', validation);
    if (!data || data.length === 0) throw missing('MetricData is required');
    if (data.length > CLOUDWATCH_LIMITS.maxMetricsPerPutMetricData) {
      throw validation(`The collection MetricData must not have a size greater than ${CLOUDWATCH_LIMITS.maxMetricsPerPutMetricData} (got ${data.length}).`);
    }
    const parsed = data.map((raw, i) => {
      const d = asRecord(raw, `MetricData[${i}]`, validation);
      const where = `MetricData[${i}]`;
      const metricName = requireString(d, 'MetricName', missing);
      const dimensions = dimensionsOf(d.Dimensions, `${where}.Dimensions`);
      if (dimensions.length > CLOUDWATCH_LIMITS.maxDimensions) throw invalidValue(`${where}: at most ${CLOUDWATCH_LIMITS.maxDimensions} dimensions`);
      const t = d.Timestamp === undefined ? now : parseTimestamp(d.Timestamp, `${where}.Timestamp`, invalidValue);
      if (t < now - CLOUDWATCH_LIMITS.maxPastMs || t > now + CLOUDWATCH_LIMITS.maxFutureMs) {
        throw invalidValue(`${where}.Timestamp ${new Date(t).toISOString()} must be within two weeks in the past and two hours in the future of ${new Date(now).toISOString()}.`);
      }
      const stats = statsOfDatum(d, where);
      return { id: { region, namespace, metricName, dimensions }, t, stats, unit: optionalString(d, 'Unit', invalidValue) };
    });
    // All or nothing, like the service.
    for (const p of parsed) if (p.stats) this.metrics.put(p.id, p.t, p.stats, p.unit);
  }

  /** PutMetricAlarm with the service's checks; creates or replaces (tags only on create). */
  putMetricAlarm(region: string, now: number, input: Record<string, unknown>): void {
    const name = requireString(input, 'AlarmName', missing);
    if (name.length > 255) throw validation('AlarmName must be at most 255 characters');
    const evaluationPeriods = input.EvaluationPeriods;
    if (typeof evaluationPeriods !== 'number' || !Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
      throw validation(`EvaluationPeriods must be a whole number >= 1, got ${JSON.stringify(evaluationPeriods)}`);
    }
    if (typeof input.ComparisonOperator !== 'string') throw missing('ComparisonOperator is required');
    const dta = input.DatapointsToAlarm;
    if (dta !== undefined && (typeof dta !== 'number' || dta < 1 || dta > evaluationPeriods)) {
      throw validation(`DatapointsToAlarm (${dta}) must be between 1 and EvaluationPeriods (${evaluationPeriods})`);
    }
    const tmd = input.TreatMissingData;
    if (tmd !== undefined && !['breaching', 'notBreaching', 'ignore', 'missing'].includes(String(tmd))) {
      throw validation(`TreatMissingData must be breaching, notBreaching, ignore or missing, got ${JSON.stringify(tmd)}`);
    }
    const metrics = optionalArray(input, 'Metrics', validation);
    const single = input.MetricName !== undefined || input.Namespace !== undefined || input.Period !== undefined || input.Statistic !== undefined;
    if (metrics && single) throw cwError('InvalidParameterCombinationException', 'Metrics cannot be combined with MetricName, Namespace, Statistic or Period.');
    const periods: number[] = [];
    if (metrics) {
      if (metrics.length === 0 || metrics.length > CLOUDWATCH_LIMITS.maxAlarmMetricQueries) {
        throw validation(`Metrics must have 1 to ${CLOUDWATCH_LIMITS.maxAlarmMetricQueries} entries, got ${metrics.length}`);
      }
      let returned = 0;
      for (const [i, raw] of metrics.entries()) {
        const q = asRecord(raw, `Metrics[${i}]`, validation);
        if (q.ReturnData !== false) returned++;
        const ms = q.MetricStat === undefined ? undefined : asRecord(q.MetricStat, `Metrics[${i}].MetricStat`, validation);
        const p = ms?.Period ?? q.Period;
        if (p !== undefined) periods.push(checkAlarmPeriod(p, `Metrics[${i}].Period`));
      }
      // An anomaly detection alarm returns the metric and its band (ThresholdMetricId), as CloudWatch's examples do.
      const band = input.ThresholdMetricId;
      if (band !== undefined) {
        if (input.Threshold !== undefined) throw cwError('InvalidParameterCombinationException', 'Threshold cannot be combined with ThresholdMetricId.');
        const bandQuery = metrics.find((q) => (q as Record<string, unknown>).Id === band) as Record<string, unknown> | undefined;
        if (!bandQuery || typeof bandQuery.Expression !== 'string' || !/^\s*ANOMALY_DETECTION_BAND\s*\(/.test(bandQuery.Expression)) {
          throw validation(`ThresholdMetricId ${JSON.stringify(band)} must be the Id of an ANOMALY_DETECTION_BAND expression of Metrics.`);
        }
        if (returned !== 2) throw validation(`An anomaly detection alarm returns exactly the metric and its band (ReturnData true), got ${returned}.`);
      } else if (returned !== 1) throw validation(`Exactly one element of the Metrics list must return data (ReturnData true), got ${returned}.`);
    } else {
      requireString(input, 'MetricName', missing);
      requireString(input, 'Namespace', missing);
      if (input.Statistic === undefined && input.ExtendedStatistic === undefined) throw missing('Statistic or ExtendedStatistic is required');
      if (input.Statistic !== undefined && !(SUPPORTED_STATS as readonly string[]).includes(String(input.Statistic))) {
        throw invalidValue(`Statistic must be one of ${SUPPORTED_STATS.join(', ')}, got ${JSON.stringify(input.Statistic)}`);
      }
      periods.push(checkAlarmPeriod(input.Period, 'Period'));
      dimensionsOf(input.Dimensions, 'Dimensions');
    }
    if (input.Threshold === undefined && input.ThresholdMetricId === undefined) throw missing('Threshold is required');
    for (const period of periods) {
      const limit = period < CLOUDWATCH_LIMITS.shortPeriodBelowSec ? CLOUDWATCH_LIMITS.maxEvaluationSecondsShortPeriod : CLOUDWATCH_LIMITS.maxEvaluationSecondsLongPeriod;
      if (period * evaluationPeriods > limit) {
        throw validation(
          `Metrics cannot be checked across more than ${limit === CLOUDWATCH_LIMITS.maxEvaluationSecondsShortPeriod ? 'a day' : '7 days'} (EvaluationPeriods * Period must be <= ${limit}; got ${evaluationPeriods} * ${period} = ${period * evaluationPeriods}).`,
        );
      }
    }
    const tags = tagList(input.Tags);
    if (Object.keys(tags).length > CLOUDWATCH_LIMITS.maxAlarmTags) throw cwError('LimitExceededFault', `An alarm can have at most ${CLOUDWATCH_LIMITS.maxAlarmTags} tags`);

    const key = `${region}|${name}`;
    const existing = this.alarms.get(key);
    const { Tags: _ignored, ...config } = input;
    void _ignored;
    const arn = this.alarmArn(region, name);
    // An update replaces the configuration and keeps the state (re-evaluated at the next DescribeAlarms).
    const state = existing
      ? { state: existing.state, stateReason: existing.stateReason, stateUpdatedAt: existing.stateUpdatedAt, firstEvaluationAt: existing.firstEvaluationAt, evaluated: existing.evaluated }
      : { state: 'INSUFFICIENT_DATA' as const, stateReason: 'Unchecked: Initial alarm creation', stateUpdatedAt: now, firstEvaluationAt: Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS, evaluated: false };
    this.alarms.set(key, { region, name, arn, config, updatedAt: now, ...state });
    // Tags given with an update of an existing alarm are ignored (use TagResource).
    if (!existing && Object.keys(tags).length > 0) this.tags.set(arn, new Map(Object.entries(tags)));
  }

  /**
   * DescribeAlarms with AlarmNames or AlarmNamePrefix, ≤ 100 per page. With `now` (the server
   * always passes it) and AlarmNames or a StateValue filter, every alarm asked for is evaluated at
   * `now` first (`evaluateAlarm`), so StateValue, the filter, StateReason and
   * StateUpdatedTimestamp are those of the data; a listing by prefix alone returns the states as
   * last evaluated.
   */
  describeAlarms(region: string, input: Record<string, unknown>, now?: number): Record<string, unknown> {
    const names = optionalArray(input, 'AlarmNames', validation);
    const prefix = optionalString(input, 'AlarmNamePrefix', validation);
    if (names && prefix !== undefined) throw cwError('InvalidParameterCombinationException', 'AlarmNames and AlarmNamePrefix cannot be specified together.');
    if (names && names.length > CLOUDWATCH_LIMITS.maxAlarmNamesPerCall) throw validation(`AlarmNames must have at most ${CLOUDWATCH_LIMITS.maxAlarmNamesPerCall} entries`);
    const maxRecords = optionalInt(input, 'MaxRecords', 1, CLOUDWATCH_LIMITS.maxAlarmsPerDescribePage, validation) ?? CLOUDWATCH_LIMITS.defaultAlarmsPerDescribePage;
    const stateValue = optionalString(input, 'StateValue', validation);
    if (stateValue !== undefined && !(ALARM_STATES as readonly string[]).includes(stateValue)) {
      throw validation(`1 validation error detected: Value '${stateValue}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [${ALARM_STATES.join(', ')}]`);
    }
    const types = optionalArray(input, 'AlarmTypes', validation);
    const wantMetric = !types || types.includes('MetricAlarm');
    const nameSet = names ? new Set(names.map(String)) : undefined;
    const selected = wantMetric ? this.alarmList(region).filter((a) => (!nameSet || nameSet.has(a.name)) && (prefix === undefined || a.name.startsWith(prefix))) : [];
    // Evaluated when the request names its alarms or filters by state: a listing by prefix (the
    // reconciler's, hundreds of alarms per call) returns the states as last evaluated, as if the
    // background evaluator had not run since – evaluating each alarm's window on every listing
    // would make the simulator, not the monitor, the slow part of a run.
    if (now !== undefined && (names !== undefined || stateValue !== undefined)) for (const a of selected) this.evaluateAlarm(a, now);
    const matching = selected.filter((a) => !stateValue || a.state === stateValue);
    const scope = `alarms|${region}|${prefix ?? ''}|${names ? [...nameSet!].sort().join(',') : ''}|${stateValue ?? ''}`;
    const { page, nextToken } = paginate(matching, maxRecords, optionalString(input, 'NextToken', badToken), scope, badToken);
    return { MetricAlarms: page.map((a) => this.renderAlarm(a)), CompositeAlarms: [], NextToken: nextToken };
  }

  /** DeleteAlarms: ≤ 100 names; any unknown name → ResourceNotFound and nothing deleted. */
  deleteAlarms(region: string, input: Record<string, unknown>): void {
    const names = optionalArray(input, 'AlarmNames', validation);
    if (!names || names.length === 0) throw missing('AlarmNames is required');
    if (names.length > CLOUDWATCH_LIMITS.maxAlarmNamesPerCall) throw validation(`The collection AlarmNames must not have a size greater than ${CLOUDWATCH_LIMITS.maxAlarmNamesPerCall} (got ${names.length}).`);
    const missingNames = names.map(String).filter((n) => !this.alarms.has(`${region}|${n}`));
    if (missingNames.length > 0) throw cwError('ResourceNotFound', `Alarms not found: ${missingNames.join(', ')}`);
    for (const n of names) {
      const key = `${region}|${String(n)}`;
      const alarm = this.alarms.get(key)!;
      this.tags.delete(alarm.arn);
      this.alarms.delete(key);
    }
  }

  /**
   * Evaluates one alarm at `now` and records a state change. CloudWatch evaluates an alarm once
   * a minute from shortly after its creation: until the first whole minute after PutMetricAlarm
   * the alarm stays "INSUFFICIENT_DATA / Unchecked: Initial alarm creation". The simulator
   * evaluates lazily, when DescribeAlarms asks, at the sim clock's now (no evaluation in between:
   * a state the data held only between two DescribeAlarms calls is not seen, and
   * StateUpdatedTimestamp is the time of the DescribeAlarms that saw the change). Like
   * CloudWatch, StateReason is written on a state change (and at the first evaluation), not on
   * every evaluation that keeps the state.
   */
  private evaluateAlarm(a: StoredAlarm, now: number): void {
    if (now < a.firstEvaluationAt) return;
    const next = this.alarmStateAt(a, now);
    const first = !a.evaluated;
    a.evaluated = true;
    if (!next) return; // `ignore` with no data at all: the current state is kept.
    if (first || next.value !== a.state) {
      a.state = next.value;
      a.stateReason = next.reason;
      a.stateUpdatedAt = now;
    }
  }

  /**
   * The state an alarm's data gives at `now`, as CloudWatch evaluates metric alarms:
   * - the datapoints are those of the last EvaluationPeriods complete periods ending at now
   *   (periods aligned to the epoch; a period is complete when its end ≤ now), read with the
   *   evaluator GetMetricData uses (MetricStat buckets, or the ReturnData query of `Metrics`
   *   evaluated as metric math by sim/metric-math.ts) – a period with no datapoint is missing;
   * - "M out of N": ALARM when at least DatapointsToAlarm (default EvaluationPeriods) of the
   *   datapoints breach (ComparisonOperator against Threshold), else OK;
   * - TreatMissingData (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):
   *   `breaching` / `notBreaching`: each missing period counts as a breaching / good datapoint;
   *   `missing` (default): missing periods are not considered – every period missing →
   *   INSUFFICIENT_DATA; otherwise the present datapoints decide, and when fewer than M are
   *   present all of them must breach (CloudWatch "uses missing data points only as few times as
   *   possible"; e.g. its table's "- - X - -" for a 3-of-3 alarm is ALARM);
   *   `ignore`: like `missing` when some datapoint is present; every period missing → the
   *   current state is kept (`undefined`; a new alarm therefore stays INSUFFICIENT_DATA).
   *   Simplification: CloudWatch reads a somewhat longer "evaluation range" than N periods to
   *   find real datapoints before it applies TreatMissingData; the simulator reads exactly the
   *   last N periods. The AWS/DynamoDB rule (such alarms always ignore missing data) is not
   *   simulated.
   * - What the simulator does not evaluate – anomaly-detection (ThresholdMetricId) alarms
   *   (PutMetricAlarm accepts and stores them – the band must be an ANOMALY_DETECTION_BAND
   *   expression of Metrics, metric and band both ReturnData, no Threshold – and DescribeAlarms
   *   lists them as sent; no model is trained, so they stay INSUFFICIENT_DATA),
   *   ExtendedStatistic (percentiles are not kept), other ComparisonOperators (PutMetricAlarm
   *   accepts any string, as it always did here), sub-minute periods (1-minute resolution),
   *   metric math the evaluator refuses – gives INSUFFICIENT_DATA with an "Unchecked: …" reason
   *   rather than an error, since DescribeAlarms itself never fails on an alarm's content.
   */
  private alarmStateAt(a: StoredAlarm, now: number): AlarmEvaluation | undefined {
    const c = a.config;
    const unchecked = (why: string): AlarmEvaluation => ({ value: 'INSUFFICIENT_DATA', reason: `Unchecked: ${why}` });
    const n = c.EvaluationPeriods as number;
    const m = typeof c.DatapointsToAlarm === 'number' ? c.DatapointsToAlarm : n;
    // Stored and listed as sent, never evaluated (no model is trained): INSUFFICIENT_DATA.
    if (c.ThresholdMetricId !== undefined) return unchecked('anomaly detection alarms (ThresholdMetricId) are not evaluated by the simulator.');
    const comparison = COMPARISONS[String(c.ComparisonOperator)];
    if (!comparison) return unchecked(`ComparisonOperator ${String(c.ComparisonOperator)} is not evaluated by the simulator.`);
    if (c.ExtendedStatistic !== undefined) return unchecked(`ExtendedStatistic ${String(c.ExtendedStatistic)} is not evaluated by the simulator (no percentiles are kept).`);
    const threshold = Number(c.Threshold);
    if (!Number.isFinite(threshold)) return unchecked(`Threshold ${JSON.stringify(c.Threshold)} is not a number.`);

    // The queries, as GetMetricData would take them; `target` is the one the alarm watches.
    let byId: Map<string, ParsedQuery>;
    let target: ParsedQuery;
    try {
      if (Array.isArray(c.Metrics)) {
        const parsed = c.Metrics.map((raw, i) => parseDataQuery(raw, i, a.region));
        byId = indexQueries(parsed);
        target = parsed.find((q) => q.returnData)!;
      } else {
        const period = Number(c.Period);
        if (period % 60 !== 0) return unchecked(`Period ${period} is not evaluated by the simulator (it keeps 1-minute resolution).`);
        target = {
          kind: 'metric',
          id: 'm1',
          label: String(c.MetricName),
          returnData: true,
          identity: { region: a.region, namespace: String(c.Namespace), metricName: String(c.MetricName), dimensions: dimensionsOf(c.Dimensions, 'Dimensions') },
          period,
          stat: c.Statistic as Stat,
          unit: typeof c.Unit === 'string' ? c.Unit : undefined,
        };
        byId = new Map([[target.id, target]]);
      }
    } catch (e) {
      if (e instanceof SimError) return unchecked(e.message);
      throw e;
    }
    // The alarm's period: the watched query's own, else the largest of its metrics'.
    const metricPeriods = [...byId.values()].flatMap((q) => (q.kind === 'metric' ? [q.period] : []));
    const periodSec = target.period ?? (metricPeriods.length > 0 ? Math.max(...metricPeriods) : undefined);
    if (periodSec === undefined) return unchecked(`the expression ${target.id} uses no metric, so it has no period.`);
    const periodMs = periodSec * 1000;
    const end = Math.floor(now / periodMs) * periodMs;
    const start = end - n * periodMs;
    let points: Map<number, number>;
    try {
      points = this.seriesEvaluator(byId, start, end, now)(target.id).points;
    } catch (e) {
      if (e instanceof SimError) return unchecked(e.message);
      throw e;
    }

    // Newest first, as CloudWatch lists them in its reasons.
    const slots: { t: number; value?: number }[] = [];
    for (let t = end - periodMs; t >= start; t -= periodMs) slots.push({ t, value: points.get(t) });
    const present = slots.filter((s): s is { t: number; value: number } => s.value !== undefined);
    const missingCount = n - present.length;
    const tmd = typeof c.TreatMissingData === 'string' ? c.TreatMissingData : 'missing';
    const filledAs = tmd === 'breaching' ? 'Breaching' : 'NonBreaching';

    if (present.length === 0) {
      if (tmd === 'ignore') return undefined;
      if (tmd === 'missing') return { value: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${plural(n, 'datapoint was', 'datapoints were')} unknown.` };
      return {
        value: tmd === 'breaching' ? 'ALARM' : 'OK',
        reason: `Threshold Crossed: no datapoints were received for ${plural(n, 'period', 'periods')} and ${plural(n, 'missing datapoint was', 'missing datapoints were')} treated as [${filledAs}].`,
      };
    }

    const fills = tmd === 'breaching' || tmd === 'notBreaching';
    const breachingPresent = present.filter((s) => comparison.test(s.value, threshold)).length;
    const considered = fills ? n : present.length;
    const breaching = breachingPresent + (tmd === 'breaching' ? missingCount : 0);
    const required = fills ? m : Math.min(m, present.length);
    const alarm = breaching >= required;
    const list = present.map((s) => `${javaDouble(s.value)} (${reasonDate(s.t)})`).join(', ');
    const counted = alarm ? breaching : considered - breaching;
    const filled = fills && missingCount > 0 ? ` (${plural(missingCount, 'missing datapoint was', 'missing datapoints were')} treated as [${filledAs}])` : '';
    return {
      value: alarm ? 'ALARM' : 'OK',
      reason:
        `Threshold Crossed: ${counted} out of the last ${considered} datapoints [${list}] ${counted === 1 ? 'was' : 'were'} ${alarm ? '' : 'not '}${comparison.text} ` +
        `the threshold (${javaDouble(threshold)})${filled}${alarm ? '' : ` (minimum ${plural(required, 'datapoint', 'datapoints')} for OK -> ALARM transition)`}.`,
    };
  }

  private renderAlarm(a: StoredAlarm): Record<string, unknown> {
    const c = a.config;
    return stripUndefined({
      AlarmName: a.name,
      AlarmArn: a.arn,
      AlarmDescription: c.AlarmDescription,
      AlarmConfigurationUpdatedTimestamp: toEpochSeconds(a.updatedAt),
      ActionsEnabled: c.ActionsEnabled ?? true,
      OKActions: c.OKActions ?? [],
      AlarmActions: c.AlarmActions ?? [],
      InsufficientDataActions: c.InsufficientDataActions ?? [],
      StateValue: a.state,
      StateReason: a.stateReason,
      StateUpdatedTimestamp: toEpochSeconds(a.stateUpdatedAt),
      StateTransitionedTimestamp: toEpochSeconds(a.stateUpdatedAt),
      MetricName: c.MetricName,
      Namespace: c.Namespace,
      Statistic: c.Statistic,
      ExtendedStatistic: c.ExtendedStatistic,
      Dimensions: c.Dimensions ?? (c.Metrics ? undefined : []),
      Period: c.Period,
      Unit: c.Unit,
      EvaluationPeriods: c.EvaluationPeriods,
      DatapointsToAlarm: c.DatapointsToAlarm,
      Threshold: c.Threshold,
      ComparisonOperator: c.ComparisonOperator,
      TreatMissingData: c.TreatMissingData,
      EvaluateLowSampleCountPercentile: c.EvaluateLowSampleCountPercentile,
      Metrics: c.Metrics,
      ThresholdMetricId: c.ThresholdMetricId,
    });
  }

  /** TagResource / UntagResource / ListTagsForResource on alarm ARNs. */
  tagOps(region: string, op: 'tag' | 'untag' | 'list', input: Record<string, unknown>): Record<string, unknown> {
    const arn = requireString(input, 'ResourceARN', missing);
    const alarm = [...this.alarms.values()].find((a) => a.arn === arn && a.region === region);
    if (!alarm) throw cwError('ResourceNotFoundException', `Resource ${arn} not found`, { ResourceType: 'alarm', ResourceId: arn });
    const current = this.tags.get(arn) ?? new Map<string, string>();
    if (op === 'tag') {
      const merged = new Map([...current, ...Object.entries(tagList(input.Tags))]);
      if (merged.size > CLOUDWATCH_LIMITS.maxAlarmTags) throw cwError('LimitExceededFault', `An alarm can have at most ${CLOUDWATCH_LIMITS.maxAlarmTags} tags`);
      this.tags.set(arn, merged);
      return {};
    }
    if (op === 'untag') {
      for (const k of optionalArray(input, 'TagKeys', validation) ?? []) current.delete(String(k));
      this.tags.set(arn, current);
      return {};
    }
    return { Tags: [...current].map(([Key, Value]) => ({ Key, Value })) };
  }

  /** PutDashboard: validates the body; invalid → DashboardInvalidInputError with messages. */
  putDashboard(now: number, input: Record<string, unknown>): Record<string, unknown> {
    const name = requireString(input, 'DashboardName', missing);
    const body = requireString(input, 'DashboardBody', missing);
    const errors: { DataPath: string; Message: string }[] = [];
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) errors.push({ DataPath: 'DashboardName', Message: 'Dashboard name may contain only A-Z, a-z, 0-9, "-" and "_" and be 1-255 long' });
    errors.push(...validateDashboardBody(body));
    if (errors.length > 0) {
      throw cwError('DashboardInvalidInputError', 'The field DashboardBody has an invalid value', { dashboardValidationMessages: errors });
    }
    this.dashboards.set(name, { name, body, updatedAt: now });
    return { DashboardValidationMessages: [] };
  }

  getDashboard(input: Record<string, unknown>): Record<string, unknown> {
    const name = requireString(input, 'DashboardName', missing);
    const d = this.dashboards.get(name);
    if (!d) throw cwError('DashboardNotFoundError', `Dashboard ${name} does not exist`);
    return { DashboardArn: this.dashboardArn(name), DashboardBody: d.body, DashboardName: name };
  }

  listDashboards(input: Record<string, unknown>): Record<string, unknown> {
    const prefix = optionalString(input, 'DashboardNamePrefix', validation) ?? '';
    const items = this.dashboardList().filter((d) => d.name.startsWith(prefix));
    const { page, nextToken } = paginate(items, CLOUDWATCH_LIMITS.dashboardsPerListPage, optionalString(input, 'NextToken', badToken), `dash|${prefix}`, badToken);
    return {
      DashboardEntries: page.map((d) => ({ DashboardName: d.name, DashboardArn: this.dashboardArn(d.name), LastModified: toEpochSeconds(d.updatedAt), Size: Buffer.byteLength(d.body) })),
      NextToken: nextToken,
    };
  }

  deleteDashboards(input: Record<string, unknown>): void {
    const names = (optionalArray(input, 'DashboardNames', validation) ?? []).map(String);
    if (names.length === 0) throw missing('DashboardNames is required');
    const unknown = names.filter((n) => !this.dashboards.has(n));
    if (unknown.length > 0) throw cwError('DashboardNotFoundError', `Dashboards do not exist: ${unknown.join(', ')}`);
    for (const n of names) this.dashboards.delete(n);
  }
}

/** Validates one MetricDataQueries entry: exactly one of MetricStat or Expression. */
function parseDataQuery(raw: unknown, i: number, region: string): ParsedQuery {
  const q = asRecord(raw, `MetricDataQueries[${i}]`, validation);
  const id = requireString(q, 'Id', validation);
  if (!/^[a-z][a-zA-Z0-9_]{0,254}$/.test(id)) throw validation(`MetricDataQueries[${i}].Id "${id}" must start with a lowercase letter and contain only letters, digits and underscores.`);
  const where = `MetricDataQueries[${i}] (${id})`;
  if (q.ReturnData !== undefined && typeof q.ReturnData !== 'boolean') throw validation(`${where}: ReturnData must be a boolean, got ${JSON.stringify(q.ReturnData)}.`);
  const returnData = q.ReturnData !== false;
  const label = optionalString(q, 'Label', validation);
  if (q.Expression !== undefined && q.MetricStat !== undefined) throw validation(`${where}: specify exactly one of MetricStat or Expression, not both.`);
  if (q.Expression !== undefined) {
    if (typeof q.Expression !== 'string') throw validation(`${where}: Expression must be a string.`);
    const expression = q.Expression;
    let ast: MathNode;
    try {
      ast = parseExpression(expression);
    } catch (e) {
      if (e instanceof MetricMathError) throw validation(`Error in expression ${id} (${JSON.stringify(expression)}): ${e.message}`);
      throw e;
    }
    let period: number | undefined;
    if (q.Period !== undefined) {
      if (typeof q.Period !== 'number' || !Number.isInteger(q.Period) || q.Period < 60 || q.Period % 60 !== 0) {
        throw validation(`${where}: Period must be a multiple of 60 seconds (the simulator keeps 1-minute resolution), got ${JSON.stringify(q.Period)}.`);
      }
      period = q.Period;
    }
    // CloudWatch labels an unlabelled expression with its Id.
    return { kind: 'expression', id, label: label ?? id, returnData, expression, ast, period };
  }
  if (q.MetricStat === undefined) throw validation(`${where} must have MetricStat or Expression.`);
  const ms = asRecord(q.MetricStat, `MetricDataQueries[${i}].MetricStat`, validation);
  const metric = asRecord(ms.Metric, `MetricDataQueries[${i}].MetricStat.Metric`, validation);
  const period = ms.Period;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 60 || period % 60 !== 0) {
    throw validation(`${where}: Period must be a multiple of 60 seconds (the simulator keeps 1-minute resolution), got ${JSON.stringify(period)}.`);
  }
  const stat = ms.Stat;
  if (typeof stat !== 'string' || !(SUPPORTED_STATS as readonly string[]).includes(stat)) {
    throw validation(`${where}: Stat must be one of ${SUPPORTED_STATS.join(', ')}, got ${JSON.stringify(stat)}.`);
  }
  const identity: MetricIdentity = {
    region,
    namespace: requireString(metric, 'Namespace', validation),
    metricName: requireString(metric, 'MetricName', validation),
    dimensions: dimensionsOf(metric.Dimensions, `MetricDataQueries[${i}].MetricStat.Metric.Dimensions`),
  };
  return { kind: 'metric', id, label: label ?? identity.metricName, returnData, identity, period, stat: stat as Stat, unit: optionalString(ms, 'Unit', validation) };
}

/** Queries by Id (Ids unique), references checked (see `checkReferences`). */
function indexQueries(parsed: ParsedQuery[]): Map<string, ParsedQuery> {
  const byId = new Map<string, ParsedQuery>();
  for (const q of parsed) {
    if (byId.has(q.id)) throw validation(`The values for parameter Id in MetricDataQueries are not unique: ${q.id}`);
    byId.set(q.id, q);
  }
  checkReferences(parsed, byId);
  return byId;
}

/** Every id an expression uses exists (PERIOD's a MetricStat), and expressions form no cycle. */
function checkReferences(parsed: ParsedQuery[], byId: Map<string, ParsedQuery>): void {
  const deps = new Map<string, string[]>();
  for (const q of parsed) {
    if (q.kind !== 'expression') continue;
    const { series, periods } = referencedIds(q.ast);
    const where = `Error in expression ${q.id} (${JSON.stringify(q.expression)})`;
    for (const ref of [...series, ...periods]) {
      if (!byId.has(ref)) throw validation(`${where}: ${ref} does not refer to any query Id of this request.`);
    }
    for (const ref of periods) {
      if (byId.get(ref)!.kind !== 'metric') throw validation(`${where}: PERIOD(${ref}) needs a MetricStat query; ${ref} is an expression.`);
    }
    deps.set(q.id, series.filter((ref) => byId.get(ref)!.kind === 'expression'));
  }
  // Depth-first search over expression → expression edges; a back edge is a cycle.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw validation(`Circular reference between expressions: ${cycle.join(' -> ')}.`);
    }
    state.set(id, 'visiting');
    for (const d of deps.get(id) ?? []) visit(d, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of deps.keys()) visit(id, []);
}

function checkAlarmPeriod(p: unknown, field: string): number {
  if (typeof p !== 'number' || !Number.isInteger(p) || !([10, 20, 30].includes(p) || (p >= 60 && p % 60 === 0))) {
    throw validation(`${field} must be 10, 20, 30 or a multiple of 60, got ${JSON.stringify(p)}`);
  }
  return p;
}

function dimensionsOf(raw: unknown, field: string): MetricDimension[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validation(`${field}: expected a list`);
  return raw.map((d, i) => {
    const dim = asRecord(d, `${field}[${i}]`, validation);
    if (typeof dim.Name !== 'string' || typeof dim.Value !== 'string') throw validation(`${field}[${i}]: Name and Value are required strings`);
    return { Name: dim.Name, Value: dim.Value };
  });
}

function tagList(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) throw validation('Tags: expected a list');
  const out: Record<string, string> = {};
  for (const [i, t] of raw.entries()) {
    const tag = asRecord(t, `Tags[${i}]`, validation);
    if (typeof tag.Key !== 'string' || typeof tag.Value !== 'string') throw validation(`Tags[${i}]: Key and Value are required strings`);
    out[tag.Key] = tag.Value;
  }
  return out;
}

function statsOfDatum(d: Record<string, unknown>, where: string) {
  const finite = (v: unknown, f: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidValue(`${where}.${f} must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  };
  const given = [d.Value !== undefined, d.StatisticValues !== undefined, d.Values !== undefined].filter(Boolean).length;
  if (given > 1) throw cwError('InvalidParameterCombinationException', `${where}: specify only one of Value, StatisticValues or Values`);
  if (d.Value !== undefined) {
    const v = finite(d.Value, 'Value');
    return { sampleCount: 1, sum: v, min: v, max: v };
  }
  if (d.StatisticValues !== undefined) {
    const s = asRecord(d.StatisticValues, `${where}.StatisticValues`, invalidValue);
    return { sampleCount: finite(s.SampleCount, 'StatisticValues.SampleCount'), sum: finite(s.Sum, 'StatisticValues.Sum'), min: finite(s.Minimum, 'StatisticValues.Minimum'), max: finite(s.Maximum, 'StatisticValues.Maximum') };
  }
  if (d.Values !== undefined) {
    const values = optionalArray(d, 'Values', invalidValue)!.map((v, i) => finite(v, `Values[${i}]`));
    if (values.length > CLOUDWATCH_LIMITS.maxValuesPerMetricDatum) throw invalidValue(`${where}.Values: at most ${CLOUDWATCH_LIMITS.maxValuesPerMetricDatum} values`);
    const counts = (optionalArray(d, 'Counts', invalidValue) ?? values.map(() => 1)).map((c, i) => finite(c, `Counts[${i}]`));
    if (counts.length !== values.length) throw cwError('InvalidParameterCombinationException', `${where}: Counts must have as many entries as Values`);
    if (values.length === 0) return undefined;
    let sampleCount = 0;
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      sampleCount += counts[i];
      sum += values[i] * counts[i];
    }
    return { sampleCount, sum, min: Math.min(...values), max: Math.max(...values) };
  }
  throw missing(`${where}: one of Value, StatisticValues or Values is required`);
}

const WIDGET_TYPES = ['metric', 'text', 'log', 'alarm', 'explorer', 'custom'];

/** Checks a dashboard body like PutDashboard does; returns the validation messages. */
export function validateDashboardBody(body: string): { DataPath: string; Message: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return [{ DataPath: '', Message: `Should be valid JSON: ${(e as Error).message}` }];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [{ DataPath: '', Message: 'Should be object' }];
  const widgets = (parsed as { widgets?: unknown }).widgets;
  if (!Array.isArray(widgets)) return [{ DataPath: '/widgets', Message: 'Should have required property "widgets" (an array)' }];
  const messages: { DataPath: string; Message: string }[] = [];
  if (widgets.length > CLOUDWATCH_LIMITS.maxDashboardWidgets) messages.push({ DataPath: '/widgets', Message: `Should NOT have more than ${CLOUDWATCH_LIMITS.maxDashboardWidgets} items` });
  let totalMetrics = 0;
  widgets.forEach((w, i) => {
    const path = `/widgets/${i}`;
    if (typeof w !== 'object' || w === null) return messages.push({ DataPath: path, Message: 'Should be object' });
    const widget = w as Record<string, unknown>;
    if (!WIDGET_TYPES.includes(String(widget.type))) messages.push({ DataPath: `${path}/type`, Message: `Should be equal to one of the allowed values ${WIDGET_TYPES.join(', ')}` });
    const within = (k: string, min: number, max: number) => {
      const v = widget[k];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) messages.push({ DataPath: `${path}/${k}`, Message: `Should be an integer from ${min} to ${max}` });
    };
    within('width', 1, 24);
    within('height', 1, 1000);
    within('x', 0, 23);
    within('y', 0, Number.MAX_SAFE_INTEGER);
    const props = widget.properties;
    if (typeof props !== 'object' || props === null) return messages.push({ DataPath: `${path}/properties`, Message: 'Should have required property "properties"' });
    const p = props as Record<string, unknown>;
    if (widget.type === 'metric') {
      if (typeof p.region !== 'string') messages.push({ DataPath: `${path}/properties`, Message: 'Should have required property "region"' });
      const metrics = p.metrics;
      if (metrics !== undefined) {
        if (!Array.isArray(metrics)) messages.push({ DataPath: `${path}/properties/metrics`, Message: 'Should be array' });
        else {
          if (metrics.length > CLOUDWATCH_LIMITS.maxMetricsPerWidget) messages.push({ DataPath: `${path}/properties/metrics`, Message: `Should NOT have more than ${CLOUDWATCH_LIMITS.maxMetricsPerWidget} items` });
          metrics.forEach((m, j) => {
            if (!Array.isArray(m) || m.length === 0) messages.push({ DataPath: `${path}/properties/metrics/${j}`, Message: 'Should be a non-empty array' });
          });
          totalMetrics += metrics.length;
        }
      } else if (p.annotations === undefined && p.alarms === undefined) {
        messages.push({ DataPath: `${path}/properties`, Message: 'Should have property "metrics", "annotations" or "alarms"' });
      }
    }
    if (widget.type === 'text' && typeof p.markdown !== 'string') messages.push({ DataPath: `${path}/properties`, Message: 'Should have required property "markdown"' });
    if (widget.type === 'alarm' && !Array.isArray(p.alarms)) messages.push({ DataPath: `${path}/properties`, Message: 'Should have required property "alarms"' });
    return undefined;
  });
  if (totalMetrics > CLOUDWATCH_LIMITS.maxMetricsPerDashboard) messages.push({ DataPath: '/widgets', Message: `A dashboard may have at most ${CLOUDWATCH_LIMITS.maxMetricsPerDashboard} metrics, found ${totalMetrics}` });
  return messages;
}

/** `1 datapoint was` / `3 datapoints were`. */
function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A number as CloudWatch's reasons print it (Java's double: `3.0`, `0.25`). */
function javaDouble(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** A timestamp as CloudWatch's reasons print it: `dd/MM/yy HH:mm:ss` in UTC. */
function reasonDate(ms: number): string {
  const d = new Date(ms);
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The CloudWatch operations the simulator serves (`GraniteServiceVersion20100801.<Op>`). */
export function cloudWatchOperations(model: CloudWatchModel): OperationTable {
  return {
    GetMetricData: ({ region, now, caller }, input) => model.getMetricData(region, now, input, caller),
    PutMetricData: ({ region, now }, input) => {
      model.putMetricData(region, now, input);
      return {};
    },
    PutMetricAlarm: ({ region, now }, input) => {
      model.putMetricAlarm(region, now, input);
      return {};
    },
    DescribeAlarms: ({ region, now }, input) => model.describeAlarms(region, input, now),
    DeleteAlarms: ({ region }, input) => {
      model.deleteAlarms(region, input);
      return {};
    },
    TagResource: ({ region }, input) => model.tagOps(region, 'tag', input),
    UntagResource: ({ region }, input) => model.tagOps(region, 'untag', input),
    ListTagsForResource: ({ region }, input) => model.tagOps(region, 'list', input),
    PutDashboard: ({ now }, input) => model.putDashboard(now, input),
    GetDashboard: (_ctx, input) => model.getDashboard(input),
    ListDashboards: (_ctx, input) => model.listDashboards(input),
    DeleteDashboards: (_ctx, input) => {
      model.deleteDashboards(input);
      return {};
    },
  };
}
