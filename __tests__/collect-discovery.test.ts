import {
  DescribeCampaignCommand,
  DescribeRecommenderCommand,
  DescribeSolutionVersionCommand,
  ListCampaignsCommand,
  ListRecommendersCommand,
  ListTagsForResourceCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { discoverResources, LIST_THROTTLE_RETRY_MS, readTags, resetCaches, TAG_CACHE_TTL_MS } from '../tasks/collect/discovery';
import { RegionCollectError } from '../tasks/shared/errors';
import {
  campaign,
  campaignArn,
  fakeAccount,
  NOW,
  recommender,
  recommenderArn,
  REGION,
  serveAccount,
  solutionVersionArn,
  throttling,
} from './support/collect-fixtures';

const personalize = mockClient(PersonalizeClient);
const client = new PersonalizeClient({ region: REGION });
const ALL = { region: REGION, campaignArns: 'all', recommenderArns: 'all' } as const;

beforeEach(() => resetCaches());
afterEach(() => personalize.reset());

describe('discovery: listing', () => {
  it('follows nextToken through every page of campaigns and recommenders', async () => {
    const account = fakeAccount(
      Array.from({ length: 250 }, (_, i) => campaign(i)),
      Array.from({ length: 3 }, (_, i) => recommender(i)),
    );
    serveAccount(personalize, account);

    const result = await discoverResources(client, ALL, new ApiCallCounter());

    expect(personalize).toHaveReceivedCommandTimes(ListCampaignsCommand, 3);
    expect(personalize).toHaveReceivedNthCommandWith(1, ListCampaignsCommand, { maxResults: 100, nextToken: undefined });
    expect(personalize).toHaveReceivedCommandWith(ListCampaignsCommand, { maxResults: 100, nextToken: '200' });
    expect(result.resources.filter((r) => r.type === 'campaign')).toHaveLength(250);
    expect(result.resources.filter((r) => r.type === 'recommender')).toHaveLength(3);
    expect(result.complete).toBe(true);
  });

  it('keeps only listed ARNs of this region and reports listed ARNs that no longer exist', async () => {
    serveAccount(personalize, fakeAccount([campaign(1), campaign(2)], [recommender(1)]));
    const gone = campaignArn(9);
    const elsewhere = campaignArn(3, 'eu-west-1');

    const result = await discoverResources(
      client,
      { region: REGION, campaignArns: [campaignArn(1), gone, elsewhere], recommenderArns: [recommenderArn(1, 'eu-west-1')] },
      new ApiCallCounter(),
    );

    expect(result.resources.map((r) => r.arn)).toEqual([campaignArn(1)]);
    expect(result.problems).toEqual([{ target: gone, error: expect.stringContaining('does not exist') }]);
    // No recommender of this region is selected: its listing is not even read.
    expect(personalize).toHaveReceivedCommandTimes(ListRecommendersCommand, 0);
  });

  it('fails the region with RegionCollectError when a List call fails', async () => {
    personalize.on(ListCampaignsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    personalize.on(ListRecommendersCommand).resolves({ recommenders: [] });

    const attempt = discoverResources(client, ALL, new ApiCallCounter());

    await expect(attempt).rejects.toBeInstanceOf(RegionCollectError);
    await expect(discoverResources(client, ALL, new ApiCallCounter())).rejects.toThrow(/us-east-1: ListCampaigns failed on page 1: AccessDeniedException: denied/);
  });
});

describe('discovery: a throttled listing', () => {
  it('retries a List page still throttled after the SDK, and fails the region (naming the retries) only past LIST_THROTTLE_RETRY_MS', async () => {
    personalize.on(ListRecommendersCommand).resolves({ recommenders: [] });
    personalize.on(ListCampaignsCommand).rejectsOnce(throttling()).rejectsOnce(throttling()).resolves({ campaigns: [campaign(0)] as never });
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { campaignArn: campaignArn(0), name: 'c0', status: 'ACTIVE', minProvisionedTPS: 1 } });
    personalize.on(DescribeSolutionVersionCommand).resolves({ solutionVersion: {} });
    const calls = new ApiCallCounter();

    const ok = await discoverResources(client, ALL, calls);

    expect(ok.resources.map((r) => r.arn)).toEqual([campaignArn(0)]);
    // Every attempt is a call: 2 throttled + 1 answered.
    expect(calls.byOperation().ListCampaigns).toBe(3);

    personalize.on(ListCampaignsCommand).rejects(throttling());
    const started = Date.now();
    await expect(discoverResources(client, ALL, new ApiCallCounter())).rejects.toThrow(
      new RegExp(`ListCampaigns failed on page 1 \\(throttled, ${LIST_THROTTLE_RETRY_MS.length} retries\\): ThrottlingException`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIST_THROTTLE_RETRY_MS.reduce((a, b) => a + b, 0) - 50);
  }, 20_000);
});

describe('discovery: describe only on change', () => {
  it('describes every campaign once, then nothing on a second run with no changes', async () => {
    const account = fakeAccount(Array.from({ length: 5 }, (_, i) => campaign(i)), [recommender(1)]);
    serveAccount(personalize, account);

    await discoverResources(client, ALL, new ApiCallCounter());
    expect(personalize).toHaveReceivedCommandTimes(DescribeCampaignCommand, 5);
    expect(personalize).toHaveReceivedCommandTimes(DescribeRecommenderCommand, 1);
    personalize.resetHistory();

    const second = await discoverResources(client, ALL, new ApiCallCounter());

    expect(personalize).toHaveReceivedCommandTimes(DescribeCampaignCommand, 0);
    expect(personalize).toHaveReceivedCommandTimes(DescribeRecommenderCommand, 0);
    expect(personalize).toHaveReceivedCommandTimes(DescribeSolutionVersionCommand, 0);
    expect(second.resources).toHaveLength(6);
  });

  it('keeps the cache of one region while the same warm container collects another region', async () => {
    const account = fakeAccount([campaign(1), campaign(2)]);
    serveAccount(personalize, account);
    await discoverResources(client, ALL, new ApiCallCounter());
    // Another region of the same account, with nothing in it, collected by this container.
    personalize.on(ListCampaignsCommand).resolves({ campaigns: [] });
    personalize.on(ListRecommendersCommand).resolves({ recommenders: [] });
    await discoverResources(new PersonalizeClient({ region: 'eu-west-1' }), { ...ALL, region: 'eu-west-1' }, new ApiCallCounter());
    serveAccount(personalize, account);
    personalize.resetHistory();

    const again = await discoverResources(client, ALL, new ApiCallCounter());

    expect(again.resources).toHaveLength(2);
    expect(personalize).toHaveReceivedCommandTimes(DescribeCampaignCommand, 0);
  });

  it('describes again only the campaign whose lastUpdatedDateTime changed', async () => {
    const account = fakeAccount([campaign(1), campaign(2)]);
    serveAccount(personalize, account);
    await discoverResources(client, ALL, new ApiCallCounter());
    personalize.resetHistory();

    account.campaigns.set(campaignArn(2), campaign(2, { minProvisionedTPS: 7, lastUpdatedDateTime: new Date('2025-03-01T00:00:00Z') }));
    const result = await discoverResources(client, ALL, new ApiCallCounter());

    expect(personalize).toHaveReceivedCommandTimes(DescribeCampaignCommand, 1);
    expect(personalize).toHaveReceivedCommandWith(DescribeCampaignCommand, { campaignArn: campaignArn(2) });
    expect(result.resources.find((r) => r.arn === campaignArn(2))?.minCapacity).toBe(7);
  });

  it('keeps describing a resource while its latest update is in progress', async () => {
    const account = fakeAccount([
      campaign(1, { minProvisionedTPS: 10, latestCampaignUpdate: { status: 'UPDATE IN_PROGRESS', minProvisionedTPS: 5 } }),
    ]);
    serveAccount(personalize, account);

    const first = await discoverResources(client, ALL, new ApiCallCounter());
    await discoverResources(client, ALL, new ApiCallCounter());

    expect(first.resources[0]).toMatchObject({ minCapacity: 10, pendingMinCapacity: 5, latestUpdateStatus: 'UPDATE IN_PROGRESS' });
    expect(personalize).toHaveReceivedCommandTimes(DescribeCampaignCommand, 2);
  });

  it('describes a solution version once, however many runs and campaigns use it', async () => {
    const shared = solutionVersionArn(0);
    const account = fakeAccount([campaign(1, { solutionVersionArn: shared }), campaign(2, { solutionVersionArn: shared })]);
    serveAccount(personalize, account);
    await discoverResources(client, ALL, new ApiCallCounter());

    // Both campaigns change (so both are described again); their solution version cannot change.
    const later = new Date('2025-03-02T00:00:00Z');
    for (const i of [1, 2]) account.campaigns.set(campaignArn(i), campaign(i, { solutionVersionArn: shared, lastUpdatedDateTime: later }));
    await discoverResources(client, ALL, new ApiCallCounter());

    expect(personalize).toHaveReceivedCommandTimes(DescribeCampaignCommand, 4);
    expect(personalize).toHaveReceivedCommandTimes(DescribeSolutionVersionCommand, 1);
  });

  it('maps every personalized-ranking recipe to GetPersonalizedRanking (bug 8)', async () => {
    const account = fakeAccount([campaign(1), campaign(2), campaign(3)]);
    account.recipes.set(solutionVersionArn(1), 'arn:aws:personalize:::recipe/aws-personalized-ranking');
    account.recipes.set(solutionVersionArn(2), 'arn:aws:personalize:::recipe/aws-personalized-ranking-v2');
    serveAccount(personalize, account);

    const result = await discoverResources(client, ALL, new ApiCallCounter());

    const metric = (i: number) => result.resources.find((r) => r.arn === campaignArn(i))?.requestMetric;
    expect([metric(1), metric(2), metric(3)]).toEqual(['GetPersonalizedRanking', 'GetPersonalizedRanking', 'GetRecommendations']);
  });
});

describe('discovery: failures', () => {
  it('falls back to the cached describe when throttled, and skips (reported) when nothing is cached', async () => {
    const account = fakeAccount([campaign(1)]);
    serveAccount(personalize, account);
    await discoverResources(client, ALL, new ApiCallCounter());

    // Campaign 1 changed and campaign 2 is new; every describe is throttled now.
    account.campaigns.set(campaignArn(1), campaign(1, { lastUpdatedDateTime: new Date('2025-03-01T00:00:00Z') }));
    account.campaigns.set(campaignArn(2), campaign(2));
    personalize.on(DescribeCampaignCommand).rejects(throttling());

    const result = await discoverResources(client, ALL, new ApiCallCounter());

    expect(result.resources.map((r) => r.arn)).toEqual([campaignArn(1)]);
    expect(result.skipped).toBe(1);
    expect(result.complete).toBe(false);
    expect(result.problems).toEqual([{ target: campaignArn(2), error: expect.stringMatching(/throttled.*ThrottlingException/) }]);
  });

  it('skips a resource that was deleted between list and describe, silently', async () => {
    const account = fakeAccount([campaign(1), campaign(2)]);
    serveAccount(personalize, account);
    personalize.on(DescribeCampaignCommand, { campaignArn: campaignArn(2) }).rejects(
      Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }),
    );

    const result = await discoverResources(client, ALL, new ApiCallCounter());

    expect(result.resources.map((r) => r.arn)).toEqual([campaignArn(1)]);
    expect(result.problems).toEqual([]);
    expect(result.complete).toBe(true);
  });

  it('skips a campaign whose solution version cannot be read rather than guess its metric', async () => {
    serveAccount(personalize, fakeAccount([campaign(1)]));
    personalize.on(DescribeSolutionVersionCommand).rejects(throttling());

    const result = await discoverResources(client, ALL, new ApiCallCounter());

    expect(result.resources).toEqual([]);
    expect(result.problems[0]).toMatchObject({ target: campaignArn(1), error: expect.stringContaining('solution version') });
  });
});

