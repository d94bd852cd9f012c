import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { DescribeCampaignCommand, ListCampaignsCommand, ListTagsForResourceCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { decisionSlot, FIVE_MINUTES_MS, isDecisionSlot, MINUTE_MS } from '../core/time';
import { RegionCollectError } from '../tasks/shared/errors';
import { Logger } from '../tasks/shared/logger';
import { collectRegion, type CollectDeps } from '../tasks/collect/collect';
import { resetCaches } from '../tasks/collect/discovery';
import { handler, resetClients } from '../tasks/collect/handler';
import { parseCollectInput, topicFor } from '../tasks/collect/input';
import {
  campaign,
  campaignArn,
  fakeAccount,
  OWNERSHIP,
  recommender,
  REGION,
  run,
  serveAccount,
  serveAlarms,
  serveMetrics,
  throttling,
  type FakeAccount,
} from './support/collect-fixtures';

const personalize = mockClient(PersonalizeClient);
const cloudwatch = mockClient(CloudWatchClient);
const TOPIC = `arn:aws:sns:${REGION}:123456789012:PersonalizeMonitorNotifications`;
const HOUR_START = Date.parse('2025-03-03T12:00:00Z');

let logLines: Record<string, unknown>[] = [];
function deps(over: Partial<CollectDeps> = {}): CollectDeps {
  return {
    personalize: new PersonalizeClient({ region: REGION }),
    cloudwatch: new CloudWatchClient({ region: REGION }),
    logger: new Logger('collect', {}, 'INFO', (line) => logLines.push(JSON.parse(line))),
    topicArn: TOPIC,
    ownership: OWNERSHIP,
    ...over,
  };
}

/** A run time inside the decision slot of `arn` (2 minutes into the slot). */
function inSlotOf(arn: string): number {
  return HOUR_START + decisionSlot(arn) * FIVE_MINUTES_MS + 2 * MINUTE_MS;
}

function account(campaigns: number, recommenders = 0, minOf: (i: number) => number = () => 1): FakeAccount {
  return fakeAccount(
    Array.from({ length: campaigns }, (_, i) => campaign(i, { minProvisionedTPS: minOf(i) })),
    Array.from({ length: recommenders }, (_, i) => recommender(i, { recommenderConfig: { minRecommendationRequestsPerSecond: minOf(i) } })),
  );
}

beforeEach(() => {
  resetCaches();
  resetClients();
  logLines = [];
});
afterEach(() => {
  personalize.reset();
  cloudwatch.reset();
});

describe('collect: decisions', () => {
  it('finds an idle, over-provisioned campaign in its decision slot and logs the decision with evidence', async () => {
    const arn = campaignArn(1);
    serveAccount(personalize, fakeAccount([campaign(1, { minProvisionedTPS: 2 })]));
    serveMetrics(cloudwatch, () => 0);
    serveAlarms(cloudwatch);

    const result = await collectRegion({ region: REGION, run: run({}, inSlotOf(arn)) }, deps());

    expect(result.findings.map((f) => [f.kind, f.action, f.resourceArn])).toEqual(
      expect.arrayContaining([
        ['idle', 'delete', arn],
        ['overProvisioned', 'setMinCapacity', arn],
      ]),
    );
    expect(result.findings.find((f) => f.kind === 'idle')?.evidence).toMatchObject({ totalRequests: 0, datapoints: 24, currentMin: 2 });
    const decision = logLines.find((l) => l.message === 'decision' && l.resourceArn === arn);
    expect(decision).toMatchObject({ outcome: 'idle+overProvisioned', region: REGION, idle: { evidence: expect.objectContaining({ totalRequests: 0 }) } });
    expect(personalize).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 1);
  });

  it('writes a decision record per decided resource, and a closing one for a resource that left the fleet', async () => {
    const arn = campaignArn(1);
    serveAccount(personalize, fakeAccount([campaign(1, { minProvisionedTPS: 2 }), campaign(2)]));
    serveMetrics(cloudwatch, () => 0);
    serveAlarms(cloudwatch);
    const now = inSlotOf(arn);

    await collectRegion({ region: REGION, run: run({}, now) }, deps());
    const records = () => logLines.filter((l) => l.record === 'decision' && l.resourceArn === arn);
    expect(records()).toEqual([
      expect.objectContaining({ message: 'record', finding: 'idle+overProvisioned', minimum: '2 → 1', region: REGION, at: new Date(now).toISOString().replace('.000Z', 'Z') }),
    ]);
    expect(Number(records()[0].monthlyWasteUsd)).toBeGreaterThan(0);

    // Five minutes later the campaign is gone from a complete listing: its findings close.
    personalize.reset();
    serveAccount(personalize, fakeAccount([campaign(2)]));
    logLines = [];
    await collectRegion({ region: REGION, run: run({}, now + FIVE_MINUTES_MS) }, deps());
    expect(records()).toEqual([expect.objectContaining({ finding: 'none', monthlyWasteUsd: 0, reason: expect.stringContaining('no longer monitored') })]);
    // Still listed: no closing record for it.
    expect(logLines.filter((l) => l.record === 'decision' && l.resourceArn === campaignArn(2) && l.finding === 'none' && String(l.reason).includes('no longer'))).toEqual([]);
  });

  it('raises no finding for a resource exempt by tag', async () => {
    const arn = campaignArn(1);
    const acc = fakeAccount([campaign(1, { minProvisionedTPS: 2 })]);
    acc.tags.set(arn, { PersonalizeMonitorExempt: 'true' });
    serveAccount(personalize, acc);
    serveMetrics(cloudwatch, () => 0);
    serveAlarms(cloudwatch);

    const result = await collectRegion({ region: REGION, run: run({}, inSlotOf(arn)) }, deps());

    expect(result.findings).toEqual([]);
    expect(logLines.find((l) => l.message === 'decision')).toMatchObject({ outcome: 'ok', idle: { reason: expect.stringContaining('exempt') } });
  });

  it('reads no tags and no history outside the decision slot', async () => {
    const arn = campaignArn(1);
    serveAccount(personalize, fakeAccount([campaign(1, { minProvisionedTPS: 2 })]));
    serveMetrics(cloudwatch, () => 0);
    serveAlarms(cloudwatch);
    const outside = inSlotOf(arn) + FIVE_MINUTES_MS * (decisionSlot(arn) === 11 ? -1 : 1);

    const result = await collectRegion({ region: REGION, run: run({}, outside) }, deps());

    expect(isDecisionSlot(arn, outside)).toBe(false);
    expect(result.findings).toEqual([]);
    expect(personalize).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 0);
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
  });

  it('caps findings at maxFindingsPerRegion and counts the rest as deferred', async () => {
    const acc = account(300, 0, () => 3);
    serveAccount(personalize, acc);
    serveMetrics(cloudwatch, () => 0);
    serveAlarms(cloudwatch);
    const now = HOUR_START + 2 * MINUTE_MS;
    const inSlot = [...acc.campaigns.keys()].filter((a) => isDecisionSlot(a, now)).length;

    const result = await collectRegion({ region: REGION, run: run({ maxFindingsPerRegion: 5 }, now) }, deps());

    expect(inSlot).toBeGreaterThan(5);
    expect(result.findings).toHaveLength(5);
    expect(result.deferredFindings).toBe(inSlot * 2 - 5);
  });
});

