import { stateTableArn } from '../../core/contracts/state';
import { personalizeArns, type TaskSpec } from '../shared/task-spec';

/** Read-only: describes, tags and request metrics of the monitored resources; the canary's counts (its requests are not use). */
export const spec: TaskSpec = {
  name: 'action-recheck',
  description: 'Re-checks a resource right before an action (still idle, updatable, unchanged, not exempt)',
  entry: 'tasks/action-recheck/handler.ts',
  timeoutSeconds: 30,
  environment: ['PM_STATE_TABLE', 'PM_HEALTH_CHECK', 'PM_HEALTH_CHECK_INTERVAL_MINUTES'],
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
    {
      sid: 'ReadCanaryCounts',
      actions: ['dynamodb:Query'],
      resources: [stateTableArn(ctx)],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['canary#*'] } },
      why: 'only the canary partitions: the counts of its own requests, subtracted from the traffic',
    },
  ],
};
