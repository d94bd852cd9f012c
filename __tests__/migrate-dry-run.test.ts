/**
 * `npm run migrate -- --dry-run` against the simulated account with the original sample deployed
 * (sim/original-fixture.ts): it lists each of the original's pieces with what replaces it, leaves
 * our own alarms and rules out, sends only read operations, and refuses (without a single call)
 * to run without --dry-run.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { alarmName } from '../core/alarms';
import { OWNER_TAG_KEY } from '../core/contracts/ownership';
import { main, REFUSAL, USAGE } from '../migrate/cli';
import type { MigrationReport } from '../migrate/scan';
import { SimAccount, startSimServer, type SimServer } from '../sim';
import { deployOriginal, type OriginalFixture } from '../sim/original-fixture';
import { isReadOperation } from '../tasks/aws/read-only';

const CAMPAIGN = 'arn:aws:personalize:us-east-1:123456789012:campaign/shop';
const RECOMMENDER = 'arn:aws:personalize:eu-west-1:123456789012:recommender/home-feed';
const PREFIX = 'personalize-monitor-alarm-';
const CALLER = 'migrate-test';
const READS = ['DescribeStacks', 'ListStackResources', 'DescribeAlarms', 'ListTagsForResource', 'ListDashboards', 'ListRules', 'ListTopics'];

let account: SimAccount;
let server: SimServer;
let original: OriginalFixture;
let dir: string;
let configFile: string;
const savedEnv = { ...process.env };

/** An alarm put straight into the model (tags as given). */
function putAlarm(region: string, name: string, arn: string, tags: { Key: string; Value: string }[]) {
  account.cloudwatch.putMetricAlarm(region, account.clock.now(), {
    AlarmName: name,
    Namespace: 'PersonalizeMonitor',
    MetricName: 'campaignUtilization',
    Dimensions: [{ Name: 'CampaignArn', Value: arn }],
    Statistic: 'Average',
    Period: 300,
    EvaluationPeriods: 12,
    Threshold: 100,
    ComparisonOperator: 'LessThanThreshold',
    Tags: tags,
  });
}

async function run(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as MigrationReport;

beforeEach(async () => {
  account = new SimAccount({ seed: 3 });
  original = deployOriginal(account, { region: 'us-east-1', otherRegions: ['eu-west-1'], alarmedResources: [CAMPAIGN, RECOMMENDER] });
  // Our own deployment, running next to it: its alarms (our prefix + owner tag), rules and topics.
  putAlarm('us-east-1', `${PREFIX}Idle-Campaign-shop-47d8cf36`, CAMPAIGN, [{ Key: OWNER_TAG_KEY, Value: 'personalize-monitor' }]);
  // Named like the original's but carrying our owner tag: ours, never listed as the original's.
  putAlarm('us-east-1', 'PersonalizeMonitor-IdleCampaign-adopted', CAMPAIGN, [{ Key: OWNER_TAG_KEY, Value: 'personalize-monitor' }]);
  // Named like the original's, no tag at all: not the original's monitor's either.
  putAlarm('us-east-1', 'PersonalizeMonitor-handmade', CAMPAIGN, []);
  account.events.putRule('us-east-1', { name: 'personalize-monitor-dashboard-request', eventPattern: { source: ['personalize.monitor'], 'detail-type': ['BuildPersonalizeMonitorDashboard'] } });
  account.events.putRule('us-east-1', { name: 'sale-prewarm-results', eventPattern: { source: ['personalize.monitor'], 'detail-type': ['PersonalizeCampaignMinProvisionedTPSUpdated'] } });
  account.events.putRule('us-east-1', { name: 'unrelated', eventPattern: { source: ['aws.ec2'] } });
  account.sns.createTopic('us-east-1', 'personalize-monitor-notifications');
  account.cloudformation.createStack({ region: 'us-east-1', name: 'shop-backend', description: 'the shop', resources: [{ logicalId: 'Api', physicalId: 'shop-api', type: 'AWS::Lambda::Function' }] });
  server = await startSimServer(account);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-'));
  configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ stackName: 'personalize-monitor', homeRegion: 'us-east-1', regions: ['us-east-1', 'eu-west-1'], notificationEndpoint: 'ops@example.com' }));
  // The CLI's clients are the SDK defaults: endpoint, credentials and caller label from the environment.
  Object.assign(process.env, { AWS_ENDPOINT_URL: server.url, AWS_ACCESS_KEY_ID: 'AKIDSIMULATED', AWS_SECRET_ACCESS_KEY: 'simulated', AWS_SDK_UA_APP_ID: CALLER, AWS_MAX_ATTEMPTS: '1' });
});

