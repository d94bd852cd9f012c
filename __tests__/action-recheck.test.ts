import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeCampaignCommand, DescribeRecommenderCommand, ListTagsForResourceCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { decideRecheck, settleState, trafficWindow, type RecheckInput, type ResourceSnapshot } from '../core/actions';
import { recheck } from '../tasks/action-recheck/recheck';
import { Logger } from '../tasks/shared/logger';
import { windowCounts } from '../tasks/shared/canary-counts';
import { canaryHourSortKey } from '../core/contracts/canary';
import { CAMPAIGN_ARN, NOW, RUN, capacityRequest, request } from './support/action-fixtures';

/** Created long before any idle window. */
const LONG_AGO = Date.parse('2026-01-01T00:00:00Z');
const active: ResourceSnapshot = { exists: true, status: 'ACTIVE', minCapacity: 1, changedAt: LONG_AGO };
/** The pure re-check at the execution's start, with the fixture run. */
const decide = (i: Omit<RecheckInput, 'run' | 'now'> & Partial<Pick<RecheckInput, 'run' | 'now'>>) => decideRecheck({ run: RUN, now: NOW, ...i });
const gone: ResourceSnapshot = { exists: false };

describe('re-check rules (pure)', () => {
  it('proceeds with an idle resource that is still idle, updatable and not exempt', () => {
    const r = decide({ request: request(), current: active, requestsInWindow: 0, exemption: { exempt: false, reason: 'no tag' } });
    expect(r.decision).toBe('proceed');
    expect(r.current).toBe(active);
  });

  it('treats a gone resource as done for delete and as a skip otherwise', () => {
    expect(decide({ request: request(), current: gone })).toMatchObject({ decision: 'alreadyDone', reason: expect.stringMatching(/no longer exists/) });
    expect(decide({ request: request({ action: 'stop', resourceType: 'recommender' }), current: gone }).decision).toBe('skip');
    expect(decide({ request: capacityRequest(), current: gone }).decision).toBe('skip');
  });

  it.each(['DELETE PENDING', 'DELETE IN_PROGRESS', 'delete_in_progress'])('counts a delete as done while the status is %s', (status) => {
    expect(decide({ request: request(), current: { exists: true, status } }).decision).toBe('alreadyDone');
  });

  it.each(['STOP PENDING', 'STOP IN_PROGRESS', 'INACTIVE'])('counts a stop as done while the status is %s', (status) => {
    const r = decide({ request: request({ action: 'stop', resourceType: 'recommender', name: 'r' }), current: { exists: true, status } });
    expect(r.decision).toBe('alreadyDone');
  });

  it('skips when any request arrived since the finding, saying how many', () => {
    expect(decide({ request: request(), current: active, requestsInWindow: 1 })).toMatchObject({
      decision: 'skip',
      reason: '1 request between 2026-11-21T10:00:00.000Z and now: the campaign shop-ranking is in use.',
    });
    expect(decide({ request: request(), current: active, requestsInWindow: 37 }).reason).toMatch(/^37 requests between/);
  });

  it.each([
    [{ exists: true, status: 'CREATE IN_PROGRESS' }],
    [{ exists: true, status: 'ACTIVE', latestUpdateStatus: 'CREATE IN_PROGRESS' }],
    [{ exists: true, status: 'START PENDING' }],
  ])('skips when the status is not updatable: %j', (current) => {
    expect(decide({ request: request(), current, requestsInWindow: 0 })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/must be ACTIVE or CREATE FAILED/) });
  });

  it('skips a monitor finding on a now exempt resource, but not a user request', () => {
    const exemption = { exempt: true, reason: 'exempt by tag PersonalizeMonitorExempt="true"' };
    expect(decide({ request: request(), current: active, exemption, requestsInWindow: 0 })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/now exempt/) });
    expect(decide({ request: request({ source: 'manual', origin: 'manual' }), current: active, exemption, requestsInWindow: 0 }).decision).toBe('proceed');
  });

  describe('setMinCapacity', () => {
    const at = (min: number, extra: Partial<ResourceSnapshot> = {}): ResourceSnapshot => ({ exists: true, status: 'ACTIVE', minCapacity: min, ...extra });

    it('proceeds while the minimum is still the one found', () => {
      expect(decide({ request: capacityRequest(), current: at(10) }).decision).toBe('proceed');
    });
    it('is already done when the minimum already equals the new one', () => {
      expect(decide({ request: capacityRequest(), current: at(4) })).toMatchObject({ decision: 'alreadyDone', reason: expect.stringMatching(/already 4/) });
    });
    it('is already done when an update to the new minimum is in progress', () => {
      expect(decide({ request: capacityRequest(), current: at(10, { latestUpdateStatus: 'CREATE IN_PROGRESS', pendingMinCapacity: 4 }) }).decision).toBe('alreadyDone');
    });
    it('skips while another update is in progress', () => {
      expect(decide({ request: capacityRequest(), current: at(10, { latestUpdateStatus: 'CREATE PENDING', pendingMinCapacity: 20 }) })).toMatchObject({
        decision: 'skip',
        reason: expect.stringMatching(/Another update .* in progress/),
      });
    });
    it('skips a monitor finding when the minimum changed since (e.g. a user pre-warmed)', () => {
      expect(decide({ request: capacityRequest(), current: at(50) })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/changed since the finding \(10 → 50\)/) });
    });
    it('never raises a minimum for the monitor, but does for a user', () => {
      const raise = capacityRequest({ newMin: 20, evidence: undefined });
      expect(decide({ request: raise, current: at(10) })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/never raises/) });
      expect(decide({ request: { ...raise, source: 'event', origin: 'requestsBus' }, current: at(10) }).decision).toBe('proceed');
    });
    it('ignores traffic (capacity changes do not need idleness)', () => {
      expect(decide({ request: capacityRequest(), current: at(10), requestsInWindow: 5000 }).decision).toBe('proceed');
    });
  });

  it('reads traffic over its own window: one idle window before the execution started, up to now – never the evidence', () => {
    const later = NOW + 20 * 3_600_000;
    expect(trafficWindow(request(), 24, later)).toEqual({ start: NOW - 24 * 3_600_000, end: later });
    // A forged evidence window (in the future, or ending just now) changes nothing.
    const forged = request({ evidence: { windowStart: '2099-01-01T00:00:00.000Z', windowEnd: '2099-01-01T00:00:00.000Z' } });
    expect(trafficWindow(forged, 24, later)).toEqual(trafficWindow(request({ evidence: undefined }), 24, later));
    // A start time in the future (impossible from Step Functions) cannot shrink the window.
    expect(trafficWindow(request({ requestedAt: '2099-01-01T00:00:00.000Z' }), 24, NOW)).toEqual({ start: NOW - 24 * 3_600_000, end: NOW });
  });

  it('skips an idle action on a resource created, updated or restarted within the idle window (or at an unknown time)', () => {
    const recent = { ...active, changedAt: NOW - 3_600_000 };
    expect(decide({ request: request(), current: recent, requestsInWindow: 0 })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/within the 24-hour idle window/) });
    expect(decide({ request: request(), current: { ...active, changedAt: undefined }, requestsInWindow: 0 }).decision).toBe('skip');
  });

  describe('bounds on a new minimum', () => {
    const at = (min: number): ResourceSnapshot => ({ exists: true, status: 'ACTIVE', minCapacity: min, changedAt: LONG_AGO });
    const manual = (newMin: number, mode: 'auto' | 'approval' = 'auto') => capacityRequest({ newMin, evidence: undefined, source: 'manual', origin: 'manual', mode });

    it('needs approval for a raise beyond maxAutoRaiseFactor in auto mode, proceeds once approved or within the factor', () => {
      expect(decide({ request: manual(21), current: at(2) })).toMatchObject({ decision: 'needsApproval', reason: expect.stringMatching(/maxAutoRaiseFactor 10/) });
      expect(decide({ request: manual(20), current: at(2) }).decision).toBe('proceed');
      expect(decide({ request: manual(21), current: at(2), approved: true }).decision).toBe('proceed');
      expect(decide({ request: manual(21, 'approval'), current: at(2) }).decision).toBe('proceed');
    });
    it('skips such a raise when nobody could be asked (no notification endpoint)', () => {
      expect(decide({ request: manual(21), current: at(2), run: { ...RUN, approvalsDeliverable: false } })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/no notificationEndpoint/) });
    });
    it('never goes above maxMinCapacity nor takes a non-integer, even if validation were bypassed', () => {
      for (const n of [101, 100000, 1e21, 2.5, 0, -1]) expect(decide({ request: manual(n), current: at(2), approved: true }).decision).toBe('skip');
    });
    it('keeps a monitor cut within maxStepPercent', () => {
      const run = { ...RUN, maxStepPercent: 50 };
      expect(decide({ request: capacityRequest({ newMin: 4 }), current: at(10), run })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/maxStepPercent 50%/) });
      expect(decide({ request: capacityRequest({ newMin: 5 }), current: at(10), run }).decision).toBe('proceed');
    });
  });
});

