/** Lambda `action-recheck`: reads the resource again right before acting (the logic is ./recheck). */
import type { ActionState, RecheckResult } from '../../core/actions';
import { awsClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { recheck } from './recheck';

const logger = new Logger('action-recheck');

/** Lambda entry point. */
export const handler = lambdaEntry('action-recheck', logger, (event: ActionState): Promise<RecheckResult> =>
  recheck(event, { personalize: awsClients.personalize, cloudwatch: awsClients.cloudwatch, now: Date.now, logger }),
);
