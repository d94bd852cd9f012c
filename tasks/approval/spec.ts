import type { TaskSpec } from '../shared/task-spec';

/**
 * The approval endpoint: the ONLY function that may send task results, and it may only read
 * and decide approvals (it cannot create them).
 */
export const spec: TaskSpec = {
  name: 'approval',
  description: 'Serves the approval pages (function URL) and passes a decision to the waiting ACTION execution',
  entry: 'tasks/approval/handler.ts',
  timeoutSeconds: 15,
  environment: ['PM_APPROVALS_TABLE'],
  permissions: (ctx) => [
    {
      sid: 'ReadAndDecideApprovals',
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [`arn:${ctx.partition}:dynamodb:${ctx.homeRegion}:${ctx.accountId}:table/${ctx.stackName}-approvals`],
    },
    {
      sid: 'SendApprovalDecision',
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resources: ['*'],
      why: 'SendTaskSuccess/SendTaskFailure have no resource type: the task token names the execution',
    },
  ],
};
