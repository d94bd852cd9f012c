import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { alarmSpecs } from '../core/alarms';
import type { AlarmSpec, MonitoredResource } from '../core/types';
import { reconcileAlarms, type ReconcileOptions } from '../tasks/collect/alarm-reconciler';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { campaignArn, NOW, REGION, run, serveAlarms } from './support/collect-fixtures';

const cloudwatch = mockClient(CloudWatchClient);
const client = new CloudWatchClient({ region: REGION });
const TOPIC = `arn:aws:sns:${REGION}:123456789012:PersonalizeMonitorNotifications`;
afterEach(() => cloudwatch.reset());

function resource(i: number, region = REGION): MonitoredResource {
  return {
    arn: campaignArn(i, region),
    name: `camp-${i}`,
    type: 'campaign',
    region,
    partition: 'aws',
    accountId: '123456789012',
    status: 'ACTIVE',
    minCapacity: 2,
    requestMetric: 'GetRecommendations',
    createdAt: 0,
    lastUpdatedAt: 0,
  };
}

function desired(resources: MonitoredResource[], threshold = 100): AlarmSpec[] {
  return resources.flatMap((r) => alarmSpecs(r, run({ utilizationThresholdAlarmLowerBound: threshold }), TOPIC, NOW));
}

const opts = (over: Partial<ReconcileOptions> = {}): ReconcileOptions => ({ region: REGION, discoveryComplete: true, calls: new ApiCallCounter(), ...over });

describe('alarm reconcile', () => {
  it('creates missing alarms with ownership tags, then writes nothing on an identical second run', async () => {
    serveAlarms(cloudwatch);
    const specs = desired(Array.from({ length: 60 }, (_, i) => resource(i)));

    const first = await reconcileAlarms(client, specs, opts());
    cloudwatch.resetHistory();
    const calls = new ApiCallCounter();
    const second = await reconcileAlarms(client, specs, opts({ calls }));

    expect(first).toMatchObject({ created: 120, updated: 0, deleted: 0, unchanged: 0 });
    expect(second).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 120 });
    expect(cloudwatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 0);
    expect(cloudwatch).toHaveReceivedCommandTimes(DeleteAlarmsCommand, 0);
    // 120 alarms at 100 per page: two DescribeAlarms pages, nothing else.
    expect(calls.byOperation()).toEqual({ DescribeAlarms: 2 });
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNamePrefix: 'PersonalizeMonitor-', MaxRecords: 100 });
  });

  it('tags alarms on create: CreatedBy and ResourceArn', async () => {
    serveAlarms(cloudwatch);

    await reconcileAlarms(client, desired([resource(1)]), opts());

    expect(cloudwatch).toHaveReceivedCommandWith(PutMetricAlarmCommand, {
      Tags: [
        { Key: 'CreatedBy', Value: 'PersonalizeMonitor' },
        { Key: 'ResourceArn', Value: campaignArn(1) },
      ],
      AlarmActions: [TOPIC],
    });
  });

  it('updates the alarms whose threshold changed, and only those', async () => {
    const store = serveAlarms(cloudwatch);
    const resources = [resource(1), resource(2)];
    await reconcileAlarms(client, desired(resources), opts());
    cloudwatch.resetHistory();

    const result = await reconcileAlarms(client, desired(resources, 50), opts());

    expect(result).toMatchObject({ created: 0, updated: 2, unchanged: 2, deleted: 0 });
    expect(cloudwatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 2);
    const updatedAlarms = [...store.values()].filter((a) => a.MetricName === 'campaignUtilization');
    expect(updatedAlarms.map((a) => a.Threshold)).toEqual([50, 50]);
    // Updates do not re-send tags (CloudWatch ignores them on update).
    expect(cloudwatch.commandCalls(PutMetricAlarmCommand).every((c) => c.args[0].input.Tags === undefined)).toBe(true);
  });

  it('deletes our alarms of resources that are gone, in batches of at most 100', async () => {
    const store = serveAlarms(cloudwatch);
    const many = Array.from({ length: 80 }, (_, i) => resource(i));
    await reconcileAlarms(client, desired(many), opts());
    cloudwatch.resetHistory();

    const result = await reconcileAlarms(client, desired([resource(0)]), opts());

    expect(result).toMatchObject({ deleted: 158, unchanged: 2, created: 0 });
    const batches = cloudwatch.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input.AlarmNames!.length);
    expect(batches).toEqual([100, 58]);
    expect(store.size).toBe(2);
  });

  it('never deletes on a partial discovery', async () => {
    serveAlarms(cloudwatch);
    await reconcileAlarms(client, desired([resource(1), resource(2)]), opts());
    cloudwatch.resetHistory();

    const result = await reconcileAlarms(client, desired([resource(1)]), opts({ discoveryComplete: false }));

    expect(result.deleted).toBe(0);
    expect(cloudwatch).toHaveReceivedCommandTimes(DeleteAlarmsCommand, 0);
  });

  it('leaves alarms alone that are not ours or name no resource of this region', async () => {
    const foreign: MetricAlarm = { AlarmName: 'SomeoneElses-alarm', Dimensions: [{ Name: 'CampaignArn', Value: campaignArn(5) }] };
    const otherRegion: MetricAlarm = { AlarmName: 'PersonalizeMonitor-Idle-x', Dimensions: [{ Name: 'CampaignArn', Value: campaignArn(5, 'eu-west-1') }] };
    const noResource: MetricAlarm = { AlarmName: 'PersonalizeMonitor-Custom', Dimensions: [] };
    const legacy: MetricAlarm = { AlarmName: 'PersonalizeMonitor-IdleCampaign-camp-9', Dimensions: [{ Name: 'CampaignArn', Value: campaignArn(9) }] };
    const store = serveAlarms(cloudwatch, new Map([foreign, otherRegion, noResource, legacy].map((a) => [a.AlarmName!, a])));

    const result = await reconcileAlarms(client, [], opts());

    expect(result.deleted).toBe(1);
    expect([...store.keys()].sort()).toEqual(['PersonalizeMonitor-Custom', 'PersonalizeMonitor-Idle-x', 'SomeoneElses-alarm']);
  });

  it('reports a failing PutMetricAlarm and carries on with the others', async () => {
    serveAlarms(cloudwatch);
    cloudwatch.on(PutMetricAlarmCommand).rejectsOnce(Object.assign(new Error('limit'), { name: 'LimitExceededException' })).resolves({});

    const result = await reconcileAlarms(client, desired([resource(1)]), opts());

    expect(result.created).toBe(1);
    expect(result.problems).toEqual([{ target: expect.stringContaining('PersonalizeMonitor-'), error: 'PutMetricAlarm failed: LimitExceededException: limit' }]);
  });
});
