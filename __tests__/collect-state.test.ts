/**
 * collect with its persisted state and its time budget, against the simulated account (real SDK
 * clients and wire protocols): a cold container resumes from the table, a small budget carries
 * work over and later runs finish it, throttled alarm writes converge, a failing state table
 * makes a cold run (a problem), not a failed region, and lean reads publish nothing.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { DAY_MS, SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';
import { DEFAULT_BEHAVIOUR, type Behaviour } from '../config/schema';
import type { RunContext } from '../core/contracts/run';
import type { RegionResult } from '../core/types';
import { Logger } from '../tasks/shared/logger';
import { timeBudget, type Budget } from '../tasks/collect/budget';
import type { CollectDeps } from '../tasks/collect/collect';
import { DynamoStateStore } from '../tasks/collect/state-store';
import { OWNERSHIP } from './support/collect-fixtures';

const REGION = 'eu-west-1';
const HOME = 'us-east-1';
const TABLE = 'pm-state';
const START = Date.parse('2026-03-02T10:00:00Z');
const FIVE_MIN = 300_000;

let account: SimAccount;
let server: SimServer;

beforeEach(async () => {
  account = new SimAccount({ startTime: START });
  server = await startSimServer(account);
  account.dynamodb.createTable({ region: HOME, name: TABLE, partitionKey: 'pk', sortKey: 'sk' });
});
afterEach(() => server.close());

function fleet(campaigns: number, recommenders = 0): void {
  for (let i = 0; i < campaigns; i++) account.personalize.createCampaign({ region: REGION, name: `c${String(i).padStart(3, '0')}`, datasetGroupName: `dg${i % 3}`, createdAt: START - 30 * DAY_MS });
  for (let i = 0; i < recommenders; i++) account.personalize.createRecommender({ region: REGION, name: `r${String(i).padStart(3, '0')}`, datasetGroupName: 'dg0', createdAt: START - 30 * DAY_MS });
}

function run(now: number, over: Partial<Behaviour> = {}): RunContext {
  return { ...DEFAULT_BEHAVIOUR, regions: [REGION], ...over, now: new Date(now).toISOString(), executionName: `run-${now}` } as RunContext;
}

/** Fresh clients and store each time: nothing survives but the sim (the table, the alarms). */
function deps(over: Partial<CollectDeps> = {}, cloudwatchAttempts?: number): CollectDeps {
  return {
    personalize: new PersonalizeClient(simClientConfig(server.url, REGION, { maxAttempts: 1 })),
    cloudwatch: new CloudWatchClient(simClientConfig(server.url, REGION, cloudwatchAttempts ? { maxAttempts: cloudwatchAttempts } : {})),
    logger: new Logger('collect', {}, 'ERROR', () => undefined),
    topicArn: `arn:aws:sns:${REGION}:${account.accountId}:alarms`,
    ownership: OWNERSHIP,
    state: new DynamoStateStore(new DynamoDBClient(simClientConfig(server.url, HOME, { maxAttempts: 1 })), TABLE),
    publishUtilizationMetrics: false,
    ...over,
  };
}

/** collectRegion from a fresh copy of the collect modules: a cold container (no module state at all). */
async function coldCollect(now: number, d: CollectDeps, over: Partial<Behaviour> = {}): Promise<RegionResult> {
  let fresh!: typeof import('../tasks/collect/collect');
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fresh = require('../tasks/collect/collect');
  });
  account.clock.set(now);
  return fresh.collectRegion({ region: REGION, run: run(now, over) }, d);
}

/**
 * A budget whose time runs out with the simulated calls of this run: each call "costs" `msPerCall`
 * of a `totalMs` budget, so a run can make about (totalMs - reserve) / msPerCall calls.
 */
function callBudget(totalMs: number, msPerCall: number): Budget {
  const before = account.calls().length;
  return timeBudget({ getRemainingTimeInMillis: () => Math.max(0, totalMs - (account.calls().length - before) * msPerCall) }, totalMs);
}

const describes = (since = 0) => account.calls({ service: 'personalize', since }).filter((c) => c.operation.startsWith('Describe')).length;
const ourAlarms = () => account.cloudwatch.alarmList(REGION).filter((a) => a.name.startsWith(OWNERSHIP.prefix));

