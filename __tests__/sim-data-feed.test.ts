/**
 * The simulated data feed of Personalize (sim/data-feed.ts) through the real SDK clients:
 * dataset groups, datasets, import jobs, event trackers, solutions and versions list and page
 * like the service, statuses follow the simulated clock, automatic training makes versions on
 * schedule, and event trackers publish PutEvents metrics that follow their rate.
 */
import {
  DescribeCampaignCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  InvalidInputException,
  InvalidNextTokenException,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListSolutionVersionsCommand,
  ListSolutionsCommand,
  ListTagsForResourceCommand,
  PersonalizeClient,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListDatasetImportJobs,
} from '@aws-sdk/client-personalize';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DAY_MS, HOUR_MS, MINUTE_MS, SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';

const REGION = 'eu-west-1';
const OTHER = 'us-east-1';
let account: SimAccount;
let server: SimServer;
let client: PersonalizeClient;
let cw: CloudWatchClient;

beforeEach(async () => {
  account = new SimAccount({ seed: 3, durations: { pendingMs: 1 * MINUTE_MS } });
  server = await startSimServer(account);
  client = new PersonalizeClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
  cw = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
});
afterEach(async () => {
  client.destroy();
  cw.destroy();
  await server.close();
});

const ago = (ms: number) => account.clock.now() - ms;
const feed = () => account.dataFeed;

/** A dataset group with an interactions dataset, a tracker and a solution, a month old. */
function deployment(name: string, region = REGION) {
  const createdAt = ago(30 * DAY_MS);
  const dg = feed().createDatasetGroup({ region, name, createdAt, domain: 'ECOMMERCE', tags: { team: 'recs' } });
  const interactions = feed().createDataset({ datasetGroupArn: dg, datasetType: 'Interactions', createdAt });
  const tracker = feed().createEventTracker({ datasetGroupArn: dg, name: `${name}-tracker`, createdAt });
  const solution = feed().createSolution({ datasetGroupArn: dg, name: `${name}-solution`, createdAt, tags: { PersonalizeMonitorMaxModelAgeDays: '14' } });
  return { dg, interactions, tracker, solution, createdAt };
}

