import { personalizeArns, type TaskSpec } from '../shared/task-spec';

/** Read-only: describes, tags and request metrics of the monitored resources. */
export const spec: TaskSpec = {
  name: 'action-recheck',
  description: 'Re-checks a resource right before an action (still idle, updatable, unchanged, not exempt)',
  entry: 'tasks/action-recheck/handler.ts',
  timeoutSeconds: 30,
  environment: [],
  permissions: (ctx) => [
    {
      sid: 'DescribeMonitoredResources',
      actions: ['personalize:DescribeCampaign', 'personalize:DescribeRecommender', 'personalize:ListTagsForResource'],
      resources: personalizeArns(ctx, ['campaign', 'recommender']),
    },
    {
      sid: 'ReadRequestMetrics',
      actions: ['cloudwatch:GetMetricData'],
      resources: ['*'],
      why: 'GetMetricData has no resource type',
    },
  ],
};
