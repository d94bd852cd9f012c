/**
 * The parts of `migrate`: recognising the original's stack, its parameters next to our config,
 * the replacement of each alarm, the command line, the read-only guard on the CloudFormation
 * client, and the simulator's CloudFormation (query protocol) and EventBridge ListRules.
 */
import { CloudFormationClient, DeleteStackCommand, DescribeStacksCommand, ListStackResourcesCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { DEFAULT_BEHAVIOUR, DEFAULT_DEPLOY, type DeployConfig } from '../config/schema';
import { alarmName } from '../core/alarms';
import { defaultAlarmPrefix } from '../core/contracts/ownership';
import { parseArgs, UsageError } from '../migrate/cli';
import { candidateReason, compareParameters, missingSignature, parseOriginalAlarmName, replacementOfAlarm, replacementOfStackResource } from '../migrate/original';
import { removalCommands } from '../migrate/render';
import type { MigrationItem } from '../migrate/scan';
import { isAccessDenied, isCredentialsProblem } from '../tasks/aws/errors';
import { SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';
import { CLOUDFORMATION_LIMITS } from '../sim/cloudformation';
import { ORIGINAL_DEFAULT_PARAMETERS } from '../sim/original-fixture';
import { cachingClients } from '../tasks/aws/clients';
import { describeStacks, listStackResources } from '../tasks/aws/cloudformation';
import { listRules } from '../tasks/aws/eventbridge';
import { readOnlyClients, WriteRefusedError } from '../tasks/aws/read-only';

const config = {
  ...DEFAULT_DEPLOY,
  ...DEFAULT_BEHAVIOUR,
  stackName: 'pm',
  alarmPrefix: defaultAlarmPrefix('pm'),
  homeRegion: 'us-east-1',
  regions: ['us-east-1'],
  notificationEndpoint: 'ops@example.com',
} as DeployConfig;
const CAMPAIGN = 'arn:aws:personalize:us-east-1:123456789012:campaign/shop';

describe('recognising the original stack', () => {
  const header = { name: 'x', tags: {}, outputKeys: [] as string[] };
  it('a stack becomes a candidate by its description (v1.0 and v1.1+), the SAR tag, its outputs or --stack; nothing else', () => {
    expect(candidateReason({ ...header, description: '(P9E-MONITOR) -Personalize monitoring tools including CloudWatch metrics' }, [])).toMatch(/description/);
    expect(candidateReason({ ...header, description: 'Personalize monitoring tools including CloudWatch metrics, alarms, and dashboard; optional automated cost optimization\n' }, [])).toMatch(/description/);
    expect(candidateReason({ ...header, tags: { 'serverlessrepo:applicationId': 'arn:aws:serverlessrepo:us-east-1:316031960777:applications/Amazon-Personalize-Monitor' } }, [])).toMatch(/Serverless Application Repository/);
    expect(candidateReason({ ...header, outputKeys: ['MonitorFunction', 'DashboardManagementFunction'] }, [])).toMatch(/outputs/);
    expect(candidateReason(header, ['x'])).toBe('named with --stack');
    expect(candidateReason({ ...header, description: 'my Personalize monitoring tools', outputKeys: ['MonitorFunction'], tags: { 'serverlessrepo:applicationId': 'arn:aws:serverlessrepo:us-east-1:1:applications/Other' } }, ['y'])).toBeUndefined();
  });

  it('it is the original only with MonitorFunction, DashboardManagementFunction and NotificationsTopic of the right types', () => {
    const all = [
      { logicalId: 'MonitorFunction', type: 'AWS::Lambda::Function' },
      { logicalId: 'DashboardManagementFunction', type: 'AWS::Lambda::Function' },
      { logicalId: 'NotificationsTopic', type: 'AWS::SNS::Topic' },
    ];
    expect(missingSignature(all)).toEqual([]);
    expect(missingSignature([all[0], all[2]])).toEqual(['DashboardManagementFunction (AWS::Lambda::Function)']);
    expect(missingSignature([all[0], all[1], { logicalId: 'NotificationsTopic', type: 'AWS::SQS::Queue' }])).toEqual(['NotificationsTopic (AWS::SNS::Topic)']);
  });

  it('v1.0 logical ids map like their v1.1+ successors; unknown ones go with the stack', () => {
    expect(replacementOfStackResource('UpdateCampaignTPSFunction', 'AWS::Lambda::Function', config)).toEqual(replacementOfStackResource('UpdateTPSFunction', 'AWS::Lambda::Function', config));
    expect(replacementOfStackResource('UpdateCampaignTPSFunctionEBRule', 'AWS::Events::Rule', config).by).toBe('pm-action-requests');
    expect(replacementOfStackResource('MonitorFunctionRole', 'AWS::IAM::Role', config)).toEqual({ note: 'not needed: goes with the stack (AWS::IAM::Role)' });
    expect(replacementOfStackResource('DeleteCampaignFunctionEBCustomRule', 'AWS::Events::Rule', { ...config, acceptDefaultBusRequests: true }).note).toContain('pm-default-bus-requests on the default bus');
  });
});

describe('the original\'s parameters next to our config', () => {
  it('defaults of the original equal ours except Regions and the endpoint; blank Regions means the stack\'s region', () => {
    const rows = compareParameters({ ...ORIGINAL_DEFAULT_PARAMETERS, NotificationEndpoint: 'ops@example.com' }, 'us-east-1', config);
    expect(rows.map((r) => r.parameter)).toEqual(Object.keys(ORIGINAL_DEFAULT_PARAMETERS));
    expect(rows.filter((r) => !r.same)).toEqual([]);
    expect(rows.find((r) => r.parameter === 'Regions')).toEqual(expect.objectContaining({ theirs: '(blank: us-east-1)', ours: 'us-east-1', same: true }));
    expect(compareParameters({ Regions: '' }, 'eu-west-1', config)[0].same).toBe(false);
  });

  it('v1.0 parameter names, lists and Yes/No are compared by meaning', () => {
    const rows = compareParameters(
      { CampaignARNs: `${CAMPAIGN}, arn:aws:personalize:us-east-1:123456789012:campaign/b`, Regions: 'us-east-1', AutoDeleteIdleCampaigns: 'Yes', IdleCampaignThresholdHours: '48', CampaignThresholdAlarmLowerBound: '50' },
      'us-east-1',
      { ...config, campaignArns: ['arn:aws:personalize:us-east-1:123456789012:campaign/b', CAMPAIGN], idleThresholdHours: 48 },
    );
    expect(rows.map((r) => [r.parameter, r.key, r.same])).toEqual([
      ['CampaignARNs', 'campaignArns', true],
      ['Regions', 'regions', true],
      ['CampaignThresholdAlarmLowerBound', 'utilizationThresholdAlarmLowerBound', false],
      ['IdleCampaignThresholdHours', 'idleThresholdHours', true],
      ['AutoDeleteIdleCampaigns', 'autoDeleteOrStopIdleResources', false],
    ]);
  });
});

describe('what replaces an original alarm', () => {
  const alarm = (name: string, region = 'us-east-1', resourceArn: string | undefined = CAMPAIGN) => ({ name, region, resourceArn });
  it('parses the four kinds of names the original makes', () => {
    expect(parseOriginalAlarmName('PersonalizeMonitor-LowCampaignUtilization-a-b')).toEqual({ kind: 'LowUtilization', type: 'campaign', resourceName: 'a-b' });
    expect(parseOriginalAlarmName('PersonalizeMonitor-IdleRecommender-x')).toEqual({ kind: 'Idle', type: 'recommender', resourceName: 'x' });
    expect(parseOriginalAlarmName('PersonalizeMonitor-Idle-Campaign-x-1234abcd')).toBeUndefined();
    expect(parseOriginalAlarmName('Other-IdleCampaign-x')).toBeUndefined();
  });

  it('names our alarm for the same resource, or says why there is none', () => {
    expect(replacementOfAlarm(alarm('PersonalizeMonitor-IdleCampaign-shop'), config).by).toBe(alarmName('Idle', { arn: CAMPAIGN, name: 'shop', type: 'campaign' }, 'pm-alarm-'));
    expect(replacementOfAlarm(alarm('PersonalizeMonitor-IdleCampaign-shop'), { ...config, idleThresholdHours: 48 }).note).toContain('no requests for 48 h (hourly periods above 24 h)');
    expect(replacementOfAlarm(alarm('PersonalizeMonitor-IdleCampaign-shop'), { ...config, autoCreateIdleAlarms: false })).toEqual({ note: 'not replaced: autoCreateIdleAlarms is false in your config' });
    expect(replacementOfAlarm(alarm('PersonalizeMonitor-LowCampaignUtilization-shop', 'eu-west-1'), config).note).toBe('not replaced: region eu-west-1 is not in your regions (us-east-1)');
    expect(replacementOfAlarm(alarm('PersonalizeMonitor-LowCampaignUtilization-shop'), { ...config, campaignArns: ['arn:aws:personalize:us-east-1:123456789012:campaign/other'] }).note).toBe(`not replaced: ${CAMPAIGN} is not in your campaignArns`);
    expect(replacementOfAlarm({ name: 'PersonalizeMonitor-LowCampaignUtilization-shop', region: 'us-east-1' }, config)).toEqual({ note: 'not replaced automatically: the alarm names no CampaignArn dimension' });
    expect(replacementOfAlarm(alarm('PersonalizeMonitor-custom'), config).note).toMatch(/^not an alarm kind the original creates/);
  });
});

describe('command line', () => {
  it('reads --dry-run, --regions (deduplicated), --json, --config, repeated --stack and --flag=value', () => {
    expect(parseArgs(['--dry-run', '--regions', 'us-east-1, eu-west-1,us-east-1', '--json=out.json', '--config', 'c.json', '--stack', 'a', '--stack=b'])).toEqual({
      dryRun: true,
      regions: ['us-east-1', 'eu-west-1'],
      json: 'out.json',
      config: 'c.json',
      stacks: ['a', 'b'],
    });
    expect(parseArgs([])).toEqual({ dryRun: false, stacks: [] });
    expect(() => parseArgs(['--regions', ','])).toThrow(UsageError);
    expect(() => parseArgs(['delete'])).toThrow('unknown option "delete"');
  });

  it('removal commands batch alarms per region (at most 100 names each)', () => {
    const alarms: MigrationItem[] = Array.from({ length: 101 }, (_, i) => ({ kind: 'alarm', region: 'us-east-1', name: `PersonalizeMonitor-IdleCampaign-c${i}`, origin: '', note: '', removeWith: 'x' }));
    const commands = removalCommands([...alarms, { kind: 'topic', region: 'eu-west-1', name: 't', origin: '', note: '', removeWith: 'aws sns delete-topic …' }, { kind: 'stack', region: 'us-east-1', name: 's', origin: '', note: '', removeWith: 'aws cloudformation delete-stack …' }]);
    expect(commands).toHaveLength(3);
    expect(commands[0].split(' ').filter((w) => w.startsWith('PersonalizeMonitor-'))).toHaveLength(100);
    expect(commands[1]).toBe('aws cloudwatch delete-alarms --region us-east-1 --alarm-names PersonalizeMonitor-IdleCampaign-c100');
    expect(commands[2]).toBe('aws sns delete-topic …');
  });

  it('classifies access denial and credential problems by error name and status', () => {
    const err = (name: string, status?: number) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status } });
    expect(isAccessDenied(err('AccessDeniedException', 400))).toBe(true);
    expect(isAccessDenied(err('SomethingNew', 403))).toBe(true);
    expect(isAccessDenied(err('ExpiredToken', 403))).toBe(false);
    expect(isCredentialsProblem(err('ExpiredToken', 403))).toBe(true);
    expect(isAccessDenied(err('ThrottlingException', 400))).toBe(false);
  });
});

