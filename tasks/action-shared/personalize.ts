/**
 * The ACTION tasks' view of a resource: the describe (tasks/aws/personalize) reduced to the
 * `ResourceSnapshot` the pure rules decide on. Throttling surfaces as ThrottlingException.
 */
import type { ActionRequest, ResourceSnapshot } from '../../core/actions';
import { describeCampaign, describeRecommender, type PersonalizeClient, type Recommender } from '../aws/personalize';
import { isNotFound, withThrottling } from './errors';

/** Gives the Personalize client of a region (injectable for tests; default `awsClients.personalize`). */
export type PersonalizeClients = (region: string) => PersonalizeClient;

/** A snapshot of the resource plus, for recommenders, the full description (UpdateRecommender needs its config). */
export interface Described {
  snapshot: ResourceSnapshot;
  recommender?: Recommender;
}

/** The latest of the given times (epoch ms); undefined when none is known. */
function latestOf(...times: (Date | undefined)[]): number | undefined {
  const ms = times.map((t) => (t instanceof Date ? t.getTime() : NaN)).filter(Number.isFinite);
  return ms.length > 0 ? Math.max(...ms) : undefined;
}

/** Describes the request's resource; a missing resource gives `{ exists: false }`. Throttling → ThrottledError. */
export async function describeResource(client: PersonalizeClient, request: Pick<ActionRequest, 'resourceArn' | 'resourceType'>): Promise<Described> {
  const arn = request.resourceArn;
  try {
    if (request.resourceType === 'campaign') {
      const c = await withThrottling('DescribeCampaign', arn, () => describeCampaign(client, arn));
      if (!c) return { snapshot: { exists: false } };
      return {
        snapshot: {
          exists: true,
          status: c.status,
          latestUpdateStatus: c.latestCampaignUpdate?.status,
          minCapacity: c.minProvisionedTPS,
          pendingMinCapacity: c.latestCampaignUpdate?.minProvisionedTPS,
          changedAt: latestOf(c.creationDateTime, c.lastUpdatedDateTime, c.latestCampaignUpdate?.creationDateTime, c.latestCampaignUpdate?.lastUpdatedDateTime),
        },
      };
    }
    const r = await withThrottling('DescribeRecommender', arn, () => describeRecommender(client, arn));
    if (!r) return { snapshot: { exists: false } };
    return {
      snapshot: {
        exists: true,
        status: r.status,
        latestUpdateStatus: r.latestRecommenderUpdate?.status,
        minCapacity: r.recommenderConfig?.minRecommendationRequestsPerSecond,
        pendingMinCapacity: r.latestRecommenderUpdate?.recommenderConfig?.minRecommendationRequestsPerSecond,
        // A restart (START) updates lastUpdatedDateTime: the idle clock restarts with it.
        changedAt: latestOf(r.creationDateTime, r.lastUpdatedDateTime, r.latestRecommenderUpdate?.creationDateTime, r.latestRecommenderUpdate?.lastUpdatedDateTime),
      },
      recommender: r,
    };
  } catch (err) {
    if (isNotFound(err)) return { snapshot: { exists: false } };
    throw err;
  }
}