describe('listings', () => {
  it('lists dataset groups, datasets, trackers and solutions with the SDK shapes and epoch times', async () => {
    const d = deployment('shop');
    const items = feed().createDataset({ datasetGroupArn: d.dg, datasetType: 'Items', name: 'catalog', createdAt: ago(29 * DAY_MS) });

    const { datasetGroups } = await client.send(new ListDatasetGroupsCommand({}));
    const { datasets } = await client.send(new ListDatasetsCommand({ datasetGroupArn: d.dg }));
    const { eventTrackers } = await client.send(new ListEventTrackersCommand({ datasetGroupArn: d.dg }));
    const { solutions } = await client.send(new ListSolutionsCommand({ datasetGroupArn: d.dg }));

    expect(d.dg).toBe(`arn:aws:personalize:${REGION}:123456789012:dataset-group/shop`);
    expect(datasetGroups).toEqual([{ name: 'shop', datasetGroupArn: d.dg, status: 'ACTIVE', creationDateTime: new Date(d.createdAt), lastUpdatedDateTime: new Date(d.createdAt), domain: 'ECOMMERCE' }]);
    expect(datasets).toEqual([
      expect.objectContaining({ name: 'shop-interactions', datasetArn: d.interactions, datasetType: 'Interactions', status: 'ACTIVE', creationDateTime: new Date(d.createdAt) }),
      expect.objectContaining({ name: 'catalog', datasetArn: items, datasetType: 'Items' }),
    ]);
    expect(d.interactions).toBe(`arn:aws:personalize:${REGION}:123456789012:dataset/shop/INTERACTIONS`);
    expect(eventTrackers).toEqual([expect.objectContaining({ name: 'shop-tracker', eventTrackerArn: d.tracker, status: 'ACTIVE', creationDateTime: new Date(d.createdAt) })]);
    expect(d.tracker).toMatch(new RegExp(`^arn:aws:personalize:${REGION}:123456789012:event-tracker/[0-9a-f]{8}$`));
    expect(solutions).toEqual([expect.objectContaining({ name: 'shop-solution', solutionArn: d.solution, status: 'ACTIVE', recipeArn: expect.stringContaining(':recipe/') })]);
  });

  it('lists only what exists in the caller region; another region\'s ARN is not found, a non-ARN invalid', async () => {
    const here = deployment('here');
    const there = deployment('there', OTHER);

    const { datasetGroups } = await client.send(new ListDatasetGroupsCommand({}));
    const { solutions } = await client.send(new ListSolutionsCommand({}));

    expect(datasetGroups!.map((g) => g.datasetGroupArn)).toEqual([here.dg]);
    expect(solutions!.map((s) => s.solutionArn)).toEqual([here.solution]);
    await expect(client.send(new ListDatasetsCommand({ datasetGroupArn: there.dg }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListEventTrackersCommand({ datasetGroupArn: there.dg }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListDatasetImportJobsCommand({ datasetArn: there.interactions }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new DescribeSolutionCommand({ solutionArn: there.solution }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListSolutionVersionsCommand({ solutionArn: there.solution }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListTagsForResourceCommand({ resourceArn: there.dg }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListSolutionsCommand({ datasetGroupArn: `${here.dg}-gone` }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListDatasetsCommand({ datasetGroupArn: 'not-an-arn' }))).rejects.toBeInstanceOf(InvalidInputException);
  });

  it('does not list the dataset groups that old-style campaigns and recommenders name implicitly', async () => {
    account.personalize.createCampaign({ region: REGION, name: 'legacy', datasetGroupName: 'legacy-dg', createdAt: ago(DAY_MS) });
    account.personalize.createRecommender({ region: REGION, name: 'legacy-rec', createdAt: ago(DAY_MS) });

    const { datasetGroups } = await client.send(new ListDatasetGroupsCommand({}));
    const { solutions } = await client.send(new ListSolutionsCommand({}));

    expect(datasetGroups).toEqual([]);
    expect(solutions).toEqual([]);
  });

  it('pages 120 import jobs, newest first, with maxResults ≤ 100 and an opaque token of its own', async () => {
    const d = deployment('big');
    const jobs = Array.from({ length: 120 }, (_, i) => feed().addImportJob({ datasetArn: d.interactions, jobName: `import-${i}`, createdAt: ago((120 - i) * HOUR_MS) }));

    const first = await client.send(new ListDatasetImportJobsCommand({ datasetArn: d.interactions }));
    const all: string[] = [];
    for await (const page of paginateListDatasetImportJobs({ client, pageSize: 50 }, { datasetArn: d.interactions })) all.push(...page.datasetImportJobs!.map((j) => j.datasetImportJobArn!));

    expect(first.datasetImportJobs).toHaveLength(100);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await client.send(new ListDatasetImportJobsCommand({ datasetArn: d.interactions, nextToken: first.nextToken }));
    expect(second.datasetImportJobs).toHaveLength(20);
    expect(second.nextToken).toBeUndefined();
    expect(all).toEqual([...jobs].reverse());
    expect(jobs[0]).toBe(`arn:aws:personalize:${REGION}:123456789012:dataset-import-job/import-0`);
    await expect(client.send(new ListDatasetImportJobsCommand({ datasetArn: d.interactions, maxResults: 101 }))).rejects.toBeInstanceOf(InvalidInputException);
    await expect(client.send(new ListDatasetImportJobsCommand({ datasetArn: d.interactions, nextToken: 'bogus' }))).rejects.toBeInstanceOf(InvalidNextTokenException);
    // A token of another listing is not one of this listing's.
    await expect(client.send(new ListDatasetImportJobsCommand({ nextToken: first.nextToken }))).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(client.send(new ListDatasetGroupsCommand({ nextToken: first.nextToken }))).rejects.toBeInstanceOf(InvalidNextTokenException);
  });

  it('pages dataset groups, solutions and solution versions past 100 too', async () => {
    const dgs = Array.from({ length: 105 }, (_, i) => feed().createDatasetGroup({ region: REGION, name: `g${String(i).padStart(3, '0')}`, createdAt: ago(DAY_MS) + i }));
    const solutions = dgs.slice(0, 3).map((dg, i) => feed().createSolution({ datasetGroupArn: dg, name: `s${i}`, createdAt: ago(DAY_MS) }));
    for (let i = 0; i < 101; i++) feed().addSolutionVersion({ solutionArn: solutions[0], createdAt: ago(DAY_MS) + i * MINUTE_MS });

    const g1 = await client.send(new ListDatasetGroupsCommand({}));
    const g2 = await client.send(new ListDatasetGroupsCommand({ nextToken: g1.nextToken }));
    const s1 = await client.send(new ListSolutionsCommand({ maxResults: 2 }));
    const s2 = await client.send(new ListSolutionsCommand({ maxResults: 2, nextToken: s1.nextToken }));
    const v1 = await client.send(new ListSolutionVersionsCommand({ solutionArn: solutions[0] }));
    const v2 = await client.send(new ListSolutionVersionsCommand({ solutionArn: solutions[0], nextToken: v1.nextToken }));

    expect([...g1.datasetGroups!, ...g2.datasetGroups!].map((g) => g.datasetGroupArn)).toEqual(dgs);
    expect([...s1.solutions!, ...s2.solutions!].map((s) => s.solutionArn)).toEqual(solutions);
    expect(v1.solutionVersions).toHaveLength(100);
    expect(v2.solutionVersions).toHaveLength(1);
    expect(v2.nextToken).toBeUndefined();
  });
});

describe('statuses over simulated time', () => {
  it('an import job goes CREATE PENDING → CREATE IN_PROGRESS → ACTIVE; a failing one ends CREATE FAILED with its reason', async () => {
    const d = deployment('imports');
    const t0 = account.clock.now();
    const ok = feed().addImportJob({ datasetArn: d.interactions, jobName: 'nightly', createdAt: t0 });
    const bad = feed().addImportJob({ datasetArn: d.interactions, jobName: 'broken', createdAt: t0 - 1, durationMs: 5 * MINUTE_MS, failureReason: 'Input file s3://bucket/x.csv has an invalid schema' });
    const byName = async () => Object.fromEntries((await client.send(new ListDatasetImportJobsCommand({ datasetArn: d.interactions }))).datasetImportJobs!.map((j) => [j.jobName!, j]));

    const pending = await byName();
    account.clock.advance(2 * MINUTE_MS);
    const running = await byName();
    account.clock.advance(20 * MINUTE_MS);
    const done = await byName();

    expect(pending.nightly).toMatchObject({ datasetImportJobArn: ok, status: 'CREATE PENDING', creationDateTime: new Date(t0), lastUpdatedDateTime: new Date(t0), importMode: 'FULL' });
    expect(running.nightly).toMatchObject({ status: 'CREATE IN_PROGRESS', lastUpdatedDateTime: new Date(t0 + MINUTE_MS) });
    expect(running.broken.failureReason).toBeUndefined();
    expect(done.nightly).toMatchObject({ status: 'ACTIVE', lastUpdatedDateTime: new Date(t0 + 20 * MINUTE_MS) });
    expect(done.nightly.failureReason).toBeUndefined();
    expect(done.broken).toMatchObject({ datasetImportJobArn: bad, status: 'CREATE FAILED', failureReason: 'Input file s3://bucket/x.csv has an invalid schema' });
  });

  it('a version trains to ACTIVE (or CREATE FAILED) and DescribeSolutionVersion answers its status at the time', async () => {
    const d = deployment('train');
    const t0 = account.clock.now();
    const v = feed().addSolutionVersion({ solutionArn: d.solution, createdAt: t0, trainingMode: 'UPDATE' });
    const failed = feed().addSolutionVersion({ solutionArn: d.solution, createdAt: t0 - 2 * HOUR_MS, durationMs: 30 * MINUTE_MS, failureReason: 'Not enough interactions' });
    const describe = async (arn: string) => (await client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn }))).solutionVersion!;

    const atStart = await describe(v);
    account.clock.advance(30 * MINUTE_MS);
    const mid = await describe(v);
    account.clock.advance(30 * MINUTE_MS);
    const end = await describe(v);
    const { solutionVersions } = await client.send(new ListSolutionVersionsCommand({ solutionArn: d.solution }));

    expect(v).toMatch(new RegExp(`^${d.solution}/[0-9a-f]{8}$`));
    expect(atStart).toMatchObject({ solutionVersionArn: v, solutionArn: d.solution, datasetGroupArn: d.dg, status: 'CREATE PENDING', trainingMode: 'UPDATE', trainingType: 'MANUAL' });
    expect(mid.status).toBe('CREATE IN_PROGRESS');
    expect(end).toMatchObject({ status: 'ACTIVE', lastUpdatedDateTime: new Date(t0 + HOUR_MS) });
    expect(await describe(failed)).toMatchObject({ status: 'CREATE FAILED', failureReason: 'Not enough interactions', lastUpdatedDateTime: new Date(t0 - 90 * MINUTE_MS) });
    expect(solutionVersions).toEqual([
      { solutionVersionArn: v, status: 'ACTIVE', trainingMode: 'UPDATE', trainingType: 'MANUAL', creationDateTime: new Date(t0), lastUpdatedDateTime: new Date(t0 + HOUR_MS) },
      expect.objectContaining({ solutionVersionArn: failed, status: 'CREATE FAILED', trainingMode: 'FULL', failureReason: 'Not enough interactions' }),
    ]);
    // A version created after the clock does not exist yet.
    const later = feed().addSolutionVersion({ solutionArn: d.solution, createdAt: account.clock.now() + HOUR_MS });
    await expect(describe(later)).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('keeps old-style versions ACTIVE from their creation, FULL and MANUAL', async () => {
    const arn = account.personalize.createCampaign({ region: REGION, name: 'legacy', createdAt: ago(DAY_MS) });
    const { campaign } = await client.send(new DescribeCampaignCommand({ campaignArn: arn }));

    const { solutionVersion } = await client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: campaign!.solutionVersionArn! }));

    expect(solutionVersion).toMatchObject({ status: 'ACTIVE', trainingMode: 'FULL', trainingType: 'MANUAL', creationDateTime: new Date(ago(DAY_MS)), lastUpdatedDateTime: new Date(ago(DAY_MS)) });
  });

  it('automatic training makes an AUTOMATIC version every N days from creation, until it stops', async () => {
    const dg = feed().createDatasetGroup({ region: REGION, name: 'auto', createdAt: ago(40 * DAY_MS) });
    const created = ago(14 * DAY_MS);
    const auto = feed().createSolution({ datasetGroupArn: dg, name: 'weekly', createdAt: created, performAutoTraining: true, schedulingExpression: 'rate(7 days)' });
    const stoppedAt = ago(10 * DAY_MS);
    const broken = feed().createSolution({ datasetGroupArn: dg, name: 'broken', createdAt: ago(30 * DAY_MS), performAutoTraining: true, schedulingExpression: 'rate(3 days)', autoTrainingStopsAt: stoppedAt });
    const list = async (solutionArn: string) => (await client.send(new ListSolutionVersionsCommand({ solutionArn }))).solutionVersions!;

    const now = await list(auto);
    account.clock.advance(HOUR_MS);
    const afterTraining = await list(auto);
    account.clock.advance(7 * DAY_MS);
    const nextWeek = await list(auto);
    const brokenVersions = await list(broken);

    expect(now.map((v) => [v.creationDateTime!.getTime(), v.status, v.trainingType, v.trainingMode])).toEqual([
      [created + 14 * DAY_MS, 'CREATE PENDING', 'AUTOMATIC', 'FULL'],
      [created + 7 * DAY_MS, 'ACTIVE', 'AUTOMATIC', 'FULL'],
    ]);
    expect(afterTraining[0].status).toBe('ACTIVE');
    expect(nextWeek.map((v) => v.creationDateTime!.getTime())).toEqual([21, 14, 7].map((n) => created + n * DAY_MS));
    expect(nextWeek.slice(1).map((v) => v.solutionVersionArn)).toEqual(afterTraining.map((v) => v.solutionVersionArn));
    // Every 3 days from 30 days ago up to 10 days ago (+3 … +18 days), none after.
    expect(brokenVersions.map((v) => v.creationDateTime!.getTime())).toEqual([18, 15, 12, 9, 6, 3].map((n) => ago(7 * DAY_MS + HOUR_MS) - 30 * DAY_MS + n * DAY_MS));
    expect(brokenVersions.every((v) => v.creationDateTime!.getTime() <= stoppedAt)).toBe(true);

    // Deterministic ARNs: the same account setup names the same versions.
    const again = new SimAccount({ seed: 3 });
    const dg2 = again.dataFeed.createDatasetGroup({ region: REGION, name: 'auto', createdAt: created });
    const auto2 = again.dataFeed.createSolution({ datasetGroupArn: dg2, name: 'weekly', createdAt: created, performAutoTraining: true });
    again.clock.set(account.clock.now());
    expect(again.dataFeed.solutionVersions(auto2).map((v) => v.arn)).toEqual(nextWeek.map((v) => v.solutionVersionArn));
    // DescribeSolutionVersion finds a lazily made version.
    const { solutionVersion } = await client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: nextWeek[2].solutionVersionArn! }));
    expect(solutionVersion).toMatchObject({ status: 'ACTIVE', trainingType: 'AUTOMATIC', solutionArn: auto });
  });

  it('describes a solution: auto-training config, recipe, dates and its latest version', async () => {
    const dg = feed().createDatasetGroup({ region: REGION, name: 'desc', createdAt: ago(20 * DAY_MS) });
    const created = ago(10 * DAY_MS);
    const auto = feed().createSolution({ datasetGroupArn: dg, name: 'auto', createdAt: created, performAutoTraining: true, schedulingExpression: 'rate(5 days)', recipeArn: 'arn:aws:personalize:::recipe/aws-similar-items' });
    const manual = feed().createSolution({ datasetGroupArn: dg, name: 'manual', createdAt: created });

    const { solution } = await client.send(new DescribeSolutionCommand({ solutionArn: auto }));
    const { solution: plain } = await client.send(new DescribeSolutionCommand({ solutionArn: manual }));

    expect(solution).toMatchObject({
      name: 'auto',
      solutionArn: auto,
      performAutoTraining: true,
      solutionConfig: { autoTrainingConfig: { schedulingExpression: 'rate(5 days)' } },
      status: 'ACTIVE',
      datasetGroupArn: dg,
      recipeArn: 'arn:aws:personalize:::recipe/aws-similar-items',
      creationDateTime: new Date(created),
      lastUpdatedDateTime: new Date(created),
      latestSolutionVersion: { status: 'CREATE PENDING', trainingType: 'AUTOMATIC', trainingMode: 'FULL', creationDateTime: new Date(created + 10 * DAY_MS) },
    });
    expect(plain).toMatchObject({ performAutoTraining: false, status: 'ACTIVE' });
    expect(plain!.solutionConfig).toBeUndefined();
    expect(plain!.latestSolutionVersion).toBeUndefined();
    expect(() => feed().createSolution({ datasetGroupArn: dg, name: 'bad', performAutoTraining: true, schedulingExpression: 'cron(0 0 * * ? *)' })).toThrow(/rate\(N days\)/);
  });
});

