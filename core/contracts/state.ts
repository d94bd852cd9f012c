/**
 * The state table's contract: what one region's `collect` learnt and must not learn again after a
 * cold start (described resources, their tags, solution versions), read back by the next run in
 * any container and by `build-dashboard` (which then needs no describe of its own). Written by
 * tasks/collect, read by tasks/collect and tasks/build-dashboard, created by infra with the same
 * keys and TTL attribute.
 *
 * One partition per region (`pk`), one item per resource or solution version (`sk`). Items expire
 * (DynamoDB TTL, `expiresAt` in epoch SECONDS) so that a resource nobody re-described for
 * RESOURCE_STATE_TTL_DAYS is described again, and a deleted region's state goes away by itself.
 * TTL deletion lags, so a reader treats an item past `expiresAt` as absent.
 */
import type { MonitoredResource } from '../types';
import { resourceName } from './names';

/** `<stack>-state`: the table's name (infra creates it, the tasks' IAM statements name it). */
export function stateTableName(stackName: string): string {
  return resourceName('dynamodbTable', stackName, 'state');
}

/** ARN of the state table (in the home region, where the monitor runs). */
export function stateTableArn(ctx: { partition: string; homeRegion: string; accountId: string; stackName: string }): string {
  return `arn:${ctx.partition}:dynamodb:${ctx.homeRegion}:${ctx.accountId}:table/${stateTableName(ctx.stackName)}`;
}

/** Partition key attribute (string). */
export const STATE_PARTITION_KEY = 'pk';
/** Sort key attribute (string). */
export const STATE_SORT_KEY = 'sk';
/** TTL attribute: epoch seconds. */
export const STATE_TTL_ATTRIBUTE = 'expiresAt';

/** A described resource is trusted this long without a re-describe (list fields unchanged). */
export const RESOURCE_STATE_TTL_DAYS = 7;
/** A solution version never changes; its facts are kept this long after the last write. */
export const SOLUTION_VERSION_STATE_TTL_DAYS = 30;

/** Partition of one region's state. */
export function statePartition(region: string): string {
  return `region#${region}`;
}

export const RESOURCE_ITEM_PREFIX = 'resource#';
export const SOLUTION_VERSION_ITEM_PREFIX = 'solutionVersion#';

/**
 * Sort key of the region's marker item (`RegionMarkerItem`): written by collect on its first save
 * and refreshed daily, so a region that was collected but has no resources is told apart from one
 * never collected (build-dashboard reports the latter).
 */
export const REGION_MARKER_SORT_KEY = 'collected';
/** The marker outlives a day without collects by far; a region not collected for this long has "no state". */
export const REGION_MARKER_TTL_DAYS = 7;

/** Sort key of a resource's item. */
export function resourceSortKey(arn: string): string {
  return `${RESOURCE_ITEM_PREFIX}${arn}`;
}

/** Sort key of a solution version's item. */
export function solutionVersionSortKey(arn: string): string {
  return `${SOLUTION_VERSION_ITEM_PREFIX}${arn}`;
}

/** One described campaign or recommender as stored. */
export interface ResourceStateItem {
  pk: string;
  sk: string;
  /** The description as discovery made it (stored as a JSON string attribute). */
  resource: MonitoredResource;
  /** List fields at the time of the describe: when the listing shows others, describe again. */
  listedLastUpdated: number;
  listedStatus: string;
  /** Epoch ms of the describe. */
  describedAt: number;
  /** Tags when read (only decision candidates' are; a JSON string attribute), with the epoch ms they were read at. */
  tags?: Record<string, string>;
  tagsAt?: number;
  /**
   * Set when the campaign was described but its solution version could not be read (throttled):
   * `resource` then lacks the recipe and dataset group and is NOT a monitored resource; the next
   * run reads only this solution version instead of describing the campaign again.
   */
  awaitingSolutionVersion?: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** The region's marker: collect has written this region's state at `collectedAt` (epoch ms). */
export interface RegionMarkerItem {
  pk: string;
  sk: typeof REGION_MARKER_SORT_KEY;
  collectedAt: number;
  expiresAt: number;
}

/** Facts of one solution version as stored. */
export interface SolutionVersionStateItem {
  pk: string;
  sk: string;
  recipeArn?: string;
  datasetGroupArn?: string;
  expiresAt: number;
}
