/**
 * The health-check canary task through the simulator: real SDK clients against the simulated
 * Personalize runtime, Personalize (tags) and DynamoDB (state table). Each recipe kind gets its
 * operation and shape, tags override or switch it off, failures are classified, and successes land
 * in the region's hour item exactly as the sim's AWS/Personalize request metric counts them.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, PutItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { DAY_MS, MINUTE_MS, SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';
import { CANARY_TAG_KEY, canaryHourSortKey, canaryPartition, canaryResourceKey } from '../core/contracts/canary';
import { statePartition } from '../core/contracts/state';
import type { CanaryRecord } from '../core/contracts/records';
import type { MonitoredResource } from '../core/types';
import { getItem, putItem } from '../tasks/aws/dynamodb';
import { resourceItem } from '../tasks/collect/state-store';
import { Logger } from '../tasks/shared/logger';
import { CANARY_TAGS_SORT_KEY, readTagCache, runCanary, type CanaryDeps } from '../tasks/canary/canary';
import { canaryConfigFromEnv } from '../tasks/canary/handler';

const HOME = 'us-east-1';
const REGION = 'eu-west-1';
const TABLE = 'pm-state';
// 12:17:30: slot 3 of the hour starting at 12:00.
const NOW = Date.parse('2026-03-01T12:17:30Z');
const HOUR = Date.parse('2026-03-01T12:00:00Z');
const SHAPE = { userId: 'canary-user', itemId: 'item-7', inputList: ['a', 'b', 'c'] };

const RECIPES = {
  user: 'arn:aws:personalize:::recipe/aws-user-personalization',
  sims: 'arn:aws:personalize:::recipe/aws-sims',
  popular: 'arn:aws:personalize:::recipe/aws-popularity-count',
  ranking: 'arn:aws:personalize:::recipe/aws-personalized-ranking-v2',
  forYou: 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you',
};

let account: SimAccount;
let server: SimServer;
let dynamodb: DynamoDBClient;
let clients: { destroy(): void }[];
let lines: Record<string, unknown>[];

beforeEach(async () => {
  account = new SimAccount({ startTime: NOW, seed: 11, personalizeMetricDelayMs: 0 });
  server = await startSimServer(account);
  account.dynamodb.createTable({ region: HOME, name: TABLE, partitionKey: 'pk', sortKey: 'sk' });
  dynamodb = new DynamoDBClient(simClientConfig(server.url, HOME, { maxAttempts: 1 }));
  clients = [dynamodb];
  lines = [];
});
afterEach(async () => {
  for (const c of clients) c.destroy();
  await server.close();
});

/** A resource in the sim, stored in the state table as collect stores it. */
async function stored(type: 'campaign' | 'recommender', name: string, recipeArn: string, extra: { tags?: Record<string, string>; status?: string; awaiting?: boolean } = {}): Promise<MonitoredResource> {
  const createdAt = NOW - 30 * DAY_MS;
  const arn =
    type === 'campaign'
      ? account.personalize.createCampaign({ region: REGION, name, recipeArn, createdAt, tags: extra.tags })
      : account.personalize.createRecommender({ region: REGION, name, recipeArn, createdAt, tags: extra.tags });
  const resource: MonitoredResource = {
    arn,
    region: REGION,
    partition: 'aws',
    accountId: '123456789012',
    name,
    type,
    status: extra.status ?? 'ACTIVE',
    minCapacity: 1,
    requestMetric: 'GetRecommendations',
    createdAt,
    lastUpdatedAt: createdAt,
    recipeArn,
  };
  await putItem(dynamodb, {
    TableName: TABLE,
    Item: resourceItem(statePartition(REGION), arn, {
      resource,
      listedLastUpdated: createdAt,
      listedStatus: resource.status,
      describedAt: NOW - MINUTE_MS,
      ...(extra.awaiting ? { awaitingSolutionVersion: `${arn}-sv` } : {}),
    }),
  });
  return resource;
}

