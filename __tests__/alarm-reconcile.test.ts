import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, ListTagsForResourceCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { alarmSpecs } from '../core/alarms';
import type { AlarmSpec, MonitoredResource } from '../core/types';
import { reconcileAlarms, type ReconcileOptions } from '../tasks/collect/alarm-reconciler';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { alarmArn, campaignArn, NOW, OWNERSHIP, REGION, run, serveAlarms } from './support/collect-fixtures';

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
  return resources.flatMap((r) => alarmSpecs(r, run({ utilizationThresholdAlarmLowerBound: threshold }), TOPIC, NOW, OWNERSHIP.prefix));
}

const opts = (over: Partial<ReconcileOptions> = {}): ReconcileOptions => ({ region: REGION, discoveryComplete: true, calls: new ApiCallCounter(), ownership: OWNERSHIP, ...over });
const OUR_TAG = { Key: 'PersonalizeMonitorStack', Value: OWNERSHIP.stackName };

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
    // 120 alarms at 100 per page: two DescribeAlarms pages, nothing else (no tag reads in steady state).
    expect(calls.byOperation()).toEqual({ DescribeAlarms: 2 });
    expect(cloudwatch).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 0);
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNamePrefix: 'personalize-monitor-alarm-', MaxRecords: 100 });
  });

  it('tags alarms on create: our owner tag (stack name) and ResourceArn, never the original CreatedBy', async () => {
    serveAlarms(cloudwatch);

    await reconcileAlarms(client, desired([resource(1)]), opts());

    expect(cloudwatch).toHaveReceivedCommandWith(PutMetricAlarmCommand, {
      Tags: [
        { Key: 'PersonalizeMonitorStack', Value: 'personalize-monitor' },
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
    const updatedAlarms = [...store.values()].filter((a) => a.Metrics !== undefined);
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

  it('leaves alarms alone that are not ours (the original sample’s, no owner tag, another stack) or name no resource of this region', async () => {
    const foreign: MetricAlarm = { AlarmName: 'SomeoneElses-alarm', Dimensions: [{ Name: 'CampaignArn', Value: campaignArn(5) }] };
    const mine = (name: string, arn = campaignArn(5)): MetricAlarm => ({ AlarmName: name, AlarmArn: alarmArn(name), Dimensions: [{ Name: 'CampaignArn', Value: arn }] });
    const otherRegion = mine(`${OWNERSHIP.prefix}Idle-x`, campaignArn(5, 'eu-west-1'));
    const noResource: MetricAlarm = { ...mine(`${OWNERSHIP.prefix}Custom`), Dimensions: [] };
    const original = mine('PersonalizeMonitor-IdleCampaign-camp-9', campaignArn(9));
    const ours = mine(`${OWNERSHIP.prefix}Idle-Campaign-camp-8-aaaa`, campaignArn(8));
    const untagged = mine(`${OWNERSHIP.prefix}Idle-Campaign-camp-7-bbbb`, campaignArn(7));
    const otherStack = mine(`${OWNERSHIP.prefix}Idle-Campaign-camp-6-cccc`, campaignArn(6));
    const all = [foreign, otherRegion, noResource, original, ours, untagged, otherStack];
    const tags = new Map([
      [original.AlarmArn!, [{ Key: 'CreatedBy', Value: 'PersonalizeMonitor' }, OUR_TAG]],
      [ours.AlarmArn!, [OUR_TAG]],
      [otherStack.AlarmArn!, [{ Key: 'PersonalizeMonitorStack', Value: 'another-stack' }]],
    ]);
    const store = serveAlarms(cloudwatch, new Map(all.map((a) => [a.AlarmName!, a])), tags);

    const result = await reconcileAlarms(client, [], opts());

    expect(result.deleted).toBe(1);
    expect(result.changes.delete).toEqual([ours.AlarmName]);
    expect(result.notOwned.sort()).toEqual([otherStack.AlarmName, untagged.AlarmName].sort());
    expect(result.problems.map((p) => p.target).sort()).toEqual([otherStack.AlarmName, untagged.AlarmName].sort());
    expect([...store.keys()].sort()).toEqual(all.filter((a) => a !== ours).map((a) => a.AlarmName!).sort());
    // The original's alarm is never even listed: DescribeAlarms asks for our prefix only.
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).every((c) => c.args[0].input.AlarmNamePrefix === OWNERSHIP.prefix)).toBe(true);
    expect(cloudwatch.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceARN)).not.toContain(original.AlarmArn);
  });

  it('does not rewrite an alarm of our name that lacks our owner tag', async () => {
    const [spec] = desired([resource(1)], 50);
    const name = spec.name;
    const store = serveAlarms(cloudwatch, new Map([[name, { AlarmName: name, AlarmArn: alarmArn(name), Threshold: 10, Dimensions: [{ Name: 'CampaignArn', Value: campaignArn(1) }] }]]));

    const result = await reconcileAlarms(client, [spec], opts());

    expect(result).toMatchObject({ created: 0, updated: 0, notOwned: [name] });
    expect(cloudwatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 0);
    expect(store.get(name)!.Threshold).toBe(10);
    expect(result.problems[0].error).toMatch(/not our owner tag .*desired settings were not applied/);
  });

  it('dry run: the same reads (tags of delete candidates included), no write, the would-be changes named', async () => {
    const store = serveAlarms(cloudwatch);
    await reconcileAlarms(client, desired([resource(1), resource(2)]), opts());
    cloudwatch.resetHistory();
    const before = new Map(store);
    const calls = new ApiCallCounter();

    // resource(1) gets a new threshold, resource(2) is gone, resource(3) is new.
    const result = await reconcileAlarms(client, desired([resource(1), resource(3)], 50), opts({ dryRun: true, calls }));

    expect(result).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(result.changes.create).toHaveLength(2);
    expect(result.changes.update).toHaveLength(1);
    expect(result.changes.delete).toHaveLength(2);
    expect(cloudwatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 0);
    expect(cloudwatch).toHaveReceivedCommandTimes(DeleteAlarmsCommand, 0);
    expect(store).toEqual(before);
    // One listing page, one tag read per rewrite / delete candidate.
    expect(calls.byOperation()).toEqual({ DescribeAlarms: 1, ListTagsForResource: 3 });
  });

  it('reports a failing PutMetricAlarm and carries on with the others', async () => {
    serveAlarms(cloudwatch);
    cloudwatch.on(PutMetricAlarmCommand).rejectsOnce(Object.assign(new Error('limit'), { name: 'LimitExceededException' })).resolves({});

    const result = await reconcileAlarms(client, desired([resource(1)]), opts());

    expect(result.created).toBe(1);
    expect(result.problems).toEqual([{ target: expect.stringContaining(OWNERSHIP.prefix), error: 'PutMetricAlarm failed: LimitExceededException: limit' }]);
  });
});
