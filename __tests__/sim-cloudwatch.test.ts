/**
 * The simulated CloudWatch speaks the installed client's AWS JSON 1.0 (query-compatible) wire:
 * AWS/Personalize metrics follow the traffic model (and are absent for idle resources),
 * GetMetricData pages and enforces its limits, custom metrics round-trip, alarms and
 * dashboards validate like the service.
 */
import {
  CloudWatchClient,
  DashboardInvalidInputError,
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  InvalidParameterValueException,
  ListDashboardsCommand,
  ListTagsForResourceCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ResourceNotFound,
  ValidationException,
  type MetricDataQuery,
  type MetricDataResult,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { DAY_MS, HOUR_MS, MINUTE_MS, SimAccount, simClientConfig, startSimServer, traffic, type SimServer } from '../sim';

const REGION = 'us-east-1';
let account: SimAccount;
let server: SimServer;
let cw: CloudWatchClient;

beforeEach(async () => {
  account = new SimAccount({ metricDataPageSize: 25, personalizeMetricDelayMs: 0 });
  server = await startSimServer(account);
  cw = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
});
afterEach(async () => {
  cw.destroy();
  await server.close();
});

function requestQuery(id: string, arn: string, period: number, stat = 'Sum', metricName = 'GetRecommendations', dim = 'CampaignArn'): MetricDataQuery {
  return { Id: id, MetricStat: { Metric: { Namespace: 'AWS/Personalize', MetricName: metricName, Dimensions: [{ Name: dim, Value: arn }] }, Period: period, Stat: stat } };
}

/** All pages of one GetMetricData call, merged by query id. */
async function getAll(queries: MetricDataQuery[], start: number, end: number, scanBy?: 'TimestampAscending'): Promise<{ byId: Record<string, { t: number[]; v: number[]; status: string[] }>; pages: number }> {
  const byId: Record<string, { t: number[]; v: number[]; status: string[] }> = {};
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await cw.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(start), EndTime: new Date(end), NextToken: token, ScanBy: scanBy }));
    pages++;
    for (const r of out.MetricDataResults as MetricDataResult[]) {
      const e = (byId[r.Id!] ??= { t: [], v: [], status: [] });
      e.t.push(...r.Timestamps!.map((d) => d.getTime()));
      e.v.push(...r.Values!);
      e.status.push(r.StatusCode!);
    }
    token = out.NextToken;
  } while (token);
  return { byId, pages };
}

