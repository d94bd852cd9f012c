/**
 * The simulated Personalize speaks AWS JSON 1.1 to the real SDK client: listings page with
 * opaque tokens, errors arrive as the SDK's named exceptions, and updates, deletes, stops and
 * starts move through their statuses as simulated time passes.
 */
import {
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  DescribeRecommenderCommand,
  DescribeSolutionVersionCommand,
  InvalidInputException,
  InvalidNextTokenException,
  ListCampaignsCommand,
  ListRecommendersCommand,
  ListTagsForResourceCommand,
  PersonalizeClient,
  ResourceInUseException,
  ResourceNotFoundException,
  StartRecommenderCommand,
  StopRecommenderCommand,
  TagResourceCommand,
  UpdateCampaignCommand,
  UpdateRecommenderCommand,
  paginateListCampaigns,
} from '@aws-sdk/client-personalize';
import { MINUTE_MS, DAY_MS, SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';

const REGION = 'eu-west-1';
let account: SimAccount;
let server: SimServer;
let client: PersonalizeClient;

beforeEach(async () => {
  account = new SimAccount({ durations: { pendingMs: 1 * MINUTE_MS, updateCampaignMs: 10 * MINUTE_MS, deleteCampaignMs: 5 * MINUTE_MS, stopRecommenderMs: 5 * MINUTE_MS, startRecommenderMs: 10 * MINUTE_MS, updateRecommenderMs: 10 * MINUTE_MS } });
  server = await startSimServer(account);
  client = new PersonalizeClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
});
afterEach(async () => {
  client.destroy();
  await server.close();
});

const aMonthAgo = () => account.clock.now() - 30 * DAY_MS;

function campaign(name: string, extra: { minProvisionedTPS?: number; region?: string } = {}): string {
  return account.personalize.createCampaign({ region: extra.region ?? REGION, name, minProvisionedTPS: extra.minProvisionedTPS ?? 5, createdAt: aMonthAgo() });
}

describe('listing and describing', () => {
  it('pages ListCampaigns with maxResults and an opaque nextToken, per region', async () => {
    const arns = ['a', 'b', 'c', 'd', 'e'].map((n) => campaign(n));
    campaign('elsewhere', { region: 'us-east-1' });

    const first = await client.send(new ListCampaignsCommand({ maxResults: 2 }));
    const all: string[] = [];
    for await (const page of paginateListCampaigns({ client, pageSize: 2 }, {})) all.push(...(page.campaigns ?? []).map((c) => c.campaignArn!));

    expect(first.campaigns).toHaveLength(2);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(first.nextToken).not.toMatch(/^\d+$/);
    expect(all).toEqual(arns);
  });

  it('rejects a token that is not one of its own', async () => {
    campaign('a');
    await expect(client.send(new ListCampaignsCommand({ nextToken: 'bogus' }))).rejects.toBeInstanceOf(InvalidNextTokenException);
  });

  it('describes a campaign with dates, minimum and no update yet', async () => {
    const arn = campaign('shop', { minProvisionedTPS: 7 });

    const { campaign: c } = await client.send(new DescribeCampaignCommand({ campaignArn: arn }));

    expect(c).toMatchObject({ name: 'shop', campaignArn: arn, minProvisionedTPS: 7, status: 'ACTIVE' });
    expect(c!.creationDateTime).toBeInstanceOf(Date);
    expect(c!.creationDateTime!.getTime()).toBe(aMonthAgo());
    expect(c!.latestCampaignUpdate).toBeUndefined();
    expect(arn).toBe(`arn:aws:personalize:${REGION}:123456789012:campaign/shop`);
  });

  it('describes the solution version behind a campaign (recipe and dataset group)', async () => {
    const arn = campaign('ranked');
    const { campaign: c } = await client.send(new DescribeCampaignCommand({ campaignArn: arn }));

    const { solutionVersion } = await client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: c!.solutionVersionArn! }));

    expect(solutionVersion).toMatchObject({ recipeArn: expect.stringContaining(':recipe/'), datasetGroupArn: expect.stringContaining(':dataset-group/'), status: 'ACTIVE' });
  });

  it('lists recommenders with their recommenderConfig', async () => {
    account.personalize.createRecommender({ region: REGION, name: 'r1', minRecommendationRequestsPerSecond: 3, createdAt: aMonthAgo() });

    const { recommenders } = await client.send(new ListRecommendersCommand({}));

    expect(recommenders).toHaveLength(1);
    expect(recommenders![0].recommenderConfig?.minRecommendationRequestsPerSecond).toBe(3);
  });

  it('tags resources and lists the tags', async () => {
    const arn = campaign('tagged');
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: [{ tagKey: 'PersonalizeMonitorExempt', tagValue: '2099-01-01' }] }));

    const { tags } = await client.send(new ListTagsForResourceCommand({ resourceArn: arn }));

    expect(tags).toEqual([{ tagKey: 'PersonalizeMonitorExempt', tagValue: '2099-01-01' }]);
  });
});

