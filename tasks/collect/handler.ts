/** Lambda `collect`: one region of one MONITOR run (a Map iteration of the workflow; the logic is ./collect). */
import type { RegionResult } from '../../core/types';
import { awsClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { Logger, type LambdaContext } from '../shared/logger';
import { annotate } from '../shared/tracer';
import { timeBudget, type TimeContext } from './budget';
import { collectRegion } from './collect';
import { canaryFromEnv, ownershipFromEnv, parseCollectInput, publishUtilizationMetricsFromEnv, stateTableFromEnv, topicFor } from './input';
import { spec } from './spec';
import { taskEnv } from '../shared/task-env';
import { DynamoStateStore } from './state-store';
import { dynamoCanaryCounts } from '../shared/canary-counts';

export { resetClients } from '../aws/clients';

const logger = new Logger('collect');

export const handler = lambdaEntry('collect', logger, async (event: unknown, context?: LambdaContext): Promise<RegionResult> => {
  // The budget starts with the invocation (before input checks): it is the Lambda's own deadline.
  const budget = timeBudget(context as TimeContext | undefined, spec.timeoutSeconds * 1000);
  const input = parseCollectInput(event);
  const { region } = input;
  annotate({ region });
  try {
    const table = stateTableFromEnv();
    const canary = canaryFromEnv();
    const deps = {
      personalize: awsClients.personalize(region),
      cloudwatch: awsClients.cloudwatch(region),
      logger,
      topicArn: topicFor(region),
      ownership: ownershipFromEnv(),
      // The table is in the home region: the function's own (AWS_REGION).
      state: table ? new DynamoStateStore(awsClients.dynamodb(), table) : undefined,
      budget,
      publishUtilizationMetrics: publishUtilizationMetricsFromEnv(),
      // The canary's counts are in the state table: without the table nothing can be subtracted.
      canary: canary && table ? dynamoCanaryCounts(awsClients.dynamodb(), table, canary) : undefined,
      criticalTopicArn: topicFor(region, taskEnv(spec).optional('PM_CRITICAL_TOPIC_ARNS'), 'PM_CRITICAL_TOPIC_ARNS'),
      healthCheckIntervalMinutes: canary?.intervalMinutes,
    };
    const result = await collectRegion(input, deps);
    annotate({ resources: result.resources.active, findings: result.findings.length, problems: result.problems.length });
    return result;
  } catch (err) {
    logger.error('region failed', { region, executionName: input.run.executionName, error: err as Error });
    throw err;
  }
});
