import { ALARM_PREFIX } from '../../core/types';
import type { TaskSpec } from '../shared/task-spec';

/** Removes only the monitor's own alarms and emits on the default bus (NotifyDone sends the email). */
export const spec: TaskSpec = {
  name: 'action-finish',
  description: 'Removes the alarms of a stopped/deleted resource and emits the result events',
  entry: 'tasks/action-finish/handler.ts',
  timeoutSeconds: 60,
  environment: ['PM_HOME_REGION'],
  permissions: (ctx) => [
    {
      sid: 'FindAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: ['*'],
      why: 'DescribeAlarms lists across alarms (filtered by our name prefix in the call); it cannot be scoped to names',
    },
    {
      sid: 'DeleteOwnAlarms',
      actions: ['cloudwatch:DeleteAlarms'],
      resources: ctx.regions.map((r) => `arn:${ctx.partition}:cloudwatch:${r}:${ctx.accountId}:alarm:${ALARM_PREFIX}*`),
    },
    {
      sid: 'EmitResultEvents',
      actions: ['events:PutEvents'],
      resources: [`arn:${ctx.partition}:events:${ctx.homeRegion}:${ctx.accountId}:event-bus/default`],
    },
  ],
};
