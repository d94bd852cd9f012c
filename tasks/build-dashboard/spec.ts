import { dashboardName } from '../../core/contracts/names';
import { stateTableArn } from '../../core/contracts/state';
import type { TaskSpec } from '../shared/task-spec';

/**
 * build-dashboard: reads and writes only the stack's own dashboards (global: no region in the
 * ARN) and reads the fleet from the MONITOR's state table (one Query per monitored region): it
 * calls no Personalize API at all.
 */
export const spec: TaskSpec = {
  name: 'build-dashboard',
  description: 'Rebuilds the CloudWatch dashboard(s) of the monitored fleet; writes only when a body changed',
  entry: 'tasks/build-dashboard/handler.ts',
  // A few Query pages per region and the dashboards' Get/Put: seconds even at 10,000 resources.
  timeoutSeconds: 300,
  environment: ['PM_HOME_REGION', 'PM_STACK_NAME', 'PM_REGIONS', 'PM_CAMPAIGN_ARNS', 'PM_RECOMMENDER_ARNS', 'PM_MONITOR_STATE_MACHINE_ARN', 'PM_ALARM_PREFIX', 'PM_DRY_RUN', 'PM_STATE_TABLE', 'PM_STACK_ALARMS', 'PM_HEALTH_CHECK', 'PM_DATA_FEED_CHECKS'],
  permissions: (ctx) => [
    {
      sid: 'OwnDashboards',
      actions: ['cloudwatch:GetDashboard', 'cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
      // `<stack>-dashboard` and its numbered splits `<stack>-dashboard-2`, ...
      resources: [`arn:${ctx.partition}:cloudwatch::${ctx.accountId}:dashboard/${dashboardName(ctx.stackName)}*`],
    },
    {
      sid: 'ReadMonitorState',
      actions: ['dynamodb:Query'],
      resources: [stateTableArn(ctx)],
    },
  ],
};
