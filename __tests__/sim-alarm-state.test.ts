/**
 * The simulated CloudWatch evaluates metric alarms from the data it holds (at the sim clock's
 * now, on DescribeAlarms): single-metric and metric math alarms, M out of N, every
 * TreatMissingData mode, the StateValue filter, reasons and state timestamps. And the local
 * runner creates the stack's `aws_cloudwatch_metric_alarm` blocks in the sim, as terraform would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ValidationException,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { DAY_MS, MINUTE_MS, SimAccount, simClientConfig, startSimServer, traffic, type SimServer } from '../sim';
import { LocalRunner } from '../runner/runner';
import { linkSimAccount } from '../runner/sim-link';
import { TfStack } from '../runner/terraform';
import { putMetricAlarmInput } from '../runner/terraform-alarms';

const REGION = 'us-east-1';
const NS = 'Test/App';
const DIMS = [{ Name: 'Service', Value: 'api' }];
let account: SimAccount;
let server: SimServer;
let cw: CloudWatchClient;
/** The sim clock at the start of each test: 2025-06-02T00:00:00Z. */
let t0: number;

beforeEach(async () => {
  account = new SimAccount({ personalizeMetricDelayMs: 0 });
  server = await startSimServer(account);
  cw = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
  t0 = account.clock.now();
});
afterEach(async () => {
  cw.destroy();
  await server.close();
});

async function put(value: number, at: number, metricName = 'Errors'): Promise<void> {
  await cw.send(new PutMetricDataCommand({ Namespace: NS, MetricData: [{ MetricName: metricName, Dimensions: DIMS, Value: value, Timestamp: new Date(at) }] }));
}

async function alarm(name: string, extra: Partial<PutMetricAlarmCommandInput> = {}): Promise<void> {
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: NS,
      MetricName: 'Errors',
      Dimensions: DIMS,
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      ...extra,
    }),
  );
}

async function state(name: string): Promise<MetricAlarm> {
  const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  expect(out.MetricAlarms).toHaveLength(1);
  return out.MetricAlarms![0];
}

const summary = (a: MetricAlarm) => ({ value: a.StateValue, reason: a.StateReason, updated: a.StateUpdatedTimestamp!.getTime() });

