/**
 * Realistic latency and per-operation rate limits of the simulated account (sim/limits.ts):
 * seeded latency draws within their bounds, token buckets that answer with the service's own
 * throttling error (recognised as throttling by the SDK), the time scale, switching at run time,
 * and clear errors for bad limits.
 */
import { CloudWatchClient, PutMetricAlarmCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { isThrottlingError } from '@smithy/service-error-classification';
import { DEFAULT_OPTIONS, parseOptions, USAGE, UsageError } from '../demo/options';
import { REALISTIC_LATENCY, REALISTIC_RATE_LIMITS, SimAccount, SimLimiter, simClientConfig, startSimServer, type SimLimits, type SimServer } from '../sim';

const REGION = 'eu-west-1';

const alarm = (i: number): PutMetricAlarmCommandInput => ({
  AlarmName: `limits-test-${i}`,
  Namespace: 'AWS/Personalize',
  MetricName: 'GetRecommendations',
  Dimensions: [{ Name: 'CampaignArn', Value: 'arn:aws:personalize:eu-west-1:123456789012:campaign/c' }],
  Statistic: 'Sum',
  Period: 300,
  EvaluationPeriods: 1,
  Threshold: 1,
  ComparisonOperator: 'LessThanThreshold',
});

/** Invokes an operation N times in sequence directly on the account; the outcomes. */
async function callsInSequence(account: SimAccount, n: number, operation = 'DescribeAlarms', region = REGION): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await account.invoke('cloudwatch', operation, {}, { region }).then(() => 'ok', (e: Error) => e.name));
  return out;
}

