/**
 * Metric math in the simulated GetMetricData (sim/metric-math.ts): the strict parser's errors,
 * the evaluator's per-timestamp semantics, Expression queries through the real CloudWatch client
 * (utilization = 100*FILL(m1,0)/PERIOD(m1)/min, TPS = m1/PERIOD(m1)), hidden queries, paging, the
 * billing record, and the demo's dashboard renderer drawing expression rows.
 */
import { CloudWatchClient, GetMetricDataCommand, ValidationException, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { renderDashboardPage } from '../demo/dashboard-page';
import { DAY_MS, HOUR_MS, MINUTE_MS, SimAccount, simClientConfig, startSimServer, traffic, type SimServer } from '../sim';
import { simViewer } from './support/sim-viewer';
import { evaluate, MetricMathError, parseExpression, referencedIds, type MathContext, type MathSeries } from '../sim/metric-math';

const REGION = 'us-east-1';

describe('parser', () => {
  const fails = (src: string) => {
    try {
      parseExpression(src);
    } catch (e) {
      expect(e).toBeInstanceOf(MetricMathError);
      return (e as Error).message;
    }
    throw new Error(`parsed: ${src}`);
  };

  it('parses the subset with the usual precedence and associativity', () => {
    expect(parseExpression('100*FILL(m1,0)/PERIOD(m1)/5')).toEqual({
      kind: 'binary',
      op: '/',
      left: {
        kind: 'binary',
        op: '/',
        left: { kind: 'binary', op: '*', left: { kind: 'number', value: 100 }, right: { kind: 'fill', series: { kind: 'id', id: 'm1' }, value: 0 } },
        right: { kind: 'period', id: 'm1' },
      },
      right: { kind: 'number', value: 5 },
    });
    expect(parseExpression(' m1 - -m2_b * (e1 + 0.5) ')).toEqual({
      kind: 'binary',
      op: '-',
      left: { kind: 'id', id: 'm1' },
      right: { kind: 'binary', op: '*', left: { kind: 'negate', operand: { kind: 'id', id: 'm2_b' } }, right: { kind: 'binary', op: '+', left: { kind: 'id', id: 'e1' }, right: { kind: 'number', value: 0.5 } } },
    });
    expect(parseExpression('FILL(m1, -1.25)')).toEqual({ kind: 'fill', series: { kind: 'id', id: 'm1' }, value: -1.25 });
    expect(referencedIds(parseExpression('m1/PERIOD(m2)+FILL(e1,0)*m1'))).toEqual({ series: ['m1', 'e1'], periods: ['m2'] });
  });

  it('refuses what is outside the subset, naming it and where', () => {
    expect(fails('SUM(METRICS())')).toMatch(/Unknown function SUM at position 1; .*supports FILL, PERIOD/);
    expect(fails('fill(m1, 0)')).toMatch(/Unknown function fill/);
    expect(fails('m1 +')).toMatch(/ends where an operand .* was expected/);
    expect(fails('m1 * / m2')).toMatch(/Expected an operand .*found "\/" at position 6/);
    expect(fails('(m1 + m2')).toMatch(/Expected "\)" to close the "\(" at position 1, found the end of the expression/);
    expect(fails('m1 m2')).toMatch(/Unexpected "m2" at position 4 \(an operator is missing before it\)/);
    expect(fails('m1)')).toMatch(/Unexpected "\)" at position 3 \(no matching "\("\)/);
    expect(fails('m1 ^ 2')).toMatch(/Unsupported character "\^" at position 4/);
    expect(fails('M1 + 1')).toMatch(/"M1" at position 1 is neither a query id/);
    expect(fails('2m1')).toMatch(/Malformed number "2m"/);
    expect(fails('1e3')).toMatch(/Malformed number/);
    expect(fails('FILL(m1, REPEAT)')).toMatch(/FILL's second argument must be a number.*REPEAT mode is not simulated/);
    expect(fails('FILL(m1, m2)')).toMatch(/FILL's second argument must be a number, found "m2"/);
    expect(fails('PERIOD(m1 + 1)')).toMatch(/Expected "\)" after the argument of PERIOD, found "\+"/);
    expect(fails('PERIOD(5)')).toMatch(/PERIOD takes the id of a metric query, found "5"/);
    expect(fails('   ')).toMatch(/empty/);
    expect(fails('m1+'.repeat(700) + 'm1')).toMatch(/at most 2048/);
  });
});

describe('evaluator', () => {
  const series = (periodSec: number, points: [number, number][]): MathSeries => ({ kind: 'series', periodSec, points: new Map(points) });
  const ctx = (byId: Record<string, MathSeries>, grid: number[] = []): MathContext => ({
    series: (id) => byId[id],
    periodOf: (id) => byId[id].periodSec,
    grid: () => grid,
  });
  const run = (src: string, c: MathContext) => evaluate(parseExpression(src), c);

  it('series arithmetic is per timestamp; scalars broadcast; division by zero drops the point', () => {
    const c = ctx({ a: series(60, [[0, 4], [60_000, 6], [120_000, 8]]), b: series(60, [[0, 2], [120_000, 0]]) });
    expect(run('a / b', c)).toEqual(series(60, [[0, 2]]));
    expect(run('a - b * 2', c)).toEqual(series(60, [[0, 0], [120_000, 8]]));
    expect(run('-a / 2 + 1', c)).toEqual(series(60, [[0, -1], [60_000, -2], [120_000, -3]]));
    expect(run('12 / a', c)).toEqual(series(60, [[0, 3], [60_000, 2], [120_000, 1.5]]));
    expect(run('a / 0', c)).toEqual(series(60, []));
    expect(run('a / PERIOD(a)', c)).toEqual(series(60, [[0, 4 / 60], [60_000, 0.1], [120_000, 8 / 60]]));
    expect(() => run('a + 1 / 0', c)).toThrow(/Division by zero between constants/);
    expect(run('2 * (1 + 2)', c)).toEqual({ kind: 'scalar', value: 6 });
  });

  it('FILL gives the value at every period of the range without a datapoint, also when there is none at all', () => {
    const grid = [0, 60_000, 120_000];
    expect(run('FILL(b, 7)', ctx({ b: series(60, [[60_000, 1]]) }, grid))).toEqual(series(60, [[0, 7], [60_000, 1], [120_000, 7]]));
    expect(run('FILL(b, 0) + 1', ctx({ b: series(60, []) }, grid))).toEqual(series(60, [[0, 1], [60_000, 1], [120_000, 1]]));
    expect(run('FILL(a / b, 0)', ctx({ a: series(60, [[0, 1]]), b: series(60, [[0, 0]]) }, grid))).toEqual(series(60, [[0, 0], [60_000, 0], [120_000, 0]]));
    expect(() => run('FILL(5, 0)', ctx({}, grid))).toThrow(/FILL's first argument must be a time series/);
  });
});

describe('GetMetricData with Expression queries over the real client', () => {
  let account: SimAccount;
  let server: SimServer;
  let cw: CloudWatchClient;

  beforeEach(async () => {
    account = new SimAccount({ metricDataPageSize: 25, personalizeMetricDelayMs: 0 });
    server = await startSimServer(account);
    cw = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1, caller: 'math-test' }));
  });
  afterEach(async () => {
    cw.destroy();
    await server.close();
  });

  const requests = (id: string, arn: string, period = 300, extra: Partial<MetricDataQuery> = {}): MetricDataQuery => ({
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/Personalize', MetricName: 'GetRecommendations', Dimensions: [{ Name: 'CampaignArn', Value: arn }] }, Period: period, Stat: 'Sum' },
    ...extra,
  });

  /** All pages, merged by query id (labels and statuses kept). */
  async function getAll(queries: MetricDataQuery[], start: number, end: number, scanBy?: 'TimestampAscending') {
    const byId: Record<string, { label: string; t: number[]; v: number[]; status: string[] }> = {};
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await cw.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(start), EndTime: new Date(end), NextToken: token, ScanBy: scanBy }));
      pages++;
      for (const r of out.MetricDataResults as MetricDataResult[]) {
        const e = (byId[r.Id!] ??= { label: r.Label!, t: [], v: [], status: [] });
        e.t.push(...r.Timestamps!.map((d) => d.getTime()));
        e.v.push(...r.Values!);
        e.status.push(r.StatusCode!);
      }
      token = out.NextToken;
    } while (token);
    return { byId, pages };
  }

  async function refusal(queries: MetricDataQuery[]): Promise<ValidationException> {
    const now = account.clock.now();
    const err = await cw.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(now - HOUR_MS), EndTime: new Date(now) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationException);
    return err as ValidationException;
  }

  it('m1/PERIOD(m1) of a campaign with traffic is its requests / 300 per 5-minute bucket; the hidden m1 is not returned', async () => {
    const now = account.clock.now();
    const arn = account.personalize.createCampaign({ region: REGION, name: 'shop', createdAt: now - 2 * DAY_MS, traffic: traffic.noisy(traffic.constant(3), { seed: 4, amplitude: 0.6 }) });
    const res = account.personalize.get(arn);
    const start = now - 3 * HOUR_MS;

    const { byId, pages } = await getAll(
      [requests('m1', arn, 300, { ReturnData: false }), { Id: 'tps', Expression: 'm1/PERIOD(m1)', Label: 'shop TPS' }],
      start,
      now,
      'TimestampAscending',
    );

    expect(Object.keys(byId)).toEqual(['tps']);
    expect(byId.tps.label).toBe('shop TPS');
    const buckets = Array.from({ length: 36 }, (_, k) => start + k * 5 * MINUTE_MS);
    expect(byId.tps.t).toEqual(buckets);
    const expected = buckets.map((b) => {
      let n = 0;
      for (let t = b; t < b + 5 * MINUTE_MS; t += MINUTE_MS) n += account.personalize.requestsInMinute(res, t);
      return n / 300;
    });
    expect(byId.tps.v).toHaveLength(36);
    byId.tps.v.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 10));
    expect(new Set(expected).size).toBeGreaterThan(1); // noisy traffic: not one repeated value
    // 36 datapoints with a page size of 25: paged like MetricStat results, PartialData until the last page.
    expect(pages).toBe(2);
    expect(byId.tps.status).toEqual(['PartialData', 'Complete']);
  });

  it('100*FILL(m1,0)/PERIOD(m1)/5 of an idle campaign is 0 % at every period; without FILL there is no datapoint', async () => {
    const now = account.clock.now();
    const arn = account.personalize.createCampaign({ region: REGION, name: 'idle', minProvisionedTPS: 5, createdAt: now - 2 * DAY_MS, traffic: traffic.idle() });
    const start = now - 2 * HOUR_MS;

    const { byId } = await getAll(
      [
        requests('m1', arn, 300, { ReturnData: false }),
        { Id: 'util', Expression: '100*FILL(m1,0)/PERIOD(m1)/5', Label: 'idle utilization' },
        { Id: 'raw', Expression: '100*m1/PERIOD(m1)/5' },
      ],
      start,
      now,
    );

    expect(byId.util.v).toEqual(new Array(24).fill(0));
    // Default ScanBy is TimestampDescending, as for MetricStat results.
    expect(byId.util.t).toEqual(Array.from({ length: 24 }, (_, k) => now - (k + 1) * 5 * MINUTE_MS));
    expect(byId.raw).toEqual({ label: 'raw', t: [], v: [], status: ['Complete'] });
    expect(byId.m1).toBeUndefined();
  });

  it('FILL fills only the gaps; an expression of expressions works in any query order; periods follow the metrics', async () => {
    const now = account.clock.now();
    // Quiet hours 1–5 UTC; the clock starts at 00:00 UTC, so the window 23:00–03:00 has traffic then silence.
    const arn = account.personalize.createCampaign({ region: REGION, name: 'nights', createdAt: now - 2 * DAY_MS, traffic: traffic.diurnal({ peakRps: 4, quietHoursUtc: [1, 5] }) });
    const start = now - HOUR_MS;
    account.clock.advance(3 * HOUR_MS);
    const end = account.clock.now();

    const { byId } = await getAll(
      [
        { Id: 'pct', Expression: 'e1 * 100 / 4', Label: 'pct' },
        { Id: 'e1', Expression: 'FILL(m1, 0) / PERIOD(m1)', ReturnData: false },
        requests('m1', arn, 3600, { Label: 'hourly requests' }),
      ],
      start,
      end,
      'TimestampAscending',
    );

    expect(byId.m1.label).toBe('hourly requests');
    expect(byId.m1.t).toEqual([start, start + HOUR_MS]); // 23:00 and 00:00 have requests; 01:00–03:00 are quiet
    expect(byId.pct.t).toEqual([0, 1, 2, 3].map((h) => start + h * HOUR_MS));
    expect(byId.pct.v.slice(0, 2)).toEqual(byId.m1.v.map((v) => (v / 3600) * 25));
    expect(byId.pct.v.slice(2)).toEqual([0, 0]);
    expect(byId.e1).toBeUndefined();
  });

  it('refuses unknown ids, cycles, PERIOD of an expression, scalar results, bad shapes and the 500-query limit counting expressions', async () => {
    const arn = 'arn:aws:personalize:us-east-1:123456789012:campaign/x';
    expect((await refusal([requests('m1', arn), { Id: 'e1', Expression: 'm1 + m9' }])).message).toMatch(/Error in expression e1 \("m1 \+ m9"\): m9 does not refer to any query Id/);
    expect((await refusal([{ Id: 'e1', Expression: 'SUM(METRICS())' }])).message).toMatch(/Error in expression e1 .*Unknown function SUM/);
    expect((await refusal([requests('m1', arn), { Id: 'e1', Expression: 'm1 *' }])).message).toMatch(/Error in expression e1 .*ends where an operand/);
    expect((await refusal([requests('m1', arn), { Id: 'a', Expression: 'b + m1' }, { Id: 'b', Expression: 'c * 2' }, { Id: 'c', Expression: 'a' }])).message).toMatch(
      /Circular reference between expressions: a -> b -> c -> a/,
    );
    expect((await refusal([{ Id: 'a', Expression: 'a + 1' }])).message).toMatch(/Circular reference between expressions: a -> a/);
    expect((await refusal([requests('m1', arn), { Id: 'e1', Expression: 'm1 * 2' }, { Id: 'e2', Expression: 'm1 / PERIOD(e1)' }])).message).toMatch(/PERIOD\(e1\) needs a MetricStat query/);
    expect((await refusal([requests('m1', arn), { Id: 'e1', Expression: 'PERIOD(m1) / 60' }])).message).toMatch(/produces a single number, not a time series/);
    expect((await refusal([{ ...requests('m1', arn), Expression: 'm1' }])).message).toMatch(/exactly one of MetricStat or Expression/);
    expect((await refusal([requests('m1', arn), { Id: 'e1', Expression: 'm1', Period: 90 }])).message).toMatch(/Period must be a multiple of 60/);
    expect((await refusal([requests('m1', arn), { Id: 'm1', Expression: 'm1 * 2' }])).message).toMatch(/not unique: m1/);
    const many: MetricDataQuery[] = [requests('m0', arn), ...Array.from({ length: 500 }, (_, i) => ({ Id: `e${i}`, Expression: 'm0 * 2' }))];
    expect((await refusal(many)).message).toMatch(/must not have a size greater than 500 \(got 501\)/);
    // 1 MetricStat + 499 expressions is within the limit.
    const now = account.clock.now();
    const ok = await cw.send(new GetMetricDataCommand({ MetricDataQueries: many.slice(0, 500), StartTime: new Date(now - HOUR_MS), EndTime: new Date(now) }));
    expect(ok.MetricDataResults).toHaveLength(500);
  });

  it('records what CloudWatch bills per call: MetricStat queries (hidden too), not expressions', async () => {
    const now = account.clock.now();
    const a = account.personalize.createCampaign({ region: REGION, name: 'a', createdAt: now - DAY_MS, traffic: traffic.constant(1) });
    const b = account.personalize.createCampaign({ region: REGION, name: 'b', createdAt: now - DAY_MS, traffic: traffic.constant(2) });
    const queries: MetricDataQuery[] = [
      requests('m1', a, 300, { ReturnData: false }),
      requests('m2', b, 300, { ReturnData: false }),
      { Id: 'e1', Expression: 'm1/PERIOD(m1)' },
      { Id: 'e2', Expression: '(m1 + m2)/PERIOD(m1)' },
      { Id: 'e3', Expression: '100*FILL(m2,0)/PERIOD(m2)/5' },
    ];
    const { pages } = await getAll(queries, now - 2 * HOUR_MS, now);
    await refusal([{ Id: 'bad', Expression: 'nope(' }]);

    const records = account.cloudwatch.metricDataRequests({ caller: 'math-test' });
    expect(pages).toBe(3); // 3 × 24 datapoints, 25 per page
    expect(records).toHaveLength(3); // each page is a billed call; the refused call is not
    expect(records.map((r) => [r.metricsRequested, r.expressions, r.returned, r.region])).toEqual(new Array(3).fill([2, 3, 3, REGION]));
    expect(account.calls({ service: 'cloudwatch', operation: 'GetMetricData' })).toHaveLength(4);
    expect(account.cloudwatch.metricDataRequests({ caller: 'someone-else' })).toEqual([]);
  });
});