describe('simulated CloudFormation and EventBridge ListRules over the wire', () => {
  let account: SimAccount;
  let server: SimServer;
  let cf: CloudFormationClient;
  beforeEach(async () => {
    account = new SimAccount({ seed: 5 });
    server = await startSimServer(account);
    cf = new CloudFormationClient(simClientConfig(server.url, 'eu-west-1', { maxAttempts: 1, caller: 't' }));
  });
  afterEach(() => server.close());

  it('DescribeStacks lists live stacks of the region with parameters, outputs and tags; a missing name is a ValidationError', async () => {
    account.cloudformation.createStack({ region: 'eu-west-1', name: 'a', description: 'A & <b>', parameters: { P: 'v' }, outputs: [{ key: 'O', value: 'ov' }], tags: { t: 'x' } });
    account.cloudformation.createStack({ region: 'us-east-1', name: 'elsewhere' });
    const gone = account.cloudformation.createStack({ region: 'eu-west-1', name: 'gone' });
    account.cloudformation.deleteStack('gone', 'eu-west-1');
    const stacks = await describeStacks(cf);
    expect(stacks.map((s) => [s.StackName, s.Description, s.StackStatus, s.Parameters, s.Outputs?.[0]?.OutputValue, s.Tags])).toEqual([
      ['a', 'A & <b>', 'CREATE_COMPLETE', [{ ParameterKey: 'P', ParameterValue: 'v' }], 'ov', [{ Key: 't', Value: 'x' }]],
    ]);
    expect(stacks[0].CreationTime).toBeInstanceOf(Date);
    await expect(cf.send(new DescribeStacksCommand({ StackName: 'gone' }))).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack with id gone does not exist' });
    // By id, a deleted stack is still described (as CloudFormation does).
    expect((await describeStacks(cf, gone.id))[0].StackStatus).toBe('DELETE_COMPLETE');
    const listed = await cf.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    expect(listed.StackSummaries?.map((s) => s.StackName)).toEqual(['gone']);
    await expect(cf.send(new ListStacksCommand({ StackStatusFilter: ['NOT_A_STATUS' as never] }))).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('ListStackResources pages by 100 and the adapter follows every page', async () => {
    const resources = Array.from({ length: CLOUDFORMATION_LIMITS.resourcesPerPage + 1 }, (_, i) => ({ logicalId: `R${i}`, physicalId: `p${i}`, type: 'AWS::SNS::Topic' }));
    account.cloudformation.createStack({ region: 'eu-west-1', name: 'big', resources });
    const first = await cf.send(new ListStackResourcesCommand({ StackName: 'big' }));
    expect(first.StackResourceSummaries).toHaveLength(100);
    expect(first.NextToken).toBeDefined();
    expect((await listStackResources(cf, 'big')).map((r) => r.PhysicalResourceId)).toEqual(resources.map((r) => r.physicalId));
    await expect(cf.send(new ListStackResourcesCommand({ StackName: 'big', NextToken: 'forged' }))).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('an injected CloudFormation fault must name its error code, and arrives as that error', async () => {
    account.injectFault({ kind: 'serverError', operation: 'DescribeStacks', errorCode: 'AccessDenied', status: 403, count: 1 });
    await expect(describeStacks(cf)).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(account.calls({ service: 'cloudformation' }).map((c) => c.outcome)).toEqual(['fault']);
  });

  it('ListRules lists a bus\'s rules by prefix, in pages', async () => {
    for (const n of ['b', 'a', 'pm-x']) account.events.putRule('eu-west-1', { name: n, eventPattern: { source: ['personalize.monitor'] } });
    account.events.putRule('eu-west-1', { name: 'on-bus', eventBusName: 'pm-requests', scheduleExpression: 'rate(1 hour)' });
    const events = new EventBridgeClient(simClientConfig(server.url, 'eu-west-1', { maxAttempts: 1 }));
    expect((await listRules(events)).map((r) => r.Name)).toEqual(['a', 'b', 'pm-x']);
    expect((await listRules(events, { namePrefix: 'pm-' }))[0]).toEqual(expect.objectContaining({ Name: 'pm-x', Arn: 'arn:aws:events:eu-west-1:123456789012:rule/pm-x', EventPattern: '{"source":["personalize.monitor"]}', State: 'ENABLED' }));
    expect((await listRules(events, { eventBusName: 'pm-requests' })).map((r) => r.Arn)).toEqual(['arn:aws:events:eu-west-1:123456789012:rule/pm-requests/on-bus']);
    const page = await events.send(new ListRulesCommand({ Limit: 2 }));
    expect(page.Rules).toHaveLength(2);
    expect((await events.send(new ListRulesCommand({ Limit: 2, NextToken: page.NextToken }))).Rules?.map((r) => r.Name)).toEqual(['pm-x']);
  });

  it('the read-only CloudFormation client refuses DeleteStack before anything is sent', async () => {
    account.cloudformation.createStack({ region: 'eu-west-1', name: 'keep' });
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = server.url;
    try {
      const client = readOnlyClients(cachingClients()).cloudformation('eu-west-1');
      await expect(client.send(new DeleteStackCommand({ StackName: 'keep' }))).rejects.toBeInstanceOf(WriteRefusedError);
      expect((await describeStacks(client)).map((s) => s.StackName)).toEqual(['keep']);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
    expect(account.calls().map((c) => c.operation)).toEqual(['DescribeStacks']);
  });
});