describe('AWS/Personalize metrics from the traffic model', () => {
  it('hourly sums equal the requests the model served; Average of a count is 1', async () => {
    const now = account.clock.now();
    const arn = account.personalize.createCampaign({ region: REGION, name: 'steady', createdAt: now - 10 * DAY_MS, traffic: traffic.noisy(traffic.constant(2), { seed: 9, amplitude: 0.5 }) });
    const res = account.personalize.get(arn);
    const start = now - 6 * HOUR_MS;
    let expected = 0;
    for (let t = start; t < now; t += MINUTE_MS) expected += account.personalize.requestsInMinute(res, t);

    const { byId } = await getAll([requestQuery('sum', arn, 3600), requestQuery('avg', arn, 3600, 'Average')], start, now, 'TimestampAscending');

    expect(byId.sum.t).toEqual([0, 1, 2, 3, 4, 5].map((h) => start + h * HOUR_MS));
    expect(byId.sum.v.reduce((a, b) => a + b, 0)).toBe(expected);
    expect(expected).toBeGreaterThan(6 * 3600 * 2 * 0.9);
    expect(byId.avg.v).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('an idle resource has no datapoints at all (not zeros)', async () => {
    const now = account.clock.now();
    const arn = account.personalize.createCampaign({ region: REGION, name: 'idle', createdAt: now - 10 * DAY_MS, traffic: traffic.idle() });

    const { byId } = await getAll([requestQuery('m', arn, 300)], now - DAY_MS, now);

    expect(byId.m).toEqual({ t: [], v: [], status: ['Complete'] });
  });

  it('quiet nights leave gaps: no datapoints in the quiet hours', async () => {
    const now = account.clock.now(); // midnight UTC
    const arn = account.personalize.createCampaign({ region: REGION, name: 'nights', createdAt: now - 10 * DAY_MS, traffic: traffic.diurnal({ peakRps: 5, troughRps: 1, quietHoursUtc: [1, 5] }) });

    const { byId } = await getAll([requestQuery('m', arn, 3600)], now - DAY_MS, now, 'TimestampAscending');

    const hours = byId.m.t.map((t) => new Date(t).getUTCHours());
    expect(hours).toEqual([0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
  });

  it('ranking campaigns report GetPersonalizedRanking; recommenders use RecommenderArn', async () => {
    const now = account.clock.now();
    const ranking = account.personalize.createCampaign({ region: REGION, name: 'rank', createdAt: now - DAY_MS, recipeArn: 'arn:aws:personalize:::recipe/aws-personalized-ranking-v2', traffic: traffic.constant(1) });
    const rec = account.personalize.createRecommender({ region: REGION, name: 'rec', createdAt: now - DAY_MS, traffic: traffic.constant(1) });

    const { byId } = await getAll(
      [requestQuery('wrong', ranking, 3600), requestQuery('rank', ranking, 3600, 'Sum', 'GetPersonalizedRanking'), requestQuery('rec', rec, 3600, 'Sum', 'GetRecommendations', 'RecommenderArn'), requestQuery('lat', rec, 3600, 'Average', 'GetRecommendationsLatency', 'RecommenderArn')],
      now - 2 * HOUR_MS,
      now,
    );

    expect(byId.wrong.v).toEqual([]);
    expect(byId.rank.v).toEqual([3600, 3600]);
    expect(byId.rec.v).toEqual([3600, 3600]);
    expect(byId.lat.v.every((ms) => ms > 10 && ms < 100)).toBe(true);
  });

  it('the newest minutes are not published yet (publishing delay)', async () => {
    const delayed = new SimAccount({ personalizeMetricDelayMs: 5 * MINUTE_MS });
    const now = delayed.clock.now();
    const arn = delayed.personalize.createCampaign({ region: REGION, name: 'c', createdAt: now - DAY_MS, traffic: traffic.constant(1) });

    const buckets = delayed.metrics.buckets({ region: REGION, namespace: 'AWS/Personalize', metricName: 'GetRecommendations', dimensions: [{ Name: 'CampaignArn', Value: arn }] }, 600, now - HOUR_MS, now, now);

    expect(buckets.map((b) => b.stats.sum)).toEqual([600, 600, 600, 600, 600, 300]);
  });
});

describe('GetMetricData paging and limits', () => {
  it('pages by datapoints (configurable page size) and the pages add up to the whole answer', async () => {
    const now = account.clock.now();
    const a = account.personalize.createCampaign({ region: REGION, name: 'a', createdAt: now - 10 * DAY_MS, traffic: traffic.constant(1) });
    const b = account.personalize.createCampaign({ region: REGION, name: 'b', createdAt: now - 10 * DAY_MS, traffic: traffic.constant(3) });

    const { byId, pages } = await getAll([requestQuery('a', a, 3600), requestQuery('b', b, 3600)], now - 2 * DAY_MS, now);

    expect(pages).toBe(4); // 96 datapoints, 25 per page
    expect(byId.a.v).toHaveLength(48);
    expect(byId.b.v.every((v) => v === 3 * 3600)).toBe(true);
    expect(byId.a.status.at(-1)).toBe('Complete');
    expect(byId.a.t[0]).toBeGreaterThan(byId.a.t[1]); // TimestampDescending by default
  });

  it('more than 500 queries → ValidationException (query code ValidationError)', async () => {
    const queries = Array.from({ length: 501 }, (_, i) => requestQuery(`q${i}`, 'arn:aws:personalize:us-east-1:123456789012:campaign/x', 300));
    const err = await cw.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(0), EndTime: new Date(1000) })).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.Code).toBe('ValidationError');
  });

  it('a query Id must start with a lowercase letter', async () => {
    await expect(cw.send(new GetMetricDataCommand({ MetricDataQueries: [requestQuery('Bad', 'x', 300)], StartTime: new Date(0), EndTime: new Date(1000) }))).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('custom metrics', () => {
  it('PutMetricData values come back aggregated', async () => {
    const now = account.clock.now();
    const dims = [{ Name: 'CampaignArn', Value: 'arn:aws:personalize:us-east-1:123456789012:campaign/c' }];
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'PersonalizeMonitor',
        MetricData: [
          { MetricName: 'averageTPS', Dimensions: dims, Value: 2, Unit: 'Count/Second', Timestamp: new Date(now - 10 * MINUTE_MS) },
          { MetricName: 'averageTPS', Dimensions: dims, Value: 4, Unit: 'Count/Second', Timestamp: new Date(now - 9 * MINUTE_MS) },
        ],
      }),
    );

    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [{ Id: 'avg', MetricStat: { Metric: { Namespace: 'PersonalizeMonitor', MetricName: 'averageTPS', Dimensions: dims }, Period: 3600, Stat: 'Average' } }],
        StartTime: new Date(now - HOUR_MS),
        EndTime: new Date(now),
      }),
    );

    expect(out.MetricDataResults![0].Values).toEqual([3]);
  });

  it('large PutMetricData bodies arrive gzip-compressed and are stored', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ MetricName: `metric${i}`, Value: i }));
    await cw.send(new PutMetricDataCommand({ Namespace: 'PersonalizeMonitor', MetricData: many }));
    expect(account.metrics.customSeries({ namespace: 'PersonalizeMonitor' })).toHaveLength(1000);
  });

  it('more than 1,000 metrics per call and AWS/ namespaces are refused', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ MetricName: `m${i}`, Value: 1 }));
    await expect(cw.send(new PutMetricDataCommand({ Namespace: 'PersonalizeMonitor', MetricData: many }))).rejects.toBeInstanceOf(ValidationException);
    await expect(cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Personalize', MetricData: [{ MetricName: 'x', Value: 1 }] }))).rejects.toBeInstanceOf(InvalidParameterValueException);
  });
});

