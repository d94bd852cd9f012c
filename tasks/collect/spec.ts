import { MONITOR_NAMESPACE } from '../../core/types';
import { alarmArnPattern, alarmPrefixOf } from '../../core/contracts/ownership';
import { stateTableArn } from '../../core/contracts/state';
import { personalizeArns, type IamStatement, type PermissionContext, type TaskSpec } from '../shared/task-spec';

/** Personalize resource types collect reads, as they appear in ARNs. */
const PERSONALIZE_RESOURCES = ['campaign', 'recommender'] as const;

/**
 * Lists and reads Personalize, reads CloudWatch metrics (and publishes the original's metrics only
 * with `ctx.publishUtilizationMetrics`), manages its own alarms (names under the deployment's
 * alarmPrefix only: `ctx.alarmPrefix`, default `<stackName>-alarm-`), reads and writes its state
 * table (one Query per run and region, BatchWriteItem of what changed).
 */
export const spec: TaskSpec = {
  name: 'collect',
  description: 'Collects one region per MONITOR run: discovery, metrics, decisions, alarms',
  entry: 'tasks/collect/handler.ts',
  timeoutSeconds: 120,
  environment: ['PM_ALARM_TOPIC_ARNS', 'PM_ALARM_PREFIX', 'PM_STACK_NAME', 'PM_STATE_TABLE', 'PM_PUBLISH_UTILIZATION_METRICS', 'PM_HEALTH_CHECK', 'PM_HEALTH_CHECK_INTERVAL_MINUTES', 'PM_CRITICAL_TOPIC_ARNS'],
  permissions: (ctx: PermissionContext & { alarmPrefix?: string; publishUtilizationMetrics?: boolean }): IamStatement[] => [
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
    ...(ctx.publishUtilizationMetrics
      ? [
          {
            sid: 'PublishMonitorMetrics',
            actions: ['cloudwatch:PutMetricData'],
            resources: ['*'],
            conditions: { StringEquals: { 'cloudwatch:namespace': MONITOR_NAMESPACE } },
            why: 'PutMetricData has no resource type; the condition limits it to our namespace',
          },
        ]
      : []),
    {
      sid: 'MonitorState',
      actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem'],
      resources: [stateTableArn(ctx)],
    },
    {
      sid: 'ManageMonitorAlarms',
      // ListTagsForResource: the owner tag is read before an alarm is rewritten or deleted.
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:ListTagsForResource'],
      resources: ctx.regions.map((region) => alarmArnPattern(ctx.partition, region, ctx.accountId, alarmPrefixOf(ctx))),
    },
  ],
};