describe('collect: persisted state', () => {
  it('a cold container resumes from the table: the second run makes no describe', async () => {
    fleet(30, 10);

    const first = await coldCollect(START, deps());
    expect(first.resources).toMatchObject({ campaigns: 30, recommenders: 10, active: 40, skipped: 0 });
    expect(describes()).toBeGreaterThanOrEqual(40);
    expect(ourAlarms()).toHaveLength(80);
    const stored = account.dynamodb.items(HOME, TABLE);
    expect(stored.filter((i) => String(i.sk.S).startsWith('resource#'))).toHaveLength(40);

    const mark = account.clock.now() + FIVE_MIN;
    const second = await coldCollect(mark, deps());

    expect(describes(mark)).toBe(0);
    expect(second.resources).toEqual(first.resources);
    expect(second.alarms).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 80 });
    expect(second.problems).toEqual([]);
    // One Query; a write only for the tags of this slot's decision candidates (no description changed).
    const ddb = account.calls({ service: 'dynamodb', since: mark }).map((c) => c.operation);
    expect(ddb.filter((op) => op === 'Query')).toHaveLength(1);
    expect(ddb.filter((op) => op === 'BatchWriteItem').length).toBeLessThanOrEqual(1);
  });

  it('describes again only what changed, and forgets a deleted resource', async () => {
    fleet(5);
    await coldCollect(START, deps());
    const gone = account.personalize.arn(REGION, 'campaign/c004');
    account.personalize.delete(gone, 'campaign');
    account.clock.set(START + DAY_MS);

    const later = START + DAY_MS;
    const result = await coldCollect(later, deps());

    // A day later the deletion is done: the listing no longer shows it, its item is deleted.
    expect(account.personalize.snapshot(gone, later)).toBeUndefined();
    expect(result.resources.campaigns).toBe(4);
    expect(describes(later)).toBe(0);
    const items = account.dynamodb.items(HOME, TABLE).map((i) => String(i.sk.S));
    expect(items).not.toContain(`resource#${gone}`);
    expect(items.filter((k) => k.startsWith('resource#'))).toHaveLength(4);
  });

  it('a campaign whose solution version is throttled keeps its description: the next cold run reads only the solution version', async () => {
    fleet(3);
    account.injectFault({ kind: 'throttle', service: 'personalize', operation: 'DescribeSolutionVersion', count: 1 });

    const first = await coldCollect(START, deps());
    expect(first.resources).toMatchObject({ campaigns: 2, skipped: 1 });
    expect(first.problems).toEqual([expect.objectContaining({ error: expect.stringContaining('could not be read; skipped this run') })]);
    const awaiting = account.dynamodb.items(HOME, TABLE).filter((i) => i.awaitingSolutionVersion !== undefined);
    expect(awaiting).toHaveLength(1);

    const mark = START + FIVE_MIN;
    const second = await coldCollect(mark, deps());
    const ops = account.calls({ service: 'personalize', since: mark }).map((c) => c.operation).filter((op) => op.startsWith('Describe'));
    expect(ops).toEqual(['DescribeSolutionVersion']);
    expect(second.resources).toMatchObject({ campaigns: 3, skipped: 0 });
    expect(second.problems).toEqual([]);
    // Complete now: the same item as a campaign described in one go (recipe, dataset group, no marker).
    const item = account.dynamodb.items(HOME, TABLE).find((i) => i.sk.S === awaiting[0].sk.S)!;
    expect(item.awaitingSolutionVersion).toBeUndefined();
    const resource = JSON.parse(String(item.resource.S));
    expect(resource).toEqual(expect.objectContaining({ recipeArn: expect.any(String), datasetGroupArn: expect.any(String), requestMetric: expect.stringMatching(/^Get/) }));
    expect(ourAlarms()).toHaveLength(6);
    expect(describes(mark + FIVE_MIN)).toBe(0);
    await coldCollect(mark + FIVE_MIN, deps());
    expect(describes(mark + FIVE_MIN)).toBe(0);
  });

  it('a failing state read is a problem of the region, which then collects as a cold start', async () => {
    fleet(3);
    await coldCollect(START, deps());
    account.injectFault({ kind: 'serverError', service: 'dynamodb', operation: 'Query' });
    const mark = START + FIVE_MIN;

    const result = await coldCollect(mark, deps());

    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([expect.objectContaining({ target: `state:${REGION}`, error: expect.stringContaining('state not read, collected as a cold start') })]);
    expect(describes(mark)).toBeGreaterThanOrEqual(3);
    expect(result.alarms.unchanged).toBe(6);
  });

  it('a dry run writes its state (the monitor\'s own cache) but no alarm', async () => {
    fleet(4);
    const result = await coldCollect(START, deps(), { dryRun: true });

    expect(result.wouldWrite.alarms.created).toBe(8);
    expect(ourAlarms()).toHaveLength(0);
    expect(account.dynamodb.items(HOME, TABLE).filter((i) => String(i.sk.S).startsWith('resource#'))).toHaveLength(4);
  });

  it('lean reads: no PutMetricData, and recent traffic read only for resources in their decision slot', async () => {
    fleet(24);
    await coldCollect(START, deps());
    const mark = START + FIVE_MIN;

    const lean = await coldCollect(mark, deps());
    expect(lean.metricsWritten).toBe(0);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutMetricData', since: START })).toHaveLength(0);
    // 24 resources over 12 slots: far fewer recent queries than resources (lean), all 24 in parity.
    const leanQueries = account.cloudwatch.metricDataRequests({ region: REGION, since: mark }).reduce((n, r) => n + r.metricsRequested, 0);
    expect(leanQueries).toBeLessThan(24);

    const parityAt = mark + FIVE_MIN;
    const parity = await coldCollect(parityAt, deps({ publishUtilizationMetrics: true }));
    expect(parity.metricsWritten).toBeGreaterThan(0);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutMetricData', since: parityAt })).toHaveLength(1);
    const parityQueries = account.cloudwatch.metricDataRequests({ region: REGION, since: parityAt }).reduce((n, r) => n + r.metricsRequested, 0);
    expect(parityQueries).toBeGreaterThanOrEqual(24);
  });
});

