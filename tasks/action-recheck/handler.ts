/** Lambda `action-recheck`: reads the resource again right before acting (the logic is ./recheck). */
import type { ActionState, RecheckResult } from '../../core/actions';
import { awsClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { recheck } from './recheck';
import { spec } from './spec';
import { taskEnv } from '../shared/task-env';
import { canarySettingsOf, dynamoCanaryCounts } from '../shared/canary-counts';

const logger = new Logger('action-recheck');
const env = taskEnv(spec);
const table = env.optional('PM_STATE_TABLE');
const canary = canarySettingsOf(env.optional('PM_HEALTH_CHECK'), env.optional('PM_HEALTH_CHECK_INTERVAL_MINUTES'));

/** Lambda entry point. */
export const handler = lambdaEntry('action-recheck', logger, (event: ActionState): Promise<RecheckResult> =>
  recheck(event, {
    personalize: awsClients.personalize,
    cloudwatch: awsClients.cloudwatch,
    now: Date.now,
    logger,
    // The canary's counts are in the state table (home region, the function's own).
    canary: canary && table ? dynamoCanaryCounts(awsClients.dynamodb(), table, canary) : undefined,
  }),
);