describe('collect: resilience', () => {
  it('still writes every other resource’s metrics when one resource fails', async () => {
    serveAccount(personalize, account(5));
    serveMetrics(cloudwatch, () => 60);
    serveAlarms(cloudwatch);
    // Campaign 2's recent query fails inside an otherwise good GetMetricData answer.
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: input.MetricDataQueries!.map((q) =>
        q.MetricStat!.Metric!.Dimensions![0].Value === campaignArn(2)
          ? { Id: q.Id, StatusCode: 'InternalError' }
          : { Id: q.Id, StatusCode: 'Complete', Timestamps: [new Date(input.StartTime as Date)], Values: [300] },
      ),
    }));

    const result = await collectRegion({ region: REGION, run: run() }, deps());

    const data = cloudwatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData!);
    const forArn = (arn: string) => data.filter((d) => d.Dimensions![0].Value === arn).map((d) => d.MetricName).sort();
    expect(forArn(campaignArn(1))).toEqual(['averageTPS', 'campaignUtilization', 'minProvisionedTPS']);
    expect(forArn(campaignArn(2))).toEqual(['minProvisionedTPS']);
    expect(result.metricsWritten).toBe(13);
    expect(result.problems).toEqual([{ target: campaignArn(2), error: expect.stringContaining('InternalError') }]);
  });

  it('keeps the alarms of a resource it could not read (partial discovery: no deletes)', async () => {
    const acc = account(3);
    serveAccount(personalize, acc);
    serveMetrics(cloudwatch, () => 60);
    const alarms = serveAlarms(cloudwatch);
    await collectRegion({ region: REGION, run: run() }, deps());
    expect(alarms.size).toBe(6);

    // A cold container whose describe of campaign 2 is throttled: nothing cached to fall back on.
    resetCaches();
    personalize.on(DescribeCampaignCommand, { campaignArn: campaignArn(2) }).rejects(throttling());
    cloudwatch.resetHistory();
    const result = await collectRegion({ region: REGION, run: run() }, deps());

    expect(result.resources).toMatchObject({ campaigns: 2, skipped: 1 });
    expect(result.problems).toEqual([{ target: campaignArn(2), error: expect.stringContaining('throttled') }]);
    expect(cloudwatch).toHaveReceivedCommandTimes(DeleteAlarmsCommand, 0);
    expect(alarms.size).toBe(6);
  });

  it('fails the region when listing fails', async () => {
    serveAccount(personalize, account(1));
    personalize.on(ListCampaignsCommand).rejects(throttling());

    await expect(collectRegion({ region: REGION, run: run() }, deps())).rejects.toBeInstanceOf(RegionCollectError);
  });

  it('creates alarms without actions and reports it when the region has no topic', async () => {
    serveAccount(personalize, account(1));
    serveMetrics(cloudwatch, () => 60);
    const alarms = serveAlarms(cloudwatch);

    const result = await collectRegion({ region: REGION, run: run() }, deps({ topicArn: undefined }));

    expect([...alarms.values()].map((a) => a.AlarmActions)).toEqual([[], []]);
    expect(result.problems).toEqual([{ target: `alarms:${REGION}`, error: expect.stringContaining('no SNS topic') }]);
  });

  it('deletes our alarms when both auto-create flags are off', async () => {
    serveAccount(personalize, account(2));
    serveMetrics(cloudwatch, () => 60);
    const alarms = serveAlarms(cloudwatch);
    await collectRegion({ region: REGION, run: run() }, deps());

    const result = await collectRegion({ region: REGION, run: run({ autoCreateIdleAlarms: false, autoCreateUtilizationAlarms: false }) }, deps());

    expect(result.alarms.deleted).toBe(4);
    expect(alarms.size).toBe(0);
  });

  it('dry run: writes no metric and no alarm, makes only reads, and reports what it would write', async () => {
    serveAccount(personalize, account(2, 1, () => 3));
    serveMetrics(cloudwatch, () => 0);
    const store = serveAlarms(cloudwatch);

    const result = await collectRegion({ region: REGION, run: run({ dryRun: true }, inSlotOf(campaignArn(0))) }, deps());

    const sent = personalize.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(sent).toContain('ListTagsForResourceCommand');
    expect(sent.filter((n) => !/^(List|Describe)/.test(n))).toEqual([]);
    const cwSent = cloudwatch.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(cwSent.filter((n) => !/^(List|Describe|Get)/.test(n))).toEqual([]);
    expect(store.size).toBe(0);
    expect(result.metricsWritten).toBe(0);
    expect(result.alarms).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 0 });
    // 3 resources: 3 metrics each (utilization, minimum, requests) would be put; 2 alarms each.
    expect(result.wouldWrite.metrics).toBeGreaterThan(0);
    expect(result.wouldWrite.alarms).toEqual({ created: 6, updated: 0, deleted: 0 });
    expect(result.findings.every((f) => f.dryRun)).toBe(true);
    // The log names each would-be alarm change.
    const changes = logLines.filter((l) => l.message === 'alarms would change (dry run: not written)');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ change: 'create', dryRun: true, count: 6 });
    expect((changes[0].alarms as string[]).every((n) => n.startsWith(OWNERSHIP.prefix))).toBe(true);
  });

  it('outside a dry run reports nothing unwritten (wouldWrite all zero) and logs the alarms it changed', async () => {
    serveAccount(personalize, account(1, 0, () => 3));
    serveMetrics(cloudwatch, () => 0);
    serveAlarms(cloudwatch);

    const result = await collectRegion({ region: REGION, run: run({}, inSlotOf(campaignArn(0))) }, deps());

    expect(result.wouldWrite).toEqual({ metrics: 0, alarms: { created: 0, updated: 0, deleted: 0 } });
    expect(result.metricsWritten).toBeGreaterThan(0);
    expect(result.alarms.created).toBe(2);
    expect(logLines.filter((l) => l.message === 'alarms changed')).toMatchObject([{ change: 'create', dryRun: false, count: 2 }]);
  });
});

