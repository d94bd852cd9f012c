import type { TaskSpec } from '../shared/task-spec';

/** Publishes to the notification topic, nothing else. */
export const spec: TaskSpec = {
  name: 'action-notify',
  description: 'Emails a friendly notification about an ACTION outcome',
  entry: 'tasks/action-notify/handler.ts',
  timeoutSeconds: 20,
  environment: ['PM_NOTIFY_TOPIC_ARN'],
  permissions: (ctx) => [
    {
      sid: 'NotifyOutcome',
      actions: ['sns:Publish'],
      resources: [`arn:${ctx.partition}:sns:${ctx.homeRegion}:${ctx.accountId}:${ctx.stackName}-notifications`],
    },
  ],
};
