/**
 * Slack through AWS Chatbot (Amazon Q Developer in chat applications): one Slack channel
 * configuration watching every notification topic, with its own role.
 *
 * First-deploy traps handled here (checked on cdk.tf.json by __tests__/support/deploy-trap-checks.ts,
 * `chatbotSlack`):
 * - The Chatbot API exists only in us-east-2, us-west-2, eu-west-1 and ap-southeast-1 (AWS
 *   Chatbot API Reference, "Welcome"; service endpoints page): the configuration is placed with
 *   the resource's `region` argument in the home region when it is one of those, else us-east-2
 *   (the configuration is global; its SNS topics may be in any region).
 * - One configuration per Slack channel per account, and configuration names unique in the
 *   account: so ONE configuration, taking every topic as one list, named from the stack.
 * - Name: 1-128 characters of `A-Za-z0-9-_` (CloudFormation rejects others with a pattern error).
 * - The role must be assumable by chatbot.amazonaws.com (and only by it).
 * - The workspace id exists only after the workspace was authorised once in the Chatbot console
 *   (no API does that step): see the README's Slack section.
 */
import { Construct } from 'constructs';
import { ChatbotSlackChannelConfiguration } from '@cdktf/provider-aws/lib/chatbot-slack-channel-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { assumeRolePolicy, policyDocument } from './iam';
import { resourceName } from './names';

/** Regions the Chatbot API can be called in (its configuration data is replicated to each). */
export const CHATBOT_API_REGIONS = ['us-east-2', 'us-west-2', 'eu-west-1', 'ap-southeast-1'] as const;

/** The Chatbot API region for a home region: the home region if it has the API, else us-east-2 (GovCloud: us-gov-west-1). */
export function chatbotApiRegion(homeRegion: string): string {
  if ((CHATBOT_API_REGIONS as readonly string[]).includes(homeRegion)) return homeRegion;
  if (homeRegion.startsWith('us-gov-')) return 'us-gov-west-1';
  if (homeRegion.startsWith('cn-')) throw new Error(`AWS Chatbot is not available in the China regions (home region ${homeRegion}): leave slackWorkspaceId and slackChannelId empty`);
  return 'us-east-2';
}

/** Chatbot configuration names: 1-128 of A-Za-z0-9-_. */
export const CHATBOT_CONFIGURATION_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** `<stack>-slack`, checked against Chatbot's name rule. */
export function slackConfigurationName(stackName: string): string {
  const name = `${stackName}-slack`;
  if (!CHATBOT_CONFIGURATION_NAME.test(name)) throw new Error(`Chatbot configuration name "${name}" must be 1-128 characters of letters, digits, "-" and "_"`);
  return name;
}

/** The channel role: `<stack>-chatbot` (IAM's 64-character limit). */
export function chatbotRoleName(stackName: string): string {
  return resourceName('iamRole', stackName, 'chatbot');
}

export interface SlackChannelProps {
  stackName: string;
  homeRegion: string;
  partition: string;
  slackWorkspaceId: string;
  slackChannelId: string;
  /** Every topic whose messages go to the channel (all regions, all kinds) as ONE list: one configuration per channel. */
  snsTopicArns: readonly string[];
}

/** The Slack channel configuration and its role. */
export class SlackChannel extends Construct {
  readonly configuration: ChatbotSlackChannelConfiguration;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: SlackChannelProps) {
    super(scope, id);
    if (props.snsTopicArns.length === 0) throw new Error('Slack channel: no SNS topics to watch');
    const roleName = chatbotRoleName(props.stackName);
    this.role = new IamRole(this, 'role', {
      name: roleName,
      description: 'AWS Chatbot channel role of Personalize Monitor (notifications only)',
      assumeRolePolicy: assumeRolePolicy('chatbot.amazonaws.com'),
    });
    // Notifications only: Chatbot reads the alarm and its metric to draw the graph in the card.
    // Both actions have no resource type (Resource "*", read-only). Commands typed in the channel
    // are further limited by the ReadOnlyAccess guardrail.
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'alarm-graphs',
      role: this.role.name,
      policy: policyDocument([{ sid: 'AlarmGraphs', actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'], resources: ['*'], why: 'DescribeAlarms / GetMetricData have no resource type' }], `${roleName} policy`),
    });
    this.configuration = new ChatbotSlackChannelConfiguration(this, 'slack', {
      region: chatbotApiRegion(props.homeRegion),
      configurationName: slackConfigurationName(props.stackName),
      iamRoleArn: this.role.arn,
      slackTeamId: props.slackWorkspaceId,
      slackChannelId: props.slackChannelId,
      snsTopicArns: [...props.snsTopicArns],
      guardrailPolicyArns: [`arn:${props.partition}:iam::aws:policy/ReadOnlyAccess`],
      loggingLevel: 'ERROR',
      dependsOn: [policy],
    });
  }
}