describe('discovery: mapping', () => {
  it('takes partition, region and account from the ARN (aws-cn)', async () => {
    serveAccount(
      personalize,
      fakeAccount([campaign(1, {}, 'cn-north-1', 'aws-cn')], [recommender(1, { recommenderConfig: { minRecommendationRequestsPerSecond: 4 } }, 'cn-north-1', 'aws-cn')]),
    );

    const result = await discoverResources(client, { ...ALL, region: 'cn-north-1' }, new ApiCallCounter());

    expect(result.resources).toEqual([
      expect.objectContaining({ arn: campaignArn(1, 'cn-north-1', 'aws-cn'), partition: 'aws-cn', region: 'cn-north-1', accountId: '123456789012', type: 'campaign' }),
      expect.objectContaining({ arn: recommenderArn(1, 'cn-north-1', 'aws-cn'), partition: 'aws-cn', type: 'recommender', minCapacity: 4 }),
    ]);
  });

  it('counts a restart of a recommender as its latest activity (bug 12)', async () => {
    const restarted = new Date('2025-03-03T09:00:00Z');
    serveAccount(personalize, fakeAccount([], [recommender(1, { lastUpdatedDateTime: restarted })]));

    const result = await discoverResources(client, ALL, new ApiCallCounter());

    expect(result.resources[0]).toMatchObject({ createdAt: Date.parse('2025-01-01T00:00:00Z'), lastUpdatedAt: restarted.getTime() });
  });

  it('counts every call it makes', async () => {
    serveAccount(personalize, fakeAccount([campaign(1), campaign(2)], [recommender(1)]));
    const calls = new ApiCallCounter();

    await discoverResources(client, ALL, calls);

    expect(calls.byOperation()).toEqual({
      DescribeCampaign: 2,
      DescribeRecommender: 1,
      DescribeSolutionVersion: 2,
      ListCampaigns: 1,
      ListRecommenders: 1,
    });
  });
});

describe('discovery: tags', () => {
  it('reads tags once per TAG_CACHE_TTL_MS per resource', async () => {
    const account = fakeAccount([campaign(1)]);
    account.tags.set(campaignArn(1), { PersonalizeMonitorExempt: 'true' });
    serveAccount(personalize, account);
    const calls = new ApiCallCounter();

    const first = await readTags(client, campaignArn(1), NOW, calls);
    await readTags(client, campaignArn(1), NOW + TAG_CACHE_TTL_MS - 1, calls);
    await readTags(client, campaignArn(1), NOW + TAG_CACHE_TTL_MS, calls);

    expect(first).toEqual({ PersonalizeMonitorExempt: 'true' });
    expect(personalize).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 2);
    expect(calls.total).toBe(2);
  });
});
