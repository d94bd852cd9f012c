/**
 * One round of the ACTION's WaitUntilSettled loop. Describes the resource
 * and says whether the action has taken effect; the definition bounds the number of rounds.
 */
import { ActionFailedError, settleState, type ActionState } from '../../core/actions';
import { normalizeStatus } from '../../core/status';
import type { Logger } from '../shared/logger';
import { describeResource, type PersonalizeClients } from '../action-shared/personalize';

/** The state input: the action plus the previous round's result (absent on the first round). */
export type CheckSettledInput = ActionState & { settle?: { rounds?: number } };

export interface CheckSettledResult {
  settled: boolean;
  /** Rounds done so far, this one included. */
  rounds: number;
  /** Normalized status (`GONE` when the resource no longer exists). */
  status: string;
  detail: string;
}

export interface CheckSettledDeps {
  personalize: PersonalizeClients;
  logger: Logger;
}

/** One round. @throws ActionFailedError when the change visibly failed (more rounds would not help). */
export async function checkSettled(event: CheckSettledInput, deps: CheckSettledDeps): Promise<CheckSettledResult> {
  const { request } = event;
  const previous = event.settle?.rounds;
  const rounds = (typeof previous === 'number' && Number.isFinite(previous) ? previous : 0) + 1;
  const { snapshot } = await describeResource(deps.personalize(request.region), request);
  const { state, detail } = settleState(request, snapshot);
  const status = snapshot.exists ? normalizeStatus(snapshot.status) : 'GONE';
  deps.logger.info('settle round', { resourceArn: request.resourceArn, action: request.action, rounds, state, status });
  if (state === 'failed') throw new ActionFailedError(`${request.action} on ${request.resourceArn} did not take effect: ${detail}`);
  return { settled: state === 'settled', rounds, status, detail };
}
