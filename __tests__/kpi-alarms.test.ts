/**
 * KPI alarms with levels (error rate, latency: warning and critical), the canary's availability
 * alarm and canary-adjusted idle / low-utilization alarms, the traffic anomaly alarm: the specs,
 * their wire form and comparison, and what they cost per month.
 */
import { alarmDiffers, alarmName, alarmSpecs } from '../core/alarms';
import { alarmCostFor, alarmMetrics, alarmsMonthlyCost } from '../core/cost';
import type { AlarmSpec, MonitoredResource } from '../core/types';
import { toPutInput, toSpec } from '../tasks/collect/alarm-wire';
import type { MetricAlarm } from '../tasks/aws/cloudwatch';
import { campaignArn, NOW, OWNERSHIP, REGION, run } from './support/collect-fixtures';

const TOPIC = `arn:aws:sns:${REGION}:123456789012:pm-notifications`;
const CRITICAL = `arn:aws:sns:${REGION}:123456789012:pm-critical`;

const campaign: MonitoredResource = {
  arn: campaignArn(1),
  name: 'camp-1',
  type: 'campaign',
  region: REGION,
  partition: 'aws',
  accountId: '123456789012',
  status: 'ACTIVE',
  minCapacity: 4,
  requestMetric: 'GetRecommendations',
  createdAt: 0,
  lastUpdatedAt: 0,
};
const ranking: MonitoredResource = { ...campaign, arn: campaignArn(2), name: 'rank-2', requestMetric: 'GetPersonalizedRanking' };

const kpiOn = run({ kpiAlarms: true, errorRateWarnPercent: 1, errorRateCriticalPercent: 5, latencyWarnMs: 500, latencyCriticalMs: 1000 });
const byName = (specs: AlarmSpec[]) => new Map(specs.map((s) => [s.name, s]));
const nameOf = (kind: Parameters<typeof alarmName>[0], r: MonitoredResource = campaign) => alarmName(kind, r, OWNERSHIP.prefix);

/** What DescribeAlarms returns for an alarm written with PutMetricAlarm (the fields toSpec reads). */
function described(spec: AlarmSpec): MetricAlarm {
  const { Tags: _t, ...input } = toPutInput(spec, true, OWNERSHIP.stackName);
  return input as MetricAlarm;
}