function deps(overrides: Partial<CanaryDeps> = {}): CanaryDeps {
  const runtimes = new Map<string, PersonalizeRuntimeClient>();
  const personalizes = new Map<string, PersonalizeClient>();
  return {
    regions: [REGION],
    table: TABLE,
    shape: SHAPE,
    dynamodb,
    runtime: (region) => {
      if (!runtimes.has(region)) {
        const c = new PersonalizeRuntimeClient(simClientConfig(server.url, region, { maxAttempts: 1, caller: 'canary' }));
        clients.push(c);
        runtimes.set(region, c);
      }
      return runtimes.get(region)!;
    },
    personalize: (region) => {
      if (!personalizes.has(region)) {
        const c = new PersonalizeClient(simClientConfig(server.url, region, { maxAttempts: 1, caller: 'canary' }));
        clients.push(c);
        personalizes.set(region, c);
      }
      return personalizes.get(region)!;
    },
    logger: new Logger('canary', {}, 'INFO', (line) => lines.push(JSON.parse(line))),
    ...overrides,
  };
}

const records = (): CanaryRecord[] => lines.filter((l) => l.record === 'canary') as unknown as CanaryRecord[];
const recordOf = (arn: string) => records().find((r) => r.resourceArn === arn);
const requestsTo = (arn: string) => account.personalizeRuntime.requests({ resourceArn: arn });
const hourItem = () => getItem(dynamodb, TABLE, { pk: { S: canaryPartition(REGION) }, sk: { S: canaryHourSortKey(HOUR) } });
const slotsOf = async () => Object.fromEntries(Object.entries((await hourItem())?.slots?.M ?? {}).map(([k, v]) => [k, v.S]));

