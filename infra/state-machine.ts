/**
 * A Step Functions state machine from a `StateMachineDefinition`: its role policy is generated from
 * the definition's tasks, plus log delivery and X-Ray (deploy-traps 2); logs go to
 * `/aws/vendedlogs/states/<name>` with a `:*` destination (deploy-traps 1).
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { IamStatement } from '../core/contracts/iam';
import type { StateMachineDefinition } from '../workflows/asl';
import { XRAY_WRITE_ACTIONS, assumeRolePolicy, policyDocument } from './iam';
import { checkName, resourceName, stateMachineLogGroupName } from './names';
import { terraformJson } from './terraform-strings';

/** Log delivery APIs Step Functions calls with the role; none has a resource type. */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];
/** X-Ray APIs a traced state machine calls. */
export const STATES_XRAY_ACTIONS = [...XRAY_WRITE_ACTIONS, 'xray:GetSamplingRules', 'xray:GetSamplingTargets'];

export type ExecutionLogLevel = 'ALL' | 'ERROR' | 'FATAL' | 'OFF';

export interface StateMachineProps {
  /** Full name, e.g. `<stack>-monitor` (≤ 80 chars). */
  name: string;
  definition: StateMachineDefinition;
  partition: string;
  accountId: string;
  logRetentionDays: number;
  logLevel: ExecutionLogLevel;
  /** Log state inputs and outputs too (default true). Off where they could hold a task token. */
  includeExecutionData?: boolean;
}

/** A deployed state machine with its role, policy and log group. */
export class StateMachine extends Construct {
  readonly machine: SfnStateMachine;
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: StateMachineProps) {
    super(scope, id);
    const name = checkName('stateMachine', props.name);

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: stateMachineLogGroupName(name),
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, 'role', {
      name: resourceName('iamRole', name, 'sfn'),
      description: `Runs state machine ${name}`,
      assumeRolePolicy: assumeRolePolicy('states.amazonaws.com', props.accountId),
    });

    const statements: IamStatement[] = [
      ...props.definition.policyStatements(),
      { sid: 'DeliverExecutionLogs', actions: LOG_DELIVERY_ACTIONS, resources: ['*'], why: 'CloudWatch Logs delivery APIs have no resource type' },
      { sid: 'WriteTraces', actions: STATES_XRAY_ACTIONS, resources: ['*'], why: 'X-Ray trace and sampling APIs have no resource type' },
    ];
    this.policy = new IamRolePolicy(this, 'policy', {
      name: resourceName('iamPolicy', name, 'sfn-policy'),
      role: this.role.name,
      policy: policyDocument(statements, `role of state machine ${name}`),
    });

    this.machine = new SfnStateMachine(this, 'machine', {
      name,
      type: props.definition.options.type,
      roleArn: this.role.arn,
      definition: terraformJson(props.definition.render({ partition: props.partition })),
      loggingConfiguration: {
        level: props.logLevel,
        includeExecutionData: props.includeExecutionData ?? true,
        logDestination: `${this.logGroup.arn}:*`,
      },
      tracingConfiguration: { enabled: true },
      // Log delivery is checked at create time: without the policy the create hangs, then fails.
      dependsOn: [this.policy],
    });
  }
}
