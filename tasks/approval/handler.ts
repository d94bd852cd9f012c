/** Lambda `approval`: the pages behind the email links, behind a function URL (the logic is ./routes). */
import { awsClients } from '../aws/clients';
import { taskEnv } from '../shared/task-env';
import { spec } from './spec';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { createApprovalHandler, type FunctionUrlEvent, type HttpResponse } from './routes';

const logger = new Logger('approval');
let instance: ((event: FunctionUrlEvent) => Promise<HttpResponse>) | undefined;

/** Lambda entry point (clients created once per container). */
export const handler = lambdaEntry('approval', logger, (event: FunctionUrlEvent): Promise<HttpResponse> => {
  instance ??= createApprovalHandler({ ddb: awsClients.dynamodb(), sfn: awsClients.sfn(), table: taskEnv(spec).required('PM_APPROVALS_TABLE'), now: Date.now, logger });
  return instance(event);
});
