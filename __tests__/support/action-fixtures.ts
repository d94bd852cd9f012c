/** Shared inputs of the ACTION task tests. */
import { DEFAULT_ACTION_LIMITS, DEFAULT_BEHAVIOUR, type Behaviour } from '../../config/schema';
import type { ActionPolicy, ActionRequest, ActionRun } from '../../core/actions';

export const ACCOUNT = '123456789012';
export const CAMPAIGN_ARN = `arn:aws:personalize:us-east-1:${ACCOUNT}:campaign/shop-ranking`;
export const RECOMMENDER_ARN = `arn:aws:personalize:us-east-1:${ACCOUNT}:recommender/home-picks`;
export const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:personalize-monitor-action:run-1`;
export const STARTED_AT = '2026-11-22T10:00:00.000Z';
export const NOW = Date.parse(STARTED_AT);

/** Deployment defaults as embedded in the ACTION definition. */
export const BEHAVIOUR: Behaviour = { ...DEFAULT_BEHAVIOUR, regions: ['us-east-1', 'eu-west-1'] } as Behaviour;

/** Deployment bounds as embedded in the ACTION definition (an email endpoint is configured). */
export const POLICY: ActionPolicy = { ...DEFAULT_ACTION_LIMITS, approvalsDeliverable: true };

export const RUN: ActionRun = { ...BEHAVIOUR, ...POLICY, now: STARTED_AT, executionArn: EXECUTION_ARN };

/** A validated request; override any field. */
export function request(overrides: Partial<ActionRequest> = {}): ActionRequest {
  return {
    action: 'delete',
    resourceArn: CAMPAIGN_ARN,
    resourceType: 'campaign',
    region: 'us-east-1',
    name: 'shop-ranking',
    reason: 'No requests for 24 hours',
    evidence: {
      utilizationPercent: 0,
      windowStart: '2026-11-21T09:00:00Z',
      windowEnd: '2026-11-22T09:00:00Z',
      totalRequests: 0,
      datapoints: 24,
      ageHours: 400,
      currentMin: 1,
      monthlyWasteUsd: 146,
    },
    source: 'monitor',
    origin: 'monitor',
    mode: 'approval',
    requestedAt: STARTED_AT,
    ...overrides,
  };
}

/** A capacity request: lower the recommender's minimum from 10 to 4. */
export function capacityRequest(overrides: Partial<ActionRequest> = {}): ActionRequest {
  return request({
    action: 'setMinCapacity',
    resourceArn: RECOMMENDER_ARN,
    resourceType: 'recommender',
    name: 'home-picks',
    newMin: 4,
    reason: 'Lowest hourly average 4.2 RPS is below the minimum 10',
    evidence: { utilizationPercent: 42, currentMin: 10, newMin: 4, lowWatermark: 4.2, monthlyWasteUsd: 876, windowStart: '2026-11-08T09:00:00Z', windowEnd: '2026-11-22T09:00:00Z' },
    ...overrides,
  });
}
