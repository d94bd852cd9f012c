/**
 * One SNS topic per monitored region (an alarm can only notify a topic in its own region,
 * deploy-traps 18), each with a policy letting our CloudWatch alarms and EventBridge rules publish
 * (deploy-traps 17) and no SSE with the AWS-managed key (deploy-traps 16).
 */
import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { alarmArnPattern } from '../core/contracts/ownership';
import { criticalTopicName, notificationTopicName } from './names';
import { terraformJson } from './terraform-strings';

export interface NotificationTopicsProps {
  stackName: string;
  regions: readonly string[];
  homeRegion: string;
  partition: string;
  accountId: string;
  /** Email to subscribe in every region; empty = none. */
  notificationEndpoint: string;
  /** The deployment's alarm prefix: only our alarms may publish (never the original's `PersonalizeMonitor-`). */
  alarmPrefix: string;
  /** Create the critical topics (the deploy enables KPI alarms or the health check). */
  critical?: boolean;
  /** Email address or https URL (a pager) subscribed to the home region's critical topic; empty = none. */
  criticalNotificationEndpoint?: string;
}

/** The notification topics, by region. */
export class NotificationTopics extends Construct {
  /** Topic ARN per monitored region (and the home region). */
  readonly topicArns: Record<string, string> = {};
  readonly topics: Record<string, SnsTopic> = {};
  /**
   * Critical topic ARN per monitored region: critical alarms notify it as well as the region's
   * notification topic. Created only when the deployment enables KPI alarms or the health check
   * (the only alarms that are critical); a run that turns kpiAlarms on without them notifies the
   * notification topic only.
   */
  readonly criticalTopicArns: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: NotificationTopicsProps) {
    super(scope, id);
    const regions = [...new Set([props.homeRegion, ...props.regions])];
    const name = notificationTopicName(props.stackName);
    for (const region of regions) {
      // Provider 6: one provider places resources in any region with the `region` argument.
      const topic = new SnsTopic(this, `topic-${region}`, {
        region,
        name,
        displayName: 'Personalize Monitor',
      });
      new SnsTopicPolicy(this, `policy-${region}`, {
        region,
        arn: topic.arn,
        policy: topicPolicy(topic.arn, region, props),
      });
      if (props.notificationEndpoint) {
        // Stays pending until the recipient confirms (one email per region).
        new SnsTopicSubscription(this, `email-${region}`, {
          region,
          topicArn: topic.arn,
          protocol: 'email',
          endpoint: props.notificationEndpoint,
        });
      }
      this.topics[region] = topic;
      this.topicArns[region] = topic.arn;
      if (!props.critical) continue;
      // Same policy as the notification topic: our alarms (and rules) of this region may publish.
      const critical = new SnsTopic(this, `critical-topic-${region}`, { region, name: criticalTopicName(props.stackName), displayName: 'Personalize Monitor critical' });
      new SnsTopicPolicy(this, `critical-policy-${region}`, { region, arn: critical.arn, policy: topicPolicy(critical.arn, region, props) });
      const endpoint = props.criticalNotificationEndpoint;
      if (endpoint && region === props.homeRegion) {
        // A pager: email for an address (confirmed by the recipient), https for a URL.
        new SnsTopicSubscription(this, 'critical-subscription', {
          region,
          topicArn: critical.arn,
          protocol: endpoint.startsWith('https://') ? 'https' : 'email',
          endpoint,
          endpointAutoConfirms: false,
        });
      }
      this.criticalTopicArns[region] = critical.arn;
    }
  }

  /** The topic of the home region (finding notifications). */
  homeTopicArn(homeRegion: string): string {
    const arn = this.topicArns[homeRegion];
    if (!arn) throw new Error(`no notification topic in home region ${homeRegion}`);
    return arn;
  }
}

/** Our alarms and our event rules may publish; nothing else from outside the account. */
function topicPolicy(topicArn: string, region: string, p: NotificationTopicsProps): string {
  const sourceAccount = { 'aws:SourceAccount': p.accountId };
  return terraformJson({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CloudWatchAlarms',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: {
          StringEquals: sourceAccount,
          ArnLike: { 'aws:SourceArn': alarmArnPattern(p.partition, region, p.accountId, p.alarmPrefix) },
        },
      },
      {
        Sid: 'EventBridgeRules',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: {
          StringEquals: sourceAccount,
          ArnLike: { 'aws:SourceArn': `arn:${p.partition}:events:${region}:${p.accountId}:rule/${p.stackName}-*` },
        },
      },
    ],
  });
}