describe('settle rules (pure)', () => {
  it('delete settles when the campaign is gone', () => {
    expect(settleState(request(), gone).state).toBe('settled');
    expect(settleState(request(), { exists: true, status: 'DELETE IN_PROGRESS' }).state).toBe('pending');
  });
  it('stop settles at INACTIVE', () => {
    const stop = request({ action: 'stop', resourceType: 'recommender' });
    expect(settleState(stop, { exists: true, status: 'INACTIVE' }).state).toBe('settled');
    expect(settleState(stop, { exists: true, status: 'STOP IN_PROGRESS' }).state).toBe('pending');
    expect(settleState(stop, gone).state).toBe('failed');
  });
  it('a new minimum settles when ACTIVE with it and no update in progress; a failed update fails', () => {
    const req = capacityRequest();
    expect(settleState(req, { exists: true, status: 'ACTIVE', minCapacity: 4, latestUpdateStatus: 'ACTIVE', pendingMinCapacity: 4 }).state).toBe('settled');
    expect(settleState(req, { exists: true, status: 'ACTIVE', minCapacity: 10, latestUpdateStatus: 'CREATE IN_PROGRESS', pendingMinCapacity: 4 }).state).toBe('pending');
    expect(settleState(req, { exists: true, status: 'ACTIVE', minCapacity: 10, latestUpdateStatus: 'CREATE FAILED', pendingMinCapacity: 4 }).state).toBe('failed');
  });
});