describe('collect: scale', () => {
  it.each([25, 100])('keeps a 1,000-resource region result under 64 KiB (maxFindingsPerRegion %i)', async (maxFindings) => {
    // Worst case: every resource idle and over-provisioned, many in the decision slot.
    serveAccount(personalize, account(600, 400, () => 4));
    serveMetrics(cloudwatch, () => 0);
    serveAlarms(cloudwatch);

    const result = await collectRegion({ region: REGION, run: run({ maxFindingsPerRegion: maxFindings }, HOUR_START + 2 * MINUTE_MS) }, deps());

    const bytes = Buffer.byteLength(JSON.stringify(result));
    console.log(`1,000-resource region result: ${bytes} bytes, ${result.findings.length} findings (+${result.deferredFindings} deferred)`);
    expect(result.resources.active).toBe(1000);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings.length + result.deferredFindings).toBeGreaterThan(maxFindings);
    expect(bytes).toBeLessThan(64 * 1024);
  });

  it('stays under 64 KiB when every resource is a problem', async () => {
    serveAccount(personalize, account(1000));
    personalize.on(DescribeCampaignCommand).rejects(throttling());
    serveMetrics(cloudwatch, () => 0);
    serveAlarms(cloudwatch);

    const result = await collectRegion({ region: REGION, run: run() }, deps());

    expect(result.resources.skipped).toBe(1000);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(64 * 1024);
    expect(result.problems.at(-1)).toEqual({ target: 'more', error: expect.stringMatching(/^970 more problems/) });
  });

  it('makes at most 0.1 API calls per resource per run in steady state (100 resources)', async () => {
    // 50 campaigns and 50 recommenders, all busy; one in ten provisioned at 5 (history read in its slot).
    serveAccount(personalize, account(50, 50, (i) => (i % 10 === 0 ? 5 : 1)));
    serveMetrics(cloudwatch, () => 600);
    serveAlarms(cloudwatch);
    const first = HOUR_START + 2 * MINUTE_MS;
    await collectRegion({ region: REGION, run: run({}, first) }, deps());

    const perRun: number[] = [];
    for (let k = 1; k <= 12; k++) {
      const r = await collectRegion({ region: REGION, run: run({}, first + k * FIVE_MINUTES_MS) }, deps());
      perRun.push(r.apiCalls);
    }

    const worst = Math.max(...perRun);
    const average = perRun.reduce((a, b) => a + b, 0) / perRun.length;
    console.log(
      `steady state, 100 resources: ${average.toFixed(2)} API calls per run on average (worst ${worst}) = ` +
        `${(average / 100).toFixed(3)} per resource (worst ${(worst / 100).toFixed(3)}); ` +
        `last run by operation: ${JSON.stringify(logLines.filter((l) => l.message === 'region collected').at(-1)?.apiCallsByOperation)}`,
    );
    expect(worst / 100).toBeLessThanOrEqual(0.1);
  });
});

