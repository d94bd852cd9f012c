/**
 * Alarm ownership, EXECUTED end to end: the synthesized stack run by the local runner with the
 * real Lambda bundles against the simulated account. The original sample's alarms
 * (`PersonalizeMonitor-…`, tag CreatedBy=PersonalizeMonitor) and alarms with our prefix but
 * without our owner tag survive a MONITOR run, an ACTION that deletes the resource they watch,
 * and `npm run cleanup`; ours are created, and deleted with their resource, as before.
 */
import { isStackAlarmName } from '../core/contracts/ownership';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { deployConfigSchema, type DeployConfig } from '../config/schema';
import { alarmName } from '../core/alarms';
import { checkAlarmPrefix, isOwnedAlarm, MAX_ALARM_PREFIX_LENGTH, ORIGINAL_ALARM_PREFIX, ORIGINAL_CREATED_BY_TAG, OWNER_TAG_KEY } from '../core/contracts/ownership';
import { loadDeployConfig } from '../config/load';
import { ownershipFromEnv } from '../tasks/collect/input';
import { taskEnv } from '../tasks/shared/task-env';
import { DAY_MS, HOUR_MS, SimAccount, simClientConfig, traffic } from '../sim';
import { demoConfig, REPO_ROOT, Session, synthStack, TICK_MS } from '../demo/session';
import { cleanup } from '../scripts/cleanup';
import { isReadOperation } from '../tasks/aws/read-only';

const REGION = 'us-east-1';
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'alarm-ownership-stack');
const AGE_MS = 30 * DAY_MS;
/** Idle campaigns are deleted without approval: the ACTION's finish step removes their alarms. */
const RAW_CONFIG = demoConfig({ regions: [REGION], autoDeleteOrStopIdleResources: true, idleActionMode: 'auto', capacityActionMode: 'report' });
const CONFIG: DeployConfig = deployConfigSchema.parse(RAW_CONFIG);
const PREFIX = CONFIG.alarmPrefix;

const ORIGINAL = 'PersonalizeMonitor-IdleCampaign-forgotten';
const UNTAGGED = `${PREFIX}Idle-Campaign-forgotten-hand-made`;

let stackFile: string;
beforeAll(() => {
  stackFile = synthStack(RAW_CONFIG, STACK_DIR);
}, 180_000);

/** A metric alarm on a campaign, put straight into the simulated account (as another tool would). */
function plantAlarm(account: SimAccount, name: string, campaignArn: string, tags: { Key: string; Value: string }[]): void {
  account.cloudwatch.putMetricAlarm(REGION, account.clock.now(), {
    AlarmName: name,
    Namespace: 'AWS/Personalize',
    MetricName: 'GetRecommendations',
    Dimensions: [{ Name: 'CampaignArn', Value: campaignArn }],
    Statistic: 'Sum',
    Period: 3600,
    EvaluationPeriods: 24,
    Threshold: 0,
    ComparisonOperator: 'LessThanOrEqualToThreshold',
    Tags: tags,
  });
}

async function start(): Promise<{ s: Session; idle: string; busy: string }> {
  const account = new SimAccount({ seed: 3 });
  const createdAt = account.clock.now() - AGE_MS;
  const idle = account.personalize.createCampaign({ region: REGION, name: 'forgotten', minProvisionedTPS: 1, createdAt, traffic: traffic.idle() });
  const busy = account.personalize.createCampaign({ region: REGION, name: 'busy', minProvisionedTPS: 1, createdAt, traffic: traffic.constant(1) });
  plantAlarm(account, ORIGINAL, idle, [{ ...ORIGINAL_CREATED_BY_TAG }]);
  plantAlarm(account, UNTAGGED, idle, []);
  const s = await Session.start({ account, stackFile, runner: { extraEnv: { LOG_LEVEL: 'OFF' } } });
  return { s, idle, busy };
}

const alarmNames = (s: Session) => s.account.cloudwatch.alarmList(REGION).map((a) => a.name).sort();

