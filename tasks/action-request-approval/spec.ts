import type { TaskSpec } from '../shared/task-spec';

/** Writes new approvals and emails them; it cannot read or decide them. */
export const spec: TaskSpec = {
  name: 'action-request-approval',
  description: 'Stores a pending approval under an unguessable id and emails approve / reject links',
  entry: 'tasks/action-request-approval/handler.ts',
  timeoutSeconds: 30,
  environment: ['PM_APPROVAL_BASE_URL', 'PM_APPROVALS_TABLE', 'PM_NOTIFY_TOPIC_ARN'],
  permissions: (ctx) => [
    {
      sid: 'StorePendingApproval',
      actions: ['dynamodb:PutItem'],
      resources: [`arn:${ctx.partition}:dynamodb:${ctx.homeRegion}:${ctx.accountId}:table/${ctx.stackName}-approvals`],
    },
    {
      sid: 'EmailApprovalLinks',
      actions: ['sns:Publish'],
      resources: [`arn:${ctx.partition}:sns:${ctx.homeRegion}:${ctx.accountId}:${ctx.stackName}-notifications`],
    },
  ],
};
