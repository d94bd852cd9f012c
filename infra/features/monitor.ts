/** Monitor: the MONITOR state machine (EXPRESS) and the EventBridge Scheduler schedule that starts it. */
import { MonitorSchedule } from '../monitor-schedule';
import { StateTable } from '../state-table';
import { monitorStateMachineName } from '../names';
import { StateMachine } from '../state-machine';
import { behaviourDefaults, monitorDefinition } from '../../workflows/monitor';
import type { StackBase } from './base';
import type { TaskFunctions } from './task-functions';

/**
 * The MONITOR's state table (collect's persisted discovery, build-dashboard's fleet): created
 * before the functions, like the approvals table, as its name is in their environment.
 */
export function stateTable(base: StackBase): StateTable {
  return new StateTable(base.stack, 'state', { stackName: base.config.stackName });
}

export class Monitor {
  readonly machine: StateMachine;
  readonly schedule: MonitorSchedule;

  constructor(base: StackBase, props: { functions: TaskFunctions; actionStateMachineArn: string; notificationTopicArn: string }) {
    const { config } = base;
    this.machine = new StateMachine(base.stack, 'monitor', {
      name: monitorStateMachineName(config.stackName),
      definition: monitorDefinition({
        lambda: (n) => props.functions.lambda(n),
        actionStateMachineArn: props.actionStateMachineArn,
        notificationTopicArn: props.notificationTopicArn,
        defaults: behaviourDefaults(config),
      }),
      partition: base.partition,
      accountId: base.accountId,
      logRetentionDays: config.logRetentionDays,
      // EXPRESS history exists only in these logs.
      logLevel: 'ALL',
    });
    this.schedule = new MonitorSchedule(base.stack, 'schedule', {
      stackName: config.stackName,
      stateMachineArn: this.machine.machine.arn,
      scheduleExpression: config.scheduleExpression,
      enabled: config.scheduleEnabled,
      accountId: base.accountId,
    });
  }
}
