/**
 * The canary's requests are never counted as use: its successful requests (stored per 5-minute
 * slot in hour items) are taken out of the traffic collect reads and of the ACTION's re-check,
 * bounded per slot, never below zero; a failed read of the counts subtracts nothing (the safe
 * side). Through the simulator: an idle campaign the canary asks every 5 minutes for a day is
 * still found idle, and one real user request keeps it alive.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { DAY_MS, SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';
import { DEFAULT_BEHAVIOUR } from '../config/schema';
import type { RunContext } from '../core/contracts/run';
import { canaryHourSortKey, canaryPartition, canaryResourceKey } from '../core/contracts/canary';
import { canaryCountsOf, canaryRequestsIn, maxCanaryPerSlot, withRequestAt, withoutCanary } from '../core/canary';
import { decisionSlot, FIVE_MINUTES_MS, HOUR_MS } from '../core/time';
import { Logger } from '../tasks/shared/logger';
import { collectRegion, type CollectDeps } from '../tasks/collect/collect';
import { dynamoCanaryCounts, windowCounts, canarySettingsOf, type CanaryCountsReader } from '../tasks/shared/canary-counts';
import { getRecommendations } from '../tasks/aws/personalize-runtime';
import { OWNERSHIP } from './support/collect-fixtures';

const REGION = 'eu-west-1';
const HOME = 'us-east-1';
const TABLE = 'pm-state';
const HOUR = Date.parse('2026-03-02T10:00:00Z');

describe('canary counts (pure)', () => {
  it('records each success in the 5-minute slot of its start and reads it back bounded per slot', () => {
    let slots = withRequestAt(undefined, HOUR + 7 * 60_000);
    slots = withRequestAt(slots, HOUR + 59 * 60_000);
    expect(slots).toBe('010000000001');
    const counts = canaryCountsOf([{ sk: canaryHourSortKey(HOUR), slots: { 'c/a': slots, 'c/b': '999999999999' } }], 'c/a', 5);
    expect([...counts.entries()]).toEqual([
      [HOUR + FIVE_MINUTES_MS, 1],
      [HOUR + 11 * FIVE_MINUTES_MS, 1],
    ]);
    // A forged or duplicated count never hides more than the schedule can make: 1 per slot at 5 minutes, 5 at 1 minute.
    const forged = canaryCountsOf([{ sk: canaryHourSortKey(HOUR), slots: { 'c/b': '999999999999' } }], 'c/b', 5);
    expect(canaryRequestsIn(forged, HOUR, HOUR + HOUR_MS)).toBe(12);
    expect(maxCanaryPerSlot(1)).toBe(5);
    expect(canaryRequestsIn(canaryCountsOf([{ sk: canaryHourSortKey(HOUR), slots: { 'c/b': '900000000000' } }], 'c/b', 1), HOUR, HOUR + HOUR_MS)).toBe(5);
  });

  it('ignores malformed items and keys of other resources', () => {
    const items: { sk: string; slots: Record<string, string> }[] = [
      { sk: 'hour#bad', slots: { 'c/a': '111111111111' } },
      { sk: canaryHourSortKey(HOUR), slots: { 'c/a': '11' } },
      { sk: canaryHourSortKey(HOUR + HOUR_MS), slots: { 'r/a': '111111111111' } },
    ];
    expect(canaryCountsOf(items, 'c/a', 5).size).toBe(0);
    expect(canaryResourceKey({ type: 'campaign', name: 'a' })).not.toBe(canaryResourceKey({ type: 'recommender', name: 'a' }));
  });

  it('subtracts only whole slots inside a range, per hour and in the recent window, never below zero', () => {
    const counts = new Map([
      [HOUR, 1],
      [HOUR + 5 * FIVE_MINUTES_MS, 1],
      [HOUR + HOUR_MS + 2 * FIVE_MINUTES_MS, 1],
    ]);
    // A range cutting a slot does not count it (a request before the range would be over-subtracted).
    expect(canaryRequestsIn(counts, HOUR + 60_000, HOUR + HOUR_MS)).toBe(1);
    const sample = { recentRequests: 3, hourlySums: [2, 0, 7], hourlyStart: HOUR };
    const out = withoutCanary(sample, counts, { start: HOUR + HOUR_MS + 2 * FIVE_MINUTES_MS, end: HOUR + HOUR_MS + 3 * FIVE_MINUTES_MS });
    expect(out).toEqual({ recentRequests: 2, hourlySums: [0, 0, 7], hourlyStart: HOUR });
    expect(withoutCanary(sample, new Map(), { start: HOUR, end: HOUR + FIVE_MINUTES_MS })).toBe(sample);
  });

  it('reads its settings from the environment, refusing unusable values by name', () => {
    expect(canarySettingsOf(undefined, undefined)).toBeUndefined();
    expect(canarySettingsOf('off', '5')).toBeUndefined();
    expect(canarySettingsOf('on', '5')).toEqual({ intervalMinutes: 5 });
    expect(() => canarySettingsOf('yes', '5')).toThrow(/PM_HEALTH_CHECK must be on or off, got "yes"/);
    expect(() => canarySettingsOf('on', '0')).toThrow(/PM_HEALTH_CHECK_INTERVAL_MINUTES .* got "0"/);
    expect(() => canarySettingsOf('on', undefined)).toThrow(/PM_HEALTH_CHECK_INTERVAL_MINUTES/);
  });
});

describe('collect with the canary on, in the simulator', () => {
  let account: SimAccount;
  let server: SimServer;
  let ddb: DynamoDBClient;
  let runtime: PersonalizeRuntimeClient;

  beforeEach(async () => {
    account = new SimAccount({ startTime: HOUR - 2 * DAY_MS });
    server = await startSimServer(account);
    account.dynamodb.createTable({ region: HOME, name: TABLE, partitionKey: 'pk', sortKey: 'sk' });
    ddb = new DynamoDBClient(simClientConfig(server.url, HOME, { maxAttempts: 1 }));
    runtime = new PersonalizeRuntimeClient(simClientConfig(server.url, REGION, { maxAttempts: 1, caller: 'canary' }));
  });
  afterEach(() => {
    ddb.destroy();
    runtime.destroy();
    server.close();
  });

  /** A canary every 5 minutes for `hours` before `until`: real requests, successes stored as the canary stores them. */
  async function canaryFor(arn: string, name: string, until: number, hours: number): Promise<number> {
    const hourItems = new Map<number, string>();
    let successes = 0;
    for (let t = until - hours * HOUR_MS; t < until; t += FIVE_MINUTES_MS) {
      account.clock.set(t + 1000);
      await getRecommendations(runtime, { campaignArn: arn, userId: 'personalize-monitor-canary', numResults: 1 });
      const hour = t - (t % HOUR_MS);
      hourItems.set(hour, withRequestAt(hourItems.get(hour), t + 1000));
      successes++;
    }
    for (const [hour, slots] of hourItems) {
      await ddb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: canaryPartition(REGION) }, sk: { S: canaryHourSortKey(hour) }, slots: { M: { [`c/${name}`]: { S: slots } } }, version: { N: '1' }, expiresAt: { N: '9999999999' } },
        }),
      );
    }
    return successes;
  }

  function run(now: number): RunContext {
    return { ...DEFAULT_BEHAVIOUR, regions: [REGION], autoCreateUtilizationAlarms: false, autoCreateIdleAlarms: false, now: new Date(now).toISOString(), executionName: `run-${now}` } as RunContext;
  }

  function deps(canary?: CanaryCountsReader): CollectDeps {
    return {
      personalize: new PersonalizeClient(simClientConfig(server.url, REGION, { maxAttempts: 1 })),
      cloudwatch: new CloudWatchClient(simClientConfig(server.url, REGION, {})),
      logger: new Logger('collect', {}, 'ERROR', () => undefined),
      ownership: OWNERSHIP,
      topicArn: `arn:aws:sns:${REGION}:${account.accountId}:alarms`,
      publishUtilizationMetrics: false,
      canary,
    };
  }

  it('still finds an idle campaign idle although the canary asked it every 5 minutes for 26 hours; one user request keeps it alive', async () => {
    const arn = account.personalize.createCampaign({ region: REGION, name: 'quiet', datasetGroupName: 'dg', createdAt: HOUR - 40 * DAY_MS });
    // The run's time: in the campaign's decision slot, after a day of canary requests.
    const now = HOUR + decisionSlot(arn) * FIVE_MINUTES_MS + 60_000 + HOUR_MS;
    const successes = await canaryFor(arn, 'quiet', now - 60_000, 26);
    expect(successes).toBe(26 * 12);
    account.clock.set(now);

    const without = await collectRegion({ region: REGION, run: run(now) }, deps());
    expect(without.findings.filter((f) => f.kind === 'idle')).toEqual([]);

    const reader = dynamoCanaryCounts(ddb, TABLE, { intervalMinutes: 5 });
    const withCanary = await collectRegion({ region: REGION, run: run(now) }, deps(reader));
    expect(withCanary.findings.filter((f) => f.kind === 'idle').map((f) => f.resourceArn)).toEqual([arn]);
    expect(withCanary.problems).toEqual([]);

    // One request of a user (not the canary's) in the window: no longer idle.
    account.clock.set(now - 3 * HOUR_MS);
    await getRecommendations(runtime, { campaignArn: arn, userId: 'a-real-user', numResults: 5 });
    account.clock.set(now);
    const used = await collectRegion({ region: REGION, run: run(now) }, deps(reader));
    expect(used.findings.filter((f) => f.kind === 'idle')).toEqual([]);
  });

  it('subtracts nothing when the counts cannot be read: a problem is named and nothing is found idle because of it', async () => {
    const arn = account.personalize.createCampaign({ region: REGION, name: 'quiet', datasetGroupName: 'dg', createdAt: HOUR - 40 * DAY_MS });
    const now = HOUR + decisionSlot(arn) * FIVE_MINUTES_MS + 60_000 + HOUR_MS;
    await canaryFor(arn, 'quiet', now - 60_000, 26);
    account.clock.set(now);
    const failing: CanaryCountsReader = { settings: { intervalMinutes: 5 }, read: () => Promise.reject(new Error('AccessDeniedException: not allowed')) };
    const result = await collectRegion({ region: REGION, run: run(now) }, deps(failing));
    expect(result.findings).toEqual([]);
    expect(result.problems).toEqual([expect.objectContaining({ target: `canary:${REGION}`, error: expect.stringMatching(/canary counts not read.*AccessDeniedException/) })]);
  });

  it('an in-memory reader over the same items gives the same counts as the table', async () => {
    const items = [{ sk: canaryHourSortKey(HOUR), slots: { 'c/x': '100000000001' } }];
    expect(canaryRequestsIn(windowCounts(items, { intervalMinutes: 5 }).countsOf('c/x'), HOUR, HOUR + HOUR_MS)).toBe(2);
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: canaryPartition(REGION) }, sk: { S: canaryHourSortKey(HOUR) }, slots: { M: { 'c/x': { S: '100000000001' } } } } }));
    const read = await dynamoCanaryCounts(ddb, TABLE, { intervalMinutes: 5 }).read(REGION, HOUR, HOUR + HOUR_MS);
    expect(read.hours).toBe(1);
    expect(canaryRequestsIn(read.countsOf('c/x'), HOUR, HOUR + HOUR_MS)).toBe(2);
    // Hours outside the range are not read.
    expect((await dynamoCanaryCounts(ddb, TABLE, { intervalMinutes: 5 }).read(REGION, HOUR + HOUR_MS, HOUR + 2 * HOUR_MS)).hours).toBe(0);
  });
});
