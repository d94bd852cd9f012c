/**
 * EventBridge rules on the home region's default bus that invoke a Lambda function: the
 * permission for events.amazonaws.com scoped to the rule (no role on the target) and the target
 * created after it, so the first event cannot beat IAM (deploy-traps 8, 20, 21).
 */
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { checkName, resourceName } from './names';
import { terraformJson } from './terraform-strings';

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
