/** Lambda `data-feed`: one region's data-feed checks of one MONITOR run (the logic is ./data-feed). */
import { awsClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { Logger, type LambdaContext } from '../shared/logger';
import { alarmOwnership, taskEnv } from '../shared/task-env';
import { annotate } from '../shared/tracer';
import { timeBudget, type TimeContext } from '../collect/budget';
import { parseRegionRunInput, topicFor } from '../shared/region-input';
import { checkRegionDataFeed, type DataFeedResult } from './data-feed';
import { dynamoOpenFindings } from './open-findings';
import { spec } from './spec';

export { resetClients } from '../aws/clients';

const logger = new Logger('data-feed');

export const handler = lambdaEntry('data-feed', logger, async (event: unknown, context?: LambdaContext): Promise<DataFeedResult> => {
  const budget = timeBudget(context as TimeContext | undefined, spec.timeoutSeconds * 1000);
  const input = parseRegionRunInput(event, 'data-feed');
  const env = taskEnv(spec);
  const home = env.required('PM_HOME_REGION');
  annotate({ region: input.region });
  const result = await checkRegionDataFeed(input, {
    personalize: awsClients.personalize(input.region),
    cloudwatch: awsClients.cloudwatch(input.region),
    sns: awsClients.sns(home),
    events: awsClients.events(home),
    logger,
    // The table is in the home region: the function's own.
    store: dynamoOpenFindings(awsClients.dynamodb(), env.required('PM_STATE_TABLE')),
    notifyTopicArn: env.required('PM_NOTIFY_TOPIC_ARN'),
    alarmTopicArn: topicFor(input.region, env.optional('PM_ALARM_TOPIC_ARNS')),
    ownership: alarmOwnership(env.required('PM_ALARM_PREFIX'), env.required('PM_STACK_NAME')),
    budget,
  });
  annotate({ datasetGroups: result.datasetGroups, checked: result.checked, opened: result.opened, recovered: result.recovered, problems: result.problems.length });
  return result;
});
