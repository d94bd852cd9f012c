/** Lambda `validate-input`: first state of every MONITOR run. */
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { resolveRun, type ValidateInput, type ValidateOutput } from './validate';

const logger = new Logger('validate-input');

async function validate(event: ValidateInput): Promise<ValidateOutput> {
  try {
    const out = resolveRun(event);
    logger.info('run resolved', { executionName: out.run.executionName, now: out.run.now, regions: out.regions, dryRun: out.run.dryRun });
    return out;
  } catch (err) {
    logger.error('run input rejected', { executionName: event?.executionName, error: (err as Error).message });
    throw err;
  }
}

export const handler = lambdaEntry('validate-input', logger, validate);
