import { alarmArnPattern, alarmPrefixOf, DATA_FEED_ALARM_INFIX } from '../../core/contracts/ownership';
import { stateTableArn } from '../../core/contracts/state';
import { personalizeArns, type IamStatement, type PermissionContext, type TaskSpec } from '../shared/task-spec';

/** What the checks describe or list under, as they appear in ARNs (a version lies under its solution, an import job is its own type). */
const READ_RESOURCES = ['dataset-group', 'dataset', 'solution', 'campaign', 'recommender', 'event-tracker', 'dataset-import-job'] as const;

/**
 * The data-feed checks of one region per MONITOR run (dataset groups in their hourly slot): lists
 * and reads Personalize's data-feed resources, reads the PutEvents metrics, keeps its open
 * findings in the state table (`datafeed#…` partitions only), notifies the home-region topic,
 * emits on the default bus, and manages its ingestion alarms (`<alarmPrefix>IngestionStopped-…` only).
 * Never changes Personalize.
 */
export const spec: TaskSpec = {
  name: 'data-feed',
  description: 'Data-feed checks per dataset group: event ingestion, imports, training, models served (reports only)',
  entry: 'tasks/data-feed/handler.ts',
  // After collect (≤ 125 s) in the same EXPRESS run (≤ 300 s): the checks' share of it.
  timeoutSeconds: 90,
  environment: ['PM_HOME_REGION', 'PM_STATE_TABLE', 'PM_NOTIFY_TOPIC_ARN', 'PM_ALARM_TOPIC_ARNS', 'PM_ALARM_PREFIX', 'PM_STACK_NAME'],
  permissions: (ctx: PermissionContext & { alarmPrefix?: string }): IamStatement[] => [
    {
      sid: 'ListDataFeedResources',
      actions: [
        'personalize:ListDatasetGroups',
        'personalize:ListSolutions',
        'personalize:ListSolutionVersions',
        'personalize:ListCampaigns',
        'personalize:ListRecommenders',
      ],
      resources: ['*'],
      why: 'List operations have no resource type in IAM',
    },
    {
      sid: 'ListUnderDatasetGroups',
      // Scoped by the dataset group (datasets, trackers) or dataset (import jobs) they list under.
      actions: ['personalize:ListDatasets', 'personalize:ListEventTrackers', 'personalize:ListDatasetImportJobs'],
      resources: personalizeArns(ctx, ['dataset-group', 'dataset']),
    },
    {
      sid: 'DescribeDataFeedResources',
      actions: ['personalize:DescribeSolution', 'personalize:DescribeCampaign', 'personalize:ListTagsForResource'],
      resources: personalizeArns(ctx, READ_RESOURCES),
    },
    {
      sid: 'ReadPutEventsMetrics',
      actions: ['cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms'],
      resources: ['*'],
      why: 'GetMetricData has no resource type; DescribeAlarms is filtered by name prefix, not by resource',
    },
    {
      sid: 'ManageIngestionAlarms',
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:ListTagsForResource'],
      resources: ctx.regions.map((region) => alarmArnPattern(ctx.partition, region, ctx.accountId, `${alarmPrefixOf(ctx)}${DATA_FEED_ALARM_INFIX}`)),
    },
    {
      sid: 'OpenFindings',
      actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem'],
      resources: [stateTableArn(ctx)],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['datafeed#*'] } },
    },
    {
      sid: 'NotifyFindings',
      actions: ['sns:Publish'],
      resources: [`arn:${ctx.partition}:sns:${ctx.homeRegion}:${ctx.accountId}:${ctx.stackName}-notifications`],
    },
    {
      sid: 'EmitFindingEvents',
      actions: ['events:PutEvents'],
      resources: [`arn:${ctx.partition}:events:${ctx.homeRegion}:${ctx.accountId}:event-bus/default`],
    },
  ],
};