describe('latency', () => {
  it('draws every call’s latency within its range and answers that much later (wall clock)', async () => {
    const account = new SimAccount({ seed: 7, limits: { latency: { cloudwatch: { minMs: 20, maxMs: 40 } } } });
    const simStart = account.clock.now();
    const t0 = performance.now();
    await callsInSequence(account, 8);
    const wall = performance.now() - t0;

    const drawn = account.calls().map((c) => c.latencyMs ?? NaN);
    expect(drawn).toHaveLength(8);
    for (const ms of drawn) {
      expect(ms).toBeGreaterThanOrEqual(20);
      expect(ms).toBeLessThanOrEqual(40);
    }
    const sum = drawn.reduce((a, b) => a + b, 0);
    // setTimeout truncates fractions of a ms; machines are noisy: generous upper bound.
    expect(wall).toBeGreaterThanOrEqual(sum - 8 * 1.5);
    expect(wall).toBeLessThan(sum + 2000);
    // Simulated time is not moved by latency.
    expect(account.clock.now()).toBe(simStart);
  });

  it('the realistic table: 30–80 ms for every service; an operation entry beats its service’s', async () => {
    const account = new SimAccount({ limits: { latency: 'realistic' } });
    await account.invoke('sns', 'CreateTopic', { Name: 't' }, { region: REGION });
    await callsInSequence(account, 3);
    for (const c of account.calls()) {
      expect(c.latencyMs).toBeGreaterThanOrEqual(30);
      expect(c.latencyMs).toBeLessThanOrEqual(80);
    }
    expect(Object.keys(REALISTIC_LATENCY).sort()).toEqual(['cloudformation', 'cloudwatch', 'dynamodb', 'events', 'personalize', 'sfn', 'sns']);

    const specific = new SimLimiter({ latency: { cloudwatch: { minMs: 50, maxMs: 50 }, 'cloudwatch:GetMetricData': { minMs: 5, maxMs: 5 } } }, 1);
    expect(specific.drawLatency('cloudwatch', 'GetMetricData')).toBe(5);
    expect(specific.drawLatency('cloudwatch', 'DescribeAlarms')).toBe(50);
    expect(specific.drawLatency('sns', 'Publish')).toBe(0);
  });

  it('the same seed gives the same sequence of draws; another seed another', async () => {
    const draws = async (seed: number) => {
      const a = new SimAccount({ seed, limits: { latency: { cloudwatch: { minMs: 1, maxMs: 5 } } } });
      await callsInSequence(a, 6);
      return a.calls().map((c) => c.latencyMs);
    };
    const first = await draws(11);
    expect(await draws(11)).toEqual(first);
    expect(await draws(12)).not.toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('timeScale k divides every latency by k', () => {
    const limiter = new SimLimiter({ latency: { cloudwatch: { minMs: 100, maxMs: 100 } }, timeScale: 10 }, 1);
    expect(limiter.drawLatency('cloudwatch', 'DescribeAlarms')).toBe(10);
  });
});

describe('rate limits', () => {
  let account: SimAccount;
  let server: SimServer;
  const clients: { destroy(): void }[] = [];
  const cloudwatch = (opts: { maxAttempts?: number; retryMode?: string } = {}) => {
    const c = new CloudWatchClient({ ...simClientConfig(server.url, REGION, { maxAttempts: opts.maxAttempts }), ...(opts.retryMode ? { retryMode: opts.retryMode } : {}) });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    account = new SimAccount({ seed: 3, limits: { rateLimits: 'realistic' } });
    server = await startSimServer(account);
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.destroy());
    await server.close();
  });

  it('PutMetricAlarm at 3/s: a burst of 10 lets the bucket’s 3 through, the rest get CloudWatch’s Throttling', async () => {
    expect(REALISTIC_RATE_LIMITS['cloudwatch:PutMetricAlarm']).toEqual({ perSecond: 3 });
    const cw = cloudwatch({ maxAttempts: 1 });

    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => cw.send(new PutMetricAlarmCommand(alarm(i))).then(() => 'ok' as const, (e: unknown) => e)));

    const ok = results.filter((r) => r === 'ok').length;
    const errors = results.filter((r): r is Error & { $metadata: { httpStatusCode?: number } } => r !== 'ok');
    // 3 from the bucket (a 4th only if a third of a second passed meanwhile).
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(ok).toBeLessThanOrEqual(4);
    for (const e of errors) {
      expect(e.name).toBe('Throttling');
      expect(e.$metadata.httpStatusCode).toBe(400);
      // What the SDK's retry strategies (standard and adaptive) test.
      expect(isThrottlingError(e as never)).toBe(true);
    }
    const logged = account.calls({ operation: 'PutMetricAlarm' });
    expect(logged).toHaveLength(10);
    expect(logged.filter((c) => c.rateLimited).map((c) => [c.outcome, c.errorCode])).toEqual(errors.map(() => ['fault', 'Throttling']));
    // Throttled calls never reached the service: only the admitted alarms exist.
    const listed = (await account.invoke('cloudwatch', 'DescribeAlarms', {}, { region: REGION })) as { MetricAlarms: unknown[] };
    expect(listed.MetricAlarms).toHaveLength(ok);
  });

  it('the SDK’s adaptive retries recover from the throttling (time scale 10)', async () => {
    account.setLimits({ rateLimits: 'realistic', timeScale: 10 });
    const cw = cloudwatch({ maxAttempts: 10, retryMode: 'adaptive' });

    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => cw.send(new PutMetricAlarmCommand(alarm(i)))));

    expect(out.every((o) => o.$metadata.httpStatusCode === 200)).toBe(true);
    expect(Math.max(...out.map((o) => o.$metadata.attempts ?? 1))).toBeGreaterThan(1);
    expect(account.calls({ operation: 'PutMetricAlarm' }).filter((c) => c.rateLimited).length).toBeGreaterThan(0);
  });

  it('buckets are per region and per operation', async () => {
    account.setLimits({ rateLimits: { 'cloudwatch:DescribeAlarms': { perSecond: 1, burst: 2 } } });
    expect(await callsInSequence(account, 3)).toEqual(['ok', 'ok', 'Throttling']);
    expect(await callsInSequence(account, 2, 'DescribeAlarms', 'us-west-2')).toEqual(['ok', 'ok']);
    expect(await callsInSequence(account, 3, 'ListDashboards')).toEqual(['ok', 'ok', 'ok']);
  });

  it('setLimits(undefined) switches them off; setLimits switches them on again', async () => {
    account.setLimits(undefined);
    expect(account.limits).toBeUndefined();
    const cw = cloudwatch({ maxAttempts: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => cw.send(new PutMetricAlarmCommand(alarm(i))).then(() => 'ok', (e: Error) => e.name)));
    expect(results).toEqual(Array(10).fill('ok'));
    expect(account.calls().some((c) => c.rateLimited || c.latencyMs !== undefined)).toBe(false);

    const limits: SimLimits = { rateLimits: { 'cloudwatch:*': { perSecond: 1 } } };
    account.setLimits(limits);
    expect(account.limits).toBe(limits);
    expect(await callsInSequence(account, 2)).toEqual(['ok', 'Throttling']);
  });
});