describe('alarm ownership on the simulated account', () => {
  it('the synthesized stack grants alarm writes and SNS publishing only under our prefix, never PersonalizeMonitor-', () => {
    const tf = fs.readFileSync(stackFile, 'utf8');
    // collect's and action-finish's policies, the SNS topic policy's aws:SourceArn; data-feed's
    // ingestion alarms only, under the same prefix.
    expect(new Set(tf.match(/alarm:[A-Za-z0-9._-]*\*/g))).toEqual(new Set([`alarm:${PREFIX}*`, `alarm:${PREFIX}IngestionStopped-*`]));
    expect(tf).not.toContain(`alarm:${ORIGINAL_ALARM_PREFIX}`);
    // The tasks that name, list or delete alarms get the prefix in their environment.
    expect(tf.match(/"PM_ALARM_PREFIX": "([^"]*)"/g)).toEqual([`"PM_ALARM_PREFIX": "${PREFIX}"`, `"PM_ALARM_PREFIX": "${PREFIX}"`, `"PM_ALARM_PREFIX": "${PREFIX}"`, `"PM_ALARM_PREFIX": "${PREFIX}"`]);
  });

  it('MONITOR run, ACTION deleting the watched campaign, then cleanup: only our alarms are created and removed', async () => {
    const { s, idle, busy } = await start();
    try {
      // One MONITOR run: our alarms for both campaigns, with our owner tag; the others untouched.
      await s.runUntil(s.now() + TICK_MS);
      const ours = (kind: string, name: string) => alarmNames(s).find((n) => n.startsWith(`${PREFIX}${kind}-Campaign-${name}-`) && n !== UNTAGGED);
      expect(ours('Idle', 'forgotten')).toBeDefined();
      expect(ours('LowUtilization', 'busy')).toBeDefined();
      const idleAlarm = s.account.cloudwatch.alarmList(REGION).find((a) => a.name === ours('Idle', 'forgotten'))!;
      expect(s.account.cloudwatch.tagsOf(idleAlarm.arn)).toMatchObject({ [OWNER_TAG_KEY]: CONFIG.stackName });
      expect(alarmNames(s)).toEqual(expect.arrayContaining([ORIGINAL, UNTAGGED]));

      // Within the hour the idle campaign's decision comes round; the ACTION deletes it and its alarms.
      await s.runUntil(s.now() + 2 * HOUR_MS);
      expect(s.account.calls({ service: 'personalize', operation: 'DeleteCampaign' })).toHaveLength(1);
      expect(s.account.personalize.snapshot(idle)).toBeUndefined();
      const action = s.runner.executions.find((e) => e.machine.type === 'STANDARD');
      expect(action?.status).toBe('SUCCEEDED');
      // Its finish step saw the hand-made alarm on the campaign and left it (ours went with the
      // campaign: the MONITOR's reconcile or this step, whichever came first).
      expect((action?.output as { finish: { reason: string; problems: string[] } }).finish).toMatchObject({
        reason: expect.stringContaining('1 alarm(s) with our prefix but not our owner tag left in place'),
        problems: [],
      });
      const after = alarmNames(s);
      expect(after.filter((n) => n.startsWith(PREFIX) && n.includes('-Campaign-forgotten-') && n !== UNTAGGED)).toEqual([]);
      expect(after).toEqual(expect.arrayContaining([ORIGINAL, UNTAGGED]));
      expect(after.filter((n) => n.includes('-Campaign-busy-'))).toHaveLength(2);
      expect(s.account.calls({ service: 'cloudwatch', operation: 'DeleteAlarms' }).length).toBeGreaterThan(0);
      // The busy campaign is still monitored.
      expect(s.account.personalize.snapshot(busy)?.status).toBe('ACTIVE');

      // cleanup: our (busy) alarms go, the original's and the untagged one stay.
      const clients = new Map<string, CloudWatchClient>();
      const client = (region: string) => clients.get(region) ?? clients.set(region, new CloudWatchClient(simClientConfig(s.server.url, region, { maxAttempts: 1 }))).get(region)!;
      try {
        const dry = await cleanup(CONFIG, client, true);
        expect(dry).toMatchObject({ dryRun: true, alarmsDeleted: { [REGION]: 2 }, alarmsKept: { [REGION]: [UNTAGGED] } });
        expect(alarmNames(s)).toHaveLength(after.length);
        const report = await cleanup(CONFIG, client, false);
        expect(report).toMatchObject({ dryRun: false, alarmsDeleted: { [REGION]: 2 }, alarmsKept: { [REGION]: [UNTAGGED] } });
        // The monitor's own alarms are Terraform's (terraform destroy removes them): run-time clean-up leaves them.
        const own = alarmNames(s).filter((n) => isStackAlarmName(n, PREFIX));
        expect(own).toHaveLength(6);
        expect(alarmNames(s).filter((n) => !own.includes(n))).toEqual([ORIGINAL, UNTAGGED].sort());
      } finally {
        for (const c of clients.values()) c.destroy();
      }
    } finally {
      await s.close();
    }
  }, 180_000);

  it('a per-run dry run on a real deploy (MONITOR input { dryRun: true }) writes nothing but the finding emails', async () => {
    const { s } = await start();
    try {
      const before = alarmNames(s);
      const seq = s.account.calls().length;
      const run = await s.runner.runExecution('monitor', { dryRun: true });
      expect(run.status).toBe('SUCCEEDED');
      const writes = s.account.calls().filter((c) => c.seq > seq && !isReadOperation(c.operation));
      // The start of this very execution is the runner's (as a person's StartExecution would be).
      // The monitor's own state table is written in a dry run too (its cache, nothing of the user's).
      const ownState = (c: { service: string; operation: string }) => c.service === 'dynamodb' && (c.operation === 'Query' || c.operation === 'BatchWriteItem');
      expect(writes.filter((c) => !(c.service === 'sns' && c.operation === 'Publish') && !(c.service === 'sfn' && c.operation === 'StartExecution' && c.seq === seq + 1) && !ownState(c))).toEqual([]);
      expect(alarmNames(s)).toEqual(before);
      expect(s.account.cloudwatch.dashboardList()).toEqual([]);
      expect(run.output).toMatchObject({ dryRun: true, metricsWritten: 0, wouldWrite: { alarms: { created: 4 }, dashboard: true } });
    } finally {
      await s.close();
    }
  }, 120_000);
});

