/**
 * Shared data shapes of Personalize Monitor. Pure: no SDK imports.
 * Times are epoch milliseconds inside the logic and ISO-8601 strings on the wire (state payloads).
 */
import type { ActionKind } from './contracts/action';
import type { RequestDetail } from './contracts/events';
import type { Problem } from './contracts/run';

export type ResourceType = 'campaign' | 'recommender';

/** CloudWatch `AWS/Personalize` request metric a resource is billed on. */
export type RequestMetric = 'GetRecommendations' | 'GetPersonalizedRanking';

/** A campaign or recommender as the monitor sees it after discovery. */
export interface MonitoredResource {
  arn: string;
  name: string;
  type: ResourceType;
  region: string;
  partition: string;
  accountId: string;
  /** Resource status, e.g. `ACTIVE`, `CREATE IN_PROGRESS`, `INACTIVE`. */
  status: string;
  /** Status of the latest update (campaign/recommender update), when one exists. */
  latestUpdateStatus?: string;
  /** minProvisionedTPS (campaign) or minRecommendationRequestsPerSecond (recommender). */
  minCapacity: number;
  /** Minimum requested by an update still in progress, when one is. */
  pendingMinCapacity?: number;
  requestMetric: RequestMetric;
  createdAt: number;
  /** Last update of the resource (covers a restart of a recommender: START sets it). */
  lastUpdatedAt: number;
  datasetGroupArn?: string;
  recipeArn?: string;
  solutionVersionArn?: string;
}

/** Requests observed for one resource. */
export interface TrafficSample {
  /** Sum of requests in the last complete 5-minute window (0 when no datapoint). */
  recentRequests: number;
  /** Hourly sums, oldest first, one per hour of the decision window; missing hours are 0. */
  hourlySums?: number[];
  /** Start (epoch ms) of the first hour in `hourlySums`. */
  hourlyStart?: number;
}

/** Why a resource is exempt from actions, if it is. */
export interface Exemption {
  exempt: boolean;
  /** Snoozed until this instant (epoch ms); absent = exempt indefinitely. */
  until?: number;
  reason: string;
}

export type FindingKind = 'idle' | 'overProvisioned';
export type { ActionKind } from './contracts/action';

/** Evidence behind a decision, with the original event's field names kept in `eventDetail`. */
export interface FindingEvidence {
  utilizationPercent: number;
  windowStart: string;
  windowEnd: string;
  /** Hourly datapoints considered (hours without data counted as zero). */
  datapoints: number;
  totalRequests: number;
  ageHours: number;
  currentMin: number;
  newMin?: number;
  lowWatermark?: number;
  highWatermark?: number;
  /** Estimated monthly cost of the waste in USD (730 hours a month). */
  monthlyWasteUsd: number;
}

/** A resource that needs a decision. Small: it travels through the state machine. */
export interface Finding {
  kind: FindingKind;
  action: ActionKind;
  /** The configuration allows acting (idle → AutoDeleteOrStopIdleResources; capacity → AutoAdjustMinTPS). */
  actionEnabled: boolean;
  dryRun: boolean;
  resourceArn: string;
  resourceType: ResourceType;
  region: string;
  name: string;
  reason: string;
  evidence: FindingEvidence;
  /** The original monitor's EventBridge request event for this finding. */
  event: { detailType: string; detail: RequestDetail };
  /** Email notification, ready to publish. */
  notification: { subject: string; message: string };
  /**
   * Name of the ACTION execution for this finding: the same finding (same resource state, same
   * proposal, same week) always gets the same name, so a repeated detection or a retried run
   * never starts a second execution (Step Functions keeps names unique for 90 days).
   */
  actionName: string;
}

