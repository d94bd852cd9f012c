/**
 * The data-feed checks' contract: what the `data-feed` task reads per dataset group (facts), what
 * the pure checks (core/data-feed.ts) find, the EventBridge events and the state items that make a
 * finding reported once per occurrence. Written by tasks/data-feed, read by the dashboard's
 * queries (the `dataFeed` record, core/contracts/records.ts) and by event rules users write.
 *
 * Source of the metric names: "CloudWatch metrics for Amazon Personalize",
 * https://docs.aws.amazon.com/personalize/latest/dg/cloudwatch-metrics.html – `PutEventsRequests`
 * (successful PutEvents calls), `PutEvents4xxErrors`, `PutEvents5xxErrors`, dimension `EventTrackerArn`.
 */
import { statePartition } from './state';

/** Metric names of an event tracker (namespace AWS/Personalize, dimension EVENT_TRACKER_DIMENSION). */
export const PUT_EVENTS_METRICS = { requests: 'PutEventsRequests', errors4xx: 'PutEvents4xxErrors', errors5xx: 'PutEvents5xxErrors' } as const;
export const EVENT_TRACKER_DIMENSION = 'EventTrackerArn';

/** Every check, by what it concerns. */
export const DATA_FEED_CHECKS = [
  'ingestionStopped',
  'ingestionErrors',
  'trackerUnused',
  'importFailed',
  'importOverdue',
  'trainingFailed',
  'trainingScheduleMissed',
  'modelStale',
  'campaignOnOldModel',
] as const;
export type DataFeedCheck = (typeof DATA_FEED_CHECKS)[number];

/**
 * EventBridge detail-type of each check's events (source `personalize.monitor`). One detail-type
 * per family; `detail.Check` names the check and `detail.Status` says `open` (found) or
 * `recovered` (the condition is gone).
 */
export const DATA_FEED_DETAIL_TYPES: Record<DataFeedCheck, string> = {
  ingestionStopped: 'PersonalizeEventIngestionStopped',
  ingestionErrors: 'PersonalizeEventIngestionStopped',
  trackerUnused: 'PersonalizeEventIngestionStopped',
  importFailed: 'PersonalizeImportFailed',
  importOverdue: 'PersonalizeImportFailed',
  trainingFailed: 'PersonalizeTrainingFailed',
  trainingScheduleMissed: 'PersonalizeTrainingFailed',
  modelStale: 'PersonalizeModelStale',
  campaignOnOldModel: 'PersonalizeCampaignOnOldModel',
};

/** What a data-feed finding is about. */
export type DataFeedResourceType = 'eventTracker' | 'dataset' | 'solution' | 'campaign' | 'recommender';

/** Tag on a solution overriding maxModelAgeDays for it: a whole number of days, 1–3650 (anything else: the setting applies). */
export const MAX_MODEL_AGE_TAG_KEY = 'PersonalizeMonitorMaxModelAgeDays';

/** How far back the checks look (hourly PutEvents metrics; import jobs and versions by their times). */
export const DATA_FEED_LOOKBACK_DAYS = 7;

// ---------- facts (gathered by tasks/data-feed; all times epoch ms) ----------

/** One hour of an event tracker's PutEvents metrics (`t` = start of the hour). */
export interface PutEventsHour {
  t: number;
  requests: number;
  errors: number;
}

export interface EventTrackerFacts {
  arn: string;
  name: string;
  status: string;
  createdAt: number;
  /** Hours of the look-back with data, oldest first (an hour without a datapoint had no call); undefined when the read failed. */
  hours?: PutEventsHour[];
}

export interface ImportJobFacts {
  arn: string;
  name: string;
  status: string;
  createdAt: number;
  lastUpdatedAt: number;
  failureReason?: string;
}

export interface DatasetFacts {
  arn: string;
  name: string;
  datasetType: string;
  createdAt: number;
  /** Every import job of the dataset (all pages). */
  imports: ImportJobFacts[];
}

export interface SolutionVersionFacts {
  arn: string;
  status: string;
  trainingMode?: string;
  /** AUTOMATIC (the solution's schedule) or MANUAL. */
  trainingType?: string;
  createdAt: number;
  lastUpdatedAt: number;
  failureReason?: string;
}

