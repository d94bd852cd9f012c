/**
 * Alarm reconcile against the simulated CloudWatch (its real wire and validation, not a mock):
 * the metric-math low-utilization alarm round-trips PutMetricAlarm → DescribeAlarms unchanged,
 * steady state writes nothing, a changed minimum rewrites exactly that alarm, and the old
 * custom-metric alarm of the same name is rewritten to metric math in place.
 */
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { alarmDiffers, alarmName, alarmSpecs } from '../core/alarms';
import { ownerTag } from '../core/contracts/ownership';
import type { AlarmSpec, MonitoredResource } from '../core/types';
import { reconcileAlarms, type ReconcileOptions } from '../tasks/collect/alarm-reconciler';
import { toPutInput, toSpec } from '../tasks/collect/alarm-wire';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';
import { campaignArn, NOW, OWNERSHIP, recommenderArn, REGION, run } from './support/collect-fixtures';

const TOPIC = `arn:aws:sns:${REGION}:123456789012:PersonalizeMonitorNotifications`;

function resource(i: number): MonitoredResource {
  return {
    arn: campaignArn(i),
    name: `camp-${i}`,
    type: 'campaign',
    region: REGION,
    partition: 'aws',
    accountId: '123456789012',
    status: 'ACTIVE',
    minCapacity: 2,
    requestMetric: 'GetRecommendations',
    createdAt: 0,
    lastUpdatedAt: 0,
  };
}

function desired(resources: MonitoredResource[]): AlarmSpec[] {
  return resources.flatMap((r) => alarmSpecs(r, run(), TOPIC, NOW, OWNERSHIP.prefix));
}

const opts = (over: Partial<ReconcileOptions> = {}): ReconcileOptions => ({ region: REGION, discoveryComplete: true, calls: new ApiCallCounter(), ownership: OWNERSHIP, ...over });