describe('campaigns, tags and the one-tracker rule', () => {
  it('a campaign on an explicit solution\'s version belongs to that solution and keeps its campaignConfig', async () => {
    const d = deployment('live');
    const v = feed().addSolutionVersion({ solutionArn: d.solution, createdAt: ago(2 * DAY_MS) });
    const arn = account.personalize.createCampaign({ region: REGION, name: 'live-campaign', solutionVersionArn: v, campaignConfig: { syncWithLatestSolutionVersion: true }, createdAt: ago(DAY_MS) });
    account.personalize.createCampaign({ region: REGION, name: 'other', createdAt: ago(DAY_MS) });

    const { campaign } = await client.send(new DescribeCampaignCommand({ campaignArn: arn }));
    const { campaigns } = await client.send(new ListCampaignsCommand({ solutionArn: d.solution }));

    expect(campaign).toMatchObject({ solutionVersionArn: v, campaignConfig: { syncWithLatestSolutionVersion: true }, status: 'ACTIVE' });
    expect(campaigns!.map((c) => c.campaignArn)).toEqual([arn]);
    expect(account.personalize.get(arn)).toMatchObject({ solutionArn: d.solution, datasetGroupArn: d.dg });
  });

  it('lists, adds and removes tags of dataset groups and solutions', async () => {
    const d = deployment('tags');

    const dgTags = await client.send(new ListTagsForResourceCommand({ resourceArn: d.dg }));
    await client.send(new TagResourceCommand({ resourceArn: d.solution, tags: [{ tagKey: 'PersonalizeMonitorExempt', tagValue: 'true' }] }));
    await client.send(new UntagResourceCommand({ resourceArn: d.dg, tagKeys: ['team'] }));
    const solutionTags = await client.send(new ListTagsForResourceCommand({ resourceArn: d.solution }));
    const dgAfter = await client.send(new ListTagsForResourceCommand({ resourceArn: d.dg }));

    expect(dgTags.tags).toEqual([{ tagKey: 'team', tagValue: 'recs' }]);
    expect(solutionTags.tags).toEqual([
      { tagKey: 'PersonalizeMonitorMaxModelAgeDays', tagValue: '14' },
      { tagKey: 'PersonalizeMonitorExempt', tagValue: 'true' },
    ]);
    expect(dgAfter.tags).toEqual([]);
  });

  it('allows one event tracker per dataset group; deleting it frees the slot and unlists it', async () => {
    const d = deployment('one');
    expect(() => feed().createEventTracker({ datasetGroupArn: d.dg, name: 'second' })).toThrow(/already exists/);

    feed().deleteEventTracker(d.tracker);
    const replacement = feed().createEventTracker({ datasetGroupArn: d.dg, name: 'second' });
    const { eventTrackers } = await client.send(new ListEventTrackersCommand({ datasetGroupArn: d.dg }));

    expect(eventTrackers!.map((t) => t.eventTrackerArn)).toEqual([replacement]);
    expect(() => feed().createDataset({ datasetGroupArn: d.dg, datasetType: 'Interactions' })).toThrow(/already exists/);
  });
});

