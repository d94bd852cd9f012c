import { ActionInputError } from '../core/actions';
import { buildFinding } from '../core/findings';
import { validateAction } from '../tasks/action-validate/validate';
import { handler } from '../tasks/action-validate/handler';
import { BEHAVIOUR, CAMPAIGN_ARN, EXECUTION_ARN, POLICY, RECOMMENDER_ARN, STARTED_AT } from './support/action-fixtures';

function run(input: unknown, defaults: unknown = BEHAVIOUR, policy: unknown = POLICY) {
  return validateAction({ defaults, policy, input, startedAt: STARTED_AT, executionArn: EXECUTION_ARN });
}

function rejects(input: unknown, cause: RegExp, defaults: unknown = BEHAVIOUR, policy: unknown = POLICY): void {
  let thrown: unknown;
  try {
    run(input, defaults, policy);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ActionInputError);
  expect((thrown as Error).name).toBe('ActionInputError');
  expect((thrown as Error).message).toMatch(cause);
}

function event(detailType: string, detail: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': detailType,
    source: 'personalize.monitor',
    account: '123456789012',
    time: STARTED_AT,
    region: 'us-east-1',
    resources: [],
    detail,
    ...extra,
  };
}

describe('ACTION input validation: direct input', () => {
  it('accepts a manual delete and fills in the request', () => {
    const out = run({ action: 'delete', resourceArn: CAMPAIGN_ARN, reason: 'Sale is over' });
    expect(out.request).toEqual({
      action: 'delete',
      resourceArn: CAMPAIGN_ARN,
      resourceType: 'campaign',
      region: 'us-east-1',
      name: 'shop-ranking',
      reason: 'Sale is over',
      source: 'manual',
      origin: 'manual',
      mode: 'auto',
      requestedAt: STARTED_AT,
    });
    expect(out.approval).toEqual({ approved: false });
    expect(out.run).toMatchObject({ maxMinCapacity: 100, maxAutoRaiseFactor: 10, approvalsDeliverable: true });
    expect(out.run.now).toBe(STARTED_AT);
    expect(out.run.executionArn).toBe(EXECUTION_ARN);
    expect(out.run.approvalLifetimeHours).toBe(24);
  });

  it('accepts setMinCapacity on a recommender with evidence (shown to people, used by no check)', () => {
    const out = run({ action: 'setMinCapacity', resourceArn: RECOMMENDER_ARN, newMin: 2, source: 'manual', evidence: { currentMin: 5, newMin: 2, monthlyWasteUsd: 438 } });
    expect(out.request).toMatchObject({ action: 'setMinCapacity', resourceType: 'recommender', newMin: 2, evidence: { currentMin: 5 }, origin: 'manual', mode: 'auto' });
  });

  it.each([
    [{ action: 'restart', resourceArn: CAMPAIGN_ARN }, /action: expected one of stop, delete, setMinCapacity/],
    [{ action: 'delete', resourceArn: RECOMMENDER_ARN }, /cannot be applied to recommender .*only be stopped/],
    [{ action: 'stop', resourceArn: CAMPAIGN_ARN }, /cannot be applied to campaign .*only be deleted/],
    [{ action: 'setMinCapacity', resourceArn: CAMPAIGN_ARN, newMin: 0 }, /newMin: expected a whole number from 1 to 2147483647/],
    [{ action: 'setMinCapacity', resourceArn: CAMPAIGN_ARN, newMin: 2.5 }, /newMin: expected a whole number from 1 to 2147483647 \(Personalize's range\), got a fraction/],
    [{ action: 'setMinCapacity', resourceArn: CAMPAIGN_ARN, newMin: '3' }, /newMin: expected a whole number/],
    [{ action: 'setMinCapacity', resourceArn: CAMPAIGN_ARN }, /newMin is required for setMinCapacity/],
    [{ action: 'delete', resourceArn: CAMPAIGN_ARN, newMin: 3 }, /newMin only applies to setMinCapacity/],
    [{ action: 'delete', resourceArn: 'arn:aws:personalize:us-east-1:123:campaign/x' }, /resourceArn: expected a campaign or recommender ARN/],
    [{ action: 'delete', resourceArn: 'arn:aws:personalize:us-east-1:123456789012:solution/x' }, /resourceArn: expected a campaign or recommender ARN/],
    [{ action: 'delete', resourceArn: CAMPAIGN_ARN, force: true }, /unknown field\(s\) "force"/],
    [{ action: 'delete', resourceArn: CAMPAIGN_ARN, approval: 'maybe' }, /approval: expected one of auto, approval, report/],
    [{ action: 'delete', resourceArn: CAMPAIGN_ARN, evidence: { utilization: 0 } }, /evidence: unknown field\(s\) "utilization"/],
    [{ action: 'delete', resourceArn: CAMPAIGN_ARN, source: 'cron' }, /source: a direct input is a manual request/],
    [{ action: 'delete', resourceArn: CAMPAIGN_ARN, source: 'monitor' }, /source: a direct input is a manual request/],
    [{ action: 'setMinCapacity', resourceArn: CAMPAIGN_ARN, newMin: 100000 }, /newMin 100000 is above maxMinCapacity 100/],
    [{ action: 'setMinCapacity', resourceArn: CAMPAIGN_ARN, newMin: 1e21 }, /newMin: expected a whole number from 1 to 2147483647/],
    [{ action: 'delete', resourceArn: 'arn:aws-:personalize:us-east-1:123456789012:campaign/x' }, /invalid action input: ARN .* has an unknown partition "aws-"/],
    [{ resourceArn: CAMPAIGN_ARN }, /action: expected one of/],
    [[], /must be a JSON object/],
    [null, /must be a JSON object/],
  ])('rejects %j', (input, cause) => rejects(input, cause));

  it('rejects a resource in a region the deployment does not monitor', () => {
    rejects({ action: 'delete', resourceArn: 'arn:aws:personalize:ap-south-1:123456789012:campaign/c' }, /region ap-south-1, which this deployment does not monitor/);
  });

  it('rejects a resource of another account', () => {
    rejects({ action: 'delete', resourceArn: 'arn:aws:personalize:us-east-1:999999999999:campaign/c' }, /belongs to account 999999999999/);
  });

  it('rejects an oversized input', () => {
    rejects({ action: 'delete', resourceArn: CAMPAIGN_ARN, reason: 'x'.repeat(40_000) }, /bytes; at most 32768/);
  });

  it('fails the handler with the named cause (the execution fails at once)', async () => {
    await expect(handler({ defaults: BEHAVIOUR, policy: POLICY, input: { action: 'stop', resourceArn: CAMPAIGN_ARN }, startedAt: STARTED_AT })).rejects.toMatchObject({
      name: 'ActionInputError',
      message: expect.stringMatching(/cannot be applied to campaign/),
    });
  });
});

describe('ACTION input validation: request events', () => {
  const viaBus = (e: unknown, via = 'requests-bus') => ({ via, event: e });

  it('maps DeletePersonalizeCampaign from the requests bus to a delete from source event', () => {
    const out = run(viaBus(event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN, Reason: 'Idle', Utilization: 0, AgeHours: 30, TotalRequestsDuringIdleThresholdHours: 0 })));
    expect(out.request).toMatchObject({ action: 'delete', source: 'event', origin: 'requestsBus', reason: 'Idle', evidence: { utilizationPercent: 0, ageHours: 30, totalRequests: 0 }, mode: 'auto' });
  });

  it('a raw event given as a direct execution input is a manual request', () => {
    expect(run(event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN })).request).toMatchObject({ source: 'manual', origin: 'manual' });
  });

  it('Evidence in an event (even {}) never makes it a MONITOR request', () => {
    for (const Evidence of [{}, { Window: '2099-01-01T00:00:00.000Z/2099-01-01T00:00:00.000Z' }, { DryRun: false, Region: 'us-east-1' }]) {
      expect(run(viaBus(event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN, Evidence }))).request).toMatchObject({ origin: 'requestsBus', mode: 'auto' });
      expect(run(event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN, Evidence })).request.origin).toBe('manual');
    }
  });

  it('a stop or delete from the default bus always needs approval, whatever the mode asked', () => {
    const defaults = { ...BEHAVIOUR, eventActionMode: 'auto' };
    expect(run(viaBus(event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN }), 'default-bus'), defaults).request).toMatchObject({ origin: 'defaultBus', mode: 'approval' });
    expect(run(viaBus(event('StopPersonalizeRecommender', { ARN: RECOMMENDER_ARN }), 'default-bus'), defaults).request.mode).toBe('approval');
    expect(run(viaBus(event('UpdatePersonalizeCampaignMinProvisionedTPS', { ARN: CAMPAIGN_ARN, NewMinTPS: 3 }), 'default-bus'), defaults).request.mode).toBe('auto');
  });

  it.each([
    [{ via: 'my-bus', event: {} }, /via must be one of requests-bus, default-bus/],
    [{ via: 'requests-bus' }, /"event" must be the EventBridge event object/],
    [{ via: 'requests-bus', event: {}, extra: 1 }, /unknown field\(s\) "extra"/],
  ])('rejects a malformed bus delivery %j', (input, cause) => rejects(input, cause));

  it('maps the two update events to setMinCapacity with NewMinTPS', () => {
    expect(run(event('UpdatePersonalizeCampaignMinProvisionedTPS', { ARN: CAMPAIGN_ARN, NewMinTPS: 50 })).request).toMatchObject({ action: 'setMinCapacity', newMin: 50, resourceType: 'campaign' });
    expect(run(event('UpdatePersonalizeRecommenderMinRecommendationRPS', { ARN: RECOMMENDER_ARN, NewMinTPS: 3, CurrentMinTPS: 10 })).request).toMatchObject({
      action: 'setMinCapacity',
      newMin: 3,
      resourceType: 'recommender',
      evidence: { currentMin: 10 },
    });
    expect(run({ via: 'requests-bus', event: event('StopPersonalizeRecommender', { ARN: RECOMMENDER_ARN }) }).request.reason).toBe('Requested by StopPersonalizeRecommender event');
  });

  it.each([
    [event('DeletePersonalizeRecommender', { ARN: RECOMMENDER_ARN }), /unknown detail-type "DeletePersonalizeRecommender"/],
    [event('DeletePersonalizeCampaign', { ARN: RECOMMENDER_ARN }), /DeletePersonalizeCampaign event needs a campaign ARN, got a recommender ARN/],
    [event('UpdatePersonalizeCampaignMinProvisionedTPS', { ARN: CAMPAIGN_ARN }), /NewMinTPS is required/],
    [event('UpdatePersonalizeCampaignMinProvisionedTPS', { ARN: CAMPAIGN_ARN, NewMinTPS: -1 }), /NewMinTPS: expected a whole number from 1/],
    [event('UpdatePersonalizeCampaignMinProvisionedTPS', { ARN: CAMPAIGN_ARN, NewMinTPS: 100000 }), /NewMinTPS 100000 is above maxMinCapacity 100/],
    [event('DeletePersonalizeCampaign', { ARN: 'campaign/x' }), /ARN: expected a campaign or recommender ARN/],
    [event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN, Force: true }), /unknown field\(s\) "Force"/],
    [event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN }, { source: 'my.app' }), /source must be "personalize.monitor"/],
    [event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN }, { extra: 1 }), /unknown field\(s\) "extra"/],
  ])('rejects event %#', (input, cause) => rejects(input, cause));
});

