/**
 * The least-privilege IAM policy of whoever runs `terraform apply` / `cdktf deploy` for this stack,
 * derived from the synthesized cdk.tf.json: every `aws_*` resource type in it maps to the IAM
 * actions the AWS provider needs to create, read, update, delete and tag it, scoped to the names
 * the stack gives its resources (`<stackName>-…`), the regions of its providers and the account.
 *
 * No `*` action. `Resource: "*"` only for actions without resource-level permissions, each listed
 * in `WILDCARD_EXCEPTIONS` with its reason (the reason is also the statement's Sid).
 * Printed by `npm run deployer-policy` (scripts/deployer-policy.ts).
 */

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The parts of cdk.tf.json the policy is derived from. */
export interface TfArtifact {
  '//'?: { metadata?: { stackName?: string } };
  provider?: { aws?: Array<{ alias?: string; region?: string }> };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, unknown>>;
  terraform?: { backend?: Record<string, Record<string, unknown>> };
}

/** Where an ARN pattern is built: partition, account (or `*`), region, stack name prefix. */
interface Scope {
  partition: string;
  account: string;
  region: string;
  stack: string;
  /** The deployment's alarm prefix (read from the alarms cdk.tf.json holds; default `<stack>-alarm-`). */
  alarmPrefix: string;
}

interface TypeMapping {
  /** Actions for create/read/update/delete and tags. */
  actions: string[];
  /** ARN patterns of the type's resources, per region. */
  resources: (s: Scope) => string[];
  /** Roles passed to a service by this type (iam:PassRole, limited to that service). */
  passRoleTo?: string;
  /**
   * Read-only listing actions that are authorized on the account's whole collection (e.g.
   * DescribeLogGroups lists by prefix and is checked against `log-group:*`): a statement of their
   * own, so the broad ARN never carries the type's write actions.
   */
  listing?: { actions: string[]; resources: (s: Scope) => string[] };
}

const arn = (s: Scope, service: string, rest: string, opts: { global?: boolean } = {}) =>
  `arn:${s.partition}:${service}:${opts.global ? '' : s.region}:${s.account}:${rest}`;

const logGroups = (s: Scope) => [
  arn(s, 'logs', `log-group:/aws/lambda/${s.stack}-*`),
  arn(s, 'logs', `log-group:/aws/vendedlogs/states/${s.stack}-*`),
];
const roles = (s: Scope) => [arn(s, 'iam', `role/${s.stack}-*`, { global: true })];
const functions = (s: Scope) => [arn(s, 'lambda', `function:${s.stack}-*`)];
const rules = (s: Scope) => [arn(s, 'events', `rule/${s.stack}-*`), arn(s, 'events', `rule/${s.stack}-*/${s.stack}-*`)];
const topics = (s: Scope) => [arn(s, 'sns', `${s.stack}-*`)];

