/**
 * The health-check canary's contract: what it writes into the state table so that its own
 * requests are never counted as use. Written by tasks/canary, read by tasks/collect (idle and
 * utilization decisions) and tasks/action-recheck (the re-check right before an action).
 *
 * One partition per region (`canary#<region>`), one item per hour (`hour#<13-digit epoch ms of
 * the hour's start>`). Its `slots` map holds, per resource (`canaryResourceKey`), a string of 12
 * digits: the canary's SUCCESSFUL requests in each 5-minute slot of the hour (CloudWatch counts
 * only successful requests in `GetRecommendations` / `GetPersonalizedRanking`). A request whose
 * outcome is unknown (timeout) is not written: it is never subtracted (the safe direction: a
 * resource then looks used, never idle). Items expire after CANARY_HOUR_TTL_DAYS (the longest
 * look-back a decision reads, plus a day).
 */
import type { MonitoredResource } from '../types';
import { HOUR_MS } from '../time';

/** Partition of one region's canary counts. */
export function canaryPartition(region: string): string {
  return `canary#${region}`;
}

export const CANARY_HOUR_ITEM_PREFIX = 'hour#';

/** Sort key of the hour starting at `hourStart` (epoch ms, a whole hour): fixed width, so keys sort by time. */
export function canaryHourSortKey(hourStart: number): string {
  if (!Number.isInteger(hourStart) || hourStart < 0 || hourStart % HOUR_MS !== 0) throw new Error(`canary hour must start on a whole hour (epoch ms), got ${hourStart}`);
  return `${CANARY_HOUR_ITEM_PREFIX}${String(hourStart).padStart(13, '0')}`;
}

/** The hour start a sort key names, or undefined when it is not an hour key. */
export function hourOfSortKey(sk: string): number | undefined {
  const m = /^hour#(\d{13})$/.exec(sk);
  return m ? Number(m[1]) : undefined;
}

/** Slots per hour item (5 minutes each: the finest window a decision reads). */
export const CANARY_SLOTS_PER_HOUR = 12;
/** A slot's count is one digit. */
export const MAX_CANARY_SLOT_COUNT = 9;

/** Hour items outlive the longest look-back (lookBackDays ≤ 60) by a day. */
export const CANARY_HOUR_TTL_DAYS = 61;

/** One hour item as stored. */
export interface CanaryHourItem {
  pk: string;
  sk: string;
  /** Resource key → 12 digits, successful canary requests per 5-minute slot. */
  slots: Record<string, string>;
  /** Optimistic lock: the writer puts only when the version it read is still there. */
  version: number;
  /** Epoch seconds (DynamoDB TTL). */
  expiresAt: number;
}

/**
 * Key of a resource inside an hour item: `c/<name>` or `r/<name>`. Names are unique per type,
 * account and region (Personalize), and the partition is the region's; a key never matches two
 * resources, so one resource's canary requests are never subtracted from another's.
 */
export function canaryResourceKey(resource: Pick<MonitoredResource, 'type' | 'name'>): string {
  return `${resource.type === 'campaign' ? 'c' : 'r'}/${resource.name}`;
}

/** Tag a resource may carry to override the canary's request (`userId=u itemId=i inputList=a+b`, or `off`). */
export const CANARY_TAG_KEY = 'PersonalizeMonitorCanary';