describe('canary: the request each resource gets', () => {
  it('asks each recipe kind with its operation and shape: ranking, related items, popular, user personalization, recommender', async () => {
    const ranking = await stored('campaign', 'rank', RECIPES.ranking);
    const sims = await stored('campaign', 'sims', RECIPES.sims);
    const popular = await stored('campaign', 'popular', RECIPES.popular);
    const user = await stored('campaign', 'user', RECIPES.user);
    const forYou = await stored('recommender', 'for-you', RECIPES.forYou);

    const summary = await runCanary(deps(), NOW);

    const [rank] = requestsTo(ranking.arn);
    expect(rank).toMatchObject({ operation: 'GetPersonalizedRanking', userId: 'canary-user', items: 3, outcome: 'ok' });
    const [rel] = requestsTo(sims.arn);
    expect(rel).toMatchObject({ operation: 'GetRecommendations', itemId: 'item-7', items: 1, outcome: 'ok' });
    expect(rel.userId).toBeUndefined();
    const [pop] = requestsTo(popular.arn);
    expect(pop).toMatchObject({ operation: 'GetRecommendations', items: 1, outcome: 'ok' });
    expect(pop.itemId).toBeUndefined();
    const [usr] = requestsTo(user.arn);
    expect(usr).toMatchObject({ operation: 'GetRecommendations', userId: 'canary-user', items: 1, outcome: 'ok' });
    expect(usr.itemId).toBeUndefined();
    const [rec] = requestsTo(forYou.arn);
    expect(rec).toMatchObject({ operation: 'GetRecommendations', userId: 'canary-user', resourceArn: forYou.arn, outcome: 'ok' });
    for (const r of [ranking, sims, popular, user, forYou]) expect(requestsTo(r.arn)).toHaveLength(1);

    expect(summary.regions[0]).toMatchObject({ region: REGION, resources: 5, counts: { success: 5 }, recorded: 5, problems: [] });
    expect(records()).toHaveLength(5);
    expect(recordOf(forYou.arn)).toMatchObject({ record: 'canary', name: 'for-you', resourceType: 'recommender', region: REGION, outcome: 'success' });
    // The request's start: the run's time plus the (real, monotonic) time since the run began.
    const startedAt = Date.parse(recordOf(forYou.arn)!.at);
    expect(startedAt).toBeGreaterThanOrEqual(NOW);
    expect(startedAt).toBeLessThan(NOW + 2000);
    expect(recordOf(ranking.arn)!.detail).toBe('GetPersonalizedRanking');
    const summaryLine = lines.find((l) => l.message === 'canary run')!;
    expect(summaryLine.regions).toEqual({ [REGION]: { resources: 5, success: 5, recorded: 5, problems: 0 } });
  });

  it('calls a related-items resource without an itemId misconfigured and sends it nothing', async () => {
    const sims = await stored('campaign', 'sims', RECIPES.sims);
    const summary = await runCanary(deps({ shape: { ...SHAPE, itemId: '' } }), NOW);
    expect(requestsTo(sims.arn)).toHaveLength(0);
    expect(recordOf(sims.arn)).toMatchObject({ outcome: 'misconfigured', latencyMs: 0, detail: expect.stringContaining('canaryItemId') });
    expect(summary.regions[0].counts).toEqual({ misconfigured: 1 });
    expect(await hourItem()).toBeUndefined();
  });

  it('uses a tag override, leaves a resource tagged off alone, and caches what it read for a day', async () => {
    const sims = await stored('campaign', 'sims', RECIPES.sims, { tags: { [CANARY_TAG_KEY]: 'itemId=from-tag' } });
    const off = await stored('campaign', 'quiet', RECIPES.user, { tags: { [CANARY_TAG_KEY]: 'off' } });
    const plain = await stored('campaign', 'plain', RECIPES.user);

    const first = await runCanary(deps({ shape: { ...SHAPE, itemId: '' } }), NOW);

    expect(requestsTo(sims.arn).map((r) => r.itemId)).toEqual(['from-tag']);
    expect(requestsTo(off.arn)).toHaveLength(0);
    expect(recordOf(off.arn)).toBeUndefined();
    expect(first.regions[0].counts).toEqual({ success: 2, skipped: 1 });
    expect(first.tagReads).toBe(3);
    const cache = await readTagCache(dynamodb, TABLE, REGION);
    expect(cache.get(sims.arn)).toEqual({ value: 'itemId=from-tag', readAt: NOW });
    expect(cache.get(off.arn)).toEqual({ value: 'off', readAt: NOW });
    expect(cache.get(plain.arn)).toEqual({ value: null, readAt: NOW });

    // Within the day: no ListTagsForResource, the cached override still applies.
    account.clock.advance(5 * MINUTE_MS);
    const tagCallsBefore = account.calls({ service: 'personalize', operation: 'ListTagsForResource' }).length;
    const second = await runCanary(deps({ shape: { ...SHAPE, itemId: '' } }), NOW + 5 * MINUTE_MS);
    expect(account.calls({ service: 'personalize', operation: 'ListTagsForResource' }).length).toBe(tagCallsBefore);
    expect(second.tagReads).toBe(0);
    expect(requestsTo(sims.arn).map((r) => r.itemId)).toEqual(['from-tag', 'from-tag']);
  });

  it('reads at most the run quota of tags; the others go without a tag until a later run', async () => {
    const a = await stored('campaign', 'a', RECIPES.sims, { tags: { [CANARY_TAG_KEY]: 'itemId=ta' } });
    const b = await stored('campaign', 'b', RECIPES.sims, { tags: { [CANARY_TAG_KEY]: 'itemId=tb' } });
    const summary = await runCanary(deps({ shape: { ...SHAPE, itemId: 'deploy-item' }, maxTagReads: 1 }), NOW);
    expect(summary.tagReads).toBe(1);
    expect(account.calls({ service: 'personalize', operation: 'ListTagsForResource' })).toHaveLength(1);
    const items = [...requestsTo(a.arn), ...requestsTo(b.arn)].map((r) => r.itemId).sort();
    // One got its tag, the other the deployment's item.
    expect(items.filter((i) => i === 'deploy-item')).toHaveLength(1);
    expect(items.filter((i) => i === 'ta' || i === 'tb')).toHaveLength(1);
    expect((await readTagCache(dynamodb, TABLE, REGION)).size).toBe(1);
  });

  it('asks only ACTIVE, fully described resources, and says so when a region has none stored', async () => {
    const active = await stored('campaign', 'active', RECIPES.user);
    const updating = await stored('campaign', 'updating', RECIPES.user, { status: 'CREATE IN_PROGRESS' });
    const awaiting = await stored('campaign', 'awaiting', RECIPES.user, { awaiting: true });
    const summary = await runCanary(deps({ regions: [REGION, 'ap-south-1'] }), NOW);
    expect(requestsTo(active.arn)).toHaveLength(1);
    expect(requestsTo(updating.arn)).toHaveLength(0);
    expect(requestsTo(awaiting.arn)).toHaveLength(0);
    const empty = summary.regions.find((r) => r.region === 'ap-south-1')!;
    expect(empty).toMatchObject({ resources: 0, counts: {}, problems: [], note: expect.stringContaining('no ACTIVE resources stored') });
  });
});

