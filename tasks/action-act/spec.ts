import { personalizeArns, type TaskSpec } from '../shared/task-spec';

/** The only task that changes Personalize resources: scoped to campaign / recommender ARNs of this account and the monitored regions. */
export const spec: TaskSpec = {
  name: 'action-act',
  description: 'Deletes a campaign, stops a recommender or sets a minimum capacity (idempotent)',
  entry: 'tasks/action-act/handler.ts',
  timeoutSeconds: 30,
  environment: [],
  permissions: (ctx) => [
    {
      sid: 'ActOnCampaigns',
      actions: ['personalize:DeleteCampaign', 'personalize:UpdateCampaign', 'personalize:DescribeCampaign'],
      resources: personalizeArns(ctx, ['campaign']),
    },
    {
      sid: 'ActOnRecommenders',
      actions: ['personalize:StopRecommender', 'personalize:UpdateRecommender', 'personalize:DescribeRecommender'],
      resources: personalizeArns(ctx, ['recommender']),
    },
  ],
};