describe('KPI alarms (kpiAlarms on)', () => {
  const specs = byName(alarmSpecs(campaign, kpiOn, TOPIC, NOW, OWNERSHIP.prefix, { criticalTopicArn: CRITICAL }));

  it('adds error rate and latency alarms at a warning and a critical level, the level in name and description', () => {
    for (const kind of ['ErrorRateWarning', 'ErrorRateCritical', 'LatencyWarning', 'LatencyCritical'] as const) {
      const name = nameOf(kind);
      expect(name).toMatch(new RegExp(`^${OWNERSHIP.prefix}${kind}-Campaign-camp-1-[0-9a-f]{8}$`));
      expect(specs.get(name)!.description).toContain(kind.endsWith('Critical') ? 'CRITICAL' : 'WARNING');
    }
    expect(specs.size).toBe(6); // + low utilization and idle (defaults on)
  });

  it('error rate: 100*FILL(m1,0)/m2 over 5xxErrors Sum and SampleCount, 3 of 3 five-minute periods above the level, missing not breaching', () => {
    const warn = specs.get(nameOf('ErrorRateWarning'))!;
    const crit = specs.get(nameOf('ErrorRateCritical'))!;
    expect(warn.metrics).toEqual([
      { id: 'm1', returnData: false, metricStat: { namespace: 'AWS/Personalize', metricName: 'GetRecommendations5xxErrors', dimensions: [{ name: 'CampaignArn', value: campaign.arn }], period: 300, stat: 'Sum' } },
      { id: 'm2', returnData: false, metricStat: { namespace: 'AWS/Personalize', metricName: 'GetRecommendations5xxErrors', dimensions: [{ name: 'CampaignArn', value: campaign.arn }], period: 300, stat: 'SampleCount' } },
      { id: 'e1', returnData: true, label: '5xx error rate (%)', expression: '100*FILL(m1,0)/m2' },
    ]);
    expect(warn).toMatchObject({ threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'notBreaching', actionsEnabled: true });
    expect(crit).toMatchObject({ threshold: 5, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'notBreaching' });
    expect(warn.description).toContain('more than 1%');
    expect(warn.description).toContain('GetRecommendations5xxErrors');
    expect(crit.description).toContain('more than 5%');
  });

  it('latency: <op>Latency Average above latencyWarnMs / latencyCriticalMs, 3 of 3 × 300 s, missing not breaching', () => {
    const warn = specs.get(nameOf('LatencyWarning'))!;
    const crit = specs.get(nameOf('LatencyCritical'))!;
    expect(warn).toMatchObject({ namespace: 'AWS/Personalize', metricName: 'GetRecommendationsLatency', statistic: 'Average', period: 300, threshold: 500, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'notBreaching' });
    expect(crit).toMatchObject({ metricName: 'GetRecommendationsLatency', threshold: 1000 });
    expect(crit.description).toContain('above 1000 ms');
    expect(crit.description).toContain('GetRecommendationsLatency');
  });

  it('critical alarms notify the notification and the critical topic, warnings only the notification topic', () => {
    expect(specs.get(nameOf('ErrorRateCritical'))!.alarmActions).toEqual([TOPIC, CRITICAL]);
    expect(specs.get(nameOf('LatencyCritical'))!.alarmActions).toEqual([TOPIC, CRITICAL]);
    expect(specs.get(nameOf('ErrorRateWarning'))!.alarmActions).toEqual([TOPIC]);
    expect(specs.get(nameOf('LatencyWarning'))!.alarmActions).toEqual([TOPIC]);
    // Without a critical topic: the notification topic only (no problem needed).
    const plain = byName(alarmSpecs(campaign, kpiOn, TOPIC, NOW, OWNERSHIP.prefix));
    expect(plain.get(nameOf('ErrorRateCritical'))!.alarmActions).toEqual([TOPIC]);
    // Without any topic: no actions at all (never an empty ARN).
    const none = alarmSpecs(campaign, kpiOn, '', NOW, OWNERSHIP.prefix, { criticalTopicArn: CRITICAL });
    expect(none.find((s) => s.name === nameOf('ErrorRateCritical'))!.alarmActions).toEqual([CRITICAL]);
    expect(none.find((s) => s.name === nameOf('ErrorRateWarning'))!.alarmActions).toEqual([]);
  });

  it('a ranking campaign reads GetPersonalizedRanking metrics', () => {
    const r = byName(alarmSpecs(ranking, kpiOn, TOPIC, NOW, OWNERSHIP.prefix));
    expect(r.get(nameOf('LatencyWarning', ranking))!.metricName).toBe('GetPersonalizedRankingLatency');
    expect(r.get(nameOf('ErrorRateCritical', ranking))!.metrics!.map((q) => q.metricStat?.metricName)).toEqual(['GetPersonalizedRanking5xxErrors', 'GetPersonalizedRanking5xxErrors', undefined]);
  });

  it('kpiAlarms off (default): no KPI alarm', () => {
    const names = alarmSpecs(campaign, run(), TOPIC, NOW, OWNERSHIP.prefix, { criticalTopicArn: CRITICAL }).map((s) => s.name);
    expect(names).toEqual([nameOf('LowUtilization'), nameOf('Idle')]);
    expect(alarmSpecs(campaign, run({ autoCreateIdleAlarms: false, autoCreateUtilizationAlarms: false }), TOPIC, NOW, OWNERSHIP.prefix)).toEqual([]);
  });

  it('a changed level differs from the existing alarm (rewrite); the same level round-trips unchanged', () => {
    for (const spec of specs.values()) expect(alarmDiffers(toSpec(described(spec), REGION), spec)).toBe(false);
    const raised = byName(alarmSpecs(campaign, { ...kpiOn, errorRateCriticalPercent: 8, latencyWarnMs: 600 }, TOPIC, NOW, OWNERSHIP.prefix, { criticalTopicArn: CRITICAL }));
    const changed = [...raised.values()].filter((s) => alarmDiffers(toSpec(described(specs.get(s.name)!), REGION), s)).map((s) => s.name);
    expect(changed).toEqual([nameOf('ErrorRateCritical'), nameOf('LatencyWarning')]);
    // The critical topic added later: only the critical alarms change.
    const withoutTopic = byName(alarmSpecs(campaign, kpiOn, TOPIC, NOW, OWNERSHIP.prefix));
    const topicAdded = [...specs.values()].filter((s) => alarmDiffers(toSpec(described(withoutTopic.get(s.name)!), REGION), s)).map((s) => s.name);
    expect(topicAdded).toEqual([nameOf('ErrorRateCritical'), nameOf('LatencyCritical')]);
  });
});

