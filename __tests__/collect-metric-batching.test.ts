import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { HOUR_MS, recentWindow, trafficWindow } from '../core/time';
import type { MetricPoint, MonitoredResource } from '../core/types';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { MAX_DATAPOINTS_PER_CALL } from '../tasks/aws/cloudwatch';
import { planCalls, readTraffic } from '../tasks/collect/metrics-reader';
import { writeMetrics } from '../tasks/collect/metrics-writer';
import { campaignArn, NOW, REGION, run } from './support/collect-fixtures';

const cloudwatch = mockClient(CloudWatchClient);
const client = new CloudWatchClient({ region: REGION });
afterEach(() => cloudwatch.reset());

function resources(n: number): MonitoredResource[] {
  return Array.from({ length: n }, (_, i) => ({
    arn: campaignArn(i),
    name: `camp-${i}`,
    type: 'campaign',
    region: REGION,
    partition: 'aws',
    accountId: '123456789012',
    status: 'ACTIVE',
    minCapacity: 1,
    requestMetric: 'GetRecommendations',
    createdAt: 0,
    lastUpdatedAt: 0,
  }));
}

const recent = recentWindow(NOW, 10);
const hourlyWindow = trafficWindow(NOW, run());

/** Answers every query with no datapoints (idle resources emit none). */
function emptyResults(input: GetMetricDataCommandInput) {
  return { MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, StatusCode: 'Complete' as const, Timestamps: [], Values: [] })) };
}

describe('GetMetricData batching', () => {
  it('splits 1,200 resources into calls of at most 500 queries', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(emptyResults);

    const result = await readTraffic(client, { resources: resources(1200), recent }, new ApiCallCounter());

    const sizes = cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries!.length);
    expect(sizes).toEqual([500, 500, 200]);
    expect(result.traffic.size).toBe(1200);
  });

  it('keeps each call within 100,800 datapoints for hourly reads', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(emptyResults);
    const all = resources(400);
    const hours = (hourlyWindow.end - hourlyWindow.start) / HOUR_MS; // 14 days = 336 hours

    await readTraffic(client, { resources: all, recent, hourly: { window: hourlyWindow, wanted: () => true } }, new ApiCallCounter());

    const hourlyCalls = cloudwatch.commandCalls(GetMetricDataCommand).filter((c) => c.args[0].input.MetricDataQueries![0].MetricStat!.Period === 3600);
    const perCall = hourlyCalls.map((c) => c.args[0].input.MetricDataQueries!.length);
    expect(hours).toBe(336);
    expect(perCall).toEqual([300, 100]);
    for (const n of perCall) expect(n * hours).toBeLessThanOrEqual(MAX_DATAPOINTS_PER_CALL);
  });

  it('plans calls by both limits', () => {
    const queries = Array.from({ length: 10 }, () => ({ datapoints: 40_000 }));
    const { calls, tooLarge } = planCalls([...queries, { datapoints: 200_000 }]);
    expect(calls.map((c) => c.length)).toEqual([2, 2, 2, 2, 2]);
    expect(tooLarge).toHaveLength(1);
  });

  it('follows NextToken and adds the pages up (bug 10), PartialData included', async () => {
    const arn = campaignArn(0);
    cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'r0', StatusCode: 'PartialData', Timestamps: [new Date(recent.start)], Values: [120] }], NextToken: 'page-2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'r0', StatusCode: 'Complete', Timestamps: [new Date(recent.start + 60_000)], Values: [30] }] });

    const result = await readTraffic(client, { resources: resources(1), recent }, new ApiCallCounter());

    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    expect(cloudwatch).toHaveReceivedNthCommandWith(2, GetMetricDataCommand, { NextToken: 'page-2' });
    expect(result.traffic.get(arn)?.recentRequests).toBe(150);
    expect(result.recentFailed.size).toBe(0);
  });

  it('reads the right metric, dimension and ids', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(emptyResults);
    const [camp] = resources(1);
    const rec: MonitoredResource = { ...camp, arn: camp.arn.replace('campaign/', 'recommender/'), type: 'recommender' };
    const ranking: MonitoredResource = { ...camp, arn: campaignArn(7), requestMetric: 'GetPersonalizedRanking' };

    await readTraffic(client, { resources: [camp, rec, ranking], recent }, new ApiCallCounter());

    const queries = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!;
    expect(queries.map((q) => q.Id)).toEqual(['r0', 'r1', 'r2']);
    for (const q of queries) expect(q.Id).toMatch(/^[a-z][A-Za-z0-9_]*$/);
    expect(queries.map((q) => [q.MetricStat!.Metric!.Namespace, q.MetricStat!.Metric!.MetricName, q.MetricStat!.Metric!.Dimensions![0].Name, q.MetricStat!.Stat, q.MetricStat!.Period])).toEqual([
      ['AWS/Personalize', 'GetRecommendations', 'CampaignArn', 'Sum', 300],
      ['AWS/Personalize', 'GetRecommendations', 'RecommenderArn', 'Sum', 300],
      ['AWS/Personalize', 'GetPersonalizedRanking', 'CampaignArn', 'Sum', 300],
    ]);
  });
  it('reads history only for the resources wanted, judged on their recent traffic', async () => {
    const all = resources(3);
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: input.MetricDataQueries!.map((q) =>
        q.Id === 'r1' ? { Id: q.Id, StatusCode: 'Complete', Timestamps: [new Date(recent.start)], Values: [9] } : { Id: q.Id, StatusCode: 'Complete', Timestamps: [], Values: [] },
      ),
    }));
    const seen: [string, number][] = [];

    const result = await readTraffic(
      client,
      { resources: all, recent, hourly: { window: hourlyWindow, wanted: (r, n) => (seen.push([r.arn, n]), n === 0 && r.arn !== all[2].arn) } },
      new ApiCallCounter(),
    );

    expect(seen).toEqual([[all[0].arn, 0], [all[1].arn, 9], [all[2].arn, 0]]);
    const hourlyIds = cloudwatch.commandCalls(GetMetricDataCommand)[1].args[0].input.MetricDataQueries!.map((q) => q.Id);
    expect(hourlyIds).toEqual(['h0']);
    expect(result.traffic.get(all[0].arn)?.hourlySums).toHaveLength(336);
    expect(result.traffic.get(all[1].arn)).toEqual({ recentRequests: 9 });
  });
});

