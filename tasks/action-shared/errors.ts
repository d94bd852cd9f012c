/**
 * Error helpers of the ACTION tasks. Step Functions retries on the error NAME, so every kind of
 * AWS throttling is surfaced under one name the definition retries: `ThrottlingException`.
 */

/** The name the ACTION definition retries on. */
export const RETRYABLE_THROTTLING = 'ThrottlingException';

/** Names under which AWS reports throttling (Personalize does not model it: match by name). */
const THROTTLING_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);

/** The `name` of a thrown value (`Error` when it has none). */
export function errorName(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name ? name : 'Error';
}

/** `Name: message` of a thrown value, for logs and notifications. */
export function describeError(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return `${errorName(err)}: ${typeof message === 'string' ? message : String(err)}`;
}

/** True when the resource does not exist (any more). */
export function isNotFound(err: unknown): boolean {
  return errorName(err) === 'ResourceNotFoundException';
}

/** AWS throttled the call after the SDK's own retries; the state retries it later. */
export class ThrottledError extends Error {
  constructor(operation: string, target: string, cause: unknown) {
    super(`${operation} on ${target} was throttled (${describeError(cause)}); the state retries it`);
    this.name = RETRYABLE_THROTTLING;
  }
}

/** Calls `fn`; throttling becomes a ThrottledError (retryable by name), anything else is rethrown. */
export async function withThrottling<T>(operation: string, target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (THROTTLING_NAMES.has(errorName(err))) throw new ThrottledError(operation, target, err);
    throw err;
  }
}
