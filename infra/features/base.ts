/**
 * What every feature of the stack builds on: the provider, the account and partition (known only
 * to Terraform), and the validated configuration.
 */
import type { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import type { DeployConfig } from '../../config/schema';
import type { PermissionContext } from '../../core/contracts/iam';

/** The stack scope and the facts every feature needs. */
export interface StackBase {
  /** Features create their resources directly in the stack, so Terraform addresses stay stable. */
  stack: TerraformStack;
  config: DeployConfig;
  partition: string;
  accountId: string;
  permissionContext: PermissionContext;
}

/** The AWS provider (default tags, home region) and the account's partition and id. */
export function stackBase(stack: TerraformStack, config: DeployConfig): StackBase {
  new AwsProvider(stack, 'aws', {
    region: config.homeRegion,
    defaultTags: [{ tags: { Application: 'PersonalizeMonitor', Stack: config.stackName } }],
  });
  const partition = new DataAwsPartition(stack, 'partition').partition;
  const accountId = new DataAwsCallerIdentity(stack, 'caller').accountId;
  const permissionContext = { partition, accountId, homeRegion: config.homeRegion, regions: config.regions, stackName: config.stackName };
  return { stack, config, partition, accountId, permissionContext };
}
