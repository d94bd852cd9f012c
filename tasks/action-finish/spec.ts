import { alarmArnPattern, alarmPrefixOf } from '../../core/contracts/ownership';
import type { PermissionContext, TaskSpec } from '../shared/task-spec';

/**
 * Removes only the monitor's own alarms (the deployment's alarmPrefix, `ctx.alarmPrefix`, and its
 * owner tag, read first) and emits on the default bus (NotifyDone sends the email).
 */
export const spec: TaskSpec = {
  name: 'action-finish',
  description: 'Removes the alarms of a stopped/deleted resource and emits the result events',
  entry: 'tasks/action-finish/handler.ts',
  timeoutSeconds: 60,
  environment: ['PM_HOME_REGION', 'PM_ALARM_PREFIX', 'PM_STACK_NAME'],
  permissions: (ctx: PermissionContext & { alarmPrefix?: string }) => [
    {
      sid: 'FindAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: ['*'],
      why: 'DescribeAlarms lists across alarms (filtered by our name prefix in the call); it cannot be scoped to names',
    },
    {
      sid: 'DeleteOwnAlarms',
      // ListTagsForResource: an alarm is deleted only when it carries our owner tag.
      actions: ['cloudwatch:DeleteAlarms', 'cloudwatch:ListTagsForResource'],
      resources: ctx.regions.map((r) => alarmArnPattern(ctx.partition, r, ctx.accountId, alarmPrefixOf(ctx))),
    },
    {
      sid: 'EmitResultEvents',
      actions: ['events:PutEvents'],
      resources: [`arn:${ctx.partition}:events:${ctx.homeRegion}:${ctx.accountId}:event-bus/default`],
    },
  ],
};
