/**
 * ARN parsing and console links for every partition (the original hard-coded `aws`, bug 7).
 * Pure: no SDK imports.
 */
import { createHash } from 'node:crypto';

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  /** Everything after the account, e.g. `campaign/my-campaign`. */
  resource: string;
  /** Part of `resource` before the first `/` or `:` (empty when there is none). */
  resourceType: string;
  /** Part of `resource` after the first `/` or `:` (the whole resource when there is no separator). */
  resourceName: string;
}

/** Partitions are `aws` or `aws-<suffix>` (aws-cn, aws-us-gov, aws-iso, ...). */
const PARTITION_PATTERN = /^aws(-[a-z]+)*$/;
const ARN_FIELDS = 6;

/**
 * Splits an ARN into its parts.
 * @throws Error naming the ARN and what is wrong with it.
 */
export function parseArn(arn: string): ParsedArn {
  if (typeof arn !== 'string') throw new Error(`not an ARN: expected a string, got ${typeof arn}`);
  const parts = arn.split(':');
  if (parts.length < ARN_FIELDS || parts[0] !== 'arn') {
    throw new Error(`not an ARN: "${arn}" (expected arn:<partition>:<service>:<region>:<account>:<resource>)`);
  }
  const [, partition, service, region, accountId] = parts;
  // The resource itself may contain colons (e.g. `log-group:name:*`).
  const resource = parts.slice(ARN_FIELDS - 1).join(':');
  if (!PARTITION_PATTERN.test(partition)) throw new Error(`ARN "${arn}" has an unknown partition "${partition}"`);
  if (!service) throw new Error(`ARN "${arn}" has no service`);
  if (!resource) throw new Error(`ARN "${arn}" has no resource`);
  const sep = resource.search(/[/:]/);
  const resourceType = sep < 0 ? '' : resource.slice(0, sep);
  const resourceName = sep < 0 ? resource : resource.slice(sep + 1);
  return { partition, service, region, accountId, resource, resourceType, resourceName };
}

/** Console domain per partition with a public console (the infrastructure looks it up at apply time). */
export const CONSOLE_DOMAINS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/**
 * Base URL of the AWS console for a partition and region (no trailing slash); the commercial
 * partition's console is served per region.
 * @throws Error for a partition without a known public console.
 */
export function consoleHost(partition: string, region: string): string {
  const domain = CONSOLE_DOMAINS[partition];
  if (!domain) throw new Error(`no known console host for partition "${partition}" (region ${region})`);
  return partition === 'aws' ? `https://${region}.${domain}` : `https://${domain}`;
}

const SHA256_HEX_LENGTH = 64;

/** Stable lowercase hex hash (sha256 prefix) of `text`, `len` characters long (1–64). */
export function shortHash(text: string, len = 8): string {
  if (!Number.isInteger(len) || len < 1 || len > SHA256_HEX_LENGTH) {
    throw new Error(`shortHash length must be a whole number from 1 to ${SHA256_HEX_LENGTH}, got ${len}`);
  }
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, len);
}
