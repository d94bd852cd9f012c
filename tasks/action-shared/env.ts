/** ARN helpers of the ACTION tasks (their environment is read with tasks/shared/task-env.ts). */
import { ConfigurationError } from '../shared/errors';

/** Region of an ARN (`arn:<partition>:<service>:<region>:…`), e.g. of the SNS topic. */
export function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new ConfigurationError(`ARN ${arn} has no region`);
  return region;
}
