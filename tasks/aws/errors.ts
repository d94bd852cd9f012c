/**
 * Reading AWS SDK errors by name (Personalize does not model throttling, so matching by name is
 * the only reliable way). The one classification every task and adapter uses.
 */

/** Names under which AWS services report throttling. */
const THROTTLING_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);

/** The `name` of a thrown value (`Error` when it has none). */
export function errorName(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name ? name : 'Error';
}

/** `Name: message` of any thrown value, for problems, logs and notifications. */
export function describeError(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return `${errorName(err)}: ${typeof message === 'string' ? message : String(err)}`;
}

/** True when the error is AWS throttling (after the SDK's own retries). */
export function isThrottling(err: unknown): boolean {
  return THROTTLING_NAMES.has(errorName(err));
}

/** True when the resource does not exist (any more). */
export function isNotFound(err: unknown): boolean {
  return errorName(err) === 'ResourceNotFoundException';
}

/** Names under which AWS services report a missing permission. */
const ACCESS_DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'AuthorizationErrorException', 'UnauthorizedOperation', 'UnauthorizedException', 'NotAuthorized', 'Forbidden']);
/** Names under which the SDK and AWS report missing, expired or rejected credentials. */
const CREDENTIALS_NAMES = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);

/** True when the credentials are missing, expired or rejected. */
export function isCredentialsProblem(err: unknown): boolean {
  const message = (err as { message?: unknown } | null)?.message;
  return CREDENTIALS_NAMES.has(errorName(err)) || (typeof message === 'string' && /could not load credentials/i.test(message));
}

/** True for an access-denied answer: by name, or any HTTP 403 that is neither about the credentials nor throttling. */
export function isAccessDenied(err: unknown): boolean {
  if (ACCESS_DENIED_NAMES.has(errorName(err))) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return status === 403 && !isCredentialsProblem(err) && !isThrottling(err);
}