describe('alarms', () => {
  const alarm = (name: string, period: number, evaluationPeriods: number): PutMetricAlarmCommandInput => ({
    AlarmName: name,
    Namespace: 'AWS/Personalize',
    MetricName: 'GetRecommendations',
    Dimensions: [{ Name: 'CampaignArn', Value: 'arn:aws:personalize:us-east-1:123456789012:campaign/c' }],
    Statistic: 'Sum',
    Period: period,
    EvaluationPeriods: evaluationPeriods,
    Threshold: 1,
    ComparisonOperator: 'LessThanThreshold',
    TreatMissingData: 'breaching',
    Tags: [{ Key: 'owner', Value: 'monitor' }],
  });

  it('Period × EvaluationPeriods: ≤ 1 day below 1-hour periods, ≤ 7 days otherwise', async () => {
    await expect(cw.send(new PutMetricAlarmCommand(alarm('a1', 300, 288)))).resolves.toBeDefined();
    await expect(cw.send(new PutMetricAlarmCommand(alarm('a2', 300, 289)))).rejects.toBeInstanceOf(ValidationException);
    await expect(cw.send(new PutMetricAlarmCommand(alarm('a3', 3600, 168)))).resolves.toBeDefined();
    await expect(cw.send(new PutMetricAlarmCommand(alarm('a4', 3600, 169)))).rejects.toBeInstanceOf(ValidationException);
  });

  it('DescribeAlarms pages 100 at most with a prefix; tags are kept; DeleteAlarms ≤ 100 names', async () => {
    for (let i = 0; i < 120; i++) await cw.send(new PutMetricAlarmCommand(alarm(`PersonalizeMonitor-${String(i).padStart(3, '0')}`, 3600, 24)));
    await cw.send(new PutMetricAlarmCommand(alarm('Other-alarm', 3600, 24)));

    const p1 = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'PersonalizeMonitor-', MaxRecords: 100 }));
    const p2 = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'PersonalizeMonitor-', MaxRecords: 100, NextToken: p1.NextToken }));
    const { Tags } = await cw.send(new ListTagsForResourceCommand({ ResourceARN: p1.MetricAlarms![0].AlarmArn }));

    expect(p1.MetricAlarms).toHaveLength(100);
    expect(p2.MetricAlarms).toHaveLength(20);
    expect(p2.NextToken).toBeUndefined();
    expect(p1.MetricAlarms![0]).toMatchObject({ AlarmName: 'PersonalizeMonitor-000', Period: 3600, EvaluationPeriods: 24, TreatMissingData: 'breaching', StateValue: 'INSUFFICIENT_DATA' });
    expect(Tags).toEqual([{ Key: 'owner', Value: 'monitor' }]);
    await expect(cw.send(new DescribeAlarmsCommand({ MaxRecords: 101 }))).rejects.toBeInstanceOf(ValidationException);

    const names = p1.MetricAlarms!.map((a) => a.AlarmName!);
    await expect(cw.send(new DeleteAlarmsCommand({ AlarmNames: [...names, 'Other-alarm'] }))).rejects.toBeInstanceOf(ValidationException);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: names }));
    await expect(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['PersonalizeMonitor-000'] }))).rejects.toBeInstanceOf(ResourceNotFound);
    expect(account.cloudwatch.alarmList(REGION).map((a) => a.name)).toHaveLength(21);
  });
});