export interface SolutionFacts {
  arn: string;
  name: string;
  createdAt: number;
  /** The automatic-training period in days when performAutoTraining is on (`rate(N days)`), else undefined. */
  autoTrainingDays?: number;
  /** Its tags (exemption, MAX_MODEL_AGE_TAG_KEY). */
  tags: Record<string, string>;
  versions: SolutionVersionFacts[];
}

export interface CampaignFacts {
  arn: string;
  name: string;
  solutionArn: string;
  status: string;
  solutionVersionArn: string;
  /** campaignConfig.syncWithLatestSolutionVersion. */
  syncWithLatest: boolean;
  lastUpdatedAt: number;
}

export interface RecommenderFacts {
  arn: string;
  name: string;
  status: string;
  createdAt: number;
  lastUpdatedAt: number;
}

/** Everything one check of one dataset group reads. */
export interface DatasetGroupFacts {
  arn: string;
  name: string;
  region: string;
  tags: Record<string, string>;
  trackers: EventTrackerFacts[];
  datasets: DatasetFacts[];
  solutions: SolutionFacts[];
  campaigns: CampaignFacts[];
  recommenders: RecommenderFacts[];
  /**
   * What could not be read (a list or describe failed after retries): no finding is RECOVERED on
   * incomplete facts, and the check that needed the missing facts makes no finding either.
   */
  incomplete: string[];
}

/** The thresholds of the checks (config keys of the same names). */
export interface DataFeedSettings {
  eventIngestionIdleHours: number;
  putEventsErrorPercent: number;
  /** Off (undefined / 0) by default. */
  maxImportAgeDays?: number;
  maxModelAgeDays: number;
  campaignVersionLagHours: number;
  exemptionTagKey: string;
}

// ---------- findings, events, state ----------

/** One open condition of one resource. Small: it travels to SNS, EventBridge and the state table. */
export interface DataFeedFinding {
  check: DataFeedCheck;
  resourceArn: string;
  resourceName: string;
  resourceType: DataFeedResourceType;
  datasetGroupArn: string;
  datasetGroupName: string;
  region: string;
  /** One sentence for people (email, Slack, event Reason). */
  reason: string;
  /** Facts behind it, flat (ISO-8601 times, counts, the failure reason). */
  evidence: Record<string, string | number>;
}

/** Status of a data-feed event. */
export type DataFeedStatus = 'open' | 'recovered';

/** Detail of a data-feed event. */
export interface DataFeedEventDetail {
  Check: DataFeedCheck;
  Status: DataFeedStatus;
  ARN: string;
  ResourceType: DataFeedResourceType;
  DatasetGroupArn: string;
  Region: string;
  Reason: string;
  /** When the condition was first found (ISO-8601). */
  OpenedAt: string;
  Evidence: Record<string, string | number>;
}

/** Partition of one region's data-feed state (the state table; sort keys OPEN_ITEM_PREFIX…). */
export function dataFeedPartition(region: string): string {
  return statePartition(region).replace(/^region#/, 'datafeed#');
}
export const OPEN_ITEM_PREFIX = 'open#';

/** Sort key of one open finding: the check and the resource (one occurrence open at a time). */
export function openItemSortKey(check: DataFeedCheck, resourceArn: string): string {
  return `${OPEN_ITEM_PREFIX}${check}#${resourceArn}`;
}

/** An open item lives this long after its last check (a dataset group no longer checked drops it). */
export const OPEN_ITEM_TTL_DAYS = 30;

/** One open finding as stored: what was reported, and whether its notification went out. */
export interface OpenFindingItem {
  pk: string;
  sk: string;
  finding: DataFeedFinding;
  /** Epoch ms the condition was first found. */
  openedAt: number;
  /** Epoch ms its notification and event were delivered; absent → delivered by a later run. */
  reportedAt?: number;
  /** Epoch ms of the last check that still found it. */
  checkedAt: number;
  /** Epoch seconds. */
  expiresAt: number;
}
