/**
 * Fixtures for the collect tests: a small fake Personalize account served through
 * aws-sdk-client-mock (List pages, Describe, DescribeSolutionVersion, tags).
 */
import {
  DescribeCampaignCommand,
  DescribeRecommenderCommand,
  DescribeSolutionVersionCommand,
  ListCampaignsCommand,
  ListRecommendersCommand,
  ListTagsForResourceCommand,
  PersonalizeClient,
  type Campaign,
  type Recommender,
} from '@aws-sdk/client-personalize';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand as ListAlarmTagsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { AwsStub } from 'aws-sdk-client-mock';
import { DEFAULT_BEHAVIOUR, type Behaviour } from '../../config/schema';
import type { RunContext } from '../../core/contracts/run';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
/** 2025-03-03T12:02:00Z: slot 0 of the hour (minute 0–4), a Monday. */
export const NOW = Date.parse('2025-03-03T12:02:00Z');
export const LONG_AGO = new Date('2025-01-01T00:00:00Z');

export function campaignArn(i: number, region = REGION, partition = 'aws'): string {
  return `arn:${partition}:personalize:${region}:${ACCOUNT}:campaign/camp-${i}`;
}
export function recommenderArn(i: number, region = REGION, partition = 'aws'): string {
  return `arn:${partition}:personalize:${region}:${ACCOUNT}:recommender/rec-${i}`;
}
export function solutionVersionArn(i: number, region = REGION, partition = 'aws'): string {
  return `arn:${partition}:personalize:${region}:${ACCOUNT}:solution/sol-${i}/abcdef${i}`;
}

/** A campaign of the fake account (what DescribeCampaign returns). */
export function campaign(i: number, over: Partial<Campaign> = {}, region = REGION, partition = 'aws'): Campaign {
  return {
    name: `camp-${i}`,
    campaignArn: campaignArn(i, region, partition),
    solutionVersionArn: solutionVersionArn(i, region, partition),
    minProvisionedTPS: 1,
    status: 'ACTIVE',
    creationDateTime: LONG_AGO,
    lastUpdatedDateTime: LONG_AGO,
    ...over,
  };
}

/** A recommender of the fake account (what DescribeRecommender returns). */
export function recommender(i: number, over: Partial<Recommender> = {}, region = REGION, partition = 'aws'): Recommender {
  return {
    name: `rec-${i}`,
    recommenderArn: recommenderArn(i, region, partition),
    datasetGroupArn: `arn:${partition}:personalize:${region}:${ACCOUNT}:dataset-group/dg`,
    recipeArn: `arn:${partition}:personalize:::recipe/aws-ecomm-recommended-for-you`,
    recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
    status: 'ACTIVE',
    creationDateTime: LONG_AGO,
    lastUpdatedDateTime: LONG_AGO,
    ...over,
  };
}

/** The fake account: edit the maps between runs to simulate changes. */
export interface FakeAccount {
  campaigns: Map<string, Campaign>;
  recommenders: Map<string, Recommender>;
  /** Recipe per solution version ARN (default: user-personalization). */
  recipes: Map<string, string>;
  tags: Map<string, Record<string, string>>;
  pageSize?: number;
}

export function fakeAccount(campaigns: Campaign[], recommenders: Recommender[] = []): FakeAccount {
  return {
    campaigns: new Map(campaigns.map((c) => [c.campaignArn!, c])),
    recommenders: new Map(recommenders.map((r) => [r.recommenderArn!, r])),
    recipes: new Map(),
    tags: new Map(),
  };
}

function notFound(what: string): Error {
  return Object.assign(new Error(`${what} does not exist`), { name: 'ResourceNotFoundException' });
}

/** Serves the fake account from the mock (List pages honour maxResults/nextToken). */
export function serveAccount(mock: AwsStub<any, any, any>, account: FakeAccount): void {
  const page = <T>(items: T[], maxResults = 100, nextToken?: string) => {
    const size = Math.min(maxResults, account.pageSize ?? maxResults);
    const start = nextToken ? Number(nextToken) : 0;
    const slice = items.slice(start, start + size);
    const next = start + size < items.length ? String(start + size) : undefined;
    return { slice, next };
  };
  mock.on(ListCampaignsCommand).callsFake((input) => {
    const { slice, next } = page([...account.campaigns.values()], input.maxResults, input.nextToken);
    return {
      campaigns: slice.map((c) => ({
        name: c.name,
        campaignArn: c.campaignArn,
        status: c.status,
        creationDateTime: c.creationDateTime,
        lastUpdatedDateTime: c.lastUpdatedDateTime,
      })),
      nextToken: next,
    };
  });
  mock.on(ListRecommendersCommand).callsFake((input) => {
    const { slice, next } = page([...account.recommenders.values()], input.maxResults, input.nextToken);
    return {
      recommenders: slice.map((r) => ({
        name: r.name,
        recommenderArn: r.recommenderArn,
        datasetGroupArn: r.datasetGroupArn,
        recipeArn: r.recipeArn,
        recommenderConfig: r.recommenderConfig,
        status: r.status,
        creationDateTime: r.creationDateTime,
        lastUpdatedDateTime: r.lastUpdatedDateTime,
      })),
      nextToken: next,
    };
  });
  mock.on(DescribeCampaignCommand).callsFake((input) => {
    const c = account.campaigns.get(input.campaignArn);
    if (!c) throw notFound(input.campaignArn);
    return { campaign: c };
  });
  mock.on(DescribeRecommenderCommand).callsFake((input) => {
    const r = account.recommenders.get(input.recommenderArn);
    if (!r) throw notFound(input.recommenderArn);
    return { recommender: r };
  });
  mock.on(DescribeSolutionVersionCommand).callsFake((input) => ({
    solutionVersion: {
      solutionVersionArn: input.solutionVersionArn,
      recipeArn: account.recipes.get(input.solutionVersionArn) ?? 'arn:aws:personalize:::recipe/aws-user-personalization',
      datasetGroupArn: `arn:aws:personalize:${REGION}:${ACCOUNT}:dataset-group/dg`,
    },
  }));
  mock.on(ListTagsForResourceCommand).callsFake((input) => ({
    tags: Object.entries(account.tags.get(input.resourceArn) ?? {}).map(([tagKey, tagValue]) => ({ tagKey, tagValue })),
  }));
}

