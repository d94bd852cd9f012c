/**
 * The ACTION's act step: DeleteCampaign, StopRecommender, UpdateCampaign or UpdateRecommender,
 * idempotently. The status is read right before the call: a resource already
 * deleting / stopping / updating to the new minimum counts as done, and no second call is made.
 */
import { ActionFailedError, decideRecheck, type ActionRequest, type ActionState } from '../../core/actions';
import { normalizeStatus } from '../../core/status';
import { deleteCampaign, stopRecommender, updateCampaignMinTps, updateRecommender, type PersonalizeClient, type Recommender } from '../aws/personalize';
import type { Logger } from '../shared/logger';
import { errorName, isNotFound, withThrottling } from '../action-shared/errors';
import { describeResource, type PersonalizeClients } from '../action-shared/personalize';

/** `requested`: this call started the change; `alreadyDone`: it was under way or done already. */
export interface ActResult {
  result: 'requested' | 'alreadyDone';
  detail: string;
}

export interface ActDeps {
  personalize: PersonalizeClients;
  now: () => number;
  logger: Logger;
}

/** The Personalize call for the request. */
async function callPersonalize(client: PersonalizeClient, request: ActionRequest, recommender: Recommender | undefined): Promise<void> {
  const arn = request.resourceArn;
  switch (request.action) {
    case 'delete':
      await withThrottling('DeleteCampaign', arn, () => deleteCampaign(client, arn));
      return;
    case 'stop':
      await withThrottling('StopRecommender', arn, () => stopRecommender(client, arn));
      return;
    case 'setMinCapacity':
      if (request.resourceType === 'campaign') {
        await withThrottling('UpdateCampaign', arn, () => updateCampaignMinTps(client, arn, request.newMin));
        return;
      }
      if (!recommender?.recommenderConfig) throw new ActionFailedError(`DescribeRecommender returned no recommenderConfig for ${arn}; UpdateRecommender needs the whole config`);
      {
        // UpdateRecommender replaces the whole config: copy it and change only the minimum.
        const recommenderConfig = { ...structuredClone(recommender.recommenderConfig), minRecommendationRequestsPerSecond: request.newMin };
        await withThrottling('UpdateRecommender', arn, () => updateRecommender(client, arn, recommenderConfig));
      }
      return;
  }
}

/**
 * Acts once. @throws ThrottlingException (retried by the state), ActionFailedError when the
 * resource is no longer in a state to act on, or the Personalize error.
 */
export async function act(state: ActionState, deps: ActDeps): Promise<ActResult> {
  const { request, run } = state;
  const client = deps.personalize(request.region);
  const before = await describeResource(client, request);
  // Traffic and exemption were re-checked moments ago; here the status, the minimum and the
  // resource's age are checked again from this describe (traffic is not re-read: requestsInWindow unset).
  const statusCheck = { request, run, now: deps.now(), approved: state.approval?.approved === true };
  const check = decideRecheck({ ...statusCheck, current: before.snapshot });
  if (check.decision === 'alreadyDone') {
    deps.logger.info('already done, no call made', { resourceArn: request.resourceArn, action: request.action, reason: check.reason });
    return { result: 'alreadyDone', detail: check.reason };
  }
  if (check.decision !== 'proceed') throw new ActionFailedError(`${request.action} on ${request.resourceArn} not possible: ${check.reason}`);

  try {
    await callPersonalize(client, request, before.recommender);
  } catch (err) {
    if (request.action === 'delete' && isNotFound(err)) return { result: 'alreadyDone', detail: 'The campaign no longer exists.' };
    if (errorName(err) !== 'ResourceInUseException') throw err;
    // In use: someone (or an earlier attempt of this state) started the same change – check which.
    const after = await describeResource(client, request);
    const again = decideRecheck({ ...statusCheck, current: after.snapshot });
    if (again.decision === 'alreadyDone') return { result: 'alreadyDone', detail: again.reason };
    throw new ActionFailedError(
      `${request.action} on ${request.resourceArn} refused (ResourceInUseException); status ${normalizeStatus(after.snapshot.status)}: ${again.reason}`,
    );
  }
  deps.logger.info('action requested', { resourceArn: request.resourceArn, action: request.action, newMin: request.newMin });
  return { result: 'requested', detail: `${request.action} requested` };
}