describe('single-metric alarms', () => {
  it('stays "Unchecked" until its first evaluation, then OK → ALARM when a datapoint crosses, INSUFFICIENT_DATA when data stops', async () => {
    await put(0, t0 + 10_000);
    await alarm('errors');

    expect(summary(await state('errors'))).toEqual({ value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', updated: t0 });

    account.clock.advance(MINUTE_MS); // 00:01 – the period 00:00–00:01 is complete
    expect(summary(await state('errors'))).toEqual({
      value: 'OK',
      reason: 'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (02/06/25 00:00:00)] was not greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
      updated: t0 + MINUTE_MS,
    });

    await put(3, t0 + 70_000);
    account.clock.advance(MINUTE_MS); // 00:02
    expect(summary(await state('errors'))).toEqual({
      value: 'ALARM',
      reason: 'Threshold Crossed: 1 out of the last 1 datapoints [3.0 (02/06/25 00:01:00)] was greater than or equal to the threshold (1.0).',
      updated: t0 + 2 * MINUTE_MS,
    });

    // Mid-period: the last complete period is still 00:01–00:02, the state (and its time) unchanged.
    account.clock.advance(30_000);
    expect(summary(await state('errors'))).toEqual({
      value: 'ALARM',
      reason: 'Threshold Crossed: 1 out of the last 1 datapoints [3.0 (02/06/25 00:01:00)] was greater than or equal to the threshold (1.0).',
      updated: t0 + 2 * MINUTE_MS,
    });

    account.clock.advance(30_000); // 00:03 – 00:02–00:03 has no datapoint; missing data is "missing"
    expect(summary(await state('errors'))).toEqual({ value: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: 1 datapoint was unknown.', updated: t0 + 3 * MINUTE_MS });
  });

  it('M out of N: 2 of 3 breaching alarms with DatapointsToAlarm 2, not with the default (3 of 3); the window slides', async () => {
    await put(5, t0);
    await put(0, t0 + MINUTE_MS);
    await put(5, t0 + 2 * MINUTE_MS);
    await put(0, t0 + 3 * MINUTE_MS);
    await alarm('two-of-three', { EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    await alarm('three-of-three', { EvaluationPeriods: 3 });

    account.clock.advance(3 * MINUTE_MS); // window 00:00, 00:01, 00:02 = 5, 0, 5
    expect(summary(await state('two-of-three'))).toEqual({
      value: 'ALARM',
      reason:
        'Threshold Crossed: 2 out of the last 3 datapoints [5.0 (02/06/25 00:02:00), 0.0 (02/06/25 00:01:00), 5.0 (02/06/25 00:00:00)] were greater than or equal to the threshold (1.0).',
      updated: t0 + 3 * MINUTE_MS,
    });
    expect(summary(await state('three-of-three'))).toEqual({
      value: 'OK',
      reason:
        'Threshold Crossed: 1 out of the last 3 datapoints [5.0 (02/06/25 00:02:00), 0.0 (02/06/25 00:01:00), 5.0 (02/06/25 00:00:00)] was not greater than or equal to the threshold (1.0) (minimum 3 datapoints for OK -> ALARM transition).',
      updated: t0 + 3 * MINUTE_MS,
    });

    account.clock.advance(MINUTE_MS); // window 00:01, 00:02, 00:03 = 0, 5, 0
    expect((await state('two-of-three')).StateValue).toBe('OK');
    expect((await state('three-of-three')).StateValue).toBe('OK');
  });

  it('the comparison operators compare the statistic with the threshold (Average, LessThan…, GreaterThan)', async () => {
    await cw.send(
      new PutMetricDataCommand({ Namespace: NS, MetricData: [{ MetricName: 'Errors', Dimensions: DIMS, Values: [1, 2, 3], Timestamp: new Date(t0) }] }),
    ); // Sum 6, Average 2, Minimum 1, Maximum 3
    const cases: [string, Partial<PutMetricAlarmCommandInput>, string][] = [
      ['gt-avg', { Statistic: 'Average', ComparisonOperator: 'GreaterThanThreshold', Threshold: 2 }, 'OK'],
      ['ge-avg', { Statistic: 'Average', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 2 }, 'ALARM'],
      ['lt-min', { Statistic: 'Minimum', ComparisonOperator: 'LessThanThreshold', Threshold: 1 }, 'OK'],
      ['le-min', { Statistic: 'Minimum', ComparisonOperator: 'LessThanOrEqualToThreshold', Threshold: 1 }, 'ALARM'],
      ['gt-max', { Statistic: 'Maximum', ComparisonOperator: 'GreaterThanThreshold', Threshold: 2.5 }, 'ALARM'],
      ['count', { Statistic: 'SampleCount', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 4 }, 'OK'],
    ];
    for (const [name, extra] of cases) await alarm(name, extra);
    account.clock.advance(MINUTE_MS);

    for (const [name, , expected] of cases) expect([name, (await state(name)).StateValue]).toEqual([name, expected]);
    expect((await state('gt-max')).StateReason).toBe('Threshold Crossed: 1 out of the last 1 datapoints [3.0 (02/06/25 00:00:00)] was greater than the threshold (2.5).');
  });

  it('what the simulator cannot evaluate (percentiles, anomaly bands, other operators) is INSUFFICIENT_DATA with an "Unchecked:" reason', async () => {
    await put(5, t0);
    await alarm('p99', { Statistic: undefined, ExtendedStatistic: 'p99' });
    await alarm('band', { ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' });
    account.clock.advance(MINUTE_MS);

    expect(summary(await state('p99'))).toEqual({ value: 'INSUFFICIENT_DATA', reason: 'Unchecked: ExtendedStatistic p99 is not evaluated by the simulator (no percentiles are kept).', updated: t0 + MINUTE_MS });
    expect(summary(await state('band'))).toEqual({
      value: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: ComparisonOperator LessThanLowerOrGreaterThanUpperThreshold is not evaluated by the simulator.',
      updated: t0 + MINUTE_MS,
    });
  });
});

describe('TreatMissingData', () => {
  const modes = ['missing', 'ignore', 'breaching', 'notBreaching'] as const;
  const create = async () => {
    for (const m of modes) await alarm(`tmd-${m}`, { EvaluationPeriods: 3, TreatMissingData: m });
  };

  it('no data at all: missing → INSUFFICIENT_DATA, ignore → keeps its state, breaching → ALARM, notBreaching → OK', async () => {
    await create();
    account.clock.advance(MINUTE_MS);

    expect(summary(await state('tmd-missing'))).toEqual({ value: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: 3 datapoints were unknown.', updated: t0 + MINUTE_MS });
    expect(summary(await state('tmd-ignore'))).toEqual({ value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', updated: t0 });
    expect(summary(await state('tmd-breaching'))).toEqual({
      value: 'ALARM',
      reason: 'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].',
      updated: t0 + MINUTE_MS,
    });
    expect(summary(await state('tmd-notBreaching'))).toEqual({
      value: 'OK',
      reason: 'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [NonBreaching].',
      updated: t0 + MINUTE_MS,
    });
  });

  it('partial data (1 breaching datapoint of 3, 3 to alarm): missing/ignore use the datapoint present, breaching fills with breaching, notBreaching with good', async () => {
    await create();
    await put(5, t0 + MINUTE_MS);
    account.clock.advance(3 * MINUTE_MS); // window 00:00 (missing), 00:01 (5), 00:02 (missing)

    const present = 'Threshold Crossed: 1 out of the last 1 datapoints [5.0 (02/06/25 00:01:00)] was greater than or equal to the threshold (1.0).';
    expect(summary(await state('tmd-missing'))).toEqual({ value: 'ALARM', reason: present, updated: t0 + 3 * MINUTE_MS });
    expect(summary(await state('tmd-ignore'))).toEqual({ value: 'ALARM', reason: present, updated: t0 + 3 * MINUTE_MS });
    expect(summary(await state('tmd-breaching'))).toEqual({
      value: 'ALARM',
      reason: 'Threshold Crossed: 3 out of the last 3 datapoints [5.0 (02/06/25 00:01:00)] were greater than or equal to the threshold (1.0) (2 missing datapoints were treated as [Breaching]).',
      updated: t0 + 3 * MINUTE_MS,
    });
    expect(summary(await state('tmd-notBreaching'))).toEqual({
      value: 'OK',
      reason:
        'Threshold Crossed: 2 out of the last 3 datapoints [5.0 (02/06/25 00:01:00)] were not greater than or equal to the threshold (1.0) (2 missing datapoints were treated as [NonBreaching]) (minimum 3 datapoints for OK -> ALARM transition).',
      updated: t0 + 3 * MINUTE_MS,
    });

    // Then the data stops: ignore keeps ALARM (and its timestamp), missing goes to INSUFFICIENT_DATA.
    account.clock.advance(5 * MINUTE_MS);
    expect(summary(await state('tmd-ignore'))).toEqual({ value: 'ALARM', reason: present, updated: t0 + 3 * MINUTE_MS });
    expect(summary(await state('tmd-missing'))).toEqual({ value: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: 3 datapoints were unknown.', updated: t0 + 8 * MINUTE_MS });
    expect((await state('tmd-breaching')).StateValue).toBe('ALARM');
    expect((await state('tmd-notBreaching')).StateValue).toBe('OK');
  });
});

describe('metric math alarms', () => {
  const utilization = (name: string, campaignArn: string): PutMetricAlarmCommandInput => ({
    AlarmName: name,
    EvaluationPeriods: 3,
    Threshold: 50,
    ComparisonOperator: 'LessThanThreshold',
    Metrics: [
      { Id: 'util', Expression: '100*FILL(m1,0)/PERIOD(m1)/10', Label: 'utilization of 10 TPS', ReturnData: true },
      {
        Id: 'm1',
        ReturnData: false,
        MetricStat: { Metric: { Namespace: 'AWS/Personalize', MetricName: 'GetRecommendations', Dimensions: [{ Name: 'CampaignArn', Value: campaignArn }] }, Period: 300, Stat: 'Sum' },
      },
    ],
  });

  it('100*FILL(m1,0)/PERIOD(m1)/10 < 50: the busy campaign is OK, the quiet and the idle ones alarm; no GetMetricData is billed', async () => {
    const created = t0 - 10 * DAY_MS;
    const busy = account.personalize.createCampaign({ region: REGION, name: 'busy', createdAt: created, traffic: traffic.constant(8) });
    const quiet = account.personalize.createCampaign({ region: REGION, name: 'quiet', createdAt: created, traffic: traffic.constant(2) });
    const idle = account.personalize.createCampaign({ region: REGION, name: 'idle', createdAt: created, traffic: traffic.idle() });
    for (const [name, arn] of [['busy', busy], ['quiet', quiet], ['idle', idle]]) await cw.send(new PutMetricAlarmCommand(utilization(`util-${name}`, arn)));

    account.clock.advance(MINUTE_MS); // the last complete 5-minute periods: 23:45, 23:50, 23:55

    expect(summary(await state('util-busy'))).toEqual({
      value: 'OK',
      reason:
        'Threshold Crossed: 3 out of the last 3 datapoints [80.0 (01/06/25 23:55:00), 80.0 (01/06/25 23:50:00), 80.0 (01/06/25 23:45:00)] were not less than the threshold (50.0) (minimum 3 datapoints for OK -> ALARM transition).',
      updated: t0 + MINUTE_MS,
    });
    expect(summary(await state('util-quiet'))).toEqual({
      value: 'ALARM',
      reason: 'Threshold Crossed: 3 out of the last 3 datapoints [20.0 (01/06/25 23:55:00), 20.0 (01/06/25 23:50:00), 20.0 (01/06/25 23:45:00)] were less than the threshold (50.0).',
      updated: t0 + MINUTE_MS,
    });
    expect(summary(await state('util-idle'))).toEqual({
      value: 'ALARM',
      reason: 'Threshold Crossed: 3 out of the last 3 datapoints [0.0 (01/06/25 23:55:00), 0.0 (01/06/25 23:50:00), 0.0 (01/06/25 23:45:00)] were less than the threshold (50.0).',
      updated: t0 + MINUTE_MS,
    });
    expect(account.cloudwatch.metricDataRequests()).toEqual([]);
  });

  it('an expression the evaluator refuses leaves the alarm INSUFFICIENT_DATA with the evaluator\'s message', async () => {
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'bad-math',
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Metrics: [
          { Id: 'e1', Expression: 'RATE(m1)', ReturnData: true },
          { Id: 'm1', ReturnData: false, MetricStat: { Metric: { Namespace: NS, MetricName: 'Errors', Dimensions: DIMS }, Period: 60, Stat: 'Sum' } },
        ],
      }),
    );
    account.clock.advance(MINUTE_MS);

    const a = await state('bad-math');
    expect(a.StateValue).toBe('INSUFFICIENT_DATA');
    expect(a.StateReason).toMatch(/^Unchecked: Error in expression e1 \("RATE\(m1\)"\): .*RATE/);
  });
});

describe('DescribeAlarms StateValue filter', () => {
  it('filters on the evaluated state; an unknown StateValue is a ValidationError', async () => {
    await put(5, t0);
    await alarm('f-alarm');
    await alarm('f-ok', { Threshold: 10 });
    await alarm('f-nodata', { MetricName: 'Other' });

    const names = async (stateValue: string) => ((await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'f-', StateValue: stateValue as never }))).MetricAlarms ?? []).map((a) => a.AlarmName);

    expect(await names('INSUFFICIENT_DATA')).toEqual(['f-alarm', 'f-nodata', 'f-ok']); // not evaluated yet
    expect(await names('ALARM')).toEqual([]);

    account.clock.advance(MINUTE_MS);
    expect(await names('ALARM')).toEqual(['f-alarm']);
    expect(await names('OK')).toEqual(['f-ok']);
    expect(await names('INSUFFICIENT_DATA')).toEqual(['f-nodata']);
    await expect(cw.send(new DescribeAlarmsCommand({ StateValue: 'BROKEN' as never }))).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('Terraform aws_cloudwatch_metric_alarm blocks', () => {
  const ref = (s: string) => '${' + s + '}';
  const stackJson = {
    provider: { aws: [{ region: REGION }] },
    resource: {
      aws_sns_topic: { alerts: { name: 't-alerts' } },
      aws_sqs_queue: { dlq: { name: 't-dlq' } },
      aws_sfn_state_machine: { flow: { name: 't-flow', type: 'STANDARD', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) } },
      aws_cloudwatch_metric_alarm: {
        not_running: {
          alarm_name: 't-NotRunning',
          alarm_description: 'no run started',
          namespace: 'AWS/States',
          metric_name: 'ExecutionsStarted',
          dimensions: { StateMachineArn: ref('aws_sfn_state_machine.flow.arn') },
          statistic: 'Sum',
          period: 300,
          evaluation_periods: 1,
          threshold: 1,
          comparison_operator: 'LessThanThreshold',
          treat_missing_data: 'breaching',
          alarm_actions: [ref('aws_sns_topic.alerts.arn')],
          ok_actions: [ref('aws_sns_topic.alerts.arn')],
          actions_enabled: true,
          tags: { owner: 'monitor' },
        },
        runs_failed: {
          alarm_name: 't-RunsFailed',
          namespace: 'AWS/States',
          metric_name: 'ExecutionsFailed',
          dimensions: { StateMachineArn: ref('aws_sfn_state_machine.flow.arn') },
          statistic: 'Sum',
          period: 300,
          evaluation_periods: 1,
          datapoints_to_alarm: 1,
          threshold: 1,
          comparison_operator: 'GreaterThanOrEqualToThreshold',
          treat_missing_data: 'notBreaching',
        },
        dead_letters: {
          alarm_name: 't-DeadLetters',
          comparison_operator: 'GreaterThanOrEqualToThreshold',
          evaluation_periods: 1,
          threshold: 1,
          treat_missing_data: 'notBreaching',
          metric_query: [
            { id: 'e1', expression: 'FILL(m1,0)', label: 'visible', return_data: true },
            {
              id: 'm1',
              return_data: false,
              metric: { namespace: 'AWS/SQS', metric_name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: ref('aws_sqs_queue.dlq.name') }, period: 300, stat: 'Maximum' },
            },
          ],
        },
      },
    },
  };
  const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:t-flow';

  it('converts a block to the PutMetricAlarm input (references resolved, metric_query as Metrics); ARN, name and id of the alarm', () => {
    const stack = new TfStack('inline.tf.json', stackJson);

    expect(putMetricAlarmInput(stack, stack.block('aws_cloudwatch_metric_alarm.not_running')!)).toEqual({
      AlarmName: 't-NotRunning',
      AlarmDescription: 'no run started',
      ActionsEnabled: true,
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:t-alerts'],
      OKActions: ['arn:aws:sns:us-east-1:123456789012:t-alerts'],
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 1,
      Threshold: 1,
      TreatMissingData: 'breaching',
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsStarted',
      Dimensions: [{ Name: 'StateMachineArn', Value: machineArn }],
      Period: 300,
      Statistic: 'Sum',
      Tags: [{ Key: 'owner', Value: 'monitor' }],
    });
    expect(putMetricAlarmInput(stack, stack.block('aws_cloudwatch_metric_alarm.dead_letters')!)).toEqual({
      AlarmName: 't-DeadLetters',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
      Metrics: [
        { Id: 'e1', Expression: 'FILL(m1,0)', Label: 'visible', ReturnData: true },
        {
          Id: 'm1',
          ReturnData: false,
          MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: 't-dlq' }] }, Period: 300, Stat: 'Maximum' },
        },
      ],
    });
    expect(stack.attribute('aws_cloudwatch_metric_alarm.not_running', 'arn', 'test')).toBe('arn:aws:cloudwatch:us-east-1:123456789012:alarm:t-NotRunning');
    expect(stack.attribute('aws_cloudwatch_metric_alarm.not_running', 'id', 'test')).toBe('t-NotRunning');
    expect(stack.attribute('aws_cloudwatch_metric_alarm.not_running', 'name', 'test')).toBe('t-NotRunning');
    expect(stack.attribute('aws_cloudwatch_metric_alarm.not_running', 'alarm_name', 'test')).toBe('t-NotRunning');
  });

  it('the runner creates them in the sim (caller terraform); AWS/States metrics of its executions drive the dead-man alarm', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alarm-stack-'));
    const file = path.join(dir, 'cdktf.out', 'stacks', 't', 'cdk.tf.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stackJson));
    const runner = await LocalRunner.start({ sim: linkSimAccount(account, server.url), root: dir, buildIfMissing: false });
    try {
      expect(account.cloudwatch.alarmList(REGION).map((a) => a.name)).toEqual(['t-DeadLetters', 't-NotRunning', 't-RunsFailed']);
      expect(account.calls({ service: 'cloudwatch', operation: 'PutMetricAlarm' }).map((c) => [c.caller, c.outcome])).toEqual([
        ['terraform', 'ok'],
        ['terraform', 'ok'],
        ['terraform', 'ok'],
      ]);
      const created = await state('t-NotRunning');
      expect(created).toMatchObject({
        AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:t-NotRunning',
        Dimensions: [{ Name: 'StateMachineArn', Value: machineArn }],
        AlarmActions: ['arn:aws:sns:us-east-1:123456789012:t-alerts'],
        StateValue: 'INSUFFICIENT_DATA',
      });
      expect(account.cloudwatch.tagsOf(created.AlarmArn!)).toEqual({ owner: 'monitor' });

      // 00:01: no run started in 23:55–00:00 → the dead-man alarm fires; nothing failed, no dead letters.
      await runner.advanceTo(t0 + MINUTE_MS);
      expect((await state('t-NotRunning')).StateValue).toBe('ALARM');
      expect((await state('t-RunsFailed')).StateValue).toBe('OK');
      expect((await state('t-DeadLetters')).StateValue).toBe('OK');

      // A run at 00:01 counts in 00:00–00:05: at 00:05 the alarm is OK again.
      await runner.startExecution('t-flow', {});
      await runner.settle();
      await runner.advanceTo(t0 + 5 * MINUTE_MS);
      expect(summary(await state('t-NotRunning'))).toEqual({
        value: 'OK',
        reason: 'Threshold Crossed: 1 out of the last 1 datapoints [1.0 (02/06/25 00:00:00)] was not less than the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
        updated: t0 + 5 * MINUTE_MS,
      });
    } finally {
      await runner.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
