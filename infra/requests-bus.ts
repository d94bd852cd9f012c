/**
 * The stack's own EventBridge bus for action requests. Any principal allowed events:PutEvents on
 * a bus can send any `source`, so the bus's resource policy is what decides who may ask for an
 * action: an explicit Deny of PutEvents to every principal except the configured
 * `requestSenders` (and, for those, the Allow a cross-account sender needs). With no senders
 * nobody can put events on it, and only the MONITOR, manual executions and approval links start
 * actions.
 */
import { Construct } from 'constructs';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { requestsBusName } from './names';
import { terraformJson } from './terraform-strings';

export interface RequestsBusProps {
  stackName: string;
  /** IAM role or user ARNs allowed to send requests (config `requestSenders`). */
  senders: readonly string[];
}

/** The policy document of the requests bus (exported for tests and the README's wording). */
export function requestsBusPolicy(busArn: string, senders: readonly string[]): Record<string, unknown> {
  const deny: Record<string, unknown> = {
    Sid: senders.length > 0 ? 'OnlyListedSendersMayPutEvents' : 'NobodyMayPutEvents',
    Effect: 'Deny',
    Principal: '*',
    Action: 'events:PutEvents',
    Resource: busArn,
  };
  // aws:PrincipalArn is the role ARN for an assumed-role session, the user ARN for a user.
  if (senders.length > 0) deny.Condition = { ArnNotEquals: { 'aws:PrincipalArn': [...senders] } };
  const statements: Record<string, unknown>[] = [deny];
  if (senders.length > 0) {
    statements.push({ Sid: 'ListedSendersMayPutEvents', Effect: 'Allow', Principal: { AWS: [...senders] }, Action: 'events:PutEvents', Resource: busArn });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** `<stackName>-requests` and its policy. */
export class RequestsBus extends Construct {
  readonly bus: CloudwatchEventBus;
  readonly policy: CloudwatchEventBusPolicy;

  constructor(scope: Construct, id: string, props: RequestsBusProps) {
    super(scope, id);
    this.bus = new CloudwatchEventBus(this, 'bus', {
      name: requestsBusName(props.stackName),
      description: 'Personalize Monitor action requests; only the principals named in requestSenders may send',
    });
    this.policy = new CloudwatchEventBusPolicy(this, 'policy', {
      eventBusName: this.bus.name,
      policy: terraformJson(requestsBusPolicy(this.bus.arn, props.senders)),
    });
  }
}
