import { MONITOR_NAMESPACE } from '../../core/types';
import { personalizeArns, type IamStatement, type TaskSpec } from '../shared/task-spec';

/** Personalize resource types collect reads, as they appear in ARNs. */
const PERSONALIZE_RESOURCES = ['campaign', 'recommender'] as const;

/** Lists and reads Personalize, reads and writes CloudWatch metrics, manages its own alarms. */
export const spec: TaskSpec = {
  name: 'collect',
  description: 'Collects one region per MONITOR run: discovery, metrics, decisions, alarms',
  entry: 'tasks/collect/handler.ts',
  timeoutSeconds: 120,
  environment: ['PM_ALARM_TOPIC_ARNS'],
  permissions: (ctx): IamStatement[] => [
    {
      sid: 'ListPersonalizeResources',
      actions: ['personalize:ListCampaigns', 'personalize:ListRecommenders'],
      resources: ['*'],
      why: 'List operations have no resource type in IAM',
    },
    {
      sid: 'DescribeMonitoredResources',
      actions: ['personalize:DescribeCampaign', 'personalize:DescribeRecommender', 'personalize:ListTagsForResource'],
      resources: personalizeArns(ctx, PERSONALIZE_RESOURCES),
    },
    {
      sid: 'DescribeSolutionVersions',
      actions: ['personalize:DescribeSolutionVersion'],
      resources: personalizeArns(ctx, ['solution']),
    },
    {
      sid: 'ReadMetricsAndAlarms',
      actions: ['cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms'],
      resources: ['*'],
      why: 'GetMetricData has no resource type; DescribeAlarms is filtered by name prefix, not by resource',
    },
    {
      sid: 'PublishMonitorMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': MONITOR_NAMESPACE } },
      why: 'PutMetricData has no resource type; the condition limits it to our namespace',
    },
    {
      sid: 'ManageMonitorAlarms',
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource'],
      resources: ctx.regions.map((region) => `arn:${ctx.partition}:cloudwatch:${region}:${ctx.accountId}:alarm:PersonalizeMonitor-*`),
    },
  ],
};
