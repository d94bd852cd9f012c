import { ORIGINAL, originalCallsPerRun, originalIsIdle, originalStepDown, type OriginalView } from '../bench/original-model';
import { expressGbSeconds, lambdaGbSeconds, monthlyCost, runsPerMonth, type MonthlyUsage } from '../bench/pricing';
import { findWrongActions, HOUR_MS, type DemandFn } from '../bench/wrong-actions';

const T0 = Date.parse('2025-06-02T00:00:00Z');
const ARN = 'arn:aws:personalize:us-east-1:123456789012:campaign/shop';

const noUsage: MonthlyUsage = {
  sfnExpressRequests: 0,
  sfnExpressGbSeconds: 0,
  sfnStandardTransitions: 0,
  lambdas: [],
  getMetricDataMetrics: 0,
  cloudWatchApiRequests: 0,
  customMetrics: 0,
  alarmMetrics: 0,
  dashboards: 0,
  logsIngestedGb: 0,
  xrayTraces: 0,
  dynamoDbReadUnits: 0,
  dynamoDbWriteUnits: 0,
};

/** Demand of `rps` requests per second from `from` on (nothing before). */
function constantFrom(from: number, rps: number): DemandFn {
  return (_arn, a, b) => Math.max(0, (b - Math.max(a, from)) / 1000) * rps;
}

describe('bench pricing model', () => {
  it('bills Lambda duration in 1 ms steps times memory in GB', () => {
    expect(lambdaGbSeconds(1500.2, 256)).toBeCloseTo(1.501 * 0.25, 10);
  });

  it('bills Express duration in 100 ms steps and memory in 64 MB steps', () => {
    expect(expressGbSeconds(1234, 64)).toBeCloseTo(1.3 * 0.0625, 10);
    expect(expressGbSeconds(1234, 65)).toBeCloseTo(1.3 * 0.125, 10);
  });

  it('counts 8,760 runs a month for a 5-minute schedule', () => {
    expect(runsPerMonth(5)).toBe(8760);
    expect(() => runsPerMonth(0)).toThrow(/minutes > 0/);
  });

  it('adds up hand-computed line items and leaves out what is not used', () => {
    const cost = monthlyCost({
      ...noUsage,
      sfnExpressRequests: 1_000_000,
      customMetrics: 100,
      alarmMetrics: 10,
      lambdas: [{ name: 'collect', invocations: 1000, meanDurationMs: 1000, memoryMb: 1024, architecture: 'arm64' }],
    });

    // $1 + 100 × $0.30 + 10 × $0.10 + 1,000 GB-s × $0.0000133334 + 1,000 × $0.0000002
    expect(cost.totalUsd).toBeCloseTo(1 + 30 + 1 + 0.0133334 + 0.0002, 8);
    expect(cost.lines.map((l) => l.item)).toEqual([
      'Step Functions Express requests',
      'Lambda collect requests',
      'Lambda collect duration (1024 MB arm64)',
      'CloudWatch custom metrics',
      'CloudWatch alarms (alarm metrics)',
    ]);
  });

  it('prices x86_64 Lambda duration above arm64', () => {
    const fn = { name: 'f', invocations: 10, meanDurationMs: 100, memoryMb: 128 };
    const arm = monthlyCost({ ...noUsage, lambdas: [{ ...fn, architecture: 'arm64' }] }).totalUsd;
    const x86 = monthlyCost({ ...noUsage, lambdas: [{ ...fn, architecture: 'x86_64' }] }).totalUsd;
    expect(x86).toBeGreaterThan(arm);
  });
});

describe('bench wrong-action counter', () => {
  it('calls an idle action wrong when requests come within the next day, not later', () => {
    const action = { arn: ARN, kind: 'idle' as const, at: T0 };

    expect(findWrongActions([action], constantFrom(T0 + 23 * HOUR_MS, 1))).toHaveLength(1);
    expect(findWrongActions([action], constantFrom(T0 + 25 * HOUR_MS, 1))).toEqual([]);
  });

  it('calls a new minimum wrong only when the quietest hour of the next day needs a whole unit more', () => {
    const demand = constantFrom(T0 - HOUR_MS, 8.6);

    expect(findWrongActions([{ arn: ARN, kind: 'capacity', at: T0 + 60_000, newMin: 7 }], demand)).toEqual([
      expect.objectContaining({ newMin: 7, why: expect.stringContaining('8.60/s') }),
    ]);
    expect(findWrongActions([{ arn: ARN, kind: 'capacity', at: T0 + 60_000, newMin: 8 }], demand)).toEqual([]);
  });

  it('judges a new minimum by the quietest hour, not by the peaks', () => {
    // 20/s in every hour but one quiet hour at 2.5/s: minimum 2 carries the base load.
    const demand: DemandFn = (_arn, a, b) => ((b - a) / 1000) * (a === T0 + 5 * HOUR_MS ? 2.5 : 20);

    expect(findWrongActions([{ arn: ARN, kind: 'capacity', at: T0, newMin: 2 }], demand)).toEqual([]);
    expect(findWrongActions([{ arn: ARN, kind: 'capacity', at: T0, newMin: 1 }], demand)).toHaveLength(1);
  });

  it('refuses a capacity action without its new minimum', () => {
    expect(() => findWrongActions([{ arn: ARN, kind: 'capacity', at: T0 }], constantFrom(T0, 1))).toThrow(/no newMin/);
  });
});

describe('bench model of the original monitor', () => {
  const old: OriginalView = { status: 'ACTIVE', minCapacity: 10, createdAt: T0 - 30 * 24 * HOUR_MS };

  it('steps a minimum down by 25 % even below the low watermark (the undershoot)', () => {
    const sums = [8.6 * 3600, 12 * 3600, 0];

    expect(originalStepDown(old, sums, T0)).toBe(7);
    expect(originalStepDown({ ...old, minCapacity: 1 }, sums, T0)).toBeUndefined();
    expect(originalStepDown({ ...old, createdAt: T0 - 2 * HOUR_MS }, sums, T0)).toBeUndefined();
    expect(originalStepDown({ ...old, latestUpdateStatus: 'UPDATE IN_PROGRESS' }, sums, T0)).toBeUndefined();
  });

  it('judges idleness by creation time only (a restarted resource is idle at once)', () => {
    const silent = { recent5MinRequests: 0, requestsInIdleWindow: 0 };

    expect(originalIsIdle(old, silent, T0, 24)).toBe(true);
    expect(originalIsIdle(old, { ...silent, requestsInIdleWindow: 1 }, T0, 24)).toBe(false);
    expect(originalIsIdle({ ...old, createdAt: T0 - 3 * HOUR_MS }, silent, T0, 24)).toBe(false);
  });

  it('counts calls per run from its code path', () => {
    const calls = originalCallsPerRun({
      regions: [{ campaigns: 2, recommenders: 1 }],
      minAboveOne: 3,
      withTrafficNow: 1,
      silentNow: 2,
      autoDeleteOrStopIdleResources: false,
      autoAdjustMinTps: true,
      autoCreateUtilizationAlarms: true,
      autoCreateIdleAlarms: true,
    });

    expect(calls).toEqual({
      ListCampaigns: 1,
      ListRecommenders: 1,
      DescribeCampaign: 2,
      DescribeRecommender: 1,
      DescribeSolutionVersion: 2,
      GetMetricData: 3 + 3 / 12,
      DescribeAlarmsForMetric: 6,
      // 2 × 3 + 1 busy + 1 count = 8 metrics: one chunk of 20.
      PutMetricData: 1,
    });
    expect(ORIGINAL.metricsPerPut).toBe(20);
  });
});