describe('action-recheck handler', () => {
  const personalize = mockClient(PersonalizeClient);
  const cloudwatch = mockClient(CloudWatchClient);
  const deps = () => ({ personalize: () => new PersonalizeClient({ region: 'us-east-1' }), cloudwatch: () => new CloudWatchClient({ region: 'us-east-1' }), now: () => NOW + 3_600_000, logger: new Logger('t', {}, 'OFF') });

  beforeEach(() => {
    personalize.reset();
    cloudwatch.reset();
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { campaignArn: CAMPAIGN_ARN, status: 'ACTIVE', minProvisionedTPS: 1, creationDateTime: new Date(LONG_AGO) } });
    personalize.on(ListTagsForResourceCommand).resolves({ tags: [] });
  });

  it('reads the requests over its own window (both request metrics of a campaign) and skips on traffic', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [0, 2] }, { Id: 'm1', Values: [1] }] });
    const r = await recheck({ request: request(), run: RUN }, deps());
    expect(r).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/^3 requests between/) });
    const input = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    // One idle window (24 h) before the execution started, to now (+ the 5-minute period it is in).
    expect(input.StartTime).toEqual(new Date(NOW - 24 * 3_600_000));
    expect(input.EndTime).toEqual(new Date(NOW + 3_600_000 + 300_000));
    expect(input.MetricDataQueries?.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual(['GetRecommendations', 'GetPersonalizedRanking']);
    expect(input.MetricDataQueries?.[0].MetricStat?.Metric?.Dimensions).toEqual([{ Name: 'CampaignArn', Value: CAMPAIGN_ARN }]);
  });

  it('follows metric pages and proceeds when there was no request at all', async () => {
    cloudwatch.on(GetMetricDataCommand).resolvesOnce({ MetricDataResults: [{ Id: 'm0', Values: [] }], NextToken: 'p2' }).resolvesOnce({ MetricDataResults: [{ Id: 'm0', Values: [0] }] });
    const r = await recheck({ request: request(), run: RUN }, deps());
    expect(r.decision).toBe('proceed');
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(2);
  });

  it('does not count the canary\'s own requests as use: whole 5-minute periods of its counts are subtracted', async () => {
    // 3 requests in the window, all the canary's (slots in the hour before now), key c/<campaign name>.
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [1, 1, 1] }] });
    const hour = NOW;
    const canary = { settings: { intervalMinutes: 5 }, read: async () => windowCounts([{ sk: canaryHourSortKey(hour), slots: { 'c/shop-ranking': '111000000000', 'c/other': '111111111111' } }], { intervalMinutes: 5 }) };
    expect((await recheck({ request: request(), run: RUN }, { ...deps(), canary })).decision).toBe('proceed');
    // One more request than the canary made: a user's, so the resource is in use.
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [1, 1, 1, 1] }] });
    expect(await recheck({ request: request(), run: RUN }, { ...deps(), canary })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/^1 request between/) });
  });

  it('subtracts nothing when the canary counts cannot be read (the safe side: it does not act)', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [1] }] });
    const canary = { settings: { intervalMinutes: 5 }, read: () => Promise.reject(new Error('AccessDeniedException')) };
    expect(await recheck({ request: request(), run: RUN }, { ...deps(), canary })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/^1 request between/) });
  });

  it('skips a monitor finding when the exemption tag appeared, without reading metrics', async () => {
    personalize.on(ListTagsForResourceCommand).resolves({ tags: [{ tagKey: 'PersonalizeMonitorExempt', tagValue: 'true' }] });
    const r = await recheck({ request: request(), run: RUN }, deps());
    expect(r.decision).toBe('skip');
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('does not read tags for a user request, nor metrics for a capacity change', async () => {
    personalize.on(DescribeRecommenderCommand).resolves({ recommender: { status: 'ACTIVE', recommenderConfig: { minRecommendationRequestsPerSecond: 10 } } });
    const r = await recheck({ request: capacityRequest({ source: 'event', origin: 'requestsBus' }), run: RUN }, deps());
    expect(r.decision).toBe('proceed');
    expect(personalize.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('answers alreadyDone for a campaign that is gone', async () => {
    personalize.on(DescribeCampaignCommand).rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    expect((await recheck({ request: request(), run: RUN }, deps())).decision).toBe('alreadyDone');
  });

  it('surfaces throttling under the retryable name ThrottlingException', async () => {
    personalize.on(DescribeCampaignCommand).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    await expect(recheck({ request: request(), run: RUN }, deps())).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
