/**
 * The operations `assess` calls, in one list: the read-only IAM policy printed by
 * `--print-policy` (and in the README) is generated from it, and a test checks it against the
 * operations the simulator's call log records during an assess run.
 */

/** AWS services assess reads, with their IAM action prefix. */
export const ASSESS_SERVICES = { personalize: 'personalize', cloudwatch: 'cloudwatch' } as const;
export type AssessService = keyof typeof ASSESS_SERVICES;

/** Every operation assess may send, per service (all List*, Describe* or Get*). */
export const ASSESS_OPERATIONS: Readonly<Record<AssessService, readonly string[]>> = {
  personalize: ['ListCampaigns', 'ListRecommenders', 'DescribeCampaign', 'DescribeRecommender', 'DescribeSolutionVersion', 'ListTagsForResource'],
  cloudwatch: ['GetMetricData'],
};

/** `personalize:ListCampaigns`: the IAM action of an operation. */
export function iamAction(service: AssessService | string, operation: string): string {
  const prefix = (ASSESS_SERVICES as Record<string, string>)[service] ?? service;
  return `${prefix}:${operation.replace(/Command$/, '')}`;
}

/** The IAM actions assess needs, sorted. */
export function assessActions(): string[] {
  return (Object.keys(ASSESS_OPERATIONS) as AssessService[]).flatMap((s) => ASSESS_OPERATIONS[s].map((op) => iamAction(s, op))).sort();
}

/**
 * The minimal identity policy for assess. `Resource: "*"`: the List operations and GetMetricData
 * do not support resource-level permissions.
 */
export function assessPolicy(): { Version: string; Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string }[] } {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'PersonalizeMonitorAssessReadOnly', Effect: 'Allow', Action: assessActions(), Resource: '*' }],
  };
}

export function assessPolicyText(): string {
  return JSON.stringify(assessPolicy(), null, 2);
}
