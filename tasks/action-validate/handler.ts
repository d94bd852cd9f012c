/** Lambda `action-validate`: first state of every ACTION execution. */
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { validateAction, type ValidateActionInput, type ValidateActionOutput } from './validate';

const logger = new Logger('action-validate');

/** Validates the execution input; an invalid one fails the execution with ActionInputError. */
async function validate(event: ValidateActionInput): Promise<ValidateActionOutput> {
  try {
    const out = validateAction(event);
    const { action, resourceArn, source, mode, newMin } = out.request;
    logger.info('action request accepted', { executionArn: event.executionArn, action, resourceArn, source, mode, newMin });
    return out;
  } catch (err) {
    logger.error('action request rejected', { executionArn: event?.executionArn, error: (err as Error).message });
    throw err;
  }
}

export const handler = lambdaEntry('action-validate', logger, validate);
