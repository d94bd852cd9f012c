/**
 * checkRegionDataFeed (tasks/data-feed) against the simulated account with real SDK clients:
 * a healthy and a broken dataset group, checked every 5 simulated minutes so that each group's
 * hourly slot comes round. Each broken condition is reported once (email + event), the healthy
 * group never; a fix is reported once as "recovered"; a dry run sends and writes nothing; a
 * throttled read recovers nothing; a failed delivery is retried on the group's next check;
 * listings page; the ingestion alarm is the task's own and collect's alarms are left alone.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_BEHAVIOUR, type Behaviour } from '../config/schema';
import { alarmSpecs } from '../core/alarms';
import { DATA_FEED_DETAIL_TYPES, type DataFeedEventDetail, type DataFeedFinding } from '../core/contracts/data-feed';
import { ownerTag } from '../core/contracts/ownership';
import type { RunContext } from '../core/contracts/run';
import { isDecisionSlot } from '../core/time';
import type { MonitoredResource } from '../core/types';
import { reconcileAlarms } from '../tasks/collect/alarm-reconciler';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { checkRegionDataFeed, type DataFeedDeps, type DataFeedResult } from '../tasks/data-feed/data-feed';
import { memoryOpenFindings } from '../tasks/data-feed/open-findings';
import { Logger } from '../tasks/shared/logger';
import { DAY_MS, HOUR_MS, MINUTE_MS, SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';
import { OWNERSHIP } from './support/collect-fixtures';
import { dataFeedFleet, type DataFeedFleet } from './support/data-feed-fleet';

const REGION = 'us-east-1';
const SLOT_MS = 5 * MINUTE_MS;
const DATA_FEED_TYPES = new Set(Object.values(DATA_FEED_DETAIL_TYPES));
const INGESTION_ALARM_PREFIX = `${OWNERSHIP.prefix}IngestionStopped-`;

let account: SimAccount;
let server: SimServer;
let clients: { personalize: PersonalizeClient; cloudwatch: CloudWatchClient; sns: SNSClient; events: EventBridgeClient };
let store: ReturnType<typeof memoryOpenFindings>;
let notifyTopic: string;
let alarmTopic: string;
let logLines: Record<string, unknown>[];

beforeEach(async () => {
  account = new SimAccount({ seed: 21 });
  server = await startSimServer(account);
  // No SDK retries: an injected fault is seen as the failure it stands for (retries exhausted).
  const cfg = simClientConfig(server.url, REGION, { maxAttempts: 1, caller: 'data-feed' });
  clients = { personalize: new PersonalizeClient(cfg), cloudwatch: new CloudWatchClient(cfg), sns: new SNSClient(cfg), events: new EventBridgeClient(cfg) };
  notifyTopic = account.sns.createTopic(REGION, 'personalize-monitor-notifications');
  alarmTopic = account.sns.createTopic(REGION, 'personalize-monitor-alarms');
  store = memoryOpenFindings();
  logLines = [];
  // Runs at 2 minutes into each 5-minute slot.
  account.clock.advance(2 * MINUTE_MS);
});
afterEach(async () => {
  for (const c of Object.values(clients)) c.destroy();
  await server.close();
});

function deps(over: Partial<DataFeedDeps> = {}): DataFeedDeps {
  return {
    ...clients,
    logger: new Logger('data-feed', {}, 'INFO', (line) => logLines.push(JSON.parse(line))),
    store,
    notifyTopicArn: notifyTopic,
    alarmTopicArn: alarmTopic,
    ownership: OWNERSHIP,
    ...over,
  };
}

function runAt(now: number, over: Partial<Behaviour> = {}): RunContext {
  const behaviour = { ...DEFAULT_BEHAVIOUR, regions: [REGION], ...over } as Behaviour;
  return { ...behaviour, now: new Date(now).toISOString(), executionName: `monitor-${now}` };
}

interface Run {
  now: number;
  result: DataFeedResult;
}

/** Twelve runs, one per 5-minute slot: every dataset group's slot once. The clock ends an hour later. */
async function runHour(over: Partial<Behaviour> = {}, d: DataFeedDeps = deps()): Promise<Run[]> {
  const runs: Run[] = [];
  for (let i = 0; i < 12; i++) {
    const now = account.clock.now();
    runs.push({ now, result: await checkRegionDataFeed({ region: REGION, run: runAt(now, over) }, d) });
    account.clock.advance(SLOT_MS);
  }
  return runs;
}

