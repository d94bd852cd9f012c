/**
 * Lambda `action-recheck`: right before acting, describe the resource again (and, for idle
 * actions, count its requests over its own traffic window ending now; for monitor findings, read
 * its exemption tag) and let the pure rules decide: proceed, skip, alreadyDone or needsApproval.
 * Nothing the request carried (its evidence) is used: only what this task reads itself.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ListTagsForResourceCommand, type PersonalizeClient } from '@aws-sdk/client-personalize';
import { decideRecheck, isIdleAction, trafficWindow, type ActionRequest, type ActionState, type RecheckResult } from '../../core/actions';
import { parseExemption } from '../../core/exemption';
import { FIVE_MINUTES_MS, FIVE_MINUTES_SECONDS, floorTo } from '../../core/time';
import { METRIC_NAMES } from '../../core/utilization';
import type { RequestMetric } from '../../core/types';
import { Logger } from '../shared/logger';
import { withThrottling } from '../action-shared/errors';
import { defaultPersonalizeClients, describeResource, type PersonalizeClients } from '../action-shared/personalize';

/** Namespace of Personalize's own request metrics. */
const PERSONALIZE_NAMESPACE = 'AWS/Personalize';
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
}

/** Sum of the resource's requests from `start` to `end` (5-minute datapoints, all pages). */
export async function requestsBetween(cw: CloudWatchClient, request: ActionRequest, start: number, end: number): Promise<number> {
  const dimension = METRIC_NAMES[request.resourceType].dimension;
  const queries: MetricDataQuery[] = REQUEST_METRICS[request.resourceType].map((metric, i) => ({
    Id: `m${i}`,
    MetricStat: {
      Metric: { Namespace: PERSONALIZE_NAMESPACE, MetricName: metric, Dimensions: [{ Name: dimension, Value: request.resourceArn }] },
      Period: FIVE_MINUTES_SECONDS,
      Stat: 'Sum',
    },
    ReturnData: true,
  }));
  // Widened to whole 5-minute periods: a request just before the finding counts (the safe side).
  const from = floorTo(start, FIVE_MINUTES_MS);
  const to = Math.max(floorTo(end, FIVE_MINUTES_MS) + FIVE_MINUTES_MS, from + FIVE_MINUTES_MS);
  let total = 0;
  let nextToken: string | undefined;
  do {
    const out = await withThrottling('GetMetricData', request.resourceArn, () =>
      cw.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(from), EndTime: new Date(to), NextToken: nextToken })),
    );
    for (const r of out.MetricDataResults ?? []) total += (r.Values ?? []).reduce((s, v) => s + v, 0);
    nextToken = out.NextToken;
  } while (nextToken);
  return total;
}

/** Tags of the resource as a map. */
async function tagsOf(client: PersonalizeClient, arn: string): Promise<Record<string, string>> {
  const out = await withThrottling('ListTagsForResource', arn, () => client.send(new ListTagsForResourceCommand({ resourceArn: arn })));
  const tags: Record<string, string> = {};
  for (const t of out.tags ?? []) if (t.tagKey !== undefined) tags[t.tagKey] = t.tagValue ?? '';
  return tags;
}

/** Re-checks the resource; reads only what the decision still needs (tags, then traffic). */
export async function recheck(state: ActionState, deps: RecheckDeps): Promise<RecheckResult> {
  const { request, run } = state;
  const now = deps.now();
  const approved = state.approval?.approved === true;
  const client = deps.personalize(request.region);
  const { snapshot } = await describeResource(client, request);
  const exemption =
    request.origin === 'monitor' && snapshot.exists ? parseExemption(await tagsOf(client, request.resourceArn), run.exemptionTagKey, now) : undefined;
  const input = { request, run, current: snapshot, exemption, now, approved };
  let result = decideRecheck(input);
  let requestsInWindow: number | undefined;
  if (result.decision === 'proceed' && isIdleAction(request.action)) {
    const window = trafficWindow(request, run.idleThresholdHours, now);
    requestsInWindow = await requestsBetween(deps.cloudwatch(request.region), request, window.start, window.end);
    result = decideRecheck({ ...input, requestsInWindow });
  }
  deps.logger.info('recheck', { resourceArn: request.resourceArn, action: request.action, origin: request.origin, decision: result.decision, reason: result.reason, requestsInWindow });
  return result;
}

const logger = new Logger('action-recheck');
const cloudwatchClients = new Map<string, CloudWatchClient>();

/** Lambda entry point. */
export async function handler(event: ActionState): Promise<RecheckResult> {
  return recheck(event, {
    personalize: defaultPersonalizeClients,
    cloudwatch: (region) => {
      let c = cloudwatchClients.get(region);
      if (!c) cloudwatchClients.set(region, (c = new CloudWatchClient({ region })));
      return c;
    },
    now: Date.now,
    logger,
  });
}
