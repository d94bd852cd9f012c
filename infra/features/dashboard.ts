/**
 * Dashboard: its builder's triggers – an hourly rebuild and the original's
 * BuildPersonalizeMonitorDashboard events (the MONITOR also starts one when the fleet changed).
 * Under a dry-run deploy (dryRun true) the builder gets PM_DRY_RUN=true (task-functions.ts) and
 * every rebuild these rules start only reports what it would write.
 */
import { LambdaEventRule } from '../event-rules';
import { DASHBOARD_DETAIL_TYPE, EVENT_SOURCE } from '../../core/findings';
import type { StackBase } from './base';
import type { TaskFunctions } from './task-functions';

/** The dashboard is redrawn at least this often (metrics graphs update themselves in between). */
export const DASHBOARD_REBUILD_SCHEDULE = 'rate(1 hour)';
/** The task that draws it. */
export const DASHBOARD_TASK = 'build-dashboard';

export class Dashboard {
  constructor(base: StackBase, props: { functions: TaskFunctions }) {
    const builder = props.functions.byName.get(DASHBOARD_TASK);
    if (!builder) return;
    const { stackName } = base.config;
    new LambdaEventRule(base.stack, 'dashboard-hourly', {
      stackName,
      suffix: 'dashboard-hourly',
      description: 'Rebuilds the Personalize Monitor dashboard every hour (the MONITOR also does when the fleet changes)',
      scheduleExpression: DASHBOARD_REBUILD_SCHEDULE,
      functionName: builder.function.functionName,
      functionArn: builder.function.arn,
      input: { reason: 'hourly rebuild' },
    });
    new LambdaEventRule(base.stack, 'dashboard-request', {
      stackName,
      suffix: 'dashboard-request',
      description: 'BuildPersonalizeMonitorDashboard events (the original detail-type) rebuild the dashboard',
      eventPattern: { source: [EVENT_SOURCE], 'detail-type': [DASHBOARD_DETAIL_TYPE] },
      functionName: builder.function.functionName,
      functionArn: builder.function.arn,
    });
  }
}
