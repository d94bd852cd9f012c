import { dashboardName } from '../../core/contracts/names';
import { personalizeArns, type TaskSpec } from '../shared/task-spec';

/**
 * build-dashboard: reads and writes only the stack's own dashboards (global: no region in the
 * ARN) and lists/describes Personalize resources in the monitored regions.
 */
export const spec: TaskSpec = {
  name: 'build-dashboard',
  description: 'Rebuilds the CloudWatch dashboard(s) of the monitored fleet; writes only when a body changed',
  entry: 'tasks/build-dashboard/handler.ts',
  // Listing and describing a large fleet (1,000+ resources, a few describes in flight) takes a while.
  timeoutSeconds: 300,
  environment: ['PM_HOME_REGION', 'PM_STACK_NAME', 'PM_REGIONS', 'PM_CAMPAIGN_ARNS', 'PM_RECOMMENDER_ARNS', 'PM_MONITOR_STATE_MACHINE_ARN', 'PM_ALARM_PREFIX', 'PM_DRY_RUN'],
  permissions: (ctx) => [
    {
      sid: 'OwnDashboards',
      actions: ['cloudwatch:GetDashboard', 'cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
      // `<stack>-dashboard` and its numbered splits `<stack>-dashboard-2`, ...
      resources: [`arn:${ctx.partition}:cloudwatch::${ctx.accountId}:dashboard/${dashboardName(ctx.stackName)}*`],
    },
    {
      sid: 'ListPersonalize',
      actions: ['personalize:ListCampaigns', 'personalize:ListRecommenders'],
      resources: ['*'],
      why: 'Personalize List* actions have no resource type; they only read summaries',
    },
    {
      sid: 'DescribePersonalize',
      actions: ['personalize:DescribeCampaign', 'personalize:DescribeRecommender', 'personalize:DescribeSolutionVersion'],
      resources: personalizeArns(ctx, ['campaign', 'recommender', 'solution']),
    },
  ],
};
