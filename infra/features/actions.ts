/**
 * Actions: the ACTION state machine (STANDARD), the request rule on the stack's requests bus
 * (whose policy names who may send), and the default-bus rule only with acceptDefaultBusRequests.
 * The approvals table is created before the functions (its name is in their environment): see
 * `approvalsTable`. The approval endpoint comes with the functions (task-functions.ts).
 */
import { ApprovalsTable } from '../approvals';
import { StateMachineEventRule, WHOLE_EVENT } from '../event-rules';
import { actionStateMachineName } from '../names';
import { RequestsBus } from '../requests-bus';
import { StateMachine } from '../state-machine';
import { BUS_VIA, INPUT_ENVELOPE, type ActionPolicy } from '../../core/actions';
import { EVENT_SOURCE, REQUEST_DETAIL_TYPES } from '../../core/findings';
import { actionDefinition } from '../../workflows/action';
import { behaviourDefaults } from '../../workflows/monitor';
import type { StackBase } from './base';
import type { TaskFunctions } from './task-functions';

/** The pending approvals table (on-demand, encrypted, TTL). */
export function approvalsTable(base: StackBase): ApprovalsTable {
  return new ApprovalsTable(base.stack, 'approvals', { stackName: base.config.stackName });
}

/** The original's four request detail-types. */
const REQUEST_PATTERN = {
  source: [EVENT_SOURCE],
  'detail-type': [REQUEST_DETAIL_TYPES.delete, REQUEST_DETAIL_TYPES.stop, ...Object.values(REQUEST_DETAIL_TYPES.setMinCapacity)],
};

export class Actions {
  readonly machine: StateMachine;
  readonly requests: RequestsBus;

  constructor(base: StackBase, props: { functions: TaskFunctions }) {
    const { config, accountId } = base;
    const policy: ActionPolicy = {
      maxMinCapacity: config.maxMinCapacity,
      maxAutoRaiseFactor: config.maxAutoRaiseFactor,
      approvalsDeliverable: config.notificationEndpoint !== '',
    };
    this.machine = new StateMachine(base.stack, 'action', {
      name: actionStateMachineName(config.stackName),
      definition: actionDefinition({ lambda: (n) => props.functions.lambda(n), defaults: behaviourDefaults(config), policy }),
      partition: base.partition,
      accountId,
      logRetentionDays: config.logRetentionDays,
      logLevel: 'ALL',
      // Inputs of the approval step hold the task token: never written to logs.
      includeExecutionData: false,
    });
    // The rule wraps each event in the envelope the ACTION reads its origin from; a sender cannot choose it.
    this.requests = new RequestsBus(base.stack, 'requests-bus', { stackName: config.stackName, senders: config.requestSenders });
    new StateMachineEventRule(base.stack, 'action-requests', {
      stackName: config.stackName,
      suffix: 'action-requests',
      description: 'Request events (delete, stop, set minimum) from the listed senders start an ACTION execution',
      eventBusName: this.requests.bus.name,
      eventPattern: REQUEST_PATTERN,
      inputTemplate: { [INPUT_ENVELOPE.via]: BUS_VIA.requestsBus, [INPUT_ENVELOPE.event]: WHOLE_EVENT },
      stateMachineArn: this.machine.machine.arn,
      accountId,
    });
    if (config.acceptDefaultBusRequests) {
      // Opt-in for the original's integrations: anyone allowed PutEvents on the default bus can
      // send these, so a stop or delete from there always waits for a person's approval.
      new StateMachineEventRule(base.stack, 'default-bus-requests', {
        stackName: config.stackName,
        suffix: 'default-bus-requests',
        description: 'Request events on the default bus (acceptDefaultBusRequests) start an ACTION execution; stop/delete need approval',
        eventPattern: REQUEST_PATTERN,
        inputTemplate: { [INPUT_ENVELOPE.via]: BUS_VIA.defaultBus, [INPUT_ENVELOPE.event]: WHOLE_EVENT },
        stateMachineArn: this.machine.machine.arn,
        accountId,
      });
    }
  }
}