describe('token bucket on the wall clock', () => {
  /** Calls allowed in one second after the burst, one call every 10 ms, on a fake wall clock. */
  const allowedInASecond = (limits: SimLimits, operation = 'PutMetricAlarm', service: 'cloudwatch' | 'personalize' = 'cloudwatch') => {
    let now = 0;
    const limiter = new SimLimiter(limits, 1, () => now);
    let ok = 0;
    for (; now <= 1000; now += 10) if (!limiter.take(service, operation, REGION)) ok++;
    return ok;
  };

  it('refills at perSecond after the burst; timeScale 10 raises the rate tenfold (the burst stays)', () => {
    expect(allowedInASecond({ rateLimits: 'realistic' })).toBe(3 + 3);
    expect(allowedInASecond({ rateLimits: 'realistic', timeScale: 10 })).toBe(3 + 30);
    // burst 1: a token at most, taken at 0, 340 and 680 ms (refilled every 333 ms, calls every 10 ms).
    expect(allowedInASecond({ rateLimits: { 'cloudwatch:PutMetricAlarm': { perSecond: 3, burst: 1 } } })).toBe(3);
  });

  it('realistic Personalize model: Describe* 10/s, List* 5/s, mutations 2/s; no limit on DynamoDB', () => {
    expect(allowedInASecond({ rateLimits: 'realistic' }, 'DescribeCampaign', 'personalize')).toBe(10 + 10);
    expect(allowedInASecond({ rateLimits: 'realistic' }, 'ListCampaigns', 'personalize')).toBe(5 + 5);
    expect(allowedInASecond({ rateLimits: 'realistic' }, 'ListTagsForResource', 'personalize')).toBe(5 + 5);
    expect(allowedInASecond({ rateLimits: 'realistic' }, 'UpdateCampaign', 'personalize')).toBe(2 + 2);
    const limiter = new SimLimiter({ rateLimits: 'realistic' }, 1);
    expect(limiter.rateLimitFor('dynamodb', 'PutItem')).toBeUndefined();
    expect(limiter.rateLimitFor('sns', 'Publish')).toBeUndefined();
  });

  it('answers with each service’s throttling code', () => {
    const limiter = new SimLimiter({ rateLimits: { 'personalize:*': { perSecond: 1 }, 'sns:Publish': { perSecond: 1 } } }, 1, () => 0);
    limiter.take('personalize', 'ListCampaigns', REGION);
    limiter.take('sns', 'Publish', REGION);
    expect(limiter.take('personalize', 'ListCampaigns', REGION)).toMatchObject({ code: 'ThrottlingException', status: 400 });
    expect(limiter.take('sns', 'Publish', REGION)).toMatchObject({ code: 'Throttled', queryCode: 'Throttled', status: 400 });
  });
});

describe('bad limits', () => {
  it.each<[string, SimLimits, RegExp]>([
    ['a negative rate', { rateLimits: { 'cloudwatch:PutMetricAlarm': { perSecond: -1 } } }, /limits\.rateLimits\["cloudwatch:PutMetricAlarm"\]\.perSecond must be a finite number > 0, got -1/],
    ['a burst below 1', { rateLimits: { 'cloudwatch:*': { perSecond: 1, burst: 0 } } }, /limits\.rateLimits\["cloudwatch:\*"\]\.burst/],
    ['an unknown service', { rateLimits: { 'lambda:Invoke': { perSecond: 1 } } }, /limits\.rateLimits\["lambda:Invoke"\]: unknown service "lambda"/],
    ['a rate key without operation', { rateLimits: { cloudwatch: { perSecond: 1 } } }, /limits\.rateLimits\["cloudwatch"\]: expected "service:Operation"/],
    ['minMs > maxMs', { latency: { sns: { minMs: 90, maxMs: 80 } } }, /limits\.latency\["sns"\]: minMs \(90\) must not exceed maxMs \(80\)/],
    ['a negative latency', { latency: { sns: { minMs: -1, maxMs: 80 } } }, /limits\.latency\["sns"\]\.minMs/],
    ['timeScale < 1', { timeScale: 0.5 }, /limits\.timeScale must be a finite number >= 1, got 0\.5/],
    ['timeScale NaN', { timeScale: NaN }, /limits\.timeScale/],
  ])('%s → RangeError naming the field', (_what, limits, message) => {
    expect(() => new SimAccount({ limits })).toThrow(RangeError);
    expect(() => new SimAccount({ limits })).toThrow(message);
    const account = new SimAccount({ limits: { latency: 'realistic' } });
    expect(() => account.setLimits(limits)).toThrow(message);
    // A refused switch leaves the limits in force.
    expect(account.limits).toEqual({ latency: 'realistic' });
  });
});

describe('the demo switch', () => {
  it('--realistic-aws turns the realistic tables on, --time-scale sets k; neither by default', () => {
    expect(parseOptions(['--realistic-aws', '--time-scale', '10'])).toMatchObject({ limits: { latency: 'realistic', rateLimits: 'realistic' }, timeScale: 10 });
    expect(parseOptions(['--time-scale=2.5'])).toMatchObject({ timeScale: 2.5 });
    const defaults = parseOptions([]);
    expect(defaults).toEqual(DEFAULT_OPTIONS);
    expect(defaults).not.toHaveProperty('limits');
    expect(USAGE).toMatch(/--realistic-aws/);
    expect(USAGE).toMatch(/--time-scale N/);
  });

  it.each([['0'], ['-3'], ['fast'], ['1001']])('--time-scale %s is a usage error', (v) => {
    expect(() => parseOptions(['--time-scale', v])).toThrow(UsageError);
    expect(() => parseOptions(['--time-scale', v])).toThrow(/--time-scale: expected a number from 1 to 1000/);
  });
});
