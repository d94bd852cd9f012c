/**
 * Personalize adapter of the ACTION tasks: one client per region, and describes reduced to the
 * `ResourceSnapshot` the pure rules decide on.
 */
import { DescribeCampaignCommand, DescribeRecommenderCommand, PersonalizeClient, type Recommender } from '@aws-sdk/client-personalize';
import type { ActionRequest, ResourceSnapshot } from '../../core/actions';
import { isNotFound, withThrottling } from './errors';

/** Gives the Personalize client of a region (injectable for tests). */
export type PersonalizeClients = (region: string) => PersonalizeClient;

const clients = new Map<string, PersonalizeClient>();

/** Module-wide clients, created once per region and container. */
export const defaultPersonalizeClients: PersonalizeClients = (region) => {
  let c = clients.get(region);
  if (!c) {
    c = new PersonalizeClient({ region });
    clients.set(region, c);
  }
  return c;
};

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
      const out = await withThrottling('DescribeCampaign', arn, () => client.send(new DescribeCampaignCommand({ campaignArn: arn })));
      const c = out.campaign;
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
    const out = await withThrottling('DescribeRecommender', arn, () => client.send(new DescribeRecommenderCommand({ recommenderArn: arn })));
    const r = out.recommender;
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