/** What `collect` returns for a region: counts and findings, never raw metrics. */
export interface RegionResult {
  region: string;
  ok: boolean;
  resources: { campaigns: number; recommenders: number; active: number; skipped: number };
  metricsWritten: number;
  alarms: { created: number; updated: number; deleted: number; unchanged: number };
  /** What a dry run left unwritten (zero outside a dry run, where everything is written). */
  wouldWrite: WouldWrite;
  findings: Finding[];
  /** Findings beyond `maxFindingsPerRegion`, left for a later run. */
  deferredFindings: number;
  /** ARNs (or `list:<op>`) that could not be read this run, with the reason. */
  problems: Problem[];
  /** Fingerprint of the fleet (ARNs and minimums): a change triggers a dashboard rebuild. */
  fleetFingerprint: string;
  apiCalls: number;
  /**
   * Optional work the run's time budget left for the next runs: describes not started (those
   * resources are not monitored until described), candidates' tag reads (no finding this run),
   * alarm writes (PutMetricAlarm, DeleteAlarms names) not started or still throttled.
   */
  carriedOver: CarriedOver;
}

/** Work carried over to the next run (see RegionResult.carriedOver). */
export interface CarriedOver {
  describes: number;
  tagReads: number;
  alarmWrites: number;
}

/**
 * The writes a dry run did not make, counted (the alarm names are in the collect log): metric
 * points it would have published, alarms it would have created, rewritten and deleted.
 */
export interface WouldWrite {
  metrics: number;
  alarms: { created: number; updated: number; deleted: number };
}

/** Namespace of the metrics the monitor publishes (the original's). */
export const MONITOR_NAMESPACE = 'PersonalizeMonitor';
// The alarm prefix is a deploy setting (alarmPrefix); what makes an alarm ours is core/contracts/ownership.ts.

export interface Dimension {
  name: string;
  value: string;
}

/** One custom metric value to publish (pure shape; the adapter maps it to PutMetricData). */
export interface MetricPoint {
  metricName: string;
  dimensions: Dimension[];
  value: number;
  unit: 'Count/Second' | 'Percent' | 'Count';
  timestamp: number;
}

/** Statistic an alarm reads a metric with. */
export type AlarmStatistic = 'Sum' | 'Average' | 'SampleCount';

/** The metric a metric-math query reads (CloudWatch MetricStat: metric, period, statistic). */
export interface AlarmMetricStat {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  period: number;
  stat: AlarmStatistic;
}

/**
 * One query of a metric-math alarm (CloudWatch MetricDataQuery): either a metric read
 * (`metricStat`) or an expression over the other queries' ids (`expression`). Exactly one query
 * of an alarm has `returnData: true`: the series the alarm compares with its threshold.
 */
export type AlarmMetricQuery =
  | { id: string; returnData: boolean; label?: string; metricStat: AlarmMetricStat; expression?: undefined }
  | { id: string; returnData: boolean; label?: string; expression: string; metricStat?: undefined };

/** What every monitor alarm has, whatever it reads. */
interface AlarmSpecBase {
  name: string;
  description: string;
  /** The monitored resource the alarm belongs to (also in its dimensions or its queries' dimensions). */
  resourceArn: string;
  region: string;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** Static threshold; with `thresholdMetricId` unused (0, not sent: CloudWatch refuses both). */
  threshold: number;
  comparison: 'LessThanThreshold' | 'LessThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanLowerOrGreaterThanUpperThreshold';
  /** Anomaly detection alarm: id of the ANOMALY_DETECTION_BAND query the value is compared with. */
  thresholdMetricId?: string;
  treatMissingData: 'missing' | 'breaching' | 'notBreaching' | 'ignore';
  actionsEnabled: boolean;
  alarmActions: string[];
}

/** An alarm on one metric (namespace, name, dimensions, statistic, period); no `metrics`. */
export interface SingleMetricAlarmSpec extends AlarmSpecBase {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  statistic: AlarmStatistic;
  period: number;
  metrics?: undefined;
}

/** A metric-math alarm: `metrics` (in order), none of the single-metric fields. */
export interface MetricMathAlarmSpec extends AlarmSpecBase {
  metrics: AlarmMetricQuery[];
  namespace?: undefined;
  metricName?: undefined;
  dimensions?: undefined;
  statistic?: undefined;
  period?: undefined;
}

/**
 * The desired state of one CloudWatch alarm owned by the monitor: a single-metric alarm or a
 * metric-math one (`metrics` present), never both (CloudWatch rejects the combination).
 */
export type AlarmSpec = SingleMetricAlarmSpec | MetricMathAlarmSpec;
