/** Lambda `action-check-settled`: one round of the WaitUntilSettled loop (the logic is ./settle). */
import { awsClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { checkSettled, type CheckSettledInput, type CheckSettledResult } from './settle';

const logger = new Logger('action-check-settled');

/** Lambda entry point. */
export const handler = lambdaEntry('action-check-settled', logger, (event: CheckSettledInput): Promise<CheckSettledResult> =>
  checkSettled(event, { personalize: awsClients.personalize, logger }),
);