const sum = (runs: Run[], f: (r: DataFeedResult) => number) => runs.reduce((s, r) => s + f(r.result), 0);
const problemsOf = (runs: Run[]) => runs.flatMap((r) => r.result.problems);
const mails = () => account.sns.messages(notifyTopic);
const feedEvents = () => account.events.list({ source: 'personalize.monitor' }).filter((e) => DATA_FEED_TYPES.has(e.detailType));
const detailOf = (e: { detail: unknown }) => (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail) as DataFeedEventDetail;
const eventKeys = (status: 'open' | 'recovered') =>
  feedEvents()
    .filter((e) => detailOf(e).Status === status)
    .map((e) => `${e.detailType}|${detailOf(e).Check}|${detailOf(e).ARN}`)
    .sort();

/** A healthy and a broken dataset group, as of the clock now (t0). */
const fleet = (): DataFeedFleet => dataFeedFleet(account, REGION);

const BROKEN_KEYS = (f: DataFeedFleet) =>
  [
    `PersonalizeCampaignOnOldModel|campaignOnOldModel|${f.broken.campaign}`,
    `PersonalizeEventIngestionStopped|ingestionStopped|${f.broken.tracker}`,
    `PersonalizeImportFailed|importFailed|${f.broken.dataset}`,
    `PersonalizeTrainingFailed|trainingFailed|${f.broken.solution}`,
  ].sort();