/** A resolved run (defaults) for `regions`. */
export function run(over: Partial<Behaviour> = {}, now = NOW): RunContext {
  const behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR, regions: [REGION], ...over } as Behaviour;
  return { ...behaviour, now: new Date(now).toISOString(), executionName: 'test-run' };
}

/** A throttling error as Personalize sends it (unmodelled: only the name tells). */
export function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
}

export const personalizeClient = (region = REGION) => new PersonalizeClient({ region });

/** Our test deployment's alarm ownership: the default prefix of stack `personalize-monitor`. */
export const OWNERSHIP = { prefix: 'personalize-monitor-alarm-', stackName: 'personalize-monitor' } as const;

/** ARN of an alarm of the fake account. */
export function alarmArn(name: string, region = REGION): string {
  return `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${name}`;
}

/**
 * A fake CloudWatch alarm store served through the mock (DescribeAlarms pages, Put, Delete,
 * ListTagsForResource). Tags given on create are kept in `tags` (by alarm ARN), as CloudWatch
 * does (ignored on update); an alarm put into `store` directly has the tags `tags` holds for it.
 */
export function serveAlarms(
  mock: AwsStub<any, any, any>,
  store = new Map<string, MetricAlarm>(),
  tags = new Map<string, { Key: string; Value: string }[]>(),
): Map<string, MetricAlarm> {
  mock.on(ListAlarmTagsCommand).callsFake((input) => ({ Tags: tags.get(input.ResourceARN) ?? [] }));
  mock.on(DescribeAlarmsCommand).callsFake((input) => {
    const matching = [...store.values()].filter((a) => !input.AlarmNamePrefix || a.AlarmName!.startsWith(input.AlarmNamePrefix));
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const size = input.MaxRecords ?? 50;
    return {
      MetricAlarms: matching.slice(start, start + size),
      NextToken: start + size < matching.length ? String(start + size) : undefined,
    };
  });
  mock.on(PutMetricAlarmCommand).callsFake((input) => {
    const { Tags: given, ...alarm } = input;
    const arn = alarmArn(input.AlarmName);
    if (!store.has(input.AlarmName) && given) tags.set(arn, given);
    store.set(input.AlarmName, { ...alarm, AlarmArn: arn } as MetricAlarm);
    return {};
  });
  mock.on(DeleteAlarmsCommand).callsFake((input) => {
    for (const name of input.AlarmNames ?? []) store.delete(name);
    return {};
  });
  return store;
}

/** Requests a resource served per minute (0 = idle: no datapoints at all). */
export type TrafficModel = (arn: string) => number;

/**
 * Serves GetMetricData from a traffic model: every period gets `perMinute × period/60`
 * requests; idle resources get no datapoints (as in CloudWatch). PutMetricData accepts all.
 */
export function serveMetrics(mock: AwsStub<any, any, any>, perMinute: TrafficModel): void {
  mock.on(GetMetricDataCommand).callsFake((input) => {
    const start = (input.StartTime as Date).getTime();
    const end = (input.EndTime as Date).getTime();
    return {
      MetricDataResults: (input.MetricDataQueries ?? []).map((q: MetricDataQuery) => {
        const arn = q.MetricStat!.Metric!.Dimensions![0].Value!;
        const period = q.MetricStat!.Period! * 1000;
        const rate = perMinute(arn);
        const timestamps: Date[] = [];
        const values: number[] = [];
        if (rate > 0) {
          for (let t = start; t < end; t += period) {
            timestamps.push(new Date(t));
            values.push((rate * period) / 60_000);
          }
        }
        return { Id: q.Id, StatusCode: 'Complete', Timestamps: timestamps, Values: values };
      }),
    };
  });
  mock.on(PutMetricDataCommand).resolves({});
}
