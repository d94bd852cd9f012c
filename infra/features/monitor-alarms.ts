/**
 * The monitor monitored: its own alarms, as Terraform resources in the home region (never created
 * at run time), each notifying the home notification topic. The dashboard's alarm widget shows
 * their state. Standard alarms, $0.10 per alarm-month each (https://aws.amazon.com/cloudwatch/pricing/).
 *
 * - RunsFailed / RunsTimedOut: a MONITOR execution failed / timed out (AWS/States, 5 minutes).
 * - NotRunning: no MONITOR execution started for 3 schedule intervals (at least 15 minutes);
 *   missing data is breaching – the one alarm that speaks for "no data". Only with the schedule on.
 * - ScheduleDeadLetters: the schedule could not start the MONITOR (its dead-letter queue holds messages).
 * - ActionsFailed: an ACTION execution failed.
 * - ApprovalErrors: the approval endpoint's function errored.
 * Every other alarm treats missing data as not breaching: no runs, no failures.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ratePeriodMs } from '../../config/schedule-expression';
import { STACK_ALARM_KINDS, stackAlarmName, type StackAlarmKind } from '../../core/contracts/ownership';
import type { StackBase } from './base';

/** Alarm period of the event-like alarms: 5 minutes (the schedule's default interval). */
const PERIOD_SECONDS = 300;
/** The dead-man alarm waits this many schedule intervals without a started run. */
const MISSED_RUNS = 3;
/** CloudWatch: a single-period alarm's period may be at most one day. */
const MAX_PERIOD_SECONDS = 86_400;

/** Period of the dead-man alarm: 3 intervals, at least 15 minutes, a whole minute, at most a day (cron: a day). */
export function notRunningPeriodSeconds(expression: string): number {
  const intervalMs = ratePeriodMs(expression);
  if (intervalMs === undefined) return MAX_PERIOD_SECONDS;
  const interval = intervalMs / 1000;
  return Math.min(MAX_PERIOD_SECONDS, Math.max(3 * PERIOD_SECONDS, Math.ceil((MISSED_RUNS * interval) / 60) * 60));
}

/** The alarms a deployment gets: NotRunning only with the schedule on, ApprovalErrors only with the approval endpoint. */
export function stackAlarmKinds(opts: { scheduleEnabled: boolean; approvalEndpoint: boolean }): StackAlarmKind[] {
  return STACK_ALARM_KINDS.filter((k) => (k === 'NotRunning' ? opts.scheduleEnabled : k === 'ApprovalErrors' ? opts.approvalEndpoint : true));
}

export interface MonitorAlarmsProps {
  monitorStateMachineArn: string;
  actionStateMachineArn: string;
  scheduleDeadLetterQueueName: string;
  approvalFunctionName?: string;
  homeTopicArn: string;
}

export class MonitorAlarms {
  /** Names of the alarms created, by kind. */
  readonly names = new Map<StackAlarmKind, string>();

  constructor(base: StackBase, props: MonitorAlarmsProps) {
    const { config } = base;
    const actions = { alarmActions: [props.homeTopicArn], okActions: [props.homeTopicArn] };
    const wanted = new Set(stackAlarmKinds({ scheduleEnabled: config.scheduleEnabled, approvalEndpoint: props.approvalFunctionName !== undefined }));
    const add = (kind: StackAlarmKind, description: string, alarm: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], 'alarmName' | 'alarmDescription'>) => {
      if (!wanted.has(kind)) return;
      const name = stackAlarmName(config.alarmPrefix, kind);
      new CloudwatchMetricAlarm(base.stack, `alarm-${kind}`, { alarmName: name, alarmDescription: `Personalize Monitor ${config.stackName}: ${description}`, ...actions, ...alarm });
      this.names.set(kind, name);
    };
    /** Alarms when one 5-minute period's statistic reaches 1; no data is fine. */
    const atLeastOne = (namespace: string, metricName: string, dimensions: Record<string, string>, statistic: string) => ({
      namespace,
      metricName,
      dimensions,
      statistic,
      period: PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
    const executions = (metricName: string, stateMachineArn: string) => atLeastOne('AWS/States', metricName, { StateMachineArn: stateMachineArn }, 'Sum');

    add('RunsFailed', 'a MONITOR run failed (its execution history and the run summary say why)', executions('ExecutionsFailed', props.monitorStateMachineArn));
    add('RunsTimedOut', 'a MONITOR run timed out', executions('ExecutionsTimedOut', props.monitorStateMachineArn));
    add('NotRunning', `no MONITOR run started in ${notRunningPeriodSeconds(config.scheduleExpression) / 60} minutes (schedule ${config.scheduleExpression})`, {
      ...executions('ExecutionsStarted', props.monitorStateMachineArn),
      period: notRunningPeriodSeconds(config.scheduleExpression),
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
    add(
      'ScheduleDeadLetters',
      'the schedule could not start the MONITOR (its dead-letter queue holds messages)',
      atLeastOne('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: props.scheduleDeadLetterQueueName }, 'Maximum'),
    );
    add('ActionsFailed', 'an ACTION execution failed (the failure email says why)', executions('ExecutionsFailed', props.actionStateMachineArn));
    add('ApprovalErrors', 'the approval endpoint failed to answer', atLeastOne('AWS/Lambda', 'Errors', { FunctionName: props.approvalFunctionName ?? '' }, 'Sum'));
  }
}
