/**
 * Notifications: one SNS topic per monitored region (alarms can only notify a topic in their own
 * region), the email subscription; with KPI alarms or the health check also a critical topic per
 * region (critical alarms notify both) and the pager subscription in the home region.
 */
import { NotificationTopics } from '../notifications';
import type { StackBase } from './base';

export class Notifications {
  readonly topics: NotificationTopics;
  /** The home region's topic: findings and action emails. */
  readonly homeTopicArn: string;

  constructor(base: StackBase) {
    const { config } = base;
    this.topics = new NotificationTopics(base.stack, 'notifications', {
      stackName: config.stackName,
      regions: config.regions,
      homeRegion: config.homeRegion,
      partition: base.partition,
      accountId: base.accountId,
      notificationEndpoint: config.notificationEndpoint,
      alarmPrefix: config.alarmPrefix,
      critical: config.kpiAlarms || config.healthCheck === 'on',
      criticalNotificationEndpoint: config.criticalNotificationEndpoint,
    });
    this.homeTopicArn = this.topics.homeTopicArn(config.homeRegion);
  }
}
