/** Lambda `action-act`: carries out the action idempotently (the logic is ./act). */
import type { ActionState } from '../../core/actions';
import { awsClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { act, type ActResult } from './act';

const logger = new Logger('action-act');

/** Lambda entry point. */
export const handler = lambdaEntry('action-act', logger, (event: ActionState): Promise<ActResult> =>
  act(event, { personalize: awsClients.personalize, now: Date.now, logger }),
);