describe('canary: failures', () => {
  it('classifies a resource answering 100% errors as serverError and records no success for it', async () => {
    const sick = await stored('campaign', 'sick', RECIPES.user);
    const well = await stored('campaign', 'well', RECIPES.user);
    account.personalizeRuntime.setHealth(sick.arn, { errorRate: 1 });
    const summary = await runCanary(deps(), NOW);
    expect(recordOf(sick.arn)).toMatchObject({ outcome: 'serverError', detail: expect.stringContaining('InternalFailure') });
    expect(recordOf(well.arn)!.outcome).toBe('success');
    expect(summary.regions[0].counts).toEqual({ success: 1, serverError: 1 });
    expect(await slotsOf()).toEqual({ [canaryResourceKey(well)]: '000100000000' });
  });

  it('aborts a request with no answer within the timeout and calls it timeout, measuring the wait', async () => {
    const slow = await stored('campaign', 'slow', RECIPES.user);
    account.injectFault({ service: 'personalize-runtime', kind: 'latency', latencyMs: 1500, operation: 'GetRecommendations', count: 1 });
    const summary = await runCanary(deps({ timeoutMs: 200 }), NOW);
    const record = recordOf(slow.arn)!;
    expect(record.outcome).toBe('timeout');
    expect(record.latencyMs).toBeGreaterThanOrEqual(190);
    expect(record.latencyMs).toBeLessThan(1400);
    expect(summary.regions[0]).toMatchObject({ counts: { timeout: 1 }, recorded: 0 });
    expect(await hourItem()).toBeUndefined();
  });

  it('measures latency with the injected monotonic clock', async () => {
    const r = await stored('campaign', 'r', RECIPES.user);
    let t = 1000;
    // Every reading moves the clock 40 ms: start and end of the request are one reading apart.
    await runCanary(deps({ monotonic: () => (t += 40) }), NOW);
    expect(recordOf(r.arn)!.latencyMs).toBe(40);
  });
});

