/** Lambda `action-request-approval`: stores a PENDING approval and emails its links (the logic is ./request). */
import { awsClients } from '../aws/clients';
import { regionOfArn } from '../action-shared/env';
import { taskEnv } from '../shared/task-env';
import { spec } from './spec';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { requestApproval, type RequestApprovalInput, type RequestApprovalResult } from './request';

const logger = new Logger('action-request-approval');

/** Lambda entry point. */
export const handler = lambdaEntry('action-request-approval', logger, (event: RequestApprovalInput): Promise<RequestApprovalResult> => {
  const env = taskEnv(spec);
  const topicArn = env.required('PM_NOTIFY_TOPIC_ARN');
  const deps = { ddb: awsClients.dynamodb(), sns: awsClients.sns(regionOfArn(topicArn)), now: Date.now, logger, topicArn };
  return requestApproval(event, { ...deps, table: env.required('PM_APPROVALS_TABLE'), baseUrl: env.required('PM_APPROVAL_BASE_URL') });
});