describe('collect handler', () => {
  it('names the bad field of its input', () => {
    expect(() => parseCollectInput({ run: run() })).toThrow(/region: expected an AWS region/);
    expect(() => parseCollectInput({ region: REGION })).toThrow(/run: expected the resolved run object/);
    expect(() => parseCollectInput({ region: REGION, run: { ...run(), now: 'yesterday' } })).toThrow(/run\.now: expected an ISO-8601 time/);
    expect(() => parseCollectInput({ region: REGION, run: { ...run(), idleThresholdHours: 1 } })).toThrow(/run\.idleThresholdHours/);
  });

  it('reads the region topic from PM_ALARM_TOPIC_ARNS', () => {
    const raw = JSON.stringify({ [REGION]: TOPIC });
    expect(topicFor(REGION, raw)).toBe(TOPIC);
    expect(topicFor('eu-west-1', raw)).toBeUndefined();
    expect(() => topicFor(REGION, '{not json')).toThrow(/PM_ALARM_TOPIC_ARNS is not JSON/);
  });

  it('collects a region end to end through the handler', async () => {
    serveAccount(personalize, account(2, 1));
    serveMetrics(cloudwatch, () => 60);
    serveAlarms(cloudwatch);
    process.env.PM_ALARM_TOPIC_ARNS = JSON.stringify({ [REGION]: TOPIC });
    process.env.PM_ALARM_PREFIX = OWNERSHIP.prefix;
    process.env.PM_STACK_NAME = OWNERSHIP.stackName;
    try {
      const result = await handler({ region: REGION, run: run() });
      // Lean by default (PM_PUBLISH_UTILIZATION_METRICS unset): no PutMetricData.
      expect(result).toMatchObject({ region: REGION, ok: true, resources: { campaigns: 2, recommenders: 1, active: 3, skipped: 0 }, metricsWritten: 0 });
      expect(result.alarms.created).toBe(6);
      expect(result.carriedOver).toEqual({ describes: 0, tagReads: 0, alarmWrites: 0 });

      resetCaches();
      process.env.PM_PUBLISH_UTILIZATION_METRICS = 'true';
      const parity = await handler({ region: REGION, run: run() });
      expect(parity.metricsWritten).toBe(9);
    } finally {
      delete process.env.PM_PUBLISH_UTILIZATION_METRICS;
      delete process.env.PM_ALARM_TOPIC_ARNS;
      delete process.env.PM_ALARM_PREFIX;
      delete process.env.PM_STACK_NAME;
    }
  });
});
