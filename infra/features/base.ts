/**
 * What every feature of the stack builds on: the provider, the account and partition (known only
 * to Terraform), and the validated configuration.
 */
import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import type { BackendConfig } from '../../config/backend';
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

/**
 * The Terraform backend of `config.backend`: a local state file (path kept as configured, relative
 * paths resolve from cdktf.out/stacks/<stackName>) or S3 with a DynamoDB lock and/or S3 native
 * locking (`use_lockfile`, Terraform >= 1.10; cdktf 0.21's S3Backend has no prop for it, so it is
 * an override of the backend block). Resource-free: the S3 bucket / lock table must exist before
 * `terraform init` (docs/deploy.md).
 */
export function stackBackend(stack: TerraformStack, backend: BackendConfig): void {
  if (backend.type === 'local') {
    new LocalBackend(stack, { path: backend.path });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    encrypt: true,
    ...(backend.dynamodbTable !== undefined ? { dynamodbTable: backend.dynamodbTable } : {}),
  });
  if (backend.useLockfile !== undefined) s3.addOverride('use_lockfile', backend.useLockfile);
}

/** The backend, the AWS provider (default tags, home region) and the account's partition and id. */
export function stackBase(stack: TerraformStack, config: DeployConfig): StackBase {
  stackBackend(stack, config.backend);
  new AwsProvider(stack, 'aws', {
    region: config.homeRegion,
    defaultTags: [{ tags: { Application: 'PersonalizeMonitor', Stack: config.stackName } }],
  });
  const partition = new DataAwsPartition(stack, 'partition').partition;
  const accountId = new DataAwsCallerIdentity(stack, 'caller').accountId;
  const permissionContext = { partition, accountId, homeRegion: config.homeRegion, regions: config.regions, stackName: config.stackName };
  return { stack, config, partition, accountId, permissionContext };
}
