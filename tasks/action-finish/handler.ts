/** Lambda `action-finish`: alarms removed, result events sent, one sentence on what happened (the logic is ./finish). */
import { awsClients } from '../aws/clients';
import { alarmOwnership, taskEnv } from '../shared/task-env';
import { spec } from './spec';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { finish, type FinishInput, type FinishResult } from './finish';

const logger = new Logger('action-finish');

/** Lambda entry point. */
export const handler = lambdaEntry('action-finish', logger, (event: FinishInput): Promise<FinishResult> =>
  finish(event, {
    cloudwatch: awsClients.cloudwatch,
    events: awsClients.events(taskEnv(spec).required('PM_HOME_REGION')),
    logger,
    ownership: alarmOwnership(taskEnv(spec).required('PM_ALARM_PREFIX'), taskEnv(spec).required('PM_STACK_NAME')),
  }),
);