afterEach(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('migrate --dry-run lists the original and what replaces it', () => {
  it('lists the stack, its functions, rules and topic, the run-time topic, rule and alarms, and the dashboard, each with its replacement', async () => {
    const json = path.join(dir, 'out.json');
    const { code, stdout } = await run(['--dry-run', '--config', configFile, '--json', json]);
    expect(code).toBe(0);
    const report = readJson(json);
    const by = (kind: string) => report.items.filter((i) => i.kind === kind);

    expect(by('stack')).toEqual([
      expect.objectContaining({ name: 'serverlessrepo-Amazon-Personalize-Monitor', region: 'us-east-1', replacedBy: 'your deployment personalize-monitor (npm run deploy)', removeWith: 'aws cloudformation delete-stack --region us-east-1 --stack-name serverlessrepo-Amazon-Personalize-Monitor' }),
    ]);
    expect(report.stacks).toEqual([expect.objectContaining({ name: 'serverlessrepo-Amazon-Personalize-Monitor', status: 'CREATE_COMPLETE', sarVersion: '1.3.0', resources: original.stack.resources.length })]);

    const fn = Object.fromEntries(by('function').map((i) => [i.origin.replace(/^.*\((.*)\)$/, '$1'), i]));
    expect(Object.keys(fn).sort()).toEqual(Object.keys(original.functions).sort());
    for (const [logicalId, name] of Object.entries(original.functions)) expect(fn[logicalId].name).toBe(name);
    expect(fn.MonitorFunction.replacedBy).toBe('personalize-monitor-monitor');
    expect(fn.DashboardManagementFunction.replacedBy).toBe('personalize-monitor-build-dashboard');
    for (const id of ['UpdateTPSFunction', 'DeleteCampaignFunction', 'StopRecommenderFunction']) expect(fn[id].replacedBy).toBe('personalize-monitor-action');
    expect(fn.CleanupFunction.replacedBy).toBe('npm run cleanup');

    // Every rule of the original (the stack's seven, the one made in eu-west-1), nothing else.
    const rules = by('rule');
    expect(rules.map((r) => `${r.region} ${r.name}`).sort()).toEqual([...original.rules['us-east-1'].map((r) => `us-east-1 ${r}`), 'eu-west-1 PersonalizeMonitor-NotificationsRule'].sort());
    const ruleOf = (logicalId: string) => rules.find((r) => r.origin.endsWith(`(${logicalId})`))!;
    expect(ruleOf('UpdateTPSFunctionEBRule').replacedBy).toBe('personalize-monitor-action-requests');
    expect(ruleOf('UpdateTPSFunctionEBRule').note).toContain('default-bus requests are ignored unless acceptDefaultBusRequests is true');
    expect(ruleOf('DashboardManagementFunctionEBRule').replacedBy).toBe('personalize-monitor-dashboard-request');
    expect(ruleOf('MonitorFunctionScheduledEvent').replacedBy).toBe('personalize-monitor-monitor');
    expect(ruleOf('NotificationsRule').replacedBy).toBeUndefined();
    expect(ruleOf('NotificationsRule').note).toMatch(/^not needed/);
    expect(rules.find((r) => r.region === 'eu-west-1')!.removeWith).toBe(
      'aws events remove-targets --region eu-west-1 --rule PersonalizeMonitor-NotificationsRule --ids PersonalizeMonitorNotificationsId && aws events delete-rule --region eu-west-1 --name PersonalizeMonitor-NotificationsRule',
    );

    expect(by('topic').map((t) => [t.region, t.name, t.replacedBy])).toEqual([
      ['us-east-1', original.topics['us-east-1'], 'personalize-monitor-notifications'],
      ['eu-west-1', original.topics['eu-west-1'], 'personalize-monitor-notifications'],
    ]);

    // The original's alarms, each with the exact name of ours for the same resource.
    const alarms = Object.fromEntries(by('alarm').map((a) => [a.name, a]));
    const ours = (kind: 'Idle' | 'LowUtilization', arn: string, type: 'campaign' | 'recommender') => alarmName(kind, { arn, name: arn.split('/')[1], type }, PREFIX);
    expect(alarms['PersonalizeMonitor-IdleCampaign-shop'].replacedBy).toBe(ours('Idle', CAMPAIGN, 'campaign'));
    expect(alarms['PersonalizeMonitor-LowCampaignUtilization-shop'].replacedBy).toBe(ours('LowUtilization', CAMPAIGN, 'campaign'));
    expect(alarms['PersonalizeMonitor-IdleRecommender-home-feed']).toEqual(expect.objectContaining({ region: 'eu-west-1', replacedBy: ours('Idle', RECOMMENDER, 'recommender') }));
    expect(alarms['PersonalizeMonitor-LowRecommenderUtilization-home-feed'].replacedBy).toBe(ours('LowUtilization', RECOMMENDER, 'recommender'));
    expect(ours('Idle', CAMPAIGN, 'campaign')).toMatch(/^personalize-monitor-alarm-Idle-Campaign-shop-[0-9a-f]{8}$/);

    expect(by('dashboard')).toEqual([expect.objectContaining({ name: 'Amazon-Personalize-Monitor', region: 'global', replacedBy: 'personalize-monitor-dashboard' })]);

    // The text says the same, readably.
    expect(stdout).toContain('migrate --dry-run: read only, nothing was changed.');
    expect(stdout).toContain(`PersonalizeMonitor-IdleCampaign-shop\n      from: made at run time by the original's monitor (tag CreatedBy=PersonalizeMonitor)\n      → ${ours('Idle', CAMPAIGN, 'campaign')}: created by the MONITOR`);
    expect(stdout).toContain(`aws cloudwatch delete-alarms --region us-east-1 --alarm-names PersonalizeMonitor-IdleCampaign-shop PersonalizeMonitor-LowCampaignUtilization-shop`);
    expect(stdout).toContain('3. Remove the original\'s stack (this command does not): aws cloudformation delete-stack --region us-east-1 --stack-name serverlessrepo-Amazon-Personalize-Monitor');
    expect(stdout).toMatch(/Regions\s+us-east-1,eu-west-1\s+regions = us-east-1,eu-west-1\s+same/);
    expect(stdout).toMatch(/NotificationEndpoint\s+\(none\)\s+notificationEndpoint = ops@example.com\s+DIFFERS/);
  });

  it('never lists our own alarms and rules as the original\'s; a look-alike without the tag is listed with no replacement', async () => {
    // Named like our stack's rules but not one of them: not skipped as ours.
    account.events.putRule('us-east-1', { name: 'personalize-monitor-legacy-hook', eventPattern: { source: ['personalize.monitor'] } });
    const json = path.join(dir, 'out.json');
    expect((await run(['--dry-run', '--config', configFile, '--json', json])).code).toBe(0);
    const report = readJson(json);
    const names = report.items.map((i) => i.name);
    expect(names).not.toContain(`${PREFIX}Idle-Campaign-shop-47d8cf36`);
    expect(names).not.toContain('PersonalizeMonitor-IdleCampaign-adopted');
    expect(names).not.toContain('personalize-monitor-dashboard-request');
    expect(names.filter((n) => n.includes('personalize-monitor-notifications'))).toEqual([]);
    expect(report.skippedOwn).toEqual({ alarms: 1, rules: 1 });
    const handmade = report.items.find((i) => i.name === 'PersonalizeMonitor-handmade')!;
    expect(handmade.replacedBy).toBeUndefined();
    expect(handmade.removeWith).toBeUndefined();
    expect(handmade.origin).toContain('without the tag CreatedBy=PersonalizeMonitor');
    // A user's own consumer of the events is shown apart, untouched; unrelated rules and stacks are not shown.
    expect(report.relatedRules).toEqual([
      { region: 'us-east-1', name: 'personalize-monitor-legacy-hook' },
      { region: 'us-east-1', name: 'sale-prewarm-results' },
    ]);
    expect(names).not.toContain('unrelated');
    expect(names).not.toContain('shop-backend');
  });

  it('sends only List/Describe/Get operations, and the account is unchanged afterwards', async () => {
    const before = { alarms: account.cloudwatch.alarmList().length, stacks: account.cloudformation.stacks.size, rules: account.events.rules.size, topics: account.sns.topics.size, dashboards: account.cloudwatch.dashboardList().length };
    account.clearCalls();
    expect((await run(['--dry-run', '--config', configFile])).code).toBe(0);
    const calls = account.calls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.caller === CALLER && c.outcome === 'ok')).toBe(true);
    expect(calls.filter((c) => !isReadOperation(c.operation))).toEqual([]);
    expect([...new Set(calls.map((c) => c.operation))].sort()).toEqual([...READS].sort());
    expect(new Set(calls.map((c) => c.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect({ alarms: account.cloudwatch.alarmList().length, stacks: account.cloudformation.stacks.size, rules: account.events.rules.size, topics: account.sns.topics.size, dashboards: account.cloudwatch.dashboardList().length }).toEqual(before);
  });

  it('--regions limits the scan; a stack deployed from an edited template is found with --stack and its resources', async () => {
    const edited = new SimAccount({ seed: 4 });
    deployOriginal(edited, { region: 'eu-west-1', stackName: 'pm-legacy', fromSar: false });
    const stack = [...edited.cloudformation.stacks.values()][0];
    stack.description = 'our fork';
    stack.outputs = [];
    await server.close();
    server = await startSimServer(edited);
    process.env.AWS_ENDPOINT_URL = server.url;
    const json = path.join(dir, 'out.json');

    expect((await run(['--dry-run', '--config', configFile, '--regions', 'eu-west-1', '--json', json])).code).toBe(0);
    expect(readJson(json).stacks).toEqual([]);
    expect(new Set(edited.calls().map((c) => c.region))).toEqual(new Set(['eu-west-1', 'us-east-1'])); // dashboards are read once, from the home region

    const { code, stdout } = await run(['--dry-run', '--config', configFile, '--regions', 'eu-west-1', '--stack', 'pm-legacy', '--stack', 'gone', '--json', json]);
    expect(code).toBe(0);
    const report = readJson(json);
    expect(report.stacks.map((s) => [s.name, s.region, s.sarVersion])).toEqual([['pm-legacy', 'eu-west-1', undefined]]);
    expect(report.items.find((i) => i.kind === 'stack')!.origin).toBe('CloudFormation stack (SAM)');
    expect(report.stacksNotFound).toEqual(['gone']);
    expect(stdout).toContain('Stack gone (--stack) was not found in eu-west-1.');
  });

  it('a stack in a region your deployment does not monitor: found with --regions, its topic and alarms are not replaced', async () => {
    deployOriginal(account, { region: 'ap-southeast-2', stackName: 'personalize-monitor', fromSar: false, alarmedResources: ['arn:aws:personalize:ap-southeast-2:123456789012:campaign/au'], seed: 11 });
    const json = path.join(dir, 'out.json');
    expect((await run(['--dry-run', '--config', configFile, '--regions', 'ap-southeast-2', '--json', json])).code).toBe(0);
    const report = readJson(json);
    expect(report.stacks.map((s) => s.name)).toEqual(['personalize-monitor']);
    const inRegion = report.items.filter((i) => i.region === 'ap-southeast-2');
    expect(inRegion.find((i) => i.kind === 'topic')).toEqual(expect.objectContaining({ note: 'not replaced: region ap-southeast-2 is not in your regions' }));
    expect(inRegion.find((i) => i.kind === 'topic')!.replacedBy).toBeUndefined();
    const alarms = inRegion.filter((i) => i.kind === 'alarm');
    expect(alarms).toHaveLength(2);
    for (const a of alarms) expect(a).toEqual(expect.objectContaining({ note: 'not replaced: region ap-southeast-2 is not in your regions (us-east-1, eu-west-1)' }));
    // The SAM default stack name equals our default stackName: its rules are still the original's, not ours.
    expect(inRegion.filter((i) => i.kind === 'rule')).toHaveLength(7);
    expect(report.skippedOwn.rules).toBe(0);
  });

  it('a stack that only looks like the original (description) but lacks its resources is reported as not the original', async () => {
    account.cloudformation.createStack({ region: 'us-east-1', name: 'copycat', description: '(P9E-MONITOR) -Personalize monitoring tools', resources: [{ logicalId: 'MonitorFunction', physicalId: 'copycat-fn', type: 'AWS::Lambda::Function' }] });
    const json = path.join(dir, 'out.json');
    expect((await run(['--dry-run', '--config', configFile, '--json', json])).code).toBe(0);
    const report = readJson(json);
    expect(report.notTheOriginal).toEqual([{ name: 'copycat', region: 'us-east-1', reason: expect.stringContaining('has no DashboardManagementFunction (AWS::Lambda::Function), NotificationsTopic (AWS::SNS::Topic)') }]);
    expect(report.items.map((i) => i.name)).not.toContain('copycat-fn');
  });

  it('reports "no trace" when the original is not deployed', async () => {
    await server.close();
    server = await startSimServer(new SimAccount({ seed: 9 }));
    process.env.AWS_ENDPOINT_URL = server.url;
    const { code, stdout } = await run(['--dry-run', '--config', configFile]);
    expect(code).toBe(0);
    expect(stdout).toContain('No trace of the original Amazon Personalize Monitor in these regions');
    expect(stdout).not.toContain('Next steps');
  });
});

describe('migrate refuses what it must not do', () => {
  it('without --dry-run: exit 2, says how to remove the stack, and makes no call at all', async () => {
    account.clearCalls();
    const { code, stdout, stderr } = await run(['--config', configFile]);
    expect(code).toBe(2);
    expect(stderr).toBe(REFUSAL);
    expect(stderr).toMatch(/^migrate only lists; remove the original stack with `aws cloudformation delete-stack/);
    expect(stdout).toBe('');
    expect(account.calls()).toEqual([]);
  });

  it.each([
    [['--dry-run', '--delete'], 'unknown option "--delete"'],
    [['--dry-run', '--regions'], '--regions needs a value'],
    [['--dry-run', '--regions', 'moon-base'], '--regions: expected AWS regions such as us-east-1,eu-west-1, got "moon-base"'],
    [['--dry-run', '--json'], '--json needs a value'],
    [['--dry-run', '--json', '--regions', 'us-east-1'], '--json needs a value'],
    [['--dry-run=yes'], '--dry-run takes no value'],
    [['--dry-run', '--stack', 'no_underscores'], '--stack: "no_underscores" is not a stack name'],
    [['--dry-run', '--config', 'a', '--config', 'b'], '--config given twice'],
  ])('bad command line %j: usage, exit 2, no call', async (args, problem) => {
    account.clearCalls();
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`migrate: ${problem}`);
    expect(stderr).toContain(USAGE);
    expect(account.calls()).toEqual([]);
  });

  it('an invalid deploy config: exit 1 naming the field, no call', async () => {
    fs.writeFileSync(configFile, JSON.stringify({ stackName: 'x', idleThresholdHours: 500, notificationEndpoint: 'ops@example.com' }));
    account.clearCalls();
    const { code, stderr } = await run(['--dry-run', '--config', configFile]);
    expect(code).toBe(1);
    expect(stderr).toContain('idleThresholdHours: expected a whole number from 2 to 168');
    expect(account.calls()).toEqual([]);
  });
});

describe('migrate without the permissions or credentials it needs', () => {
  it('access denied on DescribeStacks: exit 1 naming cloudformation:DescribeStacks; the rest is still listed, marked incomplete', async () => {
    account.injectFault({ kind: 'accessDenied', service: 'cloudformation', operation: 'DescribeStacks', region: 'us-east-1' });
    const json = path.join(dir, 'out.json');
    const { code, stdout, stderr } = await run(['--dry-run', '--config', configFile, '--json', json]);
    expect(code).toBe(1);
    expect(stderr).toContain('migrate: access denied for cloudformation:DescribeStacks; the listing is incomplete');
    expect(stdout).toContain('INCOMPLETE: these reads were denied');
    expect(stdout).toContain('cloudformation:DescribeStacks in us-east-1 (AccessDenied:');
    const report = readJson(json);
    expect(report.problems).toEqual([{ region: 'us-east-1', permission: 'cloudformation:DescribeStacks', error: expect.stringMatching(/^AccessDenied: /) }]);
    expect(report.stacks).toEqual([]);
    expect(report.items.filter((i) => i.kind === 'alarm').length).toBe(5);
  });

  it('access denied by SNS (AuthorizationError) names sns:ListTopics', async () => {
    account.injectFault({ kind: 'accessDenied', service: 'sns', operation: 'ListTopics' });
    const { code, stderr } = await run(['--dry-run', '--config', configFile]);
    expect(code).toBe(1);
    expect(stderr).toContain('access denied for sns:ListTopics');
  });

  it('no credentials: exit 1 with a clear message, nothing listed', async () => {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) delete process.env[key];
    Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'), AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_EC2_METADATA_DISABLED: 'true' });
    const { code, stdout, stderr } = await run(['--dry-run', '--config', configFile]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^migrate: no usable AWS credentials \(CredentialsProviderError: .+\); set AWS_PROFILE or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY\n$/);
    expect(stdout).toBe('');
    expect(account.calls()).toEqual([]);
  });
});

describe('npm run migrate (the real entry point)', () => {
  const exec = promisify(execFile);
  const tsx = path.resolve(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const cli = path.resolve(__dirname, '..', 'migrate', 'cli.ts');

  it('exits 0 with the listing, and 2 without --dry-run', async () => {
    const env = { ...process.env, PM_CONFIG_FILE: configFile };
    const ok = await exec(tsx, [cli, '--dry-run'], { env });
    expect(ok.stdout).toContain('CloudWatch alarms (5)');
    account.clearCalls();
    const refused = await exec(tsx, [cli], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('migrate only lists; remove the original stack with');
    expect(account.calls()).toEqual([]);
  });
});
