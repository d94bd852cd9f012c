/**
 * EventBridge rules on the home region's default bus that invoke a Lambda function: the
 * permission for events.amazonaws.com scoped to the rule (no role on the target) and the target
 * created after it, so the first event cannot beat IAM (deploy-traps 8, 20, 21).
 */
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { assumeRolePolicy, policyDocument } from './iam';
import { checkName, resourceName } from './names';
import { escapeTemplateLiterals, terraformJson } from './terraform-strings';

export interface LambdaRuleProps {
  stackName: string;
  /** Suffix of the rule name `<stack>-<suffix>` (the topic policy trusts `<stack>-*` rules). */
  suffix: string;
  description: string;
  /** Exactly one of an event pattern or a schedule expression. */
  eventPattern?: Record<string, unknown>;
  scheduleExpression?: string;
  functionName: string;
  functionArn: string;
  /** Constant input; absent = the matched event itself. */
  input?: Record<string, unknown>;
}

/** One rule → one Lambda function. */
export class LambdaEventRule extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly permission: LambdaPermission;
  readonly target: CloudwatchEventTarget;

  constructor(scope: Construct, id: string, props: LambdaRuleProps) {
    super(scope, id);
    if ((props.eventPattern === undefined) === (props.scheduleExpression === undefined)) {
      throw new Error(`rule ${props.suffix}: give exactly one of eventPattern or scheduleExpression`);
    }
    const name = resourceName('eventRule', props.stackName, props.suffix);
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name,
      description: props.description,
      eventPattern: props.eventPattern ? terraformJson(props.eventPattern) : undefined,
      scheduleExpression: props.scheduleExpression,
    });
    this.permission = new LambdaPermission(this, 'permission', {
      statementId: checkName('statementId', `AllowEventBridge-${name}`),
      action: 'lambda:InvokeFunction',
      functionName: props.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
    });
    this.target = new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      arn: props.functionArn,
      input: props.input ? terraformJson(props.input) : undefined,
      dependsOn: [this.permission],
    });
  }
}

export interface StateMachineRuleProps {
  stackName: string;
  suffix: string;
  description: string;
  eventPattern: Record<string, unknown>;
  stateMachineArn: string;
  accountId: string;
  /** Bus the rule listens on (a name or reference); default: the default bus. */
  eventBusName?: string;
  /**
   * The execution input as a template over the event (`<aws.events.event.json>` is the whole
   * event): the rule, not the sender, decides the envelope. Absent: the event itself.
   */
  inputTemplate?: Record<string, unknown>;
}

/** Placeholder EventBridge replaces with the whole matched event (detail included). */
export const WHOLE_EVENT_PLACEHOLDER = '<aws.events.event.json>';
const PLACEHOLDER_MARK = '__WHOLE_EVENT__';

/** An input template with the whole event in place of PLACEHOLDER_MARK values (EventBridge fills it unquoted). */
export function wholeEventTemplate(template: Record<string, unknown>): string {
  const text = JSON.stringify(template).replace(`"${PLACEHOLDER_MARK}"`, WHOLE_EVENT_PLACEHOLDER);
  if (text.includes(PLACEHOLDER_MARK)) throw new Error('an input template may hold the whole event once');
  return escapeTemplateLiterals(text);
}

/** Marks where the whole event goes in an input template. */
export const WHOLE_EVENT = PLACEHOLDER_MARK;

/**
 * One rule → one state machine (the matched event is the execution input). EventBridge needs a
 * role for a Step Functions target (deploy-traps 20); the target waits for its policy (8).
 */
export class StateMachineEventRule extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly target: CloudwatchEventTarget;

  constructor(scope: Construct, id: string, props: StateMachineRuleProps) {
    super(scope, id);
    const name = resourceName('eventRule', props.stackName, props.suffix);
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name,
      description: props.description,
      eventBusName: props.eventBusName,
      eventPattern: terraformJson(props.eventPattern),
    });
    this.role = new IamRole(this, 'role', {
      name: resourceName('iamRole', props.stackName, `${props.suffix}-events`),
      description: `Lets EventBridge rule ${name} start its state machine`,
      assumeRolePolicy: assumeRolePolicy('events.amazonaws.com', props.accountId),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: resourceName('iamPolicy', props.stackName, `${props.suffix}-events-policy`),
      role: this.role.name,
      policy: policyDocument([{ sid: 'StartTarget', actions: ['states:StartExecution'], resources: [props.stateMachineArn] }], `role of rule ${name}`),
    });
    this.target = new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      eventBusName: props.eventBusName,
      arn: props.stateMachineArn,
      roleArn: this.role.arn,
      inputTransformer: props.inputTemplate ? { inputTemplate: wholeEventTemplate(props.inputTemplate) } : undefined,
      dependsOn: [this.policy],
    });
  }
}