describe('checkRegionDataFeed against the simulator', () => {
  it('reports each broken condition once (one email, one event), nothing for the healthy group, and nothing again the next hour', async () => {
    const f = fleet();

    const first = await runHour();

    expect(problemsOf(first)).toEqual([]);
    expect(first.map((r) => r.result.datasetGroups)).toEqual(Array(12).fill(2));
    expect(sum(first, (r) => r.checked)).toBe(2);
    expect(sum(first, (r) => r.opened)).toBe(4);
    expect(sum(first, (r) => r.notified)).toBe(4);
    expect(eventKeys('open')).toEqual(BROKEN_KEYS(f));
    expect(feedEvents()).toHaveLength(4);
    for (const e of feedEvents()) expect(detailOf(e)).toMatchObject({ Status: 'open', DatasetGroupArn: f.broken.group, Region: REGION, OpenedAt: expect.stringMatching(/^2025-06-02T00:\d\d:00Z$/) });
    expect(mails().map((m) => m.subject).sort()).toEqual(
      [
        '[Personalize Monitor] Campaign serves an old model: broken-camp (broken-dg) in us-east-1',
        '[Personalize Monitor] Event ingestion stopped: broken-tracker (broken-dg) in us-east-1',
        '[Personalize Monitor] Import failed: broken-dg-interactions (broken-dg) in us-east-1',
        '[Personalize Monitor] Training failed: broken-sol (broken-dg) in us-east-1',
      ].sort(),
    );
    expect(mails().find((m) => m.subject!.includes('Import failed'))!.message).toContain('Input CSV is missing the required column TIMESTAMP');
    expect(mails().every((m) => m.structured?.default !== undefined)).toBe(true);
    expect(feedEvents().filter((e) => detailOf(e).DatasetGroupArn === f.healthy.group)).toEqual([]);
    expect([...store.items.values()].map((i) => i.reportedAt !== undefined)).toEqual([true, true, true, true]);
    // One dashboard record per checked group.
    const records = logLines.filter((l) => l.record === 'dataFeed');
    expect(records.map((r) => [r.name, r.openFindings]).sort()).toEqual([
      ['broken-dg', 4],
      ['healthy-dg', 0],
    ]);

    const second = await runHour();

    expect(problemsOf(second)).toEqual([]);
    expect(sum(second, (r) => r.checked)).toBe(2);
    expect(sum(second, (r) => r.opened + r.recovered + r.notified)).toBe(0);
    expect(second.map((r) => r.result.open)).toEqual(Array(12).fill(4));
    expect(feedEvents()).toHaveLength(4);
    expect(mails()).toHaveLength(4);
  });

  it('sends exactly one "recovered" email and event when the campaign is moved to the newest version', async () => {
    const f = fleet();
    await runHour();
    expect(mails()).toHaveLength(4);

    account.personalize.updateCampaign(f.broken.campaign, { solutionVersionArn: f.broken.newest }, REGION);
    // Two hours: whichever slot comes first after the update completes, once only.
    const after = [...(await runHour()), ...(await runHour())];

    expect(problemsOf(after)).toEqual([]);
    expect(sum(after, (r) => r.recovered)).toBe(1);
    expect(sum(after, (r) => r.opened)).toBe(0);
    expect(eventKeys('recovered')).toEqual([`PersonalizeCampaignOnOldModel|campaignOnOldModel|${f.broken.campaign}`]);
    const recovered = feedEvents().filter((e) => detailOf(e).Status === 'recovered');
    expect(recovered).toHaveLength(1);
    expect(detailOf(recovered[0]).Reason).toMatch(/^Recovered: the condition is no longer found\. Was: Campaign broken-camp serves/);
    const recoveryMails = mails().filter((m) => m.subject!.includes('Recovered'));
    expect(recoveryMails.map((m) => m.subject)).toEqual(['[Personalize Monitor] Recovered: campaign serves an old model: broken-camp (broken-dg) in us-east-1']);
    expect(mails()).toHaveLength(5);
    expect(feedEvents()).toHaveLength(5);
    expect([...store.items.values()].map((i) => i.finding.check).sort()).toEqual(['importFailed', 'ingestionStopped', 'trainingFailed']);
  });

  it('recovers the finding of a resource gone from a complete listing (the tracker deleted), naming it', async () => {
    const f = fleet();
    await runHour();
    account.dataFeed.deleteEventTracker(f.broken.tracker);

    const after = await runHour();

    expect(problemsOf(after)).toEqual([]);
    expect(sum(after, (r) => r.recovered)).toBe(1);
    expect(eventKeys('recovered')).toEqual([`PersonalizeEventIngestionStopped|ingestionStopped|${f.broken.tracker}`]);
    const [e] = feedEvents().filter((x) => detailOf(x).Status === 'recovered');
    expect(detailOf(e).Reason).toMatch(/^Recovered: broken-tracker no longer exists\. Was: No events through tracker broken-tracker/);
    expect(mails().filter((m) => m.subject === '[Personalize Monitor] Recovered: event ingestion stopped: broken-tracker (broken-dg) in us-east-1')).toHaveLength(1);
    expect(mails()).toHaveLength(5);
  });

  it('recovers, once and counted, the findings of a dataset group no longer listed', async () => {
    fleet();
    const t0 = account.clock.now();
    const goneGroup = `arn:aws:personalize:${REGION}:123456789012:dataset-group/deleted-dg`;
    const finding: DataFeedFinding = {
      check: 'importFailed',
      resourceArn: `arn:aws:personalize:${REGION}:123456789012:dataset/deleted-dg/INTERACTIONS`,
      resourceName: 'deleted-dg-interactions',
      resourceType: 'dataset',
      datasetGroupArn: goneGroup,
      datasetGroupName: 'deleted-dg',
      region: REGION,
      reason: 'The last import into deleted-dg-interactions (Interactions), job nightly, failed: bad schema.',
      evidence: { jobName: 'nightly' },
    };
    await store.save(
      [{ pk: 'datafeed#us-east-1', sk: `open#importFailed#${finding.resourceArn}`, finding, openedAt: t0 - DAY_MS, reportedAt: t0 - DAY_MS, checkedAt: t0 - HOUR_MS, expiresAt: Math.floor((t0 + 29 * DAY_MS) / 1000) }],
      [],
    );

    // A dry run counts the recovery and the open findings left, and sends nothing.
    const dry = await checkRegionDataFeed({ region: REGION, run: runAt(t0, { dryRun: true }) }, deps());
    expect(dry).toMatchObject({ recovered: 1, notified: 0, open: dry.opened, wouldNotify: dry.opened + 1 });
    expect(feedEvents()).toEqual([]);

    const runs = await runHour();

    expect(problemsOf(runs)).toEqual([]);
    const recovered = feedEvents().filter((e) => detailOf(e).Status === 'recovered');
    expect(recovered.map((e) => [e.detailType, detailOf(e).ARN, detailOf(e).DatasetGroupArn])).toEqual([['PersonalizeImportFailed', finding.resourceArn, goneGroup]]);
    expect(detailOf(recovered[0]).Reason).toBe(`Recovered: dataset group deleted-dg no longer exists. Was: ${finding.reason}`);
    expect(mails().filter((m) => m.subject === '[Personalize Monitor] Recovered: import failed: deleted-dg-interactions (deleted-dg) in us-east-1')).toHaveLength(1);
    // The run's counts say so too (the run summary adds them up).
    expect(runs[0].result).toMatchObject({ recovered: 1, notified: 1 });
    expect(sum(runs, (r) => r.recovered)).toBe(1);
    expect([...store.items.values()].some((i) => i.finding.datasetGroupArn === goneGroup)).toBe(false);
  });

  it('sends nothing and writes no state or alarm in a dry run, counting what it would send', async () => {
    fleet();

    const runs = await runHour({ dryRun: true });

    expect(problemsOf(runs)).toEqual([]);
    expect(sum(runs, (r) => r.checked)).toBe(2);
    expect(sum(runs, (r) => r.wouldNotify)).toBe(4);
    expect(sum(runs, (r) => r.notified)).toBe(0);
    expect(mails()).toEqual([]);
    expect(feedEvents()).toEqual([]);
    expect(store.items.size).toBe(0);
    expect(account.cloudwatch.alarmList(REGION)).toEqual([]);
    expect(account.calls({ service: 'sns' }).concat(account.calls({ service: 'events' }), account.calls({ service: 'cloudwatch', operation: 'PutMetricAlarm' }))).toEqual([]);
    // The same findings a real run reports.
    const real = await runHour();
    expect(sum(real, (r) => r.notified)).toBe(4);
    expect(account.calls({ service: 'sns', operation: 'Publish' })).toHaveLength(4);
    expect(account.calls({ service: 'events', operation: 'PutEvents' })).toHaveLength(4);
  });

  it('makes a named problem of a throttled ListDatasetImportJobs and recovers nothing until it can read again', async () => {
    const f = fleet();
    await runHour();
    // A successful import after the failed one: the import failure would recover…
    account.dataFeed.addImportJob({ datasetArn: f.broken.dataset, jobName: 'nightly-3', createdAt: account.clock.now() - HOUR_MS });
    const fault = account.injectFault({ kind: 'throttle', service: 'personalize', operation: 'ListDatasetImportJobs', count: 50 });

    const throttled = await runHour();

    // …but the imports could not be read: a problem naming the dataset, no recovery, no note.
    const problems = problemsOf(throttled);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toContainEqual({ target: f.broken.dataset, error: expect.stringMatching(/^ListDatasetImportJobs failed on page 1: .*Throttling/) });
    expect(fault.hits).toBeGreaterThan(0);
    expect(sum(throttled, (r) => r.recovered)).toBe(0);
    expect(feedEvents().filter((e) => detailOf(e).Status === 'recovered')).toEqual([]);
    expect(mails()).toHaveLength(4);
    expect([...store.items.values()].map((i) => i.finding.check)).toContain('importFailed');

    fault.remove();
    const readable = await runHour();

    expect(problemsOf(readable)).toEqual([]);
    expect(eventKeys('recovered')).toEqual([`PersonalizeImportFailed|importFailed|${f.broken.dataset}`]);
    expect(mails().filter((m) => m.subject!.startsWith('[Personalize Monitor] Recovered: import failed: broken-dg-interactions'))).toHaveLength(1);
    expect(mails()).toHaveLength(5);
  });

  it('leaves a finding whose email failed unreported and delivers it on the group\'s next check', async () => {
    const f = fleet();
    const fault = account.injectFault({ kind: 'serverError', service: 'sns', operation: 'Publish', count: 1 });

    const first = await runHour();

    expect(fault.hits).toBe(1);
    const problems = problemsOf(first);
    expect(problems).toHaveLength(1);
    expect(problems[0].error).toMatch(/^finding \w+ not delivered, sent again with the next check: /);
    expect(mails()).toHaveLength(3);
    expect(feedEvents()).toHaveLength(3);
    const unreported = [...store.items.values()].filter((i) => i.reportedAt === undefined);
    expect(unreported.map((i) => i.finding.resourceArn)).toEqual([problems[0].target]);

    const second = await runHour();

    expect(problemsOf(second)).toEqual([]);
    const delivering = second.filter((r) => r.result.notified > 0);
    expect(delivering.map((r) => r.result.notified)).toEqual([1]);
    expect(isDecisionSlot(f.broken.group, delivering[0].now)).toBe(true);
    expect(sum(second, (r) => r.opened)).toBe(0);
    expect(eventKeys('open')).toEqual(BROKEN_KEYS(f));
    expect(mails()).toHaveLength(4);
    expect(new Set(mails().map((m) => m.subject)).size).toBe(4);
    expect([...store.items.values()].every((i) => i.reportedAt !== undefined)).toBe(true);
  });

  it('lists every dataset group through the pages (120) and checks each once an hour', async () => {
    const t0 = account.clock.now();
    for (let i = 0; i < 120; i++) account.dataFeed.createDatasetGroup({ region: REGION, name: `dg-${String(i).padStart(3, '0')}`, createdAt: t0 - DAY_MS });

    const runs = await runHour();

    expect(problemsOf(runs)).toEqual([]);
    expect(runs.map((r) => r.result.datasetGroups)).toEqual(Array(12).fill(120));
    expect(sum(runs, (r) => r.checked)).toBe(120);
    expect(account.calls({ service: 'personalize', operation: 'ListDatasetGroups' })).toHaveLength(24);
    expect(logLines.filter((l) => l.record === 'dataFeed')).toHaveLength(120);
  });

  it('creates the ingestion alarm of each group with a tracker in use, deletes it when no longer wanted, and never touches collect\'s alarms', async () => {
    const f = fleet();
    const t0 = account.clock.now();
    // A group whose tracker never received an event: no alarm for it (it would alarm for ever).
    const idle = account.dataFeed.createDatasetGroup({ region: REGION, name: 'idle-dg', createdAt: t0 - DAY_MS });
    account.dataFeed.createEventTracker({ datasetGroupArn: idle, name: 'idle-tracker', createdAt: t0 - DAY_MS });
    // Collect's alarms of the healthy campaign, written the way collect writes them.
    const resource: MonitoredResource = {
      arn: f.healthy.campaign,
      name: 'healthy-camp',
      type: 'campaign',
      region: REGION,
      partition: 'aws',
      accountId: '123456789012',
      status: 'ACTIVE',
      minCapacity: 1,
      requestMetric: 'GetRecommendations',
      createdAt: t0 - 2 * DAY_MS,
      lastUpdatedAt: t0 - 2 * DAY_MS,
    };
    const collectSpecs = alarmSpecs(resource, runAt(t0), alarmTopic, t0, OWNERSHIP.prefix);
    const made = await reconcileAlarms(clients.cloudwatch, collectSpecs, { region: REGION, discoveryComplete: true, calls: new ApiCallCounter(), ownership: OWNERSHIP });
    expect(made.created).toBeGreaterThan(0);
    const collectAlarms = () => account.cloudwatch.alarmList(REGION).filter((a) => !a.name.startsWith(INGESTION_ALARM_PREFIX)).map((a) => ({ name: a.name, config: a.config, updatedAt: a.updatedAt }));
    const before = collectAlarms();
    expect(before.length).toBe(collectSpecs.length);

    const first = await runHour();

    expect(problemsOf(first)).toEqual([]);
    expect(sum(first, (r) => r.alarms.created)).toBe(2);
    const ingestion = () => account.cloudwatch.alarmList(REGION).filter((a) => a.name.startsWith(INGESTION_ALARM_PREFIX));
    expect(ingestion().map((a) => a.name).sort()).toEqual([expect.stringMatching(/^personalize-monitor-alarm-IngestionStopped-DatasetGroup-broken-dg-[0-9a-f]{8}$/), expect.stringMatching(/^personalize-monitor-alarm-IngestionStopped-DatasetGroup-healthy-dg-[0-9a-f]{8}$/)]);
    const healthyAlarm = ingestion().find((a) => a.name.includes('healthy-dg'))!;
    expect(healthyAlarm.config).toMatchObject({
      Namespace: 'AWS/Personalize',
      MetricName: 'PutEventsRequests',
      Dimensions: [{ Name: 'EventTrackerArn', Value: f.healthy.tracker }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 6,
      DatapointsToAlarm: 6,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [alarmTopic],
    });
    expect(account.cloudwatch.tagsOf(account.cloudwatch.alarmArn(REGION, healthyAlarm.name))).toMatchObject({ [ownerTag(OWNERSHIP.stackName).Key]: OWNERSHIP.stackName });
    expect(ingestion().some((a) => a.name.includes('idle-dg'))).toBe(false);
    expect(collectAlarms()).toEqual(before);

    // Steady state writes nothing; a tracker deleted drops that group's alarm only.
    account.dataFeed.deleteEventTracker(f.healthy.tracker);
    const second = await runHour();

    expect(problemsOf(second)).toEqual([]);
    expect(sum(second, (r) => r.alarms.created + r.alarms.updated)).toBe(0);
    expect(sum(second, (r) => r.alarms.deleted)).toBe(1);
    expect(ingestion().map((a) => a.name)).toEqual([expect.stringContaining('IngestionStopped-DatasetGroup-broken-dg-')]);
    expect(collectAlarms()).toEqual(before);

    // And collect, reconciling its own alarms, leaves the ingestion alarm alone.
    const again = await reconcileAlarms(clients.cloudwatch, collectSpecs, { region: REGION, discoveryComplete: true, calls: new ApiCallCounter(), ownership: OWNERSHIP });
    expect(again).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: collectSpecs.length });
    expect(ingestion()).toHaveLength(1);
  });
});