describe('dashboard renderer draws metric-math rows', () => {
  const sim = simViewer();
  let account: SimAccount;
  beforeEach(() => {
    account = sim.account;
  });
  const client = (region: string) => sim.client(region);

  it('sends a widget as one GetMetricData (hidden rows not drawn, generated ids) and draws each expression with its label', async () => {
    const now = account.clock.now();
    const busy = account.personalize.createCampaign({ region: REGION, name: 'shop', minProvisionedTPS: 5, createdAt: now - 2 * DAY_MS, traffic: traffic.constant(2) });
    const idle = account.personalize.createCampaign({ region: REGION, name: 'idle', minProvisionedTPS: 1, createdAt: now - 2 * DAY_MS, traffic: traffic.idle() });
    const body = {
      widgets: [
        {
          type: 'metric',
          properties: {
            title: 'Utilization (% of minimum)',
            region: REGION,
            period: 300,
            stat: 'Sum',
            view: 'timeSeries',
            metrics: [
              ['AWS/Personalize', 'GetRecommendations', 'CampaignArn', busy, { id: 'm1', visible: false }],
              ['...', idle, { id: 'm2', visible: false }],
              [{ expression: '100*FILL(m1,0)/PERIOD(m1)/5', id: 'e1', label: 'shop utilization' }],
              [{ expression: '100*FILL(m2,0)/PERIOD(m2)/1', label: 'idle utilization', color: '#ff0000' }],
              ['AWS/Personalize', 'GetRecommendations', 'CampaignArn', busy, { label: 'shop requests' }],
            ],
          },
        },
        {
          type: 'metric',
          properties: { title: 'Outside the subset', region: REGION, period: 300, metrics: [[{ expression: 'SEARCH(\'{AWS/Personalize} GetRecommendations\', \'Sum\')', id: 'e1' }]] },
        },
      ],
    };

    const page = await renderDashboardPage([{ name: 'pm-dashboard', body: JSON.stringify(body) }], { client, startMs: now - 6 * HOUR_MS, endMs: now, title: 'test' });

    expect(page).toMatchObject({ charts: 1, series: 3, seriesWithData: 3, skippedRows: 0, widgetErrors: 1 });
    const calls = account.calls({ service: 'cloudwatch', operation: 'GetMetricData', caller: 'viewer' });
    expect(calls).toHaveLength(2); // one per widget
    expect(account.cloudwatch.metricDataRequests({ caller: 'viewer' })).toEqual([expect.objectContaining({ metricsRequested: 3, expressions: 2, returned: 3 })]);
    const card = page.html.split('<div class="card">')[1];
    expect(card).toContain('<svg');
    expect(card).toMatch(/<polyline[^>]*><title>shop utilization<\/title><\/polyline>/);
    expect(card).toMatch(/<polyline fill="none" stroke="#ff0000"[^>]*><title>idle utilization<\/title>/);
    expect(card).toContain('<title>shop requests</title>');
    expect(card).not.toContain('metric-math');
    expect(page.html).toContain("GetMetricData refused this widget's queries");
    expect(page.html).toMatch(/Unknown function SEARCH/);
  });
});