describe('collect: time budget', () => {
  it('stops starting describes and alarm writes when time runs short, carries them over, and later runs finish the work', async () => {
    fleet(60, 20);
    // 60 s budget, 1 s per call, reserve 15 s: about 45 calls per run (a cold run needs ~330).
    const results: RegionResult[] = [];
    let now = START;
    for (let i = 0; i < 30; i++) {
      results.push(await coldCollect(now, deps({ budget: callBudget(60_000, 1000) })));
      now = account.clock.now() + FIVE_MIN;
      const last = results[results.length - 1];
      if (last.carriedOver.describes + last.carriedOver.alarmWrites + last.carriedOver.tagReads === 0) break;
    }

    const first = results[0];
    expect(first.ok).toBe(true);
    expect(first.carriedOver.describes).toBeGreaterThan(0);
    expect(first.resources.active).toBeLessThan(80);
    expect(first.alarms.deleted).toBe(0);
    const last = results[results.length - 1];
    expect(last.carriedOver).toEqual({ describes: 0, tagReads: 0, alarmWrites: 0 });
    expect(last.resources.active).toBe(80);
    expect(ourAlarms()).toHaveLength(160);
    expect(results.length).toBeGreaterThan(2);
    // Each resource was described once: the stored ones are never described again.
    expect(account.calls({ service: 'personalize', operation: 'DescribeCampaign' })).toHaveLength(60);
    expect(account.calls({ service: 'personalize', operation: 'DescribeRecommender' })).toHaveLength(20);
    // No run failed or ran out of its budget: every result came back.
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('the handler takes its budget from the Lambda context', async () => {
    const context = { getRemainingTimeInMillis: () => 10_000 };
    const budget = timeBudget(context, 120_000);
    expect(budget.reserveMs).toBe(2_500);
    expect(budget.allows()).toBe(true);
    expect(timeBudget({ getRemainingTimeInMillis: () => 25_000 }, 120_000).allows()).toBe(true);
    expect(timeBudget(undefined, 120_000).reserveMs).toBe(30_000);
    const short = { left: 40_000, getRemainingTimeInMillis: () => short.left };
    const b = timeBudget(short, 120_000);
    short.left = 10_001;
    expect(b.allows()).toBe(true);
    short.left = 10_000;
    expect(b.allows()).toBe(false);
  });
});

describe('collect: throttled alarm writes', () => {
  it('PutMetricAlarm throttled half the time converges over runs, as carried-over work with one summary problem', async () => {
    fleet(20);
    account.injectFault({ kind: 'throttle', service: 'cloudwatch', operation: 'PutMetricAlarm', probability: 0.5, seed: 1 });

    const results: RegionResult[] = [];
    let now = START;
    for (let i = 0; i < 15 && ourAlarms().length < 40; i++) {
      results.push(await coldCollect(now, deps({}, 1)));
      now = account.clock.now() + FIVE_MIN;
    }

    expect(ourAlarms()).toHaveLength(40);
    expect(results[0].carriedOver.alarmWrites).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.ok).toBe(true);
      // Never one problem per alarm: at most the one summary line.
      expect(r.problems.filter((p) => p.error.includes('PutMetricAlarm'))).toHaveLength(r.carriedOver.alarmWrites > 0 ? 1 : 0);
      expect(r.problems.length).toBeLessThanOrEqual(1);
    }
    expect(results.length).toBeGreaterThan(1);
    expect(results.length).toBeLessThan(15);
  });
});
