/**
 * Amazon Personalize: every operation the tasks call, each in one place. Errors are the SDK's
 * (classified with ./errors); callers decide what a failure means for them.
 */
import {
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  DescribeRecommenderCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListRecommendersCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
  ListTagsForResourceCommand,
  StopRecommenderCommand,
  UpdateCampaignCommand,
  UpdateRecommenderCommand,
  type Campaign,
  type CampaignSummary,
  type DatasetGroupSummary,
  type DatasetImportJobSummary,
  type DatasetSummary,
  type EventTrackerSummary,
  type PersonalizeClient,
  type Recommender,
  type RecommenderConfig,
  type RecommenderSummary,
  type Solution,
  type SolutionSummary,
  type SolutionVersionSummary,
} from '@aws-sdk/client-personalize';

export type {
  Campaign,
  CampaignSummary,
  DatasetGroupSummary,
  DatasetImportJobSummary,
  DatasetSummary,
  EventTrackerSummary,
  PersonalizeClient,
  Recommender,
  RecommenderConfig,
  RecommenderSummary,
  Solution,
  SolutionSummary,
  SolutionVersionSummary,
} from '@aws-sdk/client-personalize';

/** Largest page ListCampaigns / ListRecommenders return. */
export const LIST_PAGE_SIZE = 100;

/** One page of a List operation. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** One page of ListCampaigns (of one solution when `solutionArn` is given). */
export async function listCampaignsPage(client: PersonalizeClient, nextToken: string | undefined, solutionArn?: string): Promise<Page<CampaignSummary>> {
  const out = await client.send(new ListCampaignsCommand({ maxResults: LIST_PAGE_SIZE, nextToken, ...(solutionArn ? { solutionArn } : {}) }));
  return { items: out.campaigns ?? [], nextToken: out.nextToken };
}

/** One page of ListRecommenders (of one dataset group when `datasetGroupArn` is given). */
export async function listRecommendersPage(client: PersonalizeClient, nextToken: string | undefined, datasetGroupArn?: string): Promise<Page<RecommenderSummary>> {
  const out = await client.send(new ListRecommendersCommand({ maxResults: LIST_PAGE_SIZE, nextToken, ...(datasetGroupArn ? { datasetGroupArn } : {}) }));
  return { items: out.recommenders ?? [], nextToken: out.nextToken };
}

/** One page of ListDatasetGroups (https://docs.aws.amazon.com/personalize/latest/dg/API_ListDatasetGroups.html). */
export async function listDatasetGroupsPage(client: PersonalizeClient, nextToken: string | undefined): Promise<Page<DatasetGroupSummary>> {
  const out = await client.send(new ListDatasetGroupsCommand({ maxResults: LIST_PAGE_SIZE, nextToken }));
  return { items: out.datasetGroups ?? [], nextToken: out.nextToken };
}

/** One page of ListDatasets of a dataset group (https://docs.aws.amazon.com/personalize/latest/dg/API_ListDatasets.html). */
export async function listDatasetsPage(client: PersonalizeClient, nextToken: string | undefined, datasetGroupArn: string): Promise<Page<DatasetSummary>> {
  const out = await client.send(new ListDatasetsCommand({ maxResults: LIST_PAGE_SIZE, nextToken, datasetGroupArn }));
  return { items: out.datasets ?? [], nextToken: out.nextToken };
}

/** One page of ListDatasetImportJobs of a dataset (https://docs.aws.amazon.com/personalize/latest/dg/API_ListDatasetImportJobs.html). */
export async function listDatasetImportJobsPage(client: PersonalizeClient, nextToken: string | undefined, datasetArn: string): Promise<Page<DatasetImportJobSummary>> {
  const out = await client.send(new ListDatasetImportJobsCommand({ maxResults: LIST_PAGE_SIZE, nextToken, datasetArn }));
  return { items: out.datasetImportJobs ?? [], nextToken: out.nextToken };
}

/** One page of ListEventTrackers of a dataset group (https://docs.aws.amazon.com/personalize/latest/dg/API_ListEventTrackers.html). */
export async function listEventTrackersPage(client: PersonalizeClient, nextToken: string | undefined, datasetGroupArn: string): Promise<Page<EventTrackerSummary>> {
  const out = await client.send(new ListEventTrackersCommand({ maxResults: LIST_PAGE_SIZE, nextToken, datasetGroupArn }));
  return { items: out.eventTrackers ?? [], nextToken: out.nextToken };
}

/** One page of ListSolutions of a dataset group (https://docs.aws.amazon.com/personalize/latest/dg/API_ListSolutions.html). */
export async function listSolutionsPage(client: PersonalizeClient, nextToken: string | undefined, datasetGroupArn: string): Promise<Page<SolutionSummary>> {
  const out = await client.send(new ListSolutionsCommand({ maxResults: LIST_PAGE_SIZE, nextToken, datasetGroupArn }));
  return { items: out.solutions ?? [], nextToken: out.nextToken };
}

/** One page of ListSolutionVersions of a solution (https://docs.aws.amazon.com/personalize/latest/dg/API_ListSolutionVersions.html). */
export async function listSolutionVersionsPage(client: PersonalizeClient, nextToken: string | undefined, solutionArn: string): Promise<Page<SolutionVersionSummary>> {
  const out = await client.send(new ListSolutionVersionsCommand({ maxResults: LIST_PAGE_SIZE, nextToken, solutionArn }));
  return { items: out.solutionVersions ?? [], nextToken: out.nextToken };
}

/** DescribeSolution (https://docs.aws.amazon.com/personalize/latest/dg/API_DescribeSolution.html); undefined when the answer holds none. */
export async function describeSolution(client: PersonalizeClient, solutionArn: string): Promise<Solution | undefined> {
  return (await client.send(new DescribeSolutionCommand({ solutionArn }))).solution;
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
