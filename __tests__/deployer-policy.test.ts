/**
 * The deployer's IAM policy (infra/deployer-policy.ts), checked against the real cdk.tf.json.
 */
import { DATA_SOURCE_ACTIONS, RESOURCE_TYPE_ACTIONS, WILDCARD_EXCEPTIONS, deployerPolicy, unmappedResourceTypes, type PolicyDocument, type TfArtifact } from '../infra/deployer-policy';
import { synth } from './support/synth';

const ACCOUNT = '123456789012';
const S3_LOCKFILE = JSON.stringify({ type: 's3', bucket: 'acme-tf-state', key: 'pm/terraform.tfstate', region: 'eu-west-1', useLockfile: true });
const S3_DYNAMO = JSON.stringify({ type: 's3', bucket: 'acme-tf-state', key: 'pm/terraform.tfstate', region: 'eu-west-1', dynamodbTable: 'tf-locks' });

const artifact = (env: Record<string, string> = {}) => synth(env).tf as unknown as TfArtifact;
const resources = (s: PolicyDocument['Statement'][number]) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const actions = (p: PolicyDocument) => p.Statement.flatMap((s) => s.Action);
/** IAM wildcard match (`*` any run, `?` one char), as IAM evaluates Resource patterns. */
const matches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+^${}()|[\]\\?]/g, '\\$&')).join('.*')}$`).test(value);

describe('deployer policy over cdk.tf.json', () => {
  const tf = artifact();
  const policy = deployerPolicy(tf, { account: ACCOUNT });

  it('every resource type and data source of cdk.tf.json has a mapping (a new one fails here, by name)', () => {
    expect(unmappedResourceTypes(tf)).toEqual([]);
    for (const type of Object.keys(tf.resource ?? {})) expect([type, type in RESOURCE_TYPE_ACTIONS]).toEqual([type, true]);
    for (const type of Object.keys(tf.data ?? {})) expect([type, type in DATA_SOURCE_ACTIONS]).toEqual([type, true]);
  });

  it('an unmapped resource type is an error naming it', () => {
    const broken: TfArtifact = { ...tf, resource: { ...tf.resource, aws_kinesis_stream: { s: { name: 'x' } } } };
    expect(unmappedResourceTypes(broken)).toEqual(['aws_kinesis_stream']);
    expect(() => deployerPolicy(broken)).toThrow('no IAM mapping for aws_kinesis_stream');
  });

  it('has a statement per resource type, with create, read, delete and tag actions where the type is taggable', () => {
    const sids = policy.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const type of Object.keys(tf.resource ?? {})) {
      const m = RESOURCE_TYPE_ACTIONS[type];
      const stmt = policy.Statement.find((s) => m.actions.every((a) => s.Action.includes(a)));
      expect([type, stmt !== undefined]).toEqual([type, true]);
    }
    const all = actions(policy);
    expect(all).toEqual(expect.arrayContaining(['lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:TagResource', 'iam:CreateRole', 'iam:TagRole', 'states:CreateStateMachine', 'states:TagResource', 'iam:PassRole']));
  });

  it('has no * or service:* action, and every action is service:Name', () => {
    for (const a of actions(policy)) {
      expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      expect(a).not.toContain('*');
    }
  });

  it('Resource "*" appears only in the documented exceptions, each with its reason', () => {
    const wildcard = policy.Statement.filter((s) => resources(s).includes('*'));
    expect(wildcard.map((s) => s.Sid).sort()).toEqual(WILDCARD_EXCEPTIONS.filter((e) => e.forType in (tf.resource ?? {})).map((e) => e.sid).sort());
    for (const s of wildcard) {
      const e = WILDCARD_EXCEPTIONS.find((x) => x.sid === s.Sid)!;
      expect(s.Action.sort()).toEqual([...e.actions].sort());
      expect(e.reason.length).toBeGreaterThan(40);
    }
  });

  it('scoped statements name the account, a region of the stack and the stack prefix', () => {
    const { config } = synth();
    const regions = new Set([config.homeRegion, ...config.regions]);
    for (const s of policy.Statement.filter((x) => !resources(x).includes('*'))) {
      for (const r of resources(s)) {
        const [, , service, region, account] = r.split(':');
        if (service === 's3') continue;
        expect([r, account]).toEqual([r, ACCOUNT]);
        if (service !== 'iam') expect([r, regions.has(region)]).toEqual([r, true]);
        if (!r.endsWith(':log-group:*')) expect(r).toContain('pm-test-');
      }
    }
  });

  it('a resource pattern beyond the stack\'s names (the account-wide log-group:*) carries only List/Describe/Get actions', () => {
    const broad = policy.Statement.filter((s) => !resources(s).includes('*') && resources(s).some((r) => !r.includes('pm-test-') && !r.startsWith('arn:aws:s3:::')));
    expect(broad.map((s) => s.Sid)).toEqual(['CloudwatchLogGroupListing']);
    for (const s of broad) for (const a of s.Action) expect(a).toMatch(/^[a-z0-9-]+:(List|Describe|Get)[A-Z]/);
    // The log-group write actions stay on the stack's own log groups.
    const writes = policy.Statement.find((s) => s.Sid === 'CloudwatchLogGroup')!;
    expect(writes.Action).toContain('logs:DeleteLogGroup');
    expect(resources(writes).every((r) => r.includes('pm-test-'))).toBe(true);
  });

  it('the name patterns cover every literal name the stack gives its resources', () => {
    const namesOf = (type: string, attr: string) =>
      Object.values(tf.resource?.[type] ?? {}).map((b) => b[attr]).filter((n): n is string => typeof n === 'string' && !n.includes('${'));
    const covered = (type: string, arnOf: (name: string) => string) => {
      const stmt = policy.Statement.find((s) => s.Action.some((a) => RESOURCE_TYPE_ACTIONS[type].actions.includes(a)) && !resources(s).includes('*'))!;
      for (const name of namesOf(type, type === 'aws_lambda_function' ? 'function_name' : 'name')) {
        expect([name, resources(stmt).some((p) => matches(p, arnOf(name)))]).toEqual([name, true]);
      }
    };
    covered('aws_lambda_function', (n) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${n}`);
    covered('aws_iam_role', (n) => `arn:aws:iam::${ACCOUNT}:role/${n}`);
    covered('aws_cloudwatch_log_group', (n) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${n}`);
    covered('aws_sfn_state_machine', (n) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${n}`);
    covered('aws_dynamodb_table', (n) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${n}`);
    covered('aws_sqs_queue', (n) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${n}`);
    covered('aws_scheduler_schedule', (n) => `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/${n}`);
  });

  it('topics are allowed in every monitored region (per-resource region argument)', () => {
    const sns = policy.Statement.find((s) => s.Action.includes('sns:CreateTopic'))!;
    expect(resources(sns)).toEqual(expect.arrayContaining([`arn:aws:sns:us-east-1:${ACCOUNT}:pm-test-*`, `arn:aws:sns:eu-west-1:${ACCOUNT}:pm-test-*`]));
  });

  it('iam:PassRole only for the stack roles, only to the services that take them', () => {
    const pass = policy.Statement.filter((s) => s.Action.includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(pass[0].Resource).toEqual([`arn:aws:iam::${ACCOUNT}:role/pm-test-*`]);
    expect(pass[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': ['events.amazonaws.com', 'lambda.amazonaws.com', 'scheduler.amazonaws.com', 'states.amazonaws.com'] } });
  });

  it('a local backend adds no state permissions; without --account the account segment is *', () => {
    expect(actions(policy).some((a) => a.startsWith('s3:'))).toBe(false);
    const open = deployerPolicy(tf);
    expect(open.Statement.find((s) => s.Action.includes('lambda:CreateFunction'))!.Resource).toEqual(['arn:aws:lambda:us-east-1:*:function:pm-test-*']);
    expect(() => deployerPolicy(tf, { account: '12' })).toThrow('account must be 12 digits, got "12"');
  });
});

describe('deployer policy: the S3 backend', () => {
  it('S3 native locking: the state object and its .tflock, list scoped to the key', () => {
    const p = deployerPolicy(artifact({ PM_BACKEND: S3_LOCKFILE }), { account: ACCOUNT });
    const byRes = (r: string) => p.Statement.filter((s) => resources(s).includes(r)).flatMap((s) => s.Action).sort();
    expect(byRes('arn:aws:s3:::acme-tf-state')).toEqual(['s3:ListBucket']);
    expect(byRes('arn:aws:s3:::acme-tf-state/pm/terraform.tfstate')).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(byRes('arn:aws:s3:::acme-tf-state/pm/terraform.tfstate.tflock')).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    expect(actions(p).some((a) => a.startsWith('dynamodb:') && a.endsWith('Item'))).toBe(false);
  });

  it('DynamoDB lock: item actions on the lock table, no .tflock', () => {
    const p = deployerPolicy(artifact({ PM_BACKEND: S3_DYNAMO }), { account: ACCOUNT });
    const lock = p.Statement.find((s) => s.Sid === 'StateLockTable')!;
    expect(lock.Resource).toBe('arn:aws:dynamodb:eu-west-1:*:table/tf-locks');
    expect(lock.Action).toEqual(['dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(p.Statement.some((s) => resources(s).some((r) => r.endsWith('.tflock')))).toBe(false);
  });
});
