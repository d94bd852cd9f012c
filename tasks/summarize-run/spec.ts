import type { TaskSpec } from '../shared/task-spec';

export const spec: TaskSpec = {
  name: 'summarize-run',
  description: 'Sums up a MONITOR run across regions and publishes monitoredResourceCount',
  entry: 'tasks/summarize-run/handler.ts',
  timeoutSeconds: 30,
  permissions: () => [
    {
      sid: 'PublishMonitorMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'PersonalizeMonitor' } },
      why: 'PutMetricData has no resource type; the condition limits it to our namespace',
    },
  ],
};
