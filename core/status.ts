/**
 * Tolerant matching of Personalize statuses: the API and docs spell them with spaces or
 * underscores (`CREATE IN_PROGRESS`, `CREATE_IN_PROGRESS`) and case is not guaranteed.
 */
import type { MonitoredResource } from './types';

/** Normalized statuses (see `normalizeStatus`). */
export const STATUS = {
  ACTIVE: 'ACTIVE',
  CREATE_FAILED: 'CREATE FAILED',
  INACTIVE: 'INACTIVE',
} as const;

/** `create_in-progress ` → `CREATE IN PROGRESS`: upper case, single spaces, no `_`/`-`. */
export function normalizeStatus(status: string | undefined | null): string {
  return (status ?? '').trim().toUpperCase().replace(/[\s_-]+/g, ' ');
}

/** Statuses from which UpdateCampaign / UpdateRecommender / Delete / Stop are accepted. */
function allowsUpdate(status: string): boolean {
  return status === STATUS.ACTIVE || status === STATUS.CREATE_FAILED;
}

/** Status fields of a resource or a fresh snapshot of one (an absent status is never ACTIVE). */
type StatusFields = { status?: MonitoredResource['status']; latestUpdateStatus?: MonitoredResource['latestUpdateStatus'] };

/**
 * The resource may be updated, stopped or deleted: its status and its latest update's status
 * are each ACTIVE or CREATE FAILED (no latest update counts as fine).
 */
export function isUpdatable(resource: StatusFields): boolean {
  if (!allowsUpdate(normalizeStatus(resource.status))) return false;
  return resource.latestUpdateStatus === undefined || allowsUpdate(normalizeStatus(resource.latestUpdateStatus));
}

/**
 * The resource serves (and bills) traffic: ACTIVE, possibly with an update in progress, but not
 * being deleted, not stopped (INACTIVE) and not still being created.
 */
export function isMonitorable(resource: StatusFields): boolean {
  if (normalizeStatus(resource.status) !== STATUS.ACTIVE) return false;
  return !normalizeStatus(resource.latestUpdateStatus).startsWith('DELETE');
}

/** A status still moving (`… PENDING`, `… IN PROGRESS`): the resource must be described again soon. */
export function isTransitionalStatus(status: string | undefined): boolean {
  const s = normalizeStatus(status);
  return s.endsWith(' PENDING') || s.endsWith(' IN PROGRESS');
}

/** The resource or its latest update is in a transitional status. */
export function isTransitional(resource: StatusFields): boolean {
  return isTransitionalStatus(resource.status) || isTransitionalStatus(resource.latestUpdateStatus);
}
