/**
 * The ACTION's re-check: right before acting, describe the resource again (and, for idle
 * actions, count its requests over its own traffic window ending now; for monitor findings, read
 * its exemption tag) and let the pure rules decide: proceed, skip, alreadyDone or needsApproval.
 * Nothing the request carried (its evidence) is used: only what this task reads itself.
 */
import { getMetricData, requestSumQuery, type CloudWatchClient } from '../aws/cloudwatch';
import { listTags } from '../aws/personalize';
import { decideRecheck, isIdleAction, trafficWindow, type ActionRequest, type ActionState, type RecheckResult } from '../../core/actions';
import { parseExemption } from '../../core/exemption';
import { FIVE_MINUTES_MS, FIVE_MINUTES_SECONDS, floorTo } from '../../core/time';
import { METRIC_NAMES } from '../../core/utilization';
import type { RequestMetric } from '../../core/types';
import type { Logger } from '../shared/logger';
import { withThrottling } from '../action-shared/errors';
import { canaryRequestsIn } from '../../core/canary';
import { canaryResourceKey } from '../../core/contracts/canary';
import { parseArn } from '../../core/arn';
import type { CanaryCountsReader } from '../shared/canary-counts';
import { describeResource, type PersonalizeClients } from '../action-shared/personalize';

/** Campaigns serve either metric depending on their recipe; recommenders only GetRecommendations. */
const REQUEST_METRICS: Record<ActionRequest['resourceType'], RequestMetric[]> = {
  campaign: ['GetRecommendations', 'GetPersonalizedRanking'],
  recommender: ['GetRecommendations'],
};

export interface RecheckDeps {
  personalize: PersonalizeClients;
  cloudwatch: (region: string) => CloudWatchClient;
  now: () => number;
  logger: Logger;
  /** The health-check canary's counts (healthCheck on): its requests are not use. Absent: no canary. */
  canary?: CanaryCountsReader;
}

/** The window a traffic re-check reads: widened to whole 5-minute periods (a request just before the finding counts: the safe side). */
export function requestWindow(start: number, end: number): { from: number; to: number } {
  const from = floorTo(start, FIVE_MINUTES_MS);
  return { from, to: Math.max(floorTo(end, FIVE_MINUTES_MS) + FIVE_MINUTES_MS, from + FIVE_MINUTES_MS) };
}

/** Sum of the resource's requests from `start` to `end` (5-minute datapoints, all pages), over `requestWindow`. */
export async function requestsBetween(cw: CloudWatchClient, request: ActionRequest, start: number, end: number): Promise<number> {
  const dimension = METRIC_NAMES[request.resourceType].dimension;
  const queries = REQUEST_METRICS[request.resourceType].map((metric, i) =>
    requestSumQuery(`m${i}`, metric, { name: dimension, value: request.resourceArn }, FIVE_MINUTES_SECONDS),
  );
  const { from, to } = requestWindow(start, end);
  const results = await withThrottling('GetMetricData', request.resourceArn, () => getMetricData(cw, { queries, start: from, end: to }));
  return results.reduce((total, r) => total + (r.Values ?? []).reduce((s, v) => s + v, 0), 0);
}

/** Re-checks the resource; reads only what the decision still needs (tags, then traffic). */
export async function recheck(state: ActionState, deps: RecheckDeps): Promise<RecheckResult> {
  const { request, run } = state;
  const now = deps.now();
  const approved = state.approval?.approved === true;
  const client = deps.personalize(request.region);
  const { snapshot } = await describeResource(client, request);
  const exemption =
    request.origin === 'monitor' && snapshot.exists ? parseExemption(await withThrottling('ListTagsForResource', request.resourceArn, () => listTags(client, request.resourceArn)), run.exemptionTagKey, now) : undefined;
  const input = { request, run, current: snapshot, exemption, now, approved };
  let result = decideRecheck(input);
  let requestsInWindow: number | undefined;
  if (result.decision === 'proceed' && isIdleAction(request.action)) {
    const window = trafficWindow(request, run.idleThresholdHours, now);
    requestsInWindow = await requestsBetween(deps.cloudwatch(request.region), request, window.start, window.end);
    if (deps.canary && requestsInWindow > 0) requestsInWindow = await withoutCanaryRequests(requestsInWindow, request, window, deps.canary, deps.logger);
    result = decideRecheck({ ...input, requestsInWindow });
  }
  deps.logger.info('recheck', { resourceArn: request.resourceArn, action: request.action, origin: request.origin, decision: result.decision, reason: result.reason, requestsInWindow });
  return result;
}

/**
 * The requests the resource's users made in `window`: `total` minus the canary's successful
 * requests in the same whole 5-minute periods (never below 0). A failed read of the canary's
 * counts subtracts nothing: the canary's requests then count as use and the action does not
 * proceed (the safe side), which the log says.
 */
async function withoutCanaryRequests(total: number, request: ActionRequest, window: { start: number; end: number }, canaryCounts: CanaryCountsReader, logger: Logger): Promise<number> {
  const { from, to } = requestWindow(window.start, window.end);
  try {
    const counts = await canaryCounts.read(request.region, from, to);
    const name = parseArn(request.resourceArn).resourceName;
    const canary = canaryRequestsIn(counts.countsOf(canaryResourceKey({ type: request.resourceType, name })), from, to);
    return Math.max(0, total - canary);
  } catch (err) {
    logger.warn('canary counts not read; its requests count as use', { resourceArn: request.resourceArn, error: err as Error });
    return total;
  }
}
