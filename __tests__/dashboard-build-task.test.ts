import {
  CloudWatchClient,
  DashboardInvalidInputError,
  DashboardNotFoundError,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
} from '@aws-sdk/client-cloudwatch';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { resetCaches } from '../tasks/collect/discovery';
import { resourceItem, type StoredResource } from '../tasks/collect/state-store';
import { REGION_MARKER_SORT_KEY, statePartition } from '../core/contracts/state';
import type { MonitoredResource } from '../core/types';
import { createHandler } from '../tasks/build-dashboard/handler';
import { DashboardValidationError } from '../tasks/build-dashboard/errors';
import { spec } from '../tasks/build-dashboard/spec';
import { Logger } from '../tasks/shared/logger';
import { ConfigurationError } from '../tasks/shared/errors';
import type { DashboardBody, MetricWidget, TextWidget } from '../core/dashboard/types';
import { ACCOUNT, bodyProblems, fleetOf } from './dashboard-fixtures';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const REGION = 'us-east-1';
const SM = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:pm-monitor`;
const ENV = { PM_REGIONS: JSON.stringify([REGION]), PM_HOME_REGION: REGION, PM_STACK_NAME: 'pm', PM_MONITOR_STATE_MACHINE_ARN: SM, PM_ALARM_PREFIX: 'pm-alarm-', PM_STATE_TABLE: 'pm-state' };
const EVENT = { version: '0', 'detail-type': 'BuildPersonalizeMonitorDashboard', source: 'personalize.monitor', detail: { Reason: 'campaign deleted' } };

const cw = mockClient(CloudWatchClient);
const personalize = mockClient(PersonalizeClient);
const dynamodb = mockClient(DynamoDBClient);

/** An in-memory CloudWatch dashboard store behind the mocked client. */
let store: Map<string, string>;
function serveDashboards(): void {
  cw.on(GetDashboardCommand).callsFake(({ DashboardName }) => {
    const body = store.get(DashboardName);
    if (body === undefined) throw new DashboardNotFoundError({ message: `Dashboard ${DashboardName} does not exist`, $metadata: {} });
    return { DashboardName, DashboardBody: body };
  });
  cw.on(PutDashboardCommand).callsFake(({ DashboardName, DashboardBody }) => {
    store.set(DashboardName, DashboardBody);
    return { DashboardValidationMessages: [] };
  });
  cw.on(DeleteDashboardsCommand).callsFake(({ DashboardNames }) => {
    for (const n of DashboardNames) store.delete(n);
    return {};
  });
}

const dsgArn = `arn:aws:personalize:${REGION}:${ACCOUNT}:dataset-group/shop`;

/** The state table as collect leaves it for the fleet of `serveFleet` (one Query page, with the region's marker). */
function serveState(): void {
  const arn = (kind: string, name: string) => `arn:aws:personalize:${REGION}:${ACCOUNT}:${kind}/${name}`;
  const base = { region: REGION, partition: 'aws', accountId: ACCOUNT, createdAt: 0, lastUpdatedAt: 0, datasetGroupArn: dsgArn };
  const resources: MonitoredResource[] = [
    { ...base, arn: arn('campaign', 'ranker'), name: 'ranker', type: 'campaign', status: 'ACTIVE', minCapacity: 3, requestMetric: 'GetPersonalizedRanking' },
    { ...base, arn: arn('campaign', 'similar'), name: 'similar', type: 'campaign', status: 'ACTIVE', minCapacity: 3, requestMetric: 'GetRecommendations' },
    { ...base, arn: arn('campaign', 'old'), name: 'old', type: 'campaign', status: 'DELETE IN_PROGRESS', minCapacity: 3, requestMetric: 'GetRecommendations' },
    { ...base, arn: arn('recommender', 'top-picks'), name: 'top-picks', type: 'recommender', status: 'ACTIVE', minCapacity: 2, requestMetric: 'GetRecommendations' },
  ];
  const pk = statePartition(REGION);
  const items = resources.map((resource) => resourceItem(pk, resource.arn, { resource, listedLastUpdated: 0, listedStatus: resource.status, describedAt: NOW } satisfies StoredResource));
  dynamodb.on(QueryCommand).resolves({ Items: [{ pk: { S: pk }, sk: { S: REGION_MARKER_SORT_KEY }, collectedAt: { N: String(NOW) } }, ...items] });
}

function makeHandler(env: Record<string, string | undefined> = ENV) {
  return createHandler({
    cloudwatch: (region) => new CloudWatchClient({ region }),
    dynamodb: () => new DynamoDBClient({ region: REGION }),
    env: () => env,
    clock: () => NOW,
    logger: new Logger('build-dashboard-test', {}, 'ERROR', () => undefined),
  });
}

const parse = (name: string): DashboardBody => JSON.parse(store.get(name)!);

beforeEach(() => {
  cw.reset();
  personalize.reset();
  dynamodb.reset();
  resetCaches();
  store = new Map();
  serveDashboards();
});

describe('build-dashboard task', () => {
  it('on the BuildPersonalizeMonitorDashboard event reads the fleet from the state table (no Personalize call) and creates the dashboard', async () => {
    serveState();

    const out = await makeHandler()(EVENT);

    expect(out).toMatchObject({ reason: 'campaign deleted', resources: 3, deleted: [], problems: [], dashboards: [{ name: 'pm-dashboard', status: 'created' }] });
    expect(dynamodb).toHaveReceivedCommandWith(QueryCommand, { TableName: 'pm-state', ExpressionAttributeValues: { ':pk': { S: statePartition(REGION) } } });
    expect(personalize.calls()).toHaveLength(0);
    expect(bodyProblems(store.get('pm-dashboard')!)).toEqual([]);
    const latency = parse('pm-dashboard').widgets.find((w): w is MetricWidget => w.type === 'metric' && w.properties.title.startsWith('Latency'))!;
    // aws-personalized-ranking-v2 → GetPersonalizedRanking; the campaign being deleted is not drawn.
    expect(latency.properties.metrics.map((m) => [m[1], m[3]])).toEqual([
      ['GetPersonalizedRankingLatency', `arn:aws:personalize:${REGION}:${ACCOUNT}:campaign/ranker`],
      ['GetRecommendationsLatency', `arn:aws:personalize:${REGION}:${ACCOUNT}:campaign/similar`],
      ['GetRecommendationsLatency', `arn:aws:personalize:${REGION}:${ACCOUNT}:recommender/top-picks`],
    ]);
  });

  it('names a region without state yet and draws the rest', async () => {
    const env = { ...ENV, PM_REGIONS: JSON.stringify([REGION, 'eu-west-1']) };
    serveState();
    dynamodb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: statePartition('eu-west-1') } } }).resolves({ Items: [] });

    const out = await makeHandler(env)(EVENT);

    expect(out.resources).toBe(3);
    expect(out.problems).toEqual([{ target: 'region:eu-west-1', error: 'no state for eu-west-1 yet: the MONITOR has not collected it' }]);
    expect(out.dashboards[0].status).toBe('created');
  });

  it('a rebuild with no change makes no PutDashboard call', async () => {
    serveState();
    const handler = makeHandler();
    await handler(EVENT);
    cw.resetHistory();

    const out = await handler(EVENT);

    expect(out.dashboards).toEqual([expect.objectContaining({ name: 'pm-dashboard', status: 'unchanged' })]);
    expect(cw).toHaveReceivedCommandTimes(PutDashboardCommand, 0);
    expect(cw).toHaveReceivedCommandTimes(DeleteDashboardsCommand, 0);
  });

  it('treats a stored body with other key order or whitespace as unchanged', async () => {
    const fleet = fleetOf(3);
    await makeHandler()({ fleet });
    const stored = JSON.parse(store.get('pm-dashboard')!);
    store.set('pm-dashboard', JSON.stringify({ widgets: stored.widgets, start: stored.start }, null, 2));
    cw.resetHistory();

    await makeHandler()({ fleet });

    expect(cw).toHaveReceivedCommandTimes(PutDashboardCommand, 0);
  });

  it('updates only when the fleet changed', async () => {
    await makeHandler()({ fleet: fleetOf(3) });
    cw.resetHistory();

    const out = await makeHandler()({ fleet: fleetOf(4) });

    expect(out.dashboards[0].status).toBe('updated');
    expect(cw).toHaveReceivedCommandTimes(PutDashboardCommand, 1);
  });

  it('deletes numbered dashboards a shrunken fleet no longer needs', async () => {
    const first = await makeHandler()({ fleet: fleetOf(1000) });
    expect(first.dashboards.map((d) => d.name)).toEqual(['pm-dashboard', 'pm-dashboard-2', 'pm-dashboard-3']);
    expect([...store.keys()].sort()).toEqual(['pm-dashboard', 'pm-dashboard-2', 'pm-dashboard-3']);

    const out = await makeHandler()({ fleet: fleetOf(20) });

    expect(out.deleted).toEqual(['pm-dashboard-2', 'pm-dashboard-3']);
    expect(cw).toHaveReceivedCommandWith(DeleteDashboardsCommand, { DashboardNames: ['pm-dashboard-2', 'pm-dashboard-3'] });
    expect([...store.keys()]).toEqual(['pm-dashboard']);
    // The index no longer links to the deleted dashboards.
    const index = parse('pm-dashboard').widgets.filter((w): w is TextWidget => w.type === 'text').map((w) => w.properties.markdown).join('\n');
    expect(index).not.toContain('pm-dashboard-2');
  });

  it('turns PutDashboard validation messages into an error naming the dashboard', async () => {
    cw.on(PutDashboardCommand).resolves({ DashboardValidationMessages: [{ DataPath: '/widgets/3/properties/metrics', Message: 'Should NOT have more than 500 items' }] });

    const attempt = makeHandler()({ fleet: fleetOf(2) });

    await expect(attempt).rejects.toBeInstanceOf(DashboardValidationError);
    await expect(makeHandler()({ fleet: fleetOf(2) })).rejects.toThrow(/dashboard pm-dashboard at \/widgets\/3\/properties\/metrics: Should NOT have more than 500 items/);
  });

  it('reports a rejected body (DashboardInvalidInputError) with its messages', async () => {
    cw.on(PutDashboardCommand).rejects(
      new DashboardInvalidInputError({ message: 'The input for the dashboard is invalid', $metadata: {}, dashboardValidationMessages: [{ DataPath: '/widgets/0', Message: 'bad region' }] }),
    );

    await expect(makeHandler()({ fleet: fleetOf(1) })).rejects.toThrow(/PutDashboard reported 1 validation message\(s\): dashboard pm-dashboard at \/widgets\/0: bad region/);
  });

  it('from the MONITOR: uses the given fleet without calling Personalize; whatever else a trigger passes, the body is the same', async () => {
    const fleet = fleetOf(2);
    const out = await makeHandler()({ run: { now: '2026-03-01T11:55:00.000Z', regions: [REGION] }, fleet });
    expect(out.reason).toBe('monitor run');
    expect(personalize.calls()).toHaveLength(0);
    const first = store.get('pm-dashboard');
    // An older MONITOR definition still sending its region results and findings draws the same body.
    await makeHandler()({ run: { now: '2026-03-01T12:55:00.000Z', regions: [REGION] }, fleet, regionResults: [{ region: REGION, ok: false }], findings: [] });
    expect(store.get('pm-dashboard')).toBe(first);
    const logs = parse('pm-dashboard').widgets.filter((w) => w.type === 'log');
    expect(logs).toHaveLength(5);
  });

  it('shows the own alarms named by PM_STACK_ALARMS, by ARN in the home region of its own account', async () => {
    const env = { ...ENV, PM_STACK_ALARMS: JSON.stringify(['pm-alarm-Monitor-RunsFailed', 'pm-alarm-Monitor-NotRunning']) };
    await makeHandler(env)({ fleet: fleetOf(1) }, { invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:pm-build-dashboard` });
    const alarm = parse('pm-dashboard').widgets.find((w) => w.type === 'alarm') as { properties: { alarms: string[] } };
    expect(alarm.properties.alarms).toEqual([`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:pm-alarm-Monitor-RunsFailed`, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:pm-alarm-Monitor-NotRunning`]);
    await expect(makeHandler({ ...ENV, PM_STACK_ALARMS: 'RunsFailed' })({})).rejects.toThrow(/PM_STACK_ALARMS must be a JSON array of alarm names, got RunsFailed/);
  });

  it('keeps the previous dashboard when the state cannot be read', async () => {
    dynamodb.on(QueryCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(makeHandler()(EVENT)).rejects.toThrow(/denied/);
    expect(cw).toHaveReceivedCommandTimes(PutDashboardCommand, 0);
  });

  it('derives the MONITOR ARN from its own function ARN when the environment does not give it', async () => {
    const env = { ...ENV, PM_MONITOR_STATE_MACHINE_ARN: undefined };

    await makeHandler(env)({ fleet: fleetOf(1) }, { invokedFunctionArn: `arn:aws-us-gov:lambda:${REGION}:${ACCOUNT}:function:pm-build-dashboard` });

    const runs = parse('pm-dashboard').widgets.find((w): w is MetricWidget => w.type === 'metric' && w.properties.title === 'Monitor runs')!;
    expect(runs.properties.metrics[0][3]).toBe(`arn:aws-us-gov:states:${REGION}:${ACCOUNT}:stateMachine:pm-monitor`);
  });

  it('names a missing or malformed environment variable', async () => {
    await expect(makeHandler({ ...ENV, PM_STACK_NAME: undefined })({})).rejects.toThrow(new ConfigurationError('environment variable PM_STACK_NAME is not set'));
    await expect(makeHandler({ ...ENV, PM_REGIONS: 'us-east-1' })({})).rejects.toThrow(/PM_REGIONS must be a JSON array/);
  });

  it('names a bad PM_ALARM_PREFIX or PM_DRY_RUN', async () => {
    await expect(makeHandler({ ...ENV, PM_ALARM_PREFIX: undefined })({})).rejects.toThrow(new ConfigurationError('environment variable PM_ALARM_PREFIX is not set'));
    await expect(makeHandler({ ...ENV, PM_ALARM_PREFIX: 'PersonalizeMonitor-' })({})).rejects.toThrow(/PM_ALARM_PREFIX \(deploy config alarmPrefix\): .*original sample/);
    await expect(makeHandler({ ...ENV, PM_DRY_RUN: 'yes' })({})).rejects.toThrow(/PM_DRY_RUN \(deploy config dryRun\) must be "true" or "false"/);
  });

  it('links the alarms console to our prefix only', async () => {
    await makeHandler()({ fleet: fleetOf(2) });
    const text = parse('pm-dashboard').widgets.filter((w): w is TextWidget => w.type === 'text').map((w) => w.properties.markdown).join('\n');
    expect(text).toContain("#alarmsV2:?~(search~'pm-alarm-')");
    expect(text).not.toContain('PersonalizeMonitor-');
  });

  it('dry-run deploy (PM_DRY_RUN=true): reads, writes no dashboard, reports what it would create, update and delete', async () => {
    const real = makeHandler();
    await real({ fleet: fleetOf(1000) });
    const pages = [...store.keys()].sort();
    expect(pages.length).toBeGreaterThan(1);
    const before = new Map(store);
    cw.resetHistory();

    const out = await makeHandler({ ...ENV, PM_DRY_RUN: 'true' })({ reason: 'hourly rebuild', fleet: fleetOf(3) });

    expect(out).toMatchObject({ dryRun: true, deleted: [], wouldDelete: pages.filter((n) => n !== 'pm-dashboard') });
    expect(out.dashboards).toEqual([expect.objectContaining({ name: 'pm-dashboard', status: 'wouldUpdate' })]);
    expect(cw).toHaveReceivedCommandTimes(PutDashboardCommand, 0);
    expect(cw).toHaveReceivedCommandTimes(DeleteDashboardsCommand, 0);
    expect(store).toEqual(before);

    store.clear();
    const fresh = await makeHandler({ ...ENV, PM_DRY_RUN: 'true' })({ fleet: fleetOf(1) });
    expect(fresh.dashboards).toEqual([expect.objectContaining({ status: 'wouldCreate' })]);
    expect(store.size).toBe(0);
  });

  it("a MONITOR run's dry run adds one; a run's dryRun false cannot lift the deploy's", async () => {
    const out = await makeHandler()({ run: { now: new Date(NOW).toISOString(), dryRun: true }, fleet: fleetOf(1) });
    expect(out.dryRun).toBe(true);
    expect(store.size).toBe(0);
    const lifted = await makeHandler({ ...ENV, PM_DRY_RUN: 'true' })({ run: { now: new Date(NOW).toISOString(), dryRun: false }, fleet: fleetOf(1) });
    expect(lifted).toMatchObject({ dryRun: true, dashboards: [{ status: 'wouldCreate' }] });
    expect(store.size).toBe(0);
    const real = await makeHandler()({ run: { now: new Date(NOW).toISOString(), dryRun: false }, fleet: fleetOf(1) });
    expect(real).toMatchObject({ dryRun: false, dashboards: [{ status: 'created' }] });
  });

  it('rejects malformed input naming the field', async () => {
    await expect(makeHandler()({ fleet: [{ arn: 'nope' }] })).rejects.toThrow(/invalid build-dashboard input: fleet\.0\.arn/);
  });
});

describe('build-dashboard permissions', () => {
  const ctx = { partition: 'aws-cn', accountId: ACCOUNT, homeRegion: 'cn-north-1', regions: ['cn-north-1', 'cn-northwest-1'], stackName: 'pm' };
  const statements = spec.permissions(ctx);

  it('writes only the stack\'s own dashboards (global ARN: no region), in the deployment\'s partition', () => {
    const dash = statements.find((s) => s.actions.includes('cloudwatch:PutDashboard'))!;
    expect(dash.actions.sort()).toEqual(['cloudwatch:DeleteDashboards', 'cloudwatch:GetDashboard', 'cloudwatch:PutDashboard']);
    expect(dash.resources).toEqual([`arn:aws-cn:cloudwatch::${ACCOUNT}:dashboard/pm-dashboard*`]);
  });

  it('has no wildcard action; a wildcard resource only where the API has no resource type, with a reason', () => {
    for (const s of statements) {
      for (const a of s.actions) expect(a).toMatch(/^[a-z]+:[A-Za-z]+$/);
      if (s.resources.includes('*')) {
        expect(s.why).toBeTruthy();
        expect(s.actions.every((a) => /:List/.test(a))).toBe(true);
      }
    }
    expect(statements.flatMap((s) => s.actions).filter((a) => a.startsWith('personalize:'))).toEqual([]);
    const state = statements.find((s) => s.actions.includes('dynamodb:Query'))!;
    expect(state.actions).toEqual(['dynamodb:Query']);
    expect(state.resources).toEqual([`arn:aws-cn:dynamodb:cn-north-1:${ACCOUNT}:table/pm-state`]);
  });
});