describe('ACTION mode resolution', () => {
  const base = { action: 'delete', resourceArn: CAMPAIGN_ARN };

  const acting = { ...BEHAVIOUR, autoDeleteOrStopIdleResources: true };
  const finding = (detailType: string, detail: Record<string, unknown>) => ({ finding: { 'detail-type': detailType, detail } });
  const idleFinding = finding('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN });
  const capacityFinding = finding('UpdatePersonalizeCampaignMinProvisionedTPS', { ARN: CAMPAIGN_ARN, NewMinTPS: 1 });

  it('uses safe defaults: idle and capacity findings need approval, user requests act', () => {
    expect(run(idleFinding, acting).request).toMatchObject({ origin: 'monitor', source: 'monitor', mode: 'approval' });
    expect(run(capacityFinding).request.mode).toBe('approval');
    expect(run({ ...base, source: 'manual' }).request.mode).toBe('auto');
    expect(run({ via: 'requests-bus', event: event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN }) }).request.mode).toBe('auto');
  });

  it('follows the configured mode per kind of action', () => {
    const defaults = { ...acting, idleActionMode: 'auto', capacityActionMode: 'report', eventActionMode: 'approval' };
    expect(run(idleFinding, defaults).request.mode).toBe('auto');
    expect(run(capacityFinding, defaults).request.mode).toBe('report');
    expect(run({ ...base, source: 'manual' }, defaults).request.mode).toBe('approval');
    expect(run({ via: 'requests-bus', event: event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN }) }, defaults).request.mode).toBe('approval');
  });

  it('lets a request ask for more caution, never less', () => {
    expect(run({ ...base, approval: 'approval' }).request.mode).toBe('approval');
    expect(run({ ...base, approval: 'report' }).request.mode).toBe('report');
    expect(run({ ...base, approval: 'auto' }, { ...BEHAVIOUR, eventActionMode: 'approval' }).request.mode).toBe('approval');
    expect(run({ ...base, approval: 'auto' }, { ...BEHAVIOUR, eventActionMode: 'report' }).request.mode).toBe('report');
  });

  it('refuses a MONITOR finding of a kind the deployment does not act on', () => {
    rejects(idleFinding, /autoDeleteOrStopIdleResources is false/);
    rejects(capacityFinding, /autoAdjustMinTps is false/, { ...BEHAVIOUR, autoAdjustMinTps: false });
  });

  it('refuses an approval nobody could receive (no notification endpoint), before anything happens', () => {
    rejects({ ...base, approval: 'approval' }, /no notificationEndpoint: nobody could receive the approval email/, BEHAVIOUR, { ...POLICY, approvalsDeliverable: false });
    expect(run({ ...base }, BEHAVIOUR, { ...POLICY, approvalsDeliverable: false }).request.mode).toBe('auto');
  });

  it('turns every dry-run into report, whatever else is asked', () => {
    expect(run({ ...base, approval: 'auto', dryRun: true }).request.mode).toBe('report');
    expect(run({ ...base, source: 'manual' }, { ...BEHAVIOUR, dryRun: true }).request.mode).toBe('report');
    expect(run(event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN }), { ...BEHAVIOUR, dryRun: true }).request.mode).toBe('report');
  });

  it('refuses edited (invalid) defaults with a plain error, not an input error', () => {
    expect(() => run(base, { ...BEHAVIOUR, idleActionMode: 'sometimes' })).toThrow(/state machine defaults are invalid/);
  });
});

