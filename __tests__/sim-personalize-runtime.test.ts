/**
 * The simulated Personalize runtime speaks restJson1 to the real PersonalizeRuntimeClient:
 * GetRecommendations / GetPersonalizedRanking validate like the service, and every request shows
 * in its resource's `AWS/Personalize` metrics (read back through a real CloudWatchClient) at the
 * simulated time of the call: successes in the request count, failures as 4xx / 5xx, all in the
 * latency – including injected faults and a resource made unhealthy with `setHealth`.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  InvalidInputException,
  PersonalizeRuntimeClient,
  PersonalizeRuntimeServiceException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize-runtime';
import { DAY_MS, MINUTE_MS, SimAccount, simClientConfig, startSimServer, traffic, type SimServer } from '../sim';
import { cachingClients } from '../tasks/aws/clients';
import { getPersonalizedRanking, getRecommendations } from '../tasks/aws/personalize-runtime';

const REGION = 'eu-west-1';
const SIMS = 'arn:aws:personalize:::recipe/aws-sims';
const RANKING = 'arn:aws:personalize:::recipe/aws-personalized-ranking-v2';
const ALSO_VIEWED = 'arn:aws:personalize:::recipe/aws-ecomm-customers-who-viewed-x-also-viewed';
const DELAY = 3 * MINUTE_MS;

let account: SimAccount;
let server: SimServer;
let runtime: PersonalizeRuntimeClient;
let cw: CloudWatchClient;

beforeEach(async () => {
  account = new SimAccount({ seed: 7, durations: { stopRecommenderMs: 5 * MINUTE_MS } });
  server = await startSimServer(account);
  runtime = new PersonalizeRuntimeClient(simClientConfig(server.url, REGION, { maxAttempts: 1, caller: 'canary' }));
  cw = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
});
afterEach(async () => {
  runtime.destroy();
  cw.destroy();
  await server.close();
});

const aMonthAgo = () => account.clock.now() - 30 * DAY_MS;
const campaign = (name: string, recipeArn?: string, extra: { traffic?: ReturnType<typeof traffic.constant> } = {}) =>
  account.personalize.createCampaign({ region: REGION, name, recipeArn, createdAt: aMonthAgo(), ...extra });
const recommender = (name: string, recipeArn?: string) => account.personalize.createRecommender({ region: REGION, name, recipeArn, createdAt: aMonthAgo() });

/** One statistic of one AWS/Personalize metric per minute over [from, to), as CloudWatch answers it. */
async function series(arn: string, metricName: string, stat: string, from: number, to: number): Promise<Map<number, number>> {
  const dim = arn.includes(':campaign/') ? 'CampaignArn' : 'RecommenderArn';
  const q: MetricDataQuery = {
    Id: 'm',
    MetricStat: { Metric: { Namespace: 'AWS/Personalize', MetricName: metricName, Dimensions: [{ Name: dim, Value: arn }] }, Period: 60, Stat: stat },
  };
  const out = await cw.send(new GetMetricDataCommand({ MetricDataQueries: [q], StartTime: new Date(from), EndTime: new Date(to), ScanBy: 'TimestampAscending' }));
  const r = out.MetricDataResults![0];
  return new Map(r.Timestamps!.map((t, i) => [t.getTime(), r.Values![i]]));
}

const minuteOf = (t: number) => Math.floor(t / MINUTE_MS) * MINUTE_MS;
async function errorOf(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: Error) => e,
  );
}

