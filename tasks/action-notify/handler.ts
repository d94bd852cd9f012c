/** Lambda `action-notify`: the friendly email of every Notify* state (the logic is ./notify). */
import { awsClients } from '../aws/clients';
import { regionOfArn } from '../action-shared/env';
import { taskEnv } from '../shared/task-env';
import { spec } from './spec';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { notify, type NotifyInput, type NotifyResult } from './notify';

const logger = new Logger('action-notify');

/** Lambda entry point. */
export const handler = lambdaEntry('action-notify', logger, (event: NotifyInput): Promise<NotifyResult> => {
  const topicArn = taskEnv(spec).required('PM_NOTIFY_TOPIC_ARN');
  return notify(event, { sns: awsClients.sns(regionOfArn(topicArn)), topicArn, logger });
});