describe('PutEvents metrics', () => {
  const query = (id: string, tracker: string, metricName: string, stat = 'Sum'): MetricDataQuery => ({
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/Personalize', MetricName: metricName, Dimensions: [{ Name: 'EventTrackerArn', Value: tracker }] }, Period: 3600, Stat: stat },
  });
  async function hourly(tracker: string, start: number, end: number) {
    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [query('ok', tracker, 'PutEventsRequests'), query('e4', tracker, 'PutEvents4xxErrors'), query('e5', tracker, 'PutEvents5xxErrors'), query('avg', tracker, 'PutEventsRequests', 'Average')],
        StartTime: new Date(start),
        EndTime: new Date(end),
        ScanBy: 'TimestampAscending',
      }),
    );
    const by = Object.fromEntries(out.MetricDataResults!.map((r) => [r.Id!, { t: r.Timestamps!.map((d) => d.getTime()), v: r.Values! }]));
    return by as Record<'ok' | 'e4' | 'e5' | 'avg', { t: number[]; v: number[] }>;
  }

  it('hourly sums follow the rate, error shares add failed calls, and a stopped stream has no datapoints', async () => {
    const now = account.clock.now();
    const dg = feed().createDatasetGroup({ region: REGION, name: 'events', createdAt: now - 10 * DAY_MS });
    const createdAt = now - 6 * HOUR_MS;
    const stopsAt = now - 2 * HOUR_MS;
    const tracker = feed().createEventTracker({ datasetGroupArn: dg, name: 'events', createdAt, eventsPerMinute: (t) => (t < stopsAt ? 10 : 0), errorShare4xx: 0.1, errorShare5xx: 0.05 });
    let expected5xx = 0;
    for (let t = createdAt; t < stopsAt; t += MINUTE_MS) expected5xx += feed().putEventsInMinute(tracker, t).errors5xx;

    const m = await hourly(tracker, now - 12 * HOUR_MS, now);

    const hours = [0, 1, 2, 3].map((h) => createdAt + h * HOUR_MS);
    expect(m.ok).toEqual({ t: hours, v: [600, 600, 600, 600] });
    expect(m.avg.v).toEqual([1, 1, 1, 1]);
    expect(m.e4).toEqual({ t: hours, v: [60, 60, 60, 60] });
    expect(m.e5.t).toEqual(hours);
    expect(m.e5.v.reduce((a, b) => a + b, 0)).toBe(expected5xx);
    expect(expected5xx).toBeGreaterThan(4 * 30 * 0.8);
    expect(expected5xx).toBeLessThan(4 * 30 * 1.2);
  });

  it('a new rate replaces the old one (cached hours included); the publishing delay hides the last minutes', async () => {
    const now = account.clock.now();
    const dg = feed().createDatasetGroup({ region: REGION, name: 'rate', createdAt: now - DAY_MS });
    const tracker = feed().createEventTracker({ datasetGroupArn: dg, name: 'rate', createdAt: now - 3 * HOUR_MS, eventsPerMinute: () => 2 });

    const before = await hourly(tracker, now - 3 * HOUR_MS, now);
    feed().setEventRate(tracker, () => 5);
    const after = await hourly(tracker, now - 3 * HOUR_MS, now);
    account.clock.advance(2 * MINUTE_MS);
    const early = await hourly(tracker, now, now + HOUR_MS);
    account.clock.advance(3 * MINUTE_MS);
    const published = await hourly(tracker, now, now + HOUR_MS);

    // The last 3 minutes (personalizeMetricDelayMs) are not published yet.
    expect(before.ok.v).toEqual([120, 120, 114]);
    expect(after.ok.v).toEqual([300, 300, 285]);
    expect(early.ok.v).toEqual([]);
    expect(published.ok.v).toEqual([10]);
    // Error metrics have a datapoint (0) whenever there were calls.
    expect(after.e4.v).toEqual([0, 0, 0]);
  });

  it('publishes nothing before the tracker exists, in another region, or after it is deleted', async () => {
    const now = account.clock.now();
    const here = feed().createDatasetGroup({ region: REGION, name: 'a', createdAt: now - DAY_MS });
    const there = feed().createDatasetGroup({ region: OTHER, name: 'b', createdAt: now - DAY_MS });
    const tracker = feed().createEventTracker({ datasetGroupArn: here, name: 'a', createdAt: now - 5 * HOUR_MS, eventsPerMinute: () => 1 });
    const remote = feed().createEventTracker({ datasetGroupArn: there, name: 'b', createdAt: now - 5 * HOUR_MS, eventsPerMinute: () => 1 });
    feed().deleteEventTracker(tracker, now - 2 * HOUR_MS);

    const m = await hourly(tracker, now - 10 * HOUR_MS, now);
    const elsewhere = await hourly(remote, now - 10 * HOUR_MS, now);

    expect(m.ok).toEqual({ t: [0, 1, 2].map((h) => now - 5 * HOUR_MS + h * HOUR_MS), v: [60, 60, 60] });
    expect(elsewhere.ok.v).toEqual([]);
  });
});

describe('faults and the call log', () => {
  it('throttles a data-feed operation like any other and records every call', async () => {
    const d = deployment('faults');
    account.injectFault({ kind: 'throttle', service: 'personalize', operation: 'ListDatasetImportJobs', count: 2 });

    await expect(client.send(new ListDatasetImportJobsCommand({ datasetArn: d.interactions }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(client.send(new ListDatasetImportJobsCommand({ datasetArn: d.interactions }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    const third = await client.send(new ListDatasetImportJobsCommand({ datasetArn: d.interactions }));
    await client.send(new ListSolutionVersionsCommand({ solutionArn: d.solution }));
    await client.send(new ListSolutionVersionsCommand({}));

    expect(third.datasetImportJobs).toEqual([]);
    expect(account.calls({ service: 'personalize', operation: 'ListDatasetImportJobs' }).map((c) => c.outcome)).toEqual(['fault', 'fault', 'ok']);
    expect(account.calls({ service: 'personalize', operation: 'ListSolutionVersions' })).toHaveLength(2);
    expect(account.supports('personalize', 'DescribeSolution')).toBe(true);
  });
});
