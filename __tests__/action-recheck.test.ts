import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeCampaignCommand, DescribeRecommenderCommand, ListTagsForResourceCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { decideRecheck, settleState, trafficCheckStart, type ResourceSnapshot } from '../core/actions';
import { recheck } from '../tasks/action-recheck/handler';
import { Logger } from '../tasks/shared/logger';
import { CAMPAIGN_ARN, NOW, RUN, capacityRequest, request } from './support/action-fixtures';

const active: ResourceSnapshot = { exists: true, status: 'ACTIVE', minCapacity: 1 };
const gone: ResourceSnapshot = { exists: false };

describe('re-check rules (pure)', () => {
  it('proceeds with an idle resource that is still idle, updatable and not exempt', () => {
    const r = decideRecheck({ request: request(), current: active, requestsSinceFinding: 0, exemption: { exempt: false, reason: 'no tag' } });
    expect(r.decision).toBe('proceed');
    expect(r.current).toBe(active);
  });

  it('treats a gone resource as done for delete and as a skip otherwise', () => {
    expect(decideRecheck({ request: request(), current: gone })).toMatchObject({ decision: 'alreadyDone', reason: expect.stringMatching(/no longer exists/) });
    expect(decideRecheck({ request: request({ action: 'stop', resourceType: 'recommender' }), current: gone }).decision).toBe('skip');
    expect(decideRecheck({ request: capacityRequest(), current: gone }).decision).toBe('skip');
  });

  it.each(['DELETE PENDING', 'DELETE IN_PROGRESS', 'delete_in_progress'])('counts a delete as done while the status is %s', (status) => {
    expect(decideRecheck({ request: request(), current: { exists: true, status } }).decision).toBe('alreadyDone');
  });

  it.each(['STOP PENDING', 'STOP IN_PROGRESS', 'INACTIVE'])('counts a stop as done while the status is %s', (status) => {
    const r = decideRecheck({ request: request({ action: 'stop', resourceType: 'recommender', name: 'r' }), current: { exists: true, status } });
    expect(r.decision).toBe('alreadyDone');
  });

  it('skips when any request arrived since the finding, saying how many', () => {
    expect(decideRecheck({ request: request(), current: active, requestsSinceFinding: 1 })).toMatchObject({ decision: 'skip', reason: '1 request since the finding: the campaign shop-ranking is in use again.' });
    expect(decideRecheck({ request: request(), current: active, requestsSinceFinding: 37 }).reason).toMatch(/^37 requests since the finding/);
  });

  it.each([
    [{ exists: true, status: 'CREATE IN_PROGRESS' }],
    [{ exists: true, status: 'ACTIVE', latestUpdateStatus: 'CREATE IN_PROGRESS' }],
    [{ exists: true, status: 'START PENDING' }],
  ])('skips when the status is not updatable: %j', (current) => {
    expect(decideRecheck({ request: request(), current, requestsSinceFinding: 0 })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/must be ACTIVE or CREATE FAILED/) });
  });

  it('skips a monitor finding on a now exempt resource, but not a user request', () => {
    const exemption = { exempt: true, reason: 'exempt by tag PersonalizeMonitorExempt="true"' };
    expect(decideRecheck({ request: request(), current: active, exemption, requestsSinceFinding: 0 })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/now exempt/) });
    expect(decideRecheck({ request: request({ source: 'manual' }), current: active, exemption, requestsSinceFinding: 0 }).decision).toBe('proceed');
  });

  describe('setMinCapacity', () => {
    const at = (min: number, extra: Partial<ResourceSnapshot> = {}): ResourceSnapshot => ({ exists: true, status: 'ACTIVE', minCapacity: min, ...extra });

    it('proceeds while the minimum is still the one found', () => {
      expect(decideRecheck({ request: capacityRequest(), current: at(10) }).decision).toBe('proceed');
    });
    it('is already done when the minimum already equals the new one', () => {
      expect(decideRecheck({ request: capacityRequest(), current: at(4) })).toMatchObject({ decision: 'alreadyDone', reason: expect.stringMatching(/already 4/) });
    });
    it('is already done when an update to the new minimum is in progress', () => {
      expect(decideRecheck({ request: capacityRequest(), current: at(10, { latestUpdateStatus: 'CREATE IN_PROGRESS', pendingMinCapacity: 4 }) }).decision).toBe('alreadyDone');
    });
    it('skips while another update is in progress', () => {
      expect(decideRecheck({ request: capacityRequest(), current: at(10, { latestUpdateStatus: 'CREATE PENDING', pendingMinCapacity: 20 }) })).toMatchObject({
        decision: 'skip',
        reason: expect.stringMatching(/Another update .* in progress/),
      });
    });
    it('skips a monitor finding when the minimum changed since (e.g. a user pre-warmed)', () => {
      expect(decideRecheck({ request: capacityRequest(), current: at(50) })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/changed since the finding \(10 → 50\)/) });
    });
    it('never raises a minimum for the monitor, but does for a user', () => {
      const raise = capacityRequest({ newMin: 20, evidence: undefined });
      expect(decideRecheck({ request: raise, current: at(10) })).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/never raises/) });
      expect(decideRecheck({ request: { ...raise, source: 'event' }, current: at(10) }).decision).toBe('proceed');
    });
    it('ignores traffic (capacity changes do not need idleness)', () => {
      expect(decideRecheck({ request: capacityRequest(), current: at(10), requestsSinceFinding: 5000 }).decision).toBe('proceed');
    });
  });

  it('counts traffic from the finding window end, else from the request time', () => {
    expect(trafficCheckStart(request())).toBe(Date.parse('2026-11-22T09:00:00Z'));
    expect(trafficCheckStart(request({ evidence: undefined }))).toBe(NOW);
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
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { campaignArn: CAMPAIGN_ARN, status: 'ACTIVE', minProvisionedTPS: 1 } });
    personalize.on(ListTagsForResourceCommand).resolves({ tags: [] });
  });

  it('reads the requests since the finding (both request metrics of a campaign) and skips on traffic', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [0, 2] }, { Id: 'm1', Values: [1] }] });
    const r = await recheck({ request: request(), run: RUN }, deps());
    expect(r).toMatchObject({ decision: 'skip', reason: expect.stringMatching(/^3 requests since the finding/) });
    const input = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(input.StartTime).toEqual(new Date('2026-11-22T09:00:00Z'));
    expect(input.MetricDataQueries?.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual(['GetRecommendations', 'GetPersonalizedRanking']);
    expect(input.MetricDataQueries?.[0].MetricStat?.Metric?.Dimensions).toEqual([{ Name: 'CampaignArn', Value: CAMPAIGN_ARN }]);
  });

  it('follows metric pages and proceeds when there was no request at all', async () => {
    cloudwatch.on(GetMetricDataCommand).resolvesOnce({ MetricDataResults: [{ Id: 'm0', Values: [] }], NextToken: 'p2' }).resolvesOnce({ MetricDataResults: [{ Id: 'm0', Values: [0] }] });
    const r = await recheck({ request: request(), run: RUN }, deps());
    expect(r.decision).toBe('proceed');
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(2);
  });

  it('skips a monitor finding when the exemption tag appeared, without reading metrics', async () => {
    personalize.on(ListTagsForResourceCommand).resolves({ tags: [{ tagKey: 'PersonalizeMonitorExempt', tagValue: 'true' }] });
    const r = await recheck({ request: request(), run: RUN }, deps());
    expect(r.decision).toBe('skip');
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('does not read tags for a user request, nor metrics for a capacity change', async () => {
    personalize.on(DescribeRecommenderCommand).resolves({ recommender: { status: 'ACTIVE', recommenderConfig: { minRecommendationRequestsPerSecond: 10 } } });
    const r = await recheck({ request: capacityRequest({ source: 'event' }), run: RUN }, deps());
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