describe('with the health-check canary (every 5 minutes)', () => {
  const specs = byName(alarmSpecs(campaign, run(), TOPIC, NOW, OWNERSHIP.prefix, { criticalTopicArn: CRITICAL, canaryIntervalMinutes: 5 }));

  it('adds a critical availability alarm: successful request Sum < 1, 2 of 2 periods, missing data breaching', () => {
    const a = specs.get(nameOf('Availability'))!;
    expect(a).toMatchObject({
      namespace: 'AWS/Personalize',
      metricName: 'GetRecommendations',
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: 1,
      comparison: 'LessThanThreshold',
      treatMissingData: 'breaching',
      actionsEnabled: true,
      alarmActions: [TOPIC, CRITICAL],
    });
    expect(a.description).toContain('CRITICAL');
    // The period is never shorter than the canary's interval (else a period between two runs breaches).
    const slow = alarmSpecs(campaign, run(), TOPIC, NOW, OWNERSHIP.prefix, { canaryIntervalMinutes: 15 }).find((s) => s.name === nameOf('Availability'))!;
    expect(slow).toMatchObject({ period: 900, evaluationPeriods: 2 });
    // A resource updated within the window would fire at once: actions off until it has had the time.
    const fresh = alarmSpecs({ ...campaign, lastUpdatedAt: NOW - 60_000 }, run(), TOPIC, NOW, OWNERSHIP.prefix, { canaryIntervalMinutes: 5 }).find((s) => s.name === nameOf('Availability'))!;
    expect(fresh.actionsEnabled).toBe(false);
  });

  it("idle: at most the canary's requests per period is idle (threshold 1 at 5-minute periods, 3 at hourly periods with a 20-minute canary)", () => {
    const idle = specs.get(nameOf('Idle'))!;
    expect(idle).toMatchObject({ threshold: 1, comparison: 'LessThanOrEqualToThreshold', period: 300, treatMissingData: 'breaching' });
    expect(idle.description).toContain('canary');
    const long = alarmSpecs(campaign, run({ idleThresholdHours: 48 }), TOPIC, NOW, OWNERSHIP.prefix, { canaryIntervalMinutes: 20 }).find((s) => s.name === nameOf('Idle'))!;
    expect(long).toMatchObject({ period: 3600, threshold: 3 });
    // Without the canary: none at all.
    expect(alarmSpecs(campaign, run(), TOPIC, NOW, OWNERSHIP.prefix).find((s) => s.name === nameOf('Idle'))!.threshold).toBe(0);
  });

  it("low utilization: the expression subtracts the canary's requests per period", () => {
    const low = specs.get(nameOf('LowUtilization'))!;
    expect(low.metrics!.find((q) => q.returnData)!.expression).toBe('100*(FILL(m1,0)-1)/PERIOD(m1)/4');
    expect(low.description).toContain('canary');
    const every2 = alarmSpecs(campaign, run(), TOPIC, NOW, OWNERSHIP.prefix, { canaryIntervalMinutes: 2 }).find((s) => s.name === nameOf('LowUtilization'))!;
    expect(every2.metrics!.find((q) => q.returnData)!.expression).toBe('100*(FILL(m1,0)-3)/PERIOD(m1)/4');
    // Turning the canary on rewrites the idle and low-utilization alarms.
    const before = byName(alarmSpecs(campaign, run(), TOPIC, NOW, OWNERSHIP.prefix));
    expect(alarmDiffers(toSpec(described(before.get(low.name)!), REGION), low)).toBe(true);
    expect(alarmDiffers(toSpec(described(before.get(nameOf('Idle'))!), REGION), specs.get(nameOf('Idle'))!)).toBe(true);
  });
});

