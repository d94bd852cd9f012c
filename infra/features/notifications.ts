/** Notifications: one SNS topic per monitored region (alarms can only notify a topic in their own region), the email subscription. */
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
    });
    this.homeTopicArn = this.topics.homeTopicArn(config.homeRegion);
  }
}
