/** Environment of the ACTION tasks, read when a handler runs (tests set it per case). */
import { ConfigurationError } from '../shared/errors';

/** The value of environment variable `name`. @throws ConfigurationError when it is missing or empty. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`environment variable ${name} is not set`);
  return value;
}

/** Names of the environment variables the infrastructure sets on the ACTION tasks. */
export const ENV = {
  homeRegion: 'PM_HOME_REGION',
  notifyTopicArn: 'PM_NOTIFY_TOPIC_ARN',
  approvalsTable: 'PM_APPROVALS_TABLE',
  approvalBaseUrl: 'PM_APPROVAL_BASE_URL',
} as const;

/** Region of an ARN (`arn:<partition>:<service>:<region>:…`), e.g. of the SNS topic. */
export function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new ConfigurationError(`ARN ${arn} has no region`);
  return region;
}