describe('traffic anomaly alarm (trafficAnomalyAlarms on)', () => {
  const spec = alarmSpecs(campaign, run({ trafficAnomalyAlarms: true }), TOPIC, NOW, OWNERSHIP.prefix, { criticalTopicArn: CRITICAL }).find((s) => s.name === nameOf('TrafficAnomaly'))!;

  it('reads the request Sum and compares it with ANOMALY_DETECTION_BAND(m1,2) by ThresholdMetricId', () => {
    expect(spec).toMatchObject({ comparison: 'LessThanLowerOrGreaterThanUpperThreshold', thresholdMetricId: 'ad1', evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'notBreaching', alarmActions: [TOPIC] });
    expect(spec.metrics).toEqual([
      { id: 'm1', returnData: true, metricStat: { namespace: 'AWS/Personalize', metricName: 'GetRecommendations', dimensions: [{ name: 'CampaignArn', value: campaign.arn }], period: 300, stat: 'Sum' } },
      { id: 'ad1', returnData: true, label: 'Expected requests', expression: 'ANOMALY_DETECTION_BAND(m1,2)' },
    ]);
  });

  it('is written with ThresholdMetricId and no Threshold, and compares equal once written', () => {
    const input = toPutInput(spec, true, OWNERSHIP.stackName);
    expect(input.ThresholdMetricId).toBe('ad1');
    expect('Threshold' in input).toBe(false);
    expect(alarmDiffers(toSpec(described(spec), REGION), spec)).toBe(false);
    // A static alarm of the same name is rewritten.
    expect(alarmDiffers(toSpec({ ...described(spec), ThresholdMetricId: undefined, Threshold: 0 }, REGION), spec)).toBe(true);
  });
});

describe('alarm cost (CloudWatch: $0.10 per alarm metric per month; metric math per metric read; anomaly detection 3)', () => {
  it('bills a metric-math alarm per metric it reads and an anomaly detection alarm as 3', () => {
    const specs = alarmSpecs(campaign, run({ kpiAlarms: true, trafficAnomalyAlarms: true }), TOPIC, NOW, OWNERSHIP.prefix, { canaryIntervalMinutes: 5 });
    const metricsByKind = Object.fromEntries(specs.map((s) => [s.name.slice(OWNERSHIP.prefix.length).split('-')[0], alarmMetrics(s)]));
    expect(metricsByKind).toEqual({ LowUtilization: 1, Idle: 1, ErrorRateWarning: 2, ErrorRateCritical: 2, LatencyWarning: 1, LatencyCritical: 1, Availability: 1, TrafficAnomaly: 3 });
    expect(alarmsMonthlyCost(specs)).toEqual({ alarms: 8, alarmMetrics: 12, usd: 1.2 });
  });

  it('states the monthly cost for 100 resources: existing vs +KPI vs +canary availability vs +anomaly', () => {
    const existing = run();
    const kpi = run({ kpiAlarms: true });
    const anomaly = run({ kpiAlarms: true, trafficAnomalyAlarms: true });
    expect(alarmCostFor(existing, {}, 100)).toEqual({ perResource: 2, alarmMetricsPerResource: 2, monthlyUsd: 20 });
    expect(alarmCostFor(kpi, {}, 100)).toEqual({ perResource: 6, alarmMetricsPerResource: 8, monthlyUsd: 80 });
    expect(alarmCostFor(kpi, { canaryIntervalMinutes: 5 }, 100)).toEqual({ perResource: 7, alarmMetricsPerResource: 9, monthlyUsd: 90 });
    expect(alarmCostFor(anomaly, { canaryIntervalMinutes: 5 }, 100)).toEqual({ perResource: 8, alarmMetricsPerResource: 12, monthlyUsd: 120 });
  });
});
