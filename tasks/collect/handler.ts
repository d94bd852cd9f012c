/** Lambda `collect`: one region of one MONITOR run (a Map iteration of the workflow; the logic is ./collect). */
import type { RegionResult } from '../../core/types';
import { awsClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { annotate } from '../shared/tracer';
import { collectRegion } from './collect';
import { ownershipFromEnv, parseCollectInput, topicFor } from './input';

export { resetClients } from '../aws/clients';

const logger = new Logger('collect');

export const handler = lambdaEntry('collect', logger, async (event: unknown): Promise<RegionResult> => {
  const input = parseCollectInput(event);
  const { region } = input;
  annotate({ region });
  try {
    const deps = { personalize: awsClients.personalize(region), cloudwatch: awsClients.cloudwatch(region), logger, topicArn: topicFor(region), ownership: ownershipFromEnv() };
    const result = await collectRegion(input, deps);
    annotate({ resources: result.resources.active, findings: result.findings.length, problems: result.problems.length });
    return result;
  } catch (err) {
    logger.error('region failed', { region, executionName: input.run.executionName, error: err as Error });
    throw err;
  }
});
