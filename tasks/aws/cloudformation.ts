/**
 * AWS CloudFormation: the read operations `migrate --dry-run` uses to find the original sample's
 * stack (aws-samples/amazon-personalize-monitor, deployed with SAM or the Serverless Application
 * Repository) and what it created. Paging is done here once; errors are the SDK's.
 */
import {
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';

export type { CloudFormationClient, Stack, StackResourceSummary } from '@aws-sdk/client-cloudformation';

/** Safety stop for a NextToken chain that never ends (10,000 stacks or resources at 100 a page). */
export const MAX_CLOUDFORMATION_PAGES = 100;

/** Every page of a NextToken listing, in order. */
async function allPages<T>(what: string, page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string }>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  for (let n = 0; n < MAX_CLOUDFORMATION_PAGES; n++) {
    const out = await page(nextToken);
    items.push(...out.items);
    nextToken = out.nextToken;
    if (!nextToken) return items;
  }
  throw new Error(`${what} returned NextToken more than ${MAX_CLOUDFORMATION_PAGES} times`);
}

/**
 * DescribeStacks, all pages: every stack of the region that is not deleted, with its description,
 * parameters, outputs and tags; or the one stack `stackName` (name or id; a missing one throws the
 * SDK's ValidationError).
 */
export async function describeStacks(client: CloudFormationClient, stackName?: string): Promise<Stack[]> {
  return allPages('DescribeStacks', async (NextToken) => {
    const out = await client.send(new DescribeStacksCommand({ ...(stackName ? { StackName: stackName } : {}), NextToken }));
    return { items: out.Stacks ?? [], nextToken: out.NextToken };
  });
}

/** ListStackResources, all pages: the logical id, physical id and type of every resource of a stack. */
export async function listStackResources(client: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  return allPages(`ListStackResources ${stackName}`, async (NextToken) => {
    const out = await client.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    return { items: out.StackResourceSummaries ?? [], nextToken: out.NextToken };
  });
}