describe('alarmPrefix in the deploy config', () => {
  const load = (env: Record<string, string>) => loadDeployConfig({ file: path.join(REPO_ROOT, 'personalize-monitor.config.example.json'), env });

  it('defaults to <stackName>-alarm-, and follows the stack name', () => {
    expect(load({}).alarmPrefix).toBe('personalize-monitor-alarm-');
    expect(deployConfigSchema.parse({ ...RAW_CONFIG, stackName: 'team-a', alarmPrefix: undefined }).alarmPrefix).toBe('team-a-alarm-');
  });

  it('takes a configured prefix (file or PM_ALARM_PREFIX)', () => {
    expect(load({ PM_ALARM_PREFIX: 'team-a.alarms_' }).alarmPrefix).toBe('team-a.alarms_');
  });

  it.each([
    ['PersonalizeMonitor-', /alarmPrefix: .*original sample's alarms/],
    ['PersonalizeMonitor-mine-', /alarmPrefix: .*original sample's alarms/],
    ['Personalize', /alarmPrefix: .*original sample's alarms/],
    ['has space-', /alarmPrefix: expected only letters, digits/],
    ['wild*', /alarmPrefix: expected only letters, digits/],
    ['x'.repeat(MAX_ALARM_PREFIX_LENGTH + 1), /alarmPrefix: expected 1 to 100 characters/],
  ])('rejects %j naming the key and its source', (value, message) => {
    expect(() => load({ PM_ALARM_PREFIX: value })).toThrow(message);
    expect(() => load({ PM_ALARM_PREFIX: value })).toThrow(/PM_ALARM_PREFIX/);
  });

  it('every prefix the schema accepts keeps every generated alarm name within 255 with the full resource name', () => {
    const prefix = 'p'.repeat(MAX_ALARM_PREFIX_LENGTH);
    expect(checkAlarmPrefix(prefix)).toBeUndefined();
    for (const type of ['campaign', 'recommender'] as const) {
      for (const kind of ['LowUtilization', 'Idle'] as const) {
        const name = alarmName(kind, { arn: `arn:aws:personalize:us-east-1:123456789012:${type}/x`, name: 'n'.repeat(63), type }, prefix);
        expect(name.length).toBeLessThanOrEqual(255);
        expect(name).toContain('n'.repeat(63));
      }
    }
  });

  it('ownership: our prefix AND our owner tag with our stack name; never an original-prefixed name', () => {
    const own = { prefix: 'pm-alarm-', stackName: 'pm' };
    const tag = [{ Key: OWNER_TAG_KEY, Value: 'pm' }];
    expect(isOwnedAlarm('pm-alarm-Idle-x', tag, own)).toBe(true);
    expect(isOwnedAlarm('pm-alarm-Idle-x', [], own)).toBe(false);
    expect(isOwnedAlarm('pm-alarm-Idle-x', [{ Key: OWNER_TAG_KEY, Value: 'other' }], own)).toBe(false);
    expect(isOwnedAlarm('other-Idle-x', tag, own)).toBe(false);
    expect(isOwnedAlarm(`${ORIGINAL_ALARM_PREFIX}Idle-x`, [...tag, { ...ORIGINAL_CREATED_BY_TAG }], { ...own, prefix: 'P' })).toBe(false);
  });

  it('tasks read the prefix from PM_ALARM_PREFIX and name the variable when it is bad', () => {
    const spec = { name: 'collect', environment: ['PM_ALARM_PREFIX', 'PM_STACK_NAME'] as const };
    expect(ownershipFromEnv(taskEnv(spec, { PM_ALARM_PREFIX: 'pm-alarm-', PM_STACK_NAME: 'pm' }))).toEqual({ prefix: 'pm-alarm-', stackName: 'pm' });
    expect(() => ownershipFromEnv(taskEnv(spec, { PM_STACK_NAME: 'pm' }))).toThrow('environment variable PM_ALARM_PREFIX is not set');
    expect(() => ownershipFromEnv(taskEnv(spec, { PM_ALARM_PREFIX: 'PersonalizeMonitor-', PM_STACK_NAME: 'pm' }))).toThrow(/PM_ALARM_PREFIX \(deploy config alarmPrefix\)/);
  });
});