describe('ACTION input validation: findings started by our MONITOR', () => {
  // The MONITOR starts the ACTION with its finding's request event under `finding`.
  const resource = {
    arn: CAMPAIGN_ARN,
    name: 'shop-ranking',
    type: 'campaign' as const,
    region: 'us-east-1',
    partition: 'aws',
    accountId: '123456789012',
    status: 'ACTIVE',
    minCapacity: 10,
    requestMetric: 'GetRecommendations' as const,
    createdAt: Date.parse('2026-09-01T00:00:00Z'),
    lastUpdatedAt: Date.parse('2026-09-01T00:00:00Z'),
  };
  const evidence = {
    utilizationPercent: 0,
    windowStart: '2026-11-21T09:00:00Z',
    windowEnd: '2026-11-22T09:00:00Z',
    datapoints: 24,
    totalRequests: 0,
    ageHours: 1990,
    currentMin: 10,
    newMin: 4,
    lowWatermark: 4.2,
    highWatermark: 9,
    monthlyWasteUsd: 876,
  };
  const asEvent = (f: { event: { detailType: string; detail: Record<string, unknown> } }) => ({ finding: { 'detail-type': f.event.detailType, detail: f.event.detail } });

  it('reads an idle finding event as a monitor request (idle mode, window and saving kept)', () => {
    const f = buildFinding('idle', resource, evidence, { ...BEHAVIOUR, autoDeleteOrStopIdleResources: true });
    const out = run(asEvent(f), { ...BEHAVIOUR, autoDeleteOrStopIdleResources: true });
    expect(out.request).toMatchObject({
      action: 'delete',
      source: 'monitor',
      mode: 'approval',
      evidence: { windowStart: '2026-11-21T09:00:00Z', windowEnd: '2026-11-22T09:00:00Z', monthlyWasteUsd: 876 },
    });
  });

  it('reads a capacity finding event with its current minimum (the re-check compares it)', () => {
    const f = buildFinding('overProvisioned', resource, evidence, BEHAVIOUR);
    expect(run(asEvent(f)).request).toMatchObject({ action: 'setMinCapacity', newMin: 4, source: 'monitor', evidence: { currentMin: 10, lowWatermark: 4.2 } });
  });

  it('turns a dry-run finding into report', () => {
    const f = buildFinding('idle', resource, evidence, { ...BEHAVIOUR, dryRun: true });
    expect(run(asEvent(f), { ...BEHAVIOUR, autoDeleteOrStopIdleResources: true }).request.mode).toBe('report');
  });

  it('rejects a finding whose evidence names another region', () => {
    rejects(event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN, Evidence: { Region: 'eu-west-1' } }), /Evidence.Region eu-west-1 differs/);
    rejects(event('DeletePersonalizeCampaign', { ARN: CAMPAIGN_ARN, Evidence: { Window: 'yesterday/today' } }), /Evidence.Window: expected an ISO-8601 interval/);
    rejects({ finding: { 'detail-type': 'DeletePersonalizeCampaign', detail: { ARN: CAMPAIGN_ARN }, source: 'x' } }, /invalid finding input: unknown field\(s\) "source"/);
    rejects({ finding: { 'detail-type': 'DeletePersonalizeCampaign', detail: { ARN: CAMPAIGN_ARN } }, approval: 'auto' }, /unknown field\(s\) "approval" beside "finding"/);
  });
});