/** Every resource type the stack may create. A type missing here fails `deployerPolicy` (and its test). */
export const RESOURCE_TYPE_ACTIONS: Readonly<Record<string, TypeMapping>> = {
  aws_chatbot_slack_channel_configuration: {
    // Chatbot configurations are global (no region in the ARN): chat-configuration/slack-channel/<name>.
    actions: ['chatbot:CreateSlackChannelConfiguration', 'chatbot:UpdateSlackChannelConfiguration', 'chatbot:DeleteSlackChannelConfiguration', 'chatbot:TagResource', 'chatbot:UntagResource', 'chatbot:ListTagsForResource'],
    resources: (s) => [arn(s, 'chatbot', `chat-configuration/slack-channel/${s.stack}-*`, { global: true })],
    passRoleTo: 'chatbot.amazonaws.com',
  },
  aws_cloudwatch_event_bus: {
    actions: ['events:CreateEventBus', 'events:DeleteEventBus', 'events:DescribeEventBus', 'events:UpdateEventBus', 'events:TagResource', 'events:UntagResource', 'events:ListTagsForResource'],
    resources: (s) => [arn(s, 'events', `event-bus/${s.stack}-*`)],
  },
  aws_cloudwatch_event_bus_policy: {
    actions: ['events:PutPermission', 'events:RemovePermission', 'events:DescribeEventBus'],
    resources: (s) => [arn(s, 'events', `event-bus/${s.stack}-*`)],
  },
  aws_cloudwatch_event_rule: {
    actions: ['events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:EnableRule', 'events:DisableRule', 'events:ListTargetsByRule', 'events:TagResource', 'events:UntagResource', 'events:ListTagsForResource'],
    resources: rules,
  },
  aws_cloudwatch_event_target: {
    actions: ['events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule'],
    resources: rules,
    passRoleTo: 'events.amazonaws.com',
  },
  aws_cloudwatch_metric_alarm: {
    actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource', 'cloudwatch:ListTagsForResource'],
    // The monitor's own alarms: `<alarmPrefix>Monitor-<Kind>` (the prefix is configurable, the infix is not).
    resources: (s) => [arn(s, 'cloudwatch', `alarm:${s.alarmPrefix}Monitor-*`)],
  },
  aws_cloudwatch_log_group: {
    actions: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource', 'logs:TagLogGroup', 'logs:UntagLogGroup', 'logs:ListTagsLogGroup'],
    resources: logGroups,
    // The provider reads a log group with DescribeLogGroups (by name prefix), which IAM checks
    // against the account's log-group:* — a read-only statement of its own.
    listing: { actions: ['logs:DescribeLogGroups'], resources: (s) => [arn(s, 'logs', 'log-group:*')] },
  },
  aws_dynamodb_table: {
    actions: ['dynamodb:CreateTable', 'dynamodb:DeleteTable', 'dynamodb:DescribeTable', 'dynamodb:UpdateTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:UpdateContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:UpdateTimeToLive', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource', 'dynamodb:UntagResource'],
    resources: (s) => [arn(s, 'dynamodb', `table/${s.stack}-*`)],
  },
  aws_iam_role: {
    actions: ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:ListRoleTags', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole'],
    resources: roles,
  },
  aws_iam_role_policy: {
    actions: ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'],
    resources: roles,
  },
  aws_lambda_function: {
    actions: ['lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:ListVersionsByFunction', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetFunctionRecursionConfig', 'lambda:GetPolicy', 'lambda:TagResource', 'lambda:UntagResource', 'lambda:ListTags'],
    resources: functions,
    passRoleTo: 'lambda.amazonaws.com',
  },
  aws_lambda_function_url: {
    actions: ['lambda:CreateFunctionUrlConfig', 'lambda:GetFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig', 'lambda:DeleteFunctionUrlConfig'],
    resources: functions,
  },
  aws_lambda_permission: {
    actions: ['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'],
    resources: functions,
  },
  aws_scheduler_schedule: {
    actions: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
    resources: (s) => [arn(s, 'scheduler', `schedule/default/${s.stack}-*`)],
    passRoleTo: 'scheduler.amazonaws.com',
  },
  aws_sfn_state_machine: {
    actions: ['states:CreateStateMachine', 'states:DeleteStateMachine', 'states:DescribeStateMachine', 'states:UpdateStateMachine', 'states:ListStateMachineVersions', 'states:TagResource', 'states:UntagResource', 'states:ListTagsForResource'],
    resources: (s) => [arn(s, 'states', `stateMachine:${s.stack}-*`)],
    passRoleTo: 'states.amazonaws.com',
  },
  aws_sns_topic: {
    actions: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource', 'sns:ListTagsForResource'],
    resources: topics,
  },
  aws_sns_topic_policy: {
    actions: ['sns:SetTopicAttributes', 'sns:GetTopicAttributes'],
    resources: topics,
  },
  aws_sns_topic_subscription: {
    // A subscription ARN is <topic arn>:<id>, so the topic pattern covers it.
    actions: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes'],
    resources: topics,
  },
  aws_sqs_queue: {
    actions: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue', 'sqs:ListQueueTags'],
    resources: (s) => [arn(s, 'sqs', `${s.stack}-*`)],
  },
};

/** Data sources read at plan time: what each needs (none: sts:GetCallerIdentity needs no permission). */
export const DATA_SOURCE_ACTIONS: Readonly<Record<string, string[]>> = {
  aws_caller_identity: [],
  aws_partition: [],
};

/** The only actions allowed on `Resource: "*"`, by the resource type that needs them, with why. */
export const WILDCARD_EXCEPTIONS: ReadonlyArray<{ sid: string; forType: string; actions: string[]; reason: string }> = [
  {
    sid: 'NoResourceLevelPermissionsChatbotDescribeSlackChannelConfigurations',
    forType: 'aws_chatbot_slack_channel_configuration',
    actions: ['chatbot:DescribeSlackChannelConfigurations'],
    reason:
      'The AWS provider reads a Slack channel configuration by listing the account\'s configurations (DescribeSlackChannelConfigurations), a read-only list action the Chatbot service authorization reference gives no resource type',
  },
  {
    sid: 'NoResourceLevelPermissionsLogDeliveryForStepFunctionsLogging',
    forType: 'aws_sfn_state_machine',
    actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies'],
    reason:
      'Creating/updating a state machine with logging_configuration makes Step Functions call the CloudWatch Logs vended-log-delivery APIs as the caller; they support no resource-level permissions (AWS: Step Functions developer guide, "IAM policies for logging to CloudWatch Logs")',
  },
];

export interface DeployerPolicyOptions {
  /** 12-digit account id; default `*` (the policy is then scoped by name and region only). */
  account?: string;
  /** Default `aws`. */
  partition?: string;
}

/** Resource types of cdk.tf.json that have no mapping (the test and the CLI name them). */
export function unmappedResourceTypes(tf: TfArtifact): string[] {
  const resources = Object.keys(tf.resource ?? {}).filter((t) => !(t in RESOURCE_TYPE_ACTIONS));
  const data = Object.keys(tf.data ?? {}).filter((t) => !(t in DATA_SOURCE_ACTIONS)).map((t) => `data.${t}`);
  return [...resources, ...data];
}

/** The regions each resource type is created in: each instance's `region` argument or its provider's region. */
function regionsByType(tf: TfArtifact): Map<string, Set<string>> {
  const providers = tf.provider?.aws ?? [];
  const defaultRegion = providers.find((p) => !p.alias)?.region;
  const byAlias = new Map(providers.filter((p) => p.alias).map((p) => [`aws.${p.alias}`, p.region]));
  const out = new Map<string, Set<string>>();
  for (const [type, instances] of Object.entries(tf.resource ?? {})) {
    const regions = new Set<string>();
    for (const [name, body] of Object.entries(instances)) {
      // Provider 6: a resource's own `region` argument places it; else its provider's region.
      const ref = body.provider as string | undefined;
      const region = typeof body.region === 'string' ? body.region : ref ? byAlias.get(ref) : defaultRegion;
      if (!region || region.includes('${')) throw new Error(`deployer policy: cannot tell the region of ${type}.${name} (provider ${ref ?? 'default'})`);
      regions.add(region);
    }
    out.set(type, regions);
  }
  return out;
}

const sidOf = (type: string) => type.replace(/^aws_/, '').split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');

/** Builds the deployer's policy from cdk.tf.json. @throws naming every resource type without a mapping. */
export function deployerPolicy(tf: TfArtifact, options: DeployerPolicyOptions = {}): PolicyDocument {
  const missing = unmappedResourceTypes(tf);
  if (missing.length) throw new Error(`deployer policy: no IAM mapping for ${missing.join(', ')} (add it to RESOURCE_TYPE_ACTIONS / DATA_SOURCE_ACTIONS in infra/deployer-policy.ts)`);
  const stack = tf['//']?.metadata?.stackName;
  if (!stack) throw new Error('deployer policy: cdk.tf.json has no //.metadata.stackName');
  const account = options.account ?? '*';
  if (account !== '*' && !/^\d{12}$/.test(account)) throw new Error(`deployer policy: account must be 12 digits, got ${JSON.stringify(account)}`);
  const partition = options.partition ?? 'aws';
  if (!/^aws(-[a-z]+)*$/.test(partition)) throw new Error(`deployer policy: partition must look like aws, aws-cn or aws-us-gov, got ${JSON.stringify(partition)}`);

  const alarmNames = Object.values(tf.resource?.aws_cloudwatch_metric_alarm ?? {}).map((a) => String((a as { alarm_name?: unknown }).alarm_name ?? ''));
  const alarmPrefix = alarmNames.map((n) => n.slice(0, Math.max(0, n.indexOf('Monitor-')))).find((p) => p.length > 0) ?? `${stack}-alarm-`;
  const statements: PolicyStatement[] = [];
  const passTo = new Set<string>();
  const regions = regionsByType(tf);
  for (const type of Object.keys(tf.resource ?? {}).sort()) {
    const m = RESOURCE_TYPE_ACTIONS[type];
    const resources = [...(regions.get(type) ?? [])].sort().flatMap((region) => m.resources({ partition, account, region, stack, alarmPrefix }));
    statements.push({ Sid: sidOf(type), Effect: 'Allow', Action: [...new Set(m.actions)].sort(), Resource: [...new Set(resources)] });
    if (m.listing) {
      const listed = [...(regions.get(type) ?? [])].sort().flatMap((region) => m.listing!.resources({ partition, account, region, stack, alarmPrefix }));
      statements.push({ Sid: `${sidOf(type)}Listing`, Effect: 'Allow', Action: [...m.listing.actions].sort(), Resource: [...new Set(listed)] });
    }
    if (m.passRoleTo) passTo.add(m.passRoleTo);
  }
  if (passTo.size) {
    statements.push({
      Sid: 'PassStackRolesToItsServices',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: roles({ partition, account, region: '', stack, alarmPrefix }),
      Condition: { StringEquals: { 'iam:PassedToService': [...passTo].sort() } },
    });
  }
  const present = new Set(Object.keys(tf.resource ?? {}));
  for (const e of WILDCARD_EXCEPTIONS) {
    if (present.has(e.forType)) statements.push({ Sid: e.sid, Effect: 'Allow', Action: [...e.actions].sort(), Resource: '*' });
  }
  statements.push(...backendStatements(tf, partition));
  return { Version: '2012-10-17', Statement: statements };
}

/** The state backend's permissions (S3 bucket/key, lock file, DynamoDB lock table); none for a local backend. */
function backendStatements(tf: TfArtifact, partition: string): PolicyStatement[] {
  const s3 = tf.terraform?.backend?.s3 as { bucket: string; key: string; region: string; dynamodb_table?: string; use_lockfile?: boolean } | undefined;
  if (!s3) return [];
  const bucketArn = `arn:${partition}:s3:::${s3.bucket}`;
  const out: PolicyStatement[] = [
    { Sid: 'StateBucketList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucketArn, Condition: { StringEquals: { 's3:prefix': s3.key } } },
    { Sid: 'StateObject', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${bucketArn}/${s3.key}` },
  ];
  if (s3.use_lockfile) {
    out.push({ Sid: 'StateLockFile', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `${bucketArn}/${s3.key}.tflock` });
  }
  if (s3.dynamodb_table) {
    out.push({
      Sid: 'StateLockTable',
      Effect: 'Allow',
      Action: ['dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: `arn:${partition}:dynamodb:${s3.region}:*:table/${s3.dynamodb_table}`,
    });
  }
  return out;
}