describe('errors as named exceptions', () => {
  it('unknown ARN → ResourceNotFoundException; ARN of another region too', async () => {
    const other = campaign('far', { region: 'us-east-1' });
    await expect(client.send(new DescribeCampaignCommand({ campaignArn: `arn:aws:personalize:${REGION}:123456789012:campaign/nope` }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new DescribeCampaignCommand({ campaignArn: other }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('minimum below 1 → InvalidInputException', async () => {
    const arn = campaign('c');
    await expect(client.send(new UpdateCampaignCommand({ campaignArn: arn, minProvisionedTPS: 0 }))).rejects.toBeInstanceOf(InvalidInputException);
  });

  it('a second update while one is in progress → ResourceInUseException', async () => {
    const arn = campaign('c');
    await client.send(new UpdateCampaignCommand({ campaignArn: arn, minProvisionedTPS: 2 }));
    await expect(client.send(new UpdateCampaignCommand({ campaignArn: arn, minProvisionedTPS: 3 }))).rejects.toBeInstanceOf(ResourceInUseException);
  });

  it('UpdateRecommender without recommenderConfig → InvalidInputException', async () => {
    const arn = account.personalize.createRecommender({ region: REGION, name: 'r', createdAt: aMonthAgo() });
    await expect(client.send(new UpdateRecommenderCommand({ recommenderArn: arn } as never))).rejects.toBeInstanceOf(InvalidInputException);
  });
});

describe('status transitions over simulated time', () => {
  it('UpdateCampaign: UPDATE PENDING → UPDATE IN_PROGRESS → ACTIVE with the new minimum', async () => {
    const arn = campaign('c', { minProvisionedTPS: 10 });
    const describe = async () => (await client.send(new DescribeCampaignCommand({ campaignArn: arn }))).campaign!;

    await client.send(new UpdateCampaignCommand({ campaignArn: arn, minProvisionedTPS: 4 }));
    const pending = await describe();
    account.clock.advance(2 * MINUTE_MS);
    const inProgress = await describe();
    account.clock.advance(10 * MINUTE_MS);
    const done = await describe();

    expect(pending).toMatchObject({ status: 'ACTIVE', minProvisionedTPS: 10, latestCampaignUpdate: { status: 'UPDATE PENDING', minProvisionedTPS: 4 } });
    expect(inProgress.latestCampaignUpdate?.status).toBe('UPDATE IN_PROGRESS');
    expect(done).toMatchObject({ status: 'ACTIVE', minProvisionedTPS: 4, latestCampaignUpdate: { status: 'ACTIVE', minProvisionedTPS: 4 } });
    expect(done.lastUpdatedDateTime!.getTime()).toBe(account.clock.now() - 1 * MINUTE_MS);
  });

  it('DeleteCampaign: DELETE PENDING → DELETE IN_PROGRESS → gone', async () => {
    const arn = campaign('c');

    await client.send(new DeleteCampaignCommand({ campaignArn: arn }));
    const s1 = (await client.send(new DescribeCampaignCommand({ campaignArn: arn }))).campaign!.status;
    account.clock.advance(2 * MINUTE_MS);
    const s2 = (await client.send(new DescribeCampaignCommand({ campaignArn: arn }))).campaign!.status;
    account.clock.advance(5 * MINUTE_MS);

    expect([s1, s2]).toEqual(['DELETE PENDING', 'DELETE IN_PROGRESS']);
    await expect(client.send(new DescribeCampaignCommand({ campaignArn: arn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect((await client.send(new ListCampaignsCommand({}))).campaigns).toEqual([]);
  });

  it('StopRecommender → INACTIVE; StartRecommender → ACTIVE; start while ACTIVE is refused', async () => {
    const arn = account.personalize.createRecommender({ region: REGION, name: 'r', createdAt: aMonthAgo() });
    const status = async () => (await client.send(new DescribeRecommenderCommand({ recommenderArn: arn }))).recommender!.status;

    await expect(client.send(new StartRecommenderCommand({ recommenderArn: arn }))).rejects.toBeInstanceOf(ResourceInUseException);
    await client.send(new StopRecommenderCommand({ recommenderArn: arn }));
    const seen = [await status()];
    account.clock.advance(2 * MINUTE_MS);
    seen.push(await status());
    account.clock.advance(5 * MINUTE_MS);
    seen.push(await status());
    await client.send(new StartRecommenderCommand({ recommenderArn: arn }));
    seen.push(await status());
    account.clock.advance(11 * MINUTE_MS);
    seen.push(await status());

    expect(seen).toEqual(['STOP PENDING', 'STOP IN_PROGRESS', 'INACTIVE', 'START PENDING', 'ACTIVE']);
    // The restart counts as the latest update (it just became ACTIVE again).
    const r = (await client.send(new DescribeRecommenderCommand({ recommenderArn: arn }))).recommender!;
    expect(r.lastUpdatedDateTime!.getTime()).toBe(account.clock.now());
  });

  it('UpdateRecommender replaces the whole recommenderConfig (fields not sent are dropped)', async () => {
    const arn = account.personalize.createRecommender({
      region: REGION,
      name: 'r',
      createdAt: aMonthAgo(),
      minRecommendationRequestsPerSecond: 8,
      recommenderConfig: { itemExplorationConfig: { explorationWeight: '0.3' } },
    });

    await client.send(new UpdateRecommenderCommand({ recommenderArn: arn, recommenderConfig: { minRecommendationRequestsPerSecond: 2 } }));
    account.clock.advance(11 * MINUTE_MS);
    const r = (await client.send(new DescribeRecommenderCommand({ recommenderArn: arn }))).recommender!;

    expect(r.recommenderConfig).toEqual({ minRecommendationRequestsPerSecond: 2 });
    expect(r.latestRecommenderUpdate?.status).toBe('ACTIVE');
  });
});
