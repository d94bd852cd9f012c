/**
 * Slack: when slackWorkspaceId and slackChannelId are set, an AWS Chatbot Slack channel
 * configuration watching the notification topics (infra/chatbot.ts). Unset: nothing.
 */
import type { StackBase } from './base';
import { SlackChannel } from '../chatbot';

export interface SlackProps {
  /** Every notification topic the channel should show, all regions and kinds, as one list. */
  topicArns: readonly string[];
}

export class Slack {
  /** The channel configuration, or undefined when Slack is not configured. */
  readonly channel?: SlackChannel;

  constructor(base: StackBase, props: SlackProps) {
    const { config } = base;
    if (!config.slackWorkspaceId || !config.slackChannelId) return;
    this.channel = new SlackChannel(base.stack, 'slack', {
      stackName: config.stackName,
      homeRegion: config.homeRegion,
      partition: base.partition,
      slackWorkspaceId: config.slackWorkspaceId,
      slackChannelId: config.slackChannelId,
      snsTopicArns: props.topicArns,
    });
  }
}
