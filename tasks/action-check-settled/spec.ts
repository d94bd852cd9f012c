import { personalizeArns, type TaskSpec } from '../shared/task-spec';

/** Read-only: describes the resource being changed. */
export const spec: TaskSpec = {
  name: 'action-check-settled',
  description: 'Checks whether an action has taken effect (deleted, stopped, new minimum active)',
  entry: 'tasks/action-check-settled/handler.ts',
  timeoutSeconds: 20,
  environment: [],
  permissions: (ctx) => [
    {
      sid: 'DescribeChangedResource',
      actions: ['personalize:DescribeCampaign', 'personalize:DescribeRecommender'],
      resources: personalizeArns(ctx, ['campaign', 'recommender']),
    },
  ],
};
