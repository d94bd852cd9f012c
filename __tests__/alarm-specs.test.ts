import {
  alarmDiffers,
  alarmName,
  alarmResourceArn,
  alarmSpecs,
  idleAlarmWindow,
  MAX_ALARM_NAME_LENGTH,
  MAX_EVALUATION_SECONDS_LONG_PERIOD,
  MAX_EVALUATION_SECONDS_SHORT_PERIOD,
} from '../core/alarms';
import { HOUR_MS } from '../core/time';
import type { AlarmMetricQuery, AlarmMetricStat, AlarmSpec, MetricMathAlarmSpec, SingleMetricAlarmSpec } from '../core/types';
import { MAX_ALARM_PREFIX_LENGTH } from '../core/contracts/ownership';
import { behaviour, campaign, NOW, recommender } from './support/core-fixtures';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:PersonalizeMonitorNotifications';
const PREFIX = 'personalize-monitor-alarm-';

describe('alarmSpecs', () => {
  it('describes the low-utilization alarm as metric math over AWS/Personalize (campaign), actions only while min > 1', () => {
    const [low] = alarmSpecs(campaign({ minCapacity: 5 }), behaviour({ autoCreateIdleAlarms: false }), TOPIC, NOW, PREFIX);

    expect(low).toMatchObject({
      name: alarmName('LowUtilization', campaign(), PREFIX),
      resourceArn: campaign().arn,
      metrics: [
        {
          id: 'm1',
          returnData: false,
          metricStat: { namespace: 'AWS/Personalize', metricName: 'GetRecommendations', dimensions: [{ name: 'CampaignArn', value: campaign().arn }], period: 300, stat: 'Sum' },
        },
        { id: 'e1', returnData: true, label: expect.any(String), expression: '100*FILL(m1,0)/PERIOD(m1)/5' },
      ],
      evaluationPeriods: 12,
      datapointsToAlarm: 9,
      threshold: 100,
      comparison: 'LessThanThreshold',
      treatMissingData: 'breaching',
      actionsEnabled: true,
      alarmActions: [TOPIC],
      region: 'eu-west-1',
    });
    // No single-metric field beside the queries (CloudWatch rejects the combination), no custom metric.
    for (const k of ['namespace', 'metricName', 'dimensions', 'statistic', 'period'] as const) expect(low[k]).toBeUndefined();
    expect(JSON.stringify(low)).not.toContain('PersonalizeMonitor"');
    expect(low.description).toContain('100*FILL(m1,0)/PERIOD(m1)/5');
    expect(alarmSpecs(campaign({ minCapacity: 1 }), behaviour(), TOPIC, NOW, PREFIX)[0].actionsEnabled).toBe(false);
  });

  it('describes the low-utilization alarm of a recommender on its request metric and RecommenderArn', () => {
    const [low] = alarmSpecs(
      recommender({ minCapacity: 1, requestMetric: 'GetPersonalizedRanking' }),
      behaviour({ autoCreateIdleAlarms: false, utilizationThresholdAlarmLowerBound: 40 }),
      TOPIC,
      NOW,
      PREFIX,
    );

    expect(low.metrics).toEqual([
      {
        id: 'm1',
        returnData: false,
        metricStat: { namespace: 'AWS/Personalize', metricName: 'GetPersonalizedRanking', dimensions: [{ name: 'RecommenderArn', value: recommender().arn }], period: 300, stat: 'Sum' },
      },
      { id: 'e1', returnData: true, label: expect.any(String), expression: '100*FILL(m1,0)/PERIOD(m1)/1' },
    ]);
    expect(low).toMatchObject({ threshold: 40, evaluationPeriods: 12, datapointsToAlarm: 9, treatMissingData: 'breaching', actionsEnabled: false, comparison: 'LessThanThreshold' });
    expect(low.name).toMatch(/^personalize-monitor-alarm-LowUtilization-Recommender-/);
  });

  it('describes the idle alarm on the Personalize request metric', () => {
    const specs = alarmSpecs(recommender(), behaviour({ autoCreateUtilizationAlarms: false }), TOPIC, NOW, PREFIX);

    expect(specs).toHaveLength(1);
    expect(specs[0]).toMatchObject({
      namespace: 'AWS/Personalize',
      metricName: 'GetRecommendations',
      dimensions: [{ name: 'RecommenderArn', value: recommender().arn }],
      statistic: 'Sum',
      threshold: 0,
      comparison: 'LessThanOrEqualToThreshold',
      treatMissingData: 'breaching',
      actionsEnabled: true,
    });
  });

  it('creates no alarm when both kinds are switched off', () => {
    expect(alarmSpecs(campaign(), behaviour({ autoCreateIdleAlarms: false, autoCreateUtilizationAlarms: false }), TOPIC, NOW, PREFIX)).toEqual([]);
  });

  it.each([2, 24, 25, 48, 168])('keeps the idle alarm within CloudWatch limits for IdleThresholdHours %i (bug 3)', (hours) => {
    const idle = alarmSpecs(campaign(), behaviour({ idleThresholdHours: hours }), TOPIC, NOW, PREFIX).find((s) => s.name.includes('-Idle-'))!;
    if (idle.metrics) throw new Error('the idle alarm is a single-metric alarm');

    const span = idle.period * idle.evaluationPeriods;
    expect(span).toBe(hours * 3600);
    expect(span).toBeLessThanOrEqual(idle.period < 3600 ? MAX_EVALUATION_SECONDS_SHORT_PERIOD : MAX_EVALUATION_SECONDS_LONG_PERIOD);
    expect(idle.datapointsToAlarm).toBe(idle.evaluationPeriods);
  });

  it('uses 5-minute periods up to a day and hourly periods above', () => {
    expect(idleAlarmWindow(24)).toEqual({ period: 300, evaluationPeriods: 288 });
    expect(idleAlarmWindow(48)).toEqual({ period: 3600, evaluationPeriods: 48 });
    expect(() => idleAlarmWindow(169)).toThrow('7-day');
  });

  it('enables idle actions only once the latest activity is older than the threshold', () => {
    const b = behaviour({ idleThresholdHours: 24 });
    const restarted = recommender({ lastUpdatedAt: NOW - 5 * HOUR_MS });

    const idle = alarmSpecs(restarted, b, TOPIC, NOW, PREFIX).find((s) => s.metricName === 'GetRecommendations')!;

    expect(idle.actionsEnabled).toBe(false);
  });

  it('names alarms uniquely per resource, not just per name (bug 6)', () => {
    const here = campaign();
    const sameNameElsewhere = campaign({ arn: 'arn:aws:personalize:us-east-1:123456789012:campaign/shop-recs', region: 'us-east-1' });

    const a = alarmName('Idle', here, PREFIX);
    const b = alarmName('Idle', sameNameElsewhere, PREFIX);

    expect(a).toMatch(/^personalize-monitor-alarm-Idle-Campaign-shop-recs-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(alarmName('LowUtilization', recommender(), PREFIX)).toMatch(/^personalize-monitor-alarm-LowUtilization-Recommender-home-feed-/);
  });

  it('keeps names within 255 characters', () => {
    expect(alarmName('LowUtilization', campaign({ name: 'x'.repeat(400) }), PREFIX).length).toBeLessThanOrEqual(MAX_ALARM_NAME_LENGTH);
  });

  it('keeps a full 63-character name within 255 characters under the longest allowed prefix, never the original prefix', () => {
    const longest = 'p'.repeat(MAX_ALARM_PREFIX_LENGTH);
    const name = 'n'.repeat(63);
    const a = alarmName('LowUtilization', recommender({ name }), longest);
    expect(a.length).toBeLessThanOrEqual(MAX_ALARM_NAME_LENGTH);
    expect(a).toContain(`-${name}-`);
    expect(alarmName('Idle', campaign(), PREFIX).startsWith('PersonalizeMonitor-')).toBe(false);
  });

  it('says what each alarm watches', () => {
    const [low, idle] = alarmSpecs(campaign({ minCapacity: 3 }), behaviour({ utilizationThresholdAlarmLowerBound: 40 }), TOPIC, NOW, PREFIX);

    expect(low.description).toContain('less than 40%');
    expect(idle.description).toContain('no GetRecommendations requests for 24 hours');
  });
});

describe('alarmDiffers', () => {
  const desired = () => alarmSpecs(campaign({ minCapacity: 3 }), behaviour(), TOPIC, NOW, PREFIX)[0] as MetricMathAlarmSpec;
  const idle = () => alarmSpecs(campaign({ minCapacity: 3 }), behaviour(), TOPIC, NOW, PREFIX)[1] as SingleMetricAlarmSpec;

  it('is false in steady state (same spec, dimension and action order aside)', () => {
    const existing = { ...desired(), alarmActions: [...desired().alarmActions] };

    expect(alarmDiffers(existing, desired())).toBe(false);
    expect(alarmDiffers(structuredClone(idle()), idle())).toBe(false);
  });

  it('is false for an identical metric-math alarm: queries copied, dimensions reordered, absent label = empty label', () => {
    const two = [{ name: 'CampaignArn', value: campaign().arn }, { name: 'Other', value: 'x' }];
    const base = desired();
    const withDims = (dims: typeof two, label?: string): MetricMathAlarmSpec => ({
      ...base,
      metrics: [
        { ...base.metrics[0], metricStat: { ...base.metrics[0].metricStat!, dimensions: dims } } as AlarmMetricQuery,
        { ...base.metrics[1], label } as AlarmMetricQuery,
      ],
    });
    expect(alarmDiffers(withDims([...two].reverse(), ''), withDims(two))).toBe(false);
    expect(alarmDiffers(structuredClone(base), base)).toBe(false);
  });

  it.each([
    ['threshold', { threshold: 50 }],
    ['actions enabled', { actionsEnabled: false }],
    ['evaluation periods', { evaluationPeriods: 6 }],
    ['datapoints to alarm', { datapointsToAlarm: 3 }],
    ['missing data', { treatMissingData: 'missing' as const }],
    ['action target', { alarmActions: ['arn:aws:sns:eu-west-1:123456789012:other'] }],
    ['description', { description: 'old text' }],
  ])('is true when the %s changed', (_label, change) => {
    expect(alarmDiffers({ ...desired(), ...change }, desired())).toBe(true);
  });

  it.each([
    ['period', { period: 60 }],
    ['dimension', { dimensions: [{ name: 'CampaignArn', value: 'arn:other' }] }],
    ['statistic', { statistic: 'Average' as const }],
    ['metric', { metricName: 'GetPersonalizedRanking' }],
  ])('is true when the %s of a single-metric alarm changed', (_label, change) => {
    expect(alarmDiffers({ ...idle(), ...change }, idle())).toBe(true);
  });

  const query = (i: number, change: Partial<AlarmMetricQuery>): MetricMathAlarmSpec => {
    const d = desired();
    return { ...d, metrics: d.metrics.map((q, k) => (k === i ? ({ ...q, ...change } as AlarmMetricQuery) : q)) };
  };
  const stat = (change: Partial<AlarmMetricStat>) => query(0, { metricStat: { ...desired().metrics[0].metricStat!, ...change } });

  it('is true when the minimum changed (the constant of the expression)', () => {
    const raised = alarmSpecs(campaign({ minCapacity: 4 }), behaviour(), TOPIC, NOW, PREFIX)[0];
    expect(alarmDiffers(desired(), { ...raised, description: desired().description })).toBe(true);
  });

  it.each([
    ['expression', query(1, { expression: '100*m1/300/3' })],
    ['return data', query(0, { returnData: true })],
    ['id', query(0, { id: 'x1' })],
    ['label', query(1, { label: 'other' })],
    ['statistic of the metric', stat({ stat: 'Average' })],
    ['period of the metric', stat({ period: 60 })],
    ['metric name', stat({ metricName: 'GetPersonalizedRanking' })],
    ['namespace', stat({ namespace: 'PersonalizeMonitor' })],
    ['dimension of the metric', stat({ dimensions: [{ name: 'CampaignArn', value: 'arn:other' }] })],
    ['order of the queries', { ...desired(), metrics: [...desired().metrics].reverse() }],
    ['number of queries', { ...desired(), metrics: desired().metrics.slice(1) }],
  ])('is true when the %s of a metric-math alarm changed', (_label, existing) => {
    expect(alarmDiffers(existing as AlarmSpec, desired())).toBe(true);
  });

  it('is true between the old custom-metric alarm and the metric-math one of the same name (the upgrade rewrites it)', () => {
    const d = desired();
    const old: SingleMetricAlarmSpec = {
      ...d,
      metrics: undefined,
      namespace: 'PersonalizeMonitor',
      metricName: 'campaignUtilization',
      dimensions: [{ name: 'CampaignArn', value: campaign().arn }],
      statistic: 'Average',
      period: 300,
    };
    expect(alarmDiffers(old, d)).toBe(true);
    expect(alarmDiffers(d, old)).toBe(true);
  });
});

describe('alarmResourceArn', () => {
  it('finds the campaign or recommender from the dimensions', () => {
    expect(alarmResourceArn([{ name: 'CampaignArn', value: 'arn:c' }])).toBe('arn:c');
    expect(alarmResourceArn([{ name: 'Other', value: 'x' }, { name: 'RecommenderArn', value: 'arn:r' }])).toBe('arn:r');
    expect(alarmResourceArn([])).toBeUndefined();
    expect(alarmResourceArn(undefined)).toBeUndefined();
  });

  it('finds it in an existing alarm: its dimensions, or those of its metric-math queries', () => {
    expect(alarmResourceArn({ Dimensions: [{ Name: 'RecommenderArn', Value: 'arn:r' }] })).toBe('arn:r');
    expect(
      alarmResourceArn({
        Metrics: [{}, { MetricStat: { Metric: { Dimensions: [{ Name: 'Other', Value: 'x' }, { Name: 'CampaignArn', Value: 'arn:c' }] } } }],
      }),
    ).toBe('arn:c');
    expect(alarmResourceArn({ Dimensions: [], Metrics: [{ MetricStat: { Metric: { Dimensions: [] } } }] })).toBeUndefined();
    expect(alarmResourceArn({})).toBeUndefined();
  });
});