describe('missing datapoints', () => {
  it('counts hours without datapoints as zero on the hour grid', async () => {
    const [res] = resources(1);
    const third = hourlyWindow.start + 2 * HOUR_MS;
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: input.MetricDataQueries!.map((q) =>
        q.Id === 'h0' ? { Id: 'h0', StatusCode: 'Complete', Timestamps: [new Date(third)], Values: [42] } : { Id: q.Id, StatusCode: 'Complete', Timestamps: [], Values: [] },
      ),
    }));

    const result = await readTraffic(client, { resources: [res], recent, hourly: { window: hourlyWindow, wanted: () => true } }, new ApiCallCounter());

    const sample = result.traffic.get(res.arn)!;
    expect(sample.recentRequests).toBe(0);
    expect(sample.hourlyStart).toBe(hourlyWindow.start);
    expect(sample.hourlySums).toHaveLength(336);
    expect(sample.hourlySums!.slice(0, 4)).toEqual([0, 0, 42, 0]);
    expect(sample.hourlySums!.reduce((a, b) => a + b, 0)).toBe(42);
  });

  it('gives a resource with an InternalError query no hourly sums (no decision) but keeps the others', async () => {
    const all = resources(2);
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: input.MetricDataQueries!.map((q) =>
        q.Id === 'h1' ? { Id: 'h1', StatusCode: 'InternalError', Messages: [{ Code: 'InternalError', Value: 'try later' }] } : { Id: q.Id, StatusCode: 'Complete', Timestamps: [], Values: [] },
      ),
    }));

    const result = await readTraffic(client, { resources: all, recent, hourly: { window: hourlyWindow, wanted: () => true } }, new ApiCallCounter());

    expect(result.hourlyFailed.get(all[1].arn)).toMatch(/InternalError.*try later/);
    expect(result.traffic.get(all[1].arn)?.hourlySums).toBeUndefined();
    expect(result.traffic.get(all[0].arn)?.hourlySums).toHaveLength(336);
    expect(result.recentFailed.size).toBe(0);
  });

  it('records a failed call per resource instead of throwing', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));

    const result = await readTraffic(client, { resources: resources(3), recent }, new ApiCallCounter());

    expect(result.recentFailed.size).toBe(3);
    expect([...result.recentFailed.values()][0]).toContain('Throttling: slow down');
  });
});

describe('PutMetricData batching', () => {
  function points(resourcesCount: number, perResource: number): MetricPoint[] {
    return Array.from({ length: resourcesCount * perResource }, (_, i) => ({
      metricName: `m${i % perResource}`,
      dimensions: [{ name: 'CampaignArn', value: campaignArn(Math.floor(i / perResource)) }],
      value: i,
      unit: 'Count',
      timestamp: NOW,
    }));
  }

  it('writes 1,000 resources × 3 metrics in 3–4 calls of at most 1,000 metrics', async () => {
    cloudwatch.on(PutMetricDataCommand).resolves({});

    const result = await writeMetrics(client, points(1000, 3), new ApiCallCounter());

    const sizes = cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData!.length);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(sizes.length).toBeLessThanOrEqual(4);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    expect(result.written).toBe(3000);
    expect(cloudwatch).toHaveReceivedCommandWith(PutMetricDataCommand, { Namespace: 'PersonalizeMonitor' });
  });

  it('splits by request size when dimensions are large', async () => {
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const big = points(200, 1).map((p) => ({ ...p, dimensions: Array.from({ length: 10 }, (_, k) => ({ name: `D${k}`, value: 'x'.repeat(250) })) }));

    await writeMetrics(client, big, new ApiCallCounter());

    const calls = cloudwatch.commandCalls(PutMetricDataCommand);
    expect(calls.length).toBeGreaterThan(1);
    for (const c of calls) expect(Buffer.byteLength(JSON.stringify(c.args[0].input))).toBeLessThan(1024 * 1024);
  });

  it('keeps writing the other batches when one call fails', async () => {
    cloudwatch.on(PutMetricDataCommand).rejectsOnce(new Error('boom')).resolves({});

    const result = await writeMetrics(client, points(700, 3), new ApiCallCounter());

    expect(result.written).toBe(1100);
    expect(result.failures).toEqual([expect.stringContaining('1000 metrics failed')]);
  });
});