describe('GetRecommendations and GetPersonalizedRanking over the wire', () => {
  it('answers user-personalization, related-items and ranking requests with plausible items', async () => {
    const user = campaign('user');
    const sims = campaign('sims', SIMS);
    const ranking = campaign('rank', RANKING);
    const alsoViewed = recommender('also', ALSO_VIEWED);

    const recs = await runtime.send(new GetRecommendationsCommand({ campaignArn: user, userId: 'u1', numResults: 10 }));
    expect(recs.itemList).toHaveLength(10);
    expect(new Set(recs.itemList!.map((i) => i.itemId)).size).toBe(10);
    const scores = recs.itemList!.map((i) => i.score!);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(recs.recommendationId).toMatch(/^RID-/);
    // Deterministic for the same user.
    const again = await runtime.send(new GetRecommendationsCommand({ campaignArn: user, userId: 'u1', numResults: 10 }));
    expect(again.itemList!.map((i) => i.itemId)).toEqual(recs.itemList!.map((i) => i.itemId));

    const similar = await getRecommendations(runtime, { campaignArn: sims, itemId: 'item-42', numResults: 5 });
    expect(similar.itemList).toHaveLength(5);
    expect(similar.itemList!.map((i) => i.itemId)).not.toContain('item-42');
    expect((await getRecommendations(runtime, { recommenderArn: alsoViewed, itemId: 'i9', numResults: 3 })).itemList).toHaveLength(3);

    // The tasks' client factory makes a runtime client per region and options, kept.
    const clients = cachingClients((region) => simClientConfig(server.url, region ?? REGION, { caller: 'canary' }));
    const fromFactory = clients.personalizeRuntime(REGION, { maxAttempts: 1 });
    expect(clients.personalizeRuntime(REGION, { maxAttempts: 1 })).toBe(fromFactory);
    const ranked = await getPersonalizedRanking(fromFactory, { campaignArn: ranking, userId: 'u1', inputList: ['a', 'b', 'c'] });
    expect(ranked.personalizedRanking!.map((i) => i.itemId).sort()).toEqual(['a', 'b', 'c']);

    expect(account.calls({ service: 'personalize-runtime' }).map((c) => [c.operation, c.caller, c.outcome])).toEqual([
      ['GetRecommendations', 'canary', 'ok'],
      ['GetRecommendations', 'canary', 'ok'],
      ['GetRecommendations', 'canary', 'ok'],
      ['GetRecommendations', 'canary', 'ok'],
      ['GetPersonalizedRanking', 'canary', 'ok'],
    ]);
    expect(account.personalizeRuntime.requests({ resourceArn: sims })).toEqual([expect.objectContaining({ itemId: 'item-42', items: 5, outcome: 'ok', status: 200 })]);
  });

  it('refuses requests the recipe cannot serve (400) and unknown resources (404)', async () => {
    const user = campaign('user');
    const sims = campaign('sims', SIMS);
    const ranking = campaign('rank', RANKING);

    const noItem = await errorOf(runtime.send(new GetRecommendationsCommand({ campaignArn: sims, userId: 'u1' })));
    expect(noItem).toBeInstanceOf(InvalidInputException);
    expect(noItem.message).toBe('itemId is required');
    expect(noItem.$metadata?.httpStatusCode).toBe(400);
    expect(await errorOf(runtime.send(new GetRecommendationsCommand({ campaignArn: user, itemId: 'i1' })))).toBeInstanceOf(InvalidInputException);
    expect(await errorOf(runtime.send(new GetRecommendationsCommand({ campaignArn: ranking, userId: 'u1' })))).toBeInstanceOf(InvalidInputException);
    expect(await errorOf(runtime.send(new GetPersonalizedRankingCommand({ campaignArn: ranking, userId: 'u1', inputList: [] })))).toBeInstanceOf(InvalidInputException);
    expect(await errorOf(runtime.send(new GetPersonalizedRankingCommand({ campaignArn: user, userId: 'u1', inputList: ['a'] })))).toBeInstanceOf(InvalidInputException);

    const missing = await errorOf(runtime.send(new GetRecommendationsCommand({ campaignArn: user.replace('campaign/user', 'campaign/nope'), userId: 'u1' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    // Another region's client does not see it.
    const elsewhere = new PersonalizeRuntimeClient(simClientConfig(server.url, 'us-east-1', { maxAttempts: 1 }));
    expect(await errorOf(elsewhere.send(new GetRecommendationsCommand({ campaignArn: user, userId: 'u1' })))).toBeInstanceOf(ResourceNotFoundException);
    elsewhere.destroy();
  });

  it('refuses resources that are not ACTIVE: creating (404), stopped (400)', async () => {
    const creating = account.personalize.createCampaign({ region: REGION, name: 'new' });
    expect(account.personalize.snapshot(creating)!.status).toMatch(/^CREATE/);
    expect(await errorOf(runtime.send(new GetRecommendationsCommand({ campaignArn: creating, userId: 'u1' })))).toBeInstanceOf(ResourceNotFoundException);

    const rec = recommender('shop');
    expect((await runtime.send(new GetRecommendationsCommand({ recommenderArn: rec, userId: 'u1' }))).itemList).toHaveLength(25);
    account.personalize.stopRecommender(rec, REGION);
    const stopping = await errorOf(runtime.send(new GetRecommendationsCommand({ recommenderArn: rec, userId: 'u1' })));
    expect(stopping).toBeInstanceOf(InvalidInputException);
    expect(stopping.message).toMatch(/not ACTIVE \(status STOP PENDING\)/);
    account.clock.advance(10 * MINUTE_MS);
    expect((await errorOf(runtime.send(new GetRecommendationsCommand({ recommenderArn: rec, userId: 'u1' })))).message).toMatch(/status INACTIVE/);
  });
});

describe('metrics of runtime requests', () => {
  it('counts each successful request in the request metric at its simulated time, added to the generated traffic, after the publishing delay', async () => {
    const idle = campaign('idle');
    const busy = campaign('busy', undefined, { traffic: traffic.constant(2) });
    account.clock.advance(10 * MINUTE_MS + 20_000);
    const t0 = account.clock.now();
    const from = minuteOf(t0) - 5 * MINUTE_MS;
    const before = await series(busy, 'GetRecommendations', 'Sum', from, minuteOf(t0) + 10 * MINUTE_MS);

    await runtime.send(new GetRecommendationsCommand({ campaignArn: idle, userId: 'u1' }));
    await runtime.send(new GetRecommendationsCommand({ campaignArn: idle, userId: 'u2' }));
    await runtime.send(new GetRecommendationsCommand({ campaignArn: busy, userId: 'u1' }));
    account.clock.advance(2 * MINUTE_MS);
    await runtime.send(new GetRecommendationsCommand({ campaignArn: idle, userId: 'u3' }));

    // Not visible before the delay has passed for the minute.
    expect((await series(idle, 'GetRecommendations', 'Sum', from, account.clock.now())).size).toBe(0);
    account.clock.advance(DELAY + MINUTE_MS);
    const to = minuteOf(t0) + 10 * MINUTE_MS;
    const idleSum = await series(idle, 'GetRecommendations', 'Sum', from, to);
    expect([...idleSum]).toEqual([
      [minuteOf(t0), 2],
      [minuteOf(t0) + 2 * MINUTE_MS, 1],
    ]);
    expect([...(await series(idle, 'GetRecommendations', 'Average', from, to)).values()]).toEqual([1, 1]);
    const busySum = await series(busy, 'GetRecommendations', 'Sum', from, to);
    const generated = account.personalize.requestsInMinute(account.personalize.get(busy), minuteOf(t0));
    expect(generated).toBeGreaterThan(0);
    expect(busySum.get(minuteOf(t0))).toBe(generated + 1);
    expect(before.has(minuteOf(t0))).toBe(false);
    // Errors published as zero samples for successes.
    expect([...(await series(idle, 'GetRecommendations4xxErrors', 'Sum', from, to)).values()]).toEqual([0, 0]);
    expect([...(await series(idle, 'GetRecommendations4xxErrors', 'SampleCount', from, to)).values()]).toEqual([2, 1]);
  });

  it('counts a missing itemId as a 4xx, not as a request', async () => {
    const sims = campaign('sims', SIMS);
    const t0 = account.clock.now();
    await errorOf(runtime.send(new GetRecommendationsCommand({ campaignArn: sims, userId: 'u1' })));
    await runtime.send(new GetRecommendationsCommand({ campaignArn: sims, itemId: 'i1' }));
    account.clock.advance(DELAY + MINUTE_MS);
    const from = minuteOf(t0);
    const to = from + MINUTE_MS;
    expect([...(await series(sims, 'GetRecommendations', 'Sum', from, to)).values()]).toEqual([1]);
    expect([...(await series(sims, 'GetRecommendations4xxErrors', 'Sum', from, to)).values()]).toEqual([1]);
    expect([...(await series(sims, 'GetRecommendations5xxErrors', 'Sum', from, to)).values()]).toEqual([0]);
    expect([...(await series(sims, 'GetRecommendationsLatency', 'SampleCount', from, to)).values()]).toEqual([2]);
  });

  it('counts injected server errors as 5xx and injected latency in the latency metric', async () => {
    const ranking = campaign('rank', RANKING);
    const t0 = account.clock.now();
    const fault = account.injectFault({ kind: 'serverError', service: 'personalize-runtime', operation: 'GetPersonalizedRanking', count: 2 });
    const e = await errorOf(runtime.send(new GetPersonalizedRankingCommand({ campaignArn: ranking, userId: 'u1', inputList: ['a'] })));
    expect(e).toBeInstanceOf(PersonalizeRuntimeServiceException);
    expect(e.name).toBe('InternalFailure');
    expect(e.$metadata?.httpStatusCode).toBe(500);
    await errorOf(runtime.send(new GetPersonalizedRankingCommand({ campaignArn: ranking, userId: 'u1', inputList: ['a'] })));
    expect(fault.hits).toBe(2);
    // A Personalize (control-plane) fault does not touch the runtime.
    account.injectFault({ kind: 'serverError', service: 'personalize', operation: 'GetPersonalizedRanking' });
    account.injectFault({ kind: 'latency', service: 'personalize-runtime', latencyMs: 300, count: 1 });
    const started = Date.now();
    await runtime.send(new GetPersonalizedRankingCommand({ campaignArn: ranking, userId: 'u1', inputList: ['a', 'b'] }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    expect(account.calls({ service: 'personalize-runtime' }).map((c) => c.outcome)).toEqual(['fault', 'fault', 'ok']);
    account.clock.advance(DELAY + MINUTE_MS);
    const from = minuteOf(t0);
    const to = from + MINUTE_MS;
    expect([...(await series(ranking, 'GetPersonalizedRanking', 'Sum', from, to)).values()]).toEqual([1]);
    expect([...(await series(ranking, 'GetPersonalizedRanking5xxErrors', 'Sum', from, to)).values()]).toEqual([2]);
    expect([...(await series(ranking, 'GetPersonalizedRanking4xxErrors', 'Sum', from, to)).values()]).toEqual([0]);
    const max = [...(await series(ranking, 'GetPersonalizedRankingLatency', 'Maximum', from, to)).values()][0];
    const min = [...(await series(ranking, 'GetPersonalizedRankingLatency', 'Minimum', from, to)).values()][0];
    expect(max).toBeGreaterThanOrEqual(300);
    expect(max).toBeLessThan(340);
    expect(min).toBeGreaterThanOrEqual(20);
    expect(min).toBeLessThan(30);
  });

  it('setHealth makes one resource fail a share of its requests (5xx) and answer slowly, in its metrics', async () => {
    const sick = campaign('sick');
    const fine = campaign('fine');
    account.personalizeRuntime.setHealth(sick, { errorRate: 0.3, latencyMs: 40 });
    const t0 = account.clock.now();
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      outcomes.push(
        await runtime.send(new GetRecommendationsCommand({ campaignArn: sick, userId: `u${i}` })).then(
          () => 'ok',
          (e: Error & { $metadata: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata.httpStatusCode}`,
        ),
      );
    }
    await runtime.send(new GetRecommendationsCommand({ campaignArn: fine, userId: 'u1' }));
    const failed = outcomes.filter((o) => o !== 'ok');
    expect(new Set(failed)).toEqual(new Set(['InternalFailure 500']));
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(failed.length).toBeLessThanOrEqual(20);

    account.clock.advance(DELAY + MINUTE_MS);
    const from = minuteOf(t0);
    const to = from + MINUTE_MS;
    expect([...(await series(sick, 'GetRecommendations', 'Sum', from, to)).values()]).toEqual([40 - failed.length]);
    expect([...(await series(sick, 'GetRecommendations5xxErrors', 'Sum', from, to)).values()]).toEqual([failed.length]);
    expect([...(await series(sick, 'GetRecommendations5xxErrors', 'Average', from, to)).values()][0]).toBeCloseTo(failed.length / 40);
    const avg = [...(await series(sick, 'GetRecommendationsLatency', 'Average', from, to)).values()][0];
    expect(avg).toBeGreaterThan(40 + 36 - 1);
    expect([...(await series(fine, 'GetRecommendations5xxErrors', 'Sum', from, to)).values()]).toEqual([0]);
    expect([...(await series(fine, 'GetRecommendationsLatency', 'Maximum', from, to)).values()][0]).toBeLessThan(55);

    account.personalizeRuntime.setHealth(sick, undefined);
    expect(account.personalizeRuntime.health(sick)).toBeUndefined();
    expect(() => account.personalizeRuntime.setHealth(sick, { errorRate: 2 })).toThrow(RangeError);
  });

  it('rate limits name the runtime like any service (throttled requests are 4xx)', async () => {
    const user = campaign('user');
    account.setLimits({ rateLimits: { 'personalize-runtime:GetRecommendations': { perSecond: 1, burst: 1 } } });
    const t0 = account.clock.now();
    await runtime.send(new GetRecommendationsCommand({ campaignArn: user, userId: 'u1' }));
    const e = await errorOf(runtime.send(new GetRecommendationsCommand({ campaignArn: user, userId: 'u1' })));
    expect(e.name).toBe('ThrottlingException');
    account.clock.advance(DELAY + MINUTE_MS);
    expect([...(await series(user, 'GetRecommendations4xxErrors', 'Sum', minuteOf(t0), minuteOf(t0) + MINUTE_MS)).values()]).toEqual([1]);
  });
});
