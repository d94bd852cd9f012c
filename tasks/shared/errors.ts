/**
 * Errors that end a task with a clear cause. Step Functions shows `name` as the error and the
 * message as the cause, so messages name what was wrong and where.
 */
import { CONFIGURATION_ERROR, INVALID_RUN_INPUT_ERROR, REGION_COLLECT_ERROR } from '../../core/contracts/errors';

/** The run input (per-run overrides) is invalid. The execution fails; nothing was changed. */
export class InvalidRunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = INVALID_RUN_INPUT_ERROR;
  }
}

/** The task was misconfigured by the deployment (missing or malformed environment). */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = CONFIGURATION_ERROR;
  }
}

/** A whole region could not be collected (its listing failed). Caught per region by the workflow. */
export class RegionCollectError extends Error {
  constructor(readonly region: string, cause: string) {
    super(`region ${region}: ${cause}`);
    this.name = REGION_COLLECT_ERROR;
  }
}
