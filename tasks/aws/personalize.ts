/**
 * Amazon Personalize: every operation the tasks call, each in one place. Errors are the SDK's
 * (classified with ./errors); callers decide what a failure means for them.
 */
import {
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  DescribeRecommenderCommand,
  DescribeSolutionVersionCommand,
  ListCampaignsCommand,
  ListRecommendersCommand,
  ListTagsForResourceCommand,
  StopRecommenderCommand,
  UpdateCampaignCommand,
  UpdateRecommenderCommand,
  type Campaign,
  type CampaignSummary,
  type PersonalizeClient,
  type Recommender,
  type RecommenderConfig,
  type RecommenderSummary,
} from '@aws-sdk/client-personalize';

export type { Campaign, CampaignSummary, PersonalizeClient, Recommender, RecommenderConfig, RecommenderSummary } from '@aws-sdk/client-personalize';

/** Largest page ListCampaigns / ListRecommenders return. */
export const LIST_PAGE_SIZE = 100;

/** One page of a List operation. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** One page of ListCampaigns. */
export async function listCampaignsPage(client: PersonalizeClient, nextToken: string | undefined): Promise<Page<CampaignSummary>> {
  const out = await client.send(new ListCampaignsCommand({ maxResults: LIST_PAGE_SIZE, nextToken }));
  return { items: out.campaigns ?? [], nextToken: out.nextToken };
}

/** One page of ListRecommenders. */
export async function listRecommendersPage(client: PersonalizeClient, nextToken: string | undefined): Promise<Page<RecommenderSummary>> {
  const out = await client.send(new ListRecommendersCommand({ maxResults: LIST_PAGE_SIZE, nextToken }));
  return { items: out.recommenders ?? [], nextToken: out.nextToken };
}

/** DescribeCampaign; undefined when the answer holds no campaign. @throws ResourceNotFoundException and the like. */
export async function describeCampaign(client: PersonalizeClient, campaignArn: string): Promise<Campaign | undefined> {
  return (await client.send(new DescribeCampaignCommand({ campaignArn }))).campaign;
}

/** DescribeRecommender; undefined when the answer holds no recommender. */
export async function describeRecommender(client: PersonalizeClient, recommenderArn: string): Promise<Recommender | undefined> {
  return (await client.send(new DescribeRecommenderCommand({ recommenderArn }))).recommender;
}

/** The recipe and dataset group of a solution version (immutable: callers may cache it forever). */
export async function describeSolutionVersion(client: PersonalizeClient, solutionVersionArn: string): Promise<{ recipeArn?: string; datasetGroupArn?: string }> {
  const out = await client.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
  return { recipeArn: out.solutionVersion?.recipeArn, datasetGroupArn: out.solutionVersion?.datasetGroupArn };
}

/** Tags of a resource as a map (a tag without value maps to ''). */
export async function listTags(client: PersonalizeClient, resourceArn: string): Promise<Record<string, string>> {
  const out = await client.send(new ListTagsForResourceCommand({ resourceArn }));
  const tags: Record<string, string> = {};
  for (const t of out.tags ?? []) if (t.tagKey !== undefined) tags[t.tagKey] = t.tagValue ?? '';
  return tags;
}

/** DeleteCampaign. */
export async function deleteCampaign(client: PersonalizeClient, campaignArn: string): Promise<void> {
  await client.send(new DeleteCampaignCommand({ campaignArn }));
}

/** StopRecommender. */
export async function stopRecommender(client: PersonalizeClient, recommenderArn: string): Promise<void> {
  await client.send(new StopRecommenderCommand({ recommenderArn }));
}

/** UpdateCampaign: only the minimum provisioned TPS. */
export async function updateCampaignMinTps(client: PersonalizeClient, campaignArn: string, minProvisionedTPS: number | undefined): Promise<void> {
  await client.send(new UpdateCampaignCommand({ campaignArn, minProvisionedTPS }));
}

/** UpdateRecommender replaces the whole config: pass the current one with the change applied. */
export async function updateRecommender(client: PersonalizeClient, recommenderArn: string, recommenderConfig: RecommenderConfig): Promise<void> {
  await client.send(new UpdateRecommenderCommand({ recommenderArn, recommenderConfig }));
}