describe('alarm reconcile against the simulated CloudWatch (metric-math low-utilization alarms)', () => {
  let account: SimAccount;
  let server: SimServer;
  let sim: CloudWatchClient;
  beforeEach(async () => {
    account = new SimAccount();
    server = await startSimServer(account);
    sim = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
  });
  afterEach(async () => {
    sim.destroy();
    await server.close();
  });

  const recommenderOf = (i: number, minCapacity = 3): MonitoredResource => ({
    ...resource(i),
    arn: recommenderArn(i),
    name: `rec-${i}`,
    type: 'recommender',
    minCapacity,
    requestMetric: 'GetPersonalizedRanking',
  });
  const listed = async () => (await sim.send(new DescribeAlarmsCommand({ AlarmNamePrefix: OWNERSHIP.prefix }))).MetricAlarms ?? [];

  it('round-trips every spec through PutMetricAlarm and DescribeAlarms unchanged (toSpec ∘ toPutInput)', async () => {
    const specs = desired([resource(1), recommenderOf(2, 1)]);
    expect(specs.filter((s) => s.metrics)).toHaveLength(2);
    for (const spec of specs) {
      const input = toPutInput(spec, true, OWNERSHIP.stackName);
      if (spec.metrics) {
        // CloudWatch rejects Metrics together with the single-metric fields.
        for (const k of ['Namespace', 'MetricName', 'Statistic', 'Period', 'Dimensions'] as const) expect(input[k]).toBeUndefined();
        expect(input.Metrics).toEqual([
          { Id: 'm1', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Personalize', MetricName: spec.metrics[0].metricStat!.metricName, Dimensions: expect.any(Array) }, Period: 300, Stat: 'Sum' } },
          { Id: 'e1', ReturnData: true, Label: expect.any(String), Expression: spec.metrics[1].expression },
        ]);
      }
      await sim.send(new PutMetricAlarmCommand(input));
    }
    const back = await listed();
    expect(back).toHaveLength(specs.length);
    for (const spec of specs) {
      const alarm = back.find((a) => a.AlarmName === spec.name)!;
      expect(toSpec(alarm, REGION)).toEqual(spec);
      expect(alarmDiffers(toSpec(alarm, REGION), spec)).toBe(false);
    }
    const low = back.find((a) => a.AlarmName === specs[0].name)!;
    expect(low.Metrics?.[0].MetricStat?.Metric?.Dimensions).toEqual([{ Name: 'CampaignArn', Value: campaignArn(1) }]);
    expect(low.MetricName).toBeUndefined();
  });

  it('creates, then writes nothing in steady state; a changed minimum rewrites exactly that alarm', async () => {
    const fleet = [resource(1), resource(2), recommenderOf(3)];
    const first = await reconcileAlarms(sim, desired(fleet), opts());
    expect(first).toMatchObject({ created: 6, updated: 0, deleted: 0, problems: [] });

    const calls = new ApiCallCounter();
    const steady = await reconcileAlarms(sim, desired(fleet), opts({ calls }));
    expect(steady).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 6 });
    expect(calls.byOperation()).toEqual({ DescribeAlarms: 1 });

    const raised = [resource(1), { ...resource(2), minCapacity: 7 }, recommenderOf(3)];
    const changed = await reconcileAlarms(sim, desired(raised), opts());
    expect(changed).toMatchObject({ created: 0, updated: 1, deleted: 0, unchanged: 5, problems: [] });
    expect(changed.changes.update).toEqual([alarmName('LowUtilization', resource(2), OWNERSHIP.prefix)]);
    const rewritten = (await listed()).find((a) => a.AlarmName === changed.changes.update[0])!;
    expect(rewritten.Metrics?.find((q) => q.ReturnData)?.Expression).toBe('100*FILL(m1,0)/PERIOD(m1)/7');
    expect(rewritten.ActionsEnabled).toBe(true);

    const again = await reconcileAlarms(sim, desired(raised), opts());
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 6 });
  });

  it('rewrites an old custom-metric low-utilization alarm of the same name to metric math (upgrade in place)', async () => {
    const r = resource(4);
    const name = alarmName('LowUtilization', r, OWNERSHIP.prefix);
    account.cloudwatch.putMetricAlarm(REGION, account.clock.now(), {
      AlarmName: name,
      Namespace: 'PersonalizeMonitor',
      MetricName: 'campaignUtilization',
      Dimensions: [{ Name: 'CampaignArn', Value: r.arn }],
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 12,
      DatapointsToAlarm: 9,
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
      Tags: [ownerTag(OWNERSHIP.stackName), { Key: 'ResourceArn', Value: r.arn }],
    });

    const result = await reconcileAlarms(sim, desired([r]), opts());

    expect(result).toMatchObject({ created: 1, updated: 1, deleted: 0, problems: [] });
    expect(result.changes.update).toEqual([name]);
    const alarm = (await listed()).find((a) => a.AlarmName === name)!;
    expect(alarm).toMatchObject({ TreatMissingData: 'breaching', Threshold: 100, EvaluationPeriods: 12, DatapointsToAlarm: 9 });
    expect(alarm.Namespace).toBeUndefined();
    expect(alarm.MetricName).toBeUndefined();
    expect(alarm.Metrics?.map((q) => q.Id)).toEqual(['m1', 'e1']);
    expect(alarm.Metrics?.[0].MetricStat?.Metric).toEqual({ Namespace: 'AWS/Personalize', MetricName: 'GetRecommendations', Dimensions: [{ Name: 'CampaignArn', Value: r.arn }] });
    expect(await reconcileAlarms(sim, desired([r]), opts())).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });

  it('deletes the metric-math alarm of a resource that is gone (its ARN is in the query dimensions)', async () => {
    await reconcileAlarms(sim, desired([resource(1), resource(2)]), opts());

    const result = await reconcileAlarms(sim, desired([resource(1)]), opts());

    expect(result).toMatchObject({ deleted: 2, unchanged: 2 });
    expect((await listed()).map((a) => a.AlarmName).sort()).toEqual(desired([resource(1)]).map((s) => s.name).sort());
  });
});