describe('canary: recording successes in the hour item', () => {
  it('writes the successes into the slot of their start, one more per run, and the request metric rises by exactly them', async () => {
    const a = await stored('campaign', 'a', RECIPES.user);
    const b = await stored('recommender', 'b', RECIPES.forYou);
    const sick = await stored('campaign', 'sick', RECIPES.user);
    account.personalizeRuntime.setHealth(sick.arn, { errorRate: 1 });
    const cw = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
    clients.push(cw);
    const requestSum = async (r: MonitoredResource): Promise<number> => {
      const out = await cw.send(
        new GetMetricDataCommand({
          MetricDataQueries: [
            {
              Id: 'm',
              MetricStat: {
                Metric: { Namespace: 'AWS/Personalize', MetricName: 'GetRecommendations', Dimensions: [{ Name: r.type === 'campaign' ? 'CampaignArn' : 'RecommenderArn', Value: r.arn }] },
                Period: 3600,
                Stat: 'Sum',
              },
            },
          ],
          StartTime: new Date(HOUR),
          EndTime: new Date(HOUR + 3_600_000),
        }),
      );
      return (out.MetricDataResults?.[0].Values ?? []).reduce((x, y) => x + y, 0);
    };
    const before = await Promise.all([a, b, sick].map(requestSum));

    await runCanary(deps(), NOW);
    expect(await slotsOf()).toEqual({ [canaryResourceKey(a)]: '000100000000', [canaryResourceKey(b)]: '000100000000' });
    expect((await hourItem())!.version.N).toBe('1');

    account.clock.advance(5 * MINUTE_MS);
    await runCanary(deps(), NOW + 5 * MINUTE_MS);
    account.clock.advance(MINUTE_MS);
    await runCanary(deps(), NOW + 6 * MINUTE_MS);
    // 12:22:30 and 12:23:30 are both in slot 4.
    expect(await slotsOf()).toEqual({ [canaryResourceKey(a)]: '000120000000', [canaryResourceKey(b)]: '000120000000' });
    const item = (await hourItem())!;
    expect(item.version.N).toBe('3');
    expect(Number(item.expiresAt.N)).toBe((HOUR + 61 * DAY_MS) / 1000);

    // CloudWatch publishes a minute once it has ended.
    account.clock.advance(2 * MINUTE_MS);
    const after = await Promise.all([a, b, sick].map(requestSum));
    const written = (s: string) => s.split('').reduce((n, d) => n + Number(d), 0);
    const slots = await slotsOf();
    expect(after[0] - before[0]).toBe(written(slots[canaryResourceKey(a)]!));
    expect(after[1] - before[1]).toBe(written(slots[canaryResourceKey(b)]!));
    expect(after[0] - before[0]).toBe(3);
    expect(after[2] - before[2]).toBe(0);
  });

  it('records a request in the hour it started, even when the run crosses the hour', async () => {
    const a = await stored('campaign', 'a', RECIPES.user);
    const b = await stored('campaign', 'b', RECIPES.user);
    const start = HOUR + 3_600_000 - 1_000; // 12:59:59
    let t = 0;
    // One request at a time; each reading of the clock is 600 ms later: the second starts after 13:00.
    await runCanary(deps({ concurrency: 1, monotonic: () => (t += 600) }), start);
    const at = (h: number) => getItem(dynamodb, TABLE, { pk: { S: canaryPartition(REGION) }, sk: { S: canaryHourSortKey(h) } });
    const first = (await at(HOUR))?.slots?.M ?? {};
    const second = (await at(HOUR + 3_600_000))?.slots?.M ?? {};
    expect(Object.keys(first)).toHaveLength(1);
    expect(Object.values(first)[0].S).toBe('000000000001');
    expect(Object.keys(second)).toHaveLength(1);
    expect(Object.values(second)[0].S).toBe('100000000000');
    expect(new Set([...Object.keys(first), ...Object.keys(second)])).toEqual(new Set([canaryResourceKey(a), canaryResourceKey(b)]));
  });

  it('re-reads and retries the write when another writer changed the hour item in between', async () => {
    const a = await stored('campaign', 'a', RECIPES.user);
    let conflicts = 0;
    const racing = {
      send: async (command: unknown, options?: unknown) => {
        const input = (command as { input?: PutItemCommandInput }).input;
        if (command instanceof PutItemCommand && input?.Item?.sk?.S?.startsWith('hour#') && conflicts === 0) {
          conflicts++;
          // Another run wrote the item after we read it (no item then).
          await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: canaryPartition(REGION) }, sk: input.Item.sk, slots: { M: { 'c/other': { S: '200000000000' } } }, version: { N: '1' } } }));
        }
        return (dynamodb.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
      },
    } as unknown as DynamoDBClient;
    const summary = await runCanary(deps({ dynamodb: racing }), NOW);
    expect(conflicts).toBe(1);
    expect(summary.regions[0]).toMatchObject({ recorded: 1, problems: [] });
    expect(await slotsOf()).toEqual({ 'c/other': '200000000000', [canaryResourceKey(a)]: '000100000000' });
    expect((await hourItem())!.version.N).toBe('2');
    expect(account.calls({ service: 'dynamodb', operation: 'PutItem' }).filter((c) => c.outcome !== 'ok').length).toBe(1);
  });

  it('logs a failed write as a problem and never throws: the successes are then not subtracted', async () => {
    const a = await stored('campaign', 'a', RECIPES.user);
    account.injectFault({ service: 'dynamodb', kind: 'serverError', operation: 'PutItem' });
    const summary = await runCanary(deps(), NOW);
    expect(recordOf(a.arn)!.outcome).toBe('success');
    expect(summary.regions[0].recorded).toBe(0);
    expect(summary.regions[0].problems.join(' ')).toMatch(/could not record 1 successful request/);
    expect(lines.some((l) => l.level === 'WARN' && String(l.problem).includes('could not record'))).toBe(true);
  });
});

describe('canary: its configuration', () => {
  it('reads regions, table, request shape and interval from its declared environment, and names a bad value', () => {
    const env = { PM_REGIONS: '["eu-west-1"]', PM_STATE_TABLE: 't', PM_CANARY_REQUEST: JSON.stringify(SHAPE), PM_HEALTH_CHECK_INTERVAL_MINUTES: '5' };
    expect(canaryConfigFromEnv(env)).toEqual({ regions: ['eu-west-1'], table: 't', shape: SHAPE, intervalMinutes: 5 });
    expect(() => canaryConfigFromEnv({ ...env, PM_CANARY_REQUEST: '{"userId":1}' })).toThrow(/PM_CANARY_REQUEST/);
    expect(() => canaryConfigFromEnv({ ...env, PM_HEALTH_CHECK_INTERVAL_MINUTES: '0' })).toThrow(/PM_HEALTH_CHECK_INTERVAL_MINUTES/);
    expect(CANARY_TAGS_SORT_KEY).toBe('tags');
  });
});
