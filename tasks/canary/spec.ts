import { stateTableArn } from '../../core/contracts/state';
import { personalizeArns, type IamStatement, type PermissionContext, type TaskSpec } from '../shared/task-spec';

/** The runtime resources the canary asks, as they appear in ARNs. */
const CANARY_RESOURCES = ['campaign', 'recommender'] as const;

/**
 * The health-check canary: one real request per ACTIVE campaign and recommender of the monitored
 * regions, on its own schedule. Reads the resources collect stored (Query of `region#…`
 * partitions only), reads a resource's canary tag at most daily, and keeps its own items
 * (`canary#…` partitions only: hour counts and the tag cache).
 */
export const spec: TaskSpec = {
  name: 'canary',
  description: 'Health-check canary: one request per ACTIVE campaign and recommender, successes recorded per 5-minute slot',
  entry: 'tasks/canary/handler.ts',
  timeoutSeconds: 90,
  environment: ['PM_REGIONS', 'PM_STATE_TABLE', 'PM_CANARY_REQUEST', 'PM_HEALTH_CHECK_INTERVAL_MINUTES'],
  permissions: (ctx: PermissionContext): IamStatement[] => [
    {
      sid: 'AskMonitoredResources',
      actions: ['personalize:GetRecommendations', 'personalize:GetPersonalizedRanking'],
      resources: personalizeArns(ctx, CANARY_RESOURCES),
    },
    {
      sid: 'ReadCanaryTags',
      actions: ['personalize:ListTagsForResource'],
      resources: personalizeArns(ctx, CANARY_RESOURCES),
    },
    {
      sid: 'ReadStoredResources',
      actions: ['dynamodb:Query'],
      resources: [stateTableArn(ctx)],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['region#*'] } },
    },
    {
      sid: 'CanaryState',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [stateTableArn(ctx)],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['canary#*'] } },
    },
  ],
};
