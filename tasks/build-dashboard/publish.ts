/**
 * Publishing the dashboards (CloudWatch calls in tasks/aws/cloudwatch): writes a dashboard only when its body changed,
 * deletes numbered dashboards a shrunken fleet no longer needs, and turns PutDashboard
 * validation messages into an error naming the dashboard. A dry run makes the same reads
 * (GetDashboard) and no write: it reports what it would create, update and delete.
 */
import { deleteDashboards, getDashboardBody, putDashboard, type CloudWatchClient } from '../aws/cloudwatch';
import { dashboardPageName } from '../../core/dashboard/names';
import type { DashboardDocument } from '../../core/dashboard/types';
import { DashboardValidationError, type DashboardValidationIssue } from './errors';

/** Numbered dashboards probed beyond the ones still needed (they are created without gaps). */
export const MAX_STALE_PROBES = 100;
/** Names per DeleteDashboards call. */
export const DELETE_BATCH = 100;

/** `wouldCreate` / `wouldUpdate`: a dry run's verdict (nothing was written). */
export type PublishStatus = 'created' | 'updated' | 'unchanged' | 'wouldCreate' | 'wouldUpdate';

export interface PublishResult {
  dashboards: { name: string; status: PublishStatus }[];
  /** Numbered dashboards deleted because the fleet no longer needs them. */
  deleted: string[];
  /** Dry run: the numbered dashboards that would have been deleted (nothing was). */
  wouldDelete: string[];
  /** CloudWatch calls made (for the run report). */
  apiCalls: number;
}

/**
 * Writes `docs` (dashboard 1 first) and deletes stale numbered dashboards of `stackName`.
 * Every dashboard is attempted before failing.
 * @throws DashboardValidationError when PutDashboard reported validation messages for any dashboard.
 */
export async function publishDashboards(
  cloudwatch: CloudWatchClient,
  stackName: string,
  docs: readonly DashboardDocument[],
  options: { dryRun?: boolean } = {},
): Promise<PublishResult> {
  const result: PublishResult = { dashboards: [], deleted: [], wouldDelete: [], apiCalls: 0 };
  const issues: DashboardValidationIssue[] = [];

  for (const doc of docs) {
    result.apiCalls++;
    const current = await getDashboardBody(cloudwatch, doc.name);
    if (current !== undefined && sameBody(current, doc.body)) {
      result.dashboards.push({ name: doc.name, status: 'unchanged' });
      continue;
    }
    if (options.dryRun) {
      result.dashboards.push({ name: doc.name, status: current === undefined ? 'wouldCreate' : 'wouldUpdate' });
      continue;
    }
    result.apiCalls++;
    const messages = await putDashboard(cloudwatch, doc.name, doc.body);
    if (messages.length > 0) {
      issues.push(...messages.map((m) => ({ dashboard: doc.name, dataPath: m.DataPath, message: m.Message ?? 'no message' })));
      continue;
    }
    result.dashboards.push({ name: doc.name, status: current === undefined ? 'created' : 'updated' });
  }

  const stale: string[] = [];
  for (let page = docs.length + 1; page <= docs.length + MAX_STALE_PROBES; page++) {
    const name = dashboardPageName(stackName, page);
    result.apiCalls++;
    if ((await getDashboardBody(cloudwatch, name)) === undefined) break;
    stale.push(name);
  }
  if (options.dryRun) {
    result.wouldDelete = stale;
    return result;
  }
  for (let i = 0; i < stale.length; i += DELETE_BATCH) {
    const batch = stale.slice(i, i + DELETE_BATCH);
    result.apiCalls++;
    // Deleted meanwhile by someone else counts: the goal is reached.
    await deleteDashboards(cloudwatch, batch);
    result.deleted.push(...batch);
  }

  if (issues.length > 0) throw new DashboardValidationError(issues);
  return result;
}

/** Same dashboard content, whatever the key order or whitespace CloudWatch stores it with. */
export function sameBody(stored: string, wanted: string): boolean {
  try {
    return canonicalJson(JSON.parse(stored)) === canonicalJson(JSON.parse(wanted));
  } catch {
    return false;
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
