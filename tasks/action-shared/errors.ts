/**
 * Error helpers of the ACTION tasks. Step Functions retries on the error NAME, so every kind of
 * AWS throttling is surfaced under one name the definition retries: `ThrottlingException`.
 */

import { THROTTLING_ERROR } from '../../core/contracts/errors';
import { describeError, isThrottling } from '../aws/errors';

export { describeError, errorName, isNotFound, isThrottling } from '../aws/errors';

/** AWS throttled the call after the SDK's own retries; the state retries it later. */
export class ThrottledError extends Error {
  constructor(operation: string, target: string, cause: unknown) {
    super(`${operation} on ${target} was throttled (${describeError(cause)}); the state retries it`);
    this.name = THROTTLING_ERROR;
  }
}

/** Calls `fn`; throttling becomes a ThrottledError (retryable by name), anything else is rethrown. */
export async function withThrottling<T>(operation: string, target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isThrottling(err)) throw new ThrottledError(operation, target, err);
    throw err;
  }
}