describe('dashboards (global)', () => {
  const body = JSON.stringify({ widgets: [{ type: 'metric', x: 0, y: 0, width: 12, height: 6, properties: { region: 'eu-west-1', metrics: [['AWS/Personalize', 'GetRecommendations', 'CampaignArn', 'x']] } }] });

  it('put, get from another region, list, delete', async () => {
    const eu = new CloudWatchClient(simClientConfig(server.url, 'eu-west-1', { maxAttempts: 1 }));
    const put = await cw.send(new PutDashboardCommand({ DashboardName: 'Personalize-Monitor', DashboardBody: body }));
    const got = await eu.send(new GetDashboardCommand({ DashboardName: 'Personalize-Monitor' }));
    const list = await cw.send(new ListDashboardsCommand({ DashboardNamePrefix: 'Personalize' }));
    await cw.send(new DeleteDashboardsCommand({ DashboardNames: ['Personalize-Monitor'] }));
    eu.destroy();

    expect(put.DashboardValidationMessages).toEqual([]);
    expect(got.DashboardBody).toBe(body);
    expect(list.DashboardEntries!.map((d) => d.DashboardName)).toEqual(['Personalize-Monitor']);
    // The query-compatible client resolves the `ResourceNotFound` query code first, so a missing
    // dashboard surfaces as ResourceNotFound (not DashboardNotFoundError), as against AWS.
    const err = await cw.send(new GetDashboardCommand({ DashboardName: 'Personalize-Monitor' })).catch((e) => e);
    expect(err).toBeInstanceOf(ResourceNotFound);
    expect(err.Code).toBe('ResourceNotFound');
  });

  it('an invalid body → DashboardInvalidInputError with validation messages', async () => {
    const bad = JSON.stringify({ widgets: [{ type: 'metric', width: 30, properties: { metrics: [] } }] });
    const err = await cw.send(new PutDashboardCommand({ DashboardName: 'd', DashboardBody: bad })).catch((e) => e);

    expect(err).toBeInstanceOf(DashboardInvalidInputError);
    expect(err.dashboardValidationMessages.map((m: { DataPath: string }) => m.DataPath)).toEqual(['/widgets/0/width', '/widgets/0/properties']);
  });
});
