import { MONITOR_NAMESPACE } from '../../core/types';
import type { TaskSpec } from '../shared/task-spec';

export const spec: TaskSpec = {
  name: 'summarize-run',
  description: 'Sums up a MONITOR run across regions and publishes monitoredResourceCount',
  entry: 'tasks/summarize-run/handler.ts',
  timeoutSeconds: 30,
  environment: ['PM_HOME_REGION'],
  permissions: () => [
    {
      sid: 'PublishMonitorMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': MONITOR_NAMESPACE } },
      why: 'PutMetricData has no resource type; the condition limits it to our namespace',
    },
  ],
};
