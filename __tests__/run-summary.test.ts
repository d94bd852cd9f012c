import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DEFAULT_BEHAVIOUR } from '../config/schema';
import { handler, resetState } from '../tasks/summarize-run/handler';
import { failureCause, MAX_FAILURE_CAUSE_CHARS, summarize, type RegionOutcome } from '../tasks/summarize-run/summarize';

const run = { ...DEFAULT_BEHAVIOUR, regions: ['us-east-1', 'eu-west-1'], now: '2026-11-22T10:05:00.000Z', executionName: 'e1' } as never;

function okRegion(region: string, active: number, fingerprint = `fp-${region}`): RegionOutcome {
  return {
    region,
    ok: true,
    resources: { campaigns: active, recommenders: 0, active, skipped: 0 },
    metricsWritten: active * 2,
    alarms: { created: 1, updated: 0, deleted: 0, unchanged: active * 2 - 1 },
    findings: 1,
    deferredFindings: 0,
    problems: [],
    fleetFingerprint: fingerprint,
    apiCalls: 3,
  };
}

describe('run summary', () => {
  const cw = mockClient(CloudWatchClient);
  beforeEach(() => {
    cw.reset();
    resetState();
    process.env.PM_HOME_REGION = 'us-east-1';
  });

  it('adds up the regions and reports the failed one with its cause', () => {
    const s = summarize({
      run,
      regionResults: [okRegion('us-east-1', 4), { region: 'eu-west-1', ok: false, error: 'RegionCollectError', cause: 'AccessDenied' }],
    });
    expect(s.resources.active).toBe(4);
    expect(s.findings).toBe(1);
    expect(s.anyRegionFailed).toBe(true);
    expect(s.regions).toEqual({ ok: ['us-east-1'], failed: [{ region: 'eu-west-1', error: 'RegionCollectError', cause: 'AccessDenied' }] });
    expect(s.fleetChanged).toBe(false);
  });

  it('fleet fingerprint ignores region order and notices a change', () => {
    const a = summarize({ run, regionResults: [okRegion('us-east-1', 1), okRegion('eu-west-1', 2)] });
    const b = summarize({ run, regionResults: [okRegion('eu-west-1', 2), okRegion('us-east-1', 1)] }, a.fleetFingerprint);
    const c = summarize({ run, regionResults: [okRegion('eu-west-1', 2, 'other'), okRegion('us-east-1', 1)] }, a.fleetFingerprint);
    expect(b.fleetFingerprint).toBe(a.fleetFingerprint);
    expect(b.fleetChanged).toBe(false);
    expect(c.fleetChanged).toBe(true);
  });

  it('publishes monitoredResourceCount in the home region when every region succeeded', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const out = await handler({ run, regionResults: [okRegion('us-east-1', 3), okRegion('eu-west-1', 2)] });
    expect(out.resources.active).toBe(5);
    const calls = cw.commandCalls(PutMetricDataCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toMatchObject({
      Namespace: 'PersonalizeMonitor',
      MetricData: [{ MetricName: 'monitoredResourceCount', Value: 5, Unit: 'Count' }],
    });
    expect(await calls[0].thisValue.config.region()).toBe('us-east-1');
  });

  it('does not publish a partial count when a region failed', async () => {
    const out = await handler({ run, regionResults: [okRegion('us-east-1', 3), { region: 'eu-west-1', ok: false, error: 'X', cause: 'Y' }] });
    expect(out.anyRegionFailed).toBe(true);
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('the first run of a container always counts as a fleet change; the same fleet next run does not', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const first = await handler({ run, regionResults: [okRegion('us-east-1', 3)] });
    const second = await handler({ run, regionResults: [okRegion('us-east-1', 3)] });
    expect(first.fleetChanged).toBe(true);
    expect(second.fleetChanged).toBe(false);
  });

  it('dry run: publishes nothing, counts the metric and the would-be writes of every region, says the dashboard would be redrawn', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const dry = { ...(run as object), dryRun: true } as never;
    const region = (name: string, metrics: number, created: number): RegionOutcome => ({
      ...(okRegion(name, 2) as Extract<RegionOutcome, { ok: true }>),
      metricsWritten: 0,
      alarms: { created: 0, updated: 0, deleted: 0, unchanged: 0 },
      wouldWrite: { metrics, alarms: { created, updated: 1, deleted: 0 } },
    });
    const out = await handler({ run: dry, regionResults: [region('us-east-1', 5, 4), region('eu-west-1', 6, 2)] });
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expect(out).toMatchObject({ dryRun: true, metricsWritten: 0, runProblems: [], fleetChanged: true });
    // 11 region metrics + monitoredResourceCount.
    expect(out.wouldWrite).toEqual({ metrics: 12, alarms: { created: 6, updated: 2, deleted: 0 }, dashboard: true });
  });

  it('a real run reports nothing unwritten; a dry run does not use up the fleet change a later real run redraws for', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const dry = { ...(run as object), dryRun: true } as never;
    const firstDry = await handler({ run: dry, regionResults: [okRegion('us-east-1', 3)] });
    const secondDry = await handler({ run: dry, regionResults: [okRegion('us-east-1', 3)] });
    const real = await handler({ run, regionResults: [okRegion('us-east-1', 3)] });
    expect([firstDry.fleetChanged, secondDry.fleetChanged, real.fleetChanged]).toEqual([true, false, true]);
    expect(secondDry.wouldWrite.dashboard).toBe(false);
    expect(real.wouldWrite).toEqual({ metrics: 0, alarms: { created: 0, updated: 0, deleted: 0 }, dashboard: false });
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(1);
  });

  it('names each failed region and its error in one bounded line (failureCause), from the Lambda error JSON or a plain cause', () => {
    const lambdaCause = (type: string, message: string) => JSON.stringify({ errorType: type, errorMessage: message, trace: ['at x (y.js:1:1)', 'at z'] });
    const s = summarize({
      run,
      regionResults: [
        okRegion('us-east-1', 4),
        { region: 'eu-west-1', ok: false, error: 'RegionCollectError', cause: lambdaCause('RegionCollectError', 'region eu-west-1: ListCampaigns failed on page 1: AccessDeniedException: not authorized') },
        { region: 'ap-south-1', ok: false, error: 'States.Timeout', cause: 'Task timed out\nafter 65 s' },
      ],
    });
    expect(s.failureCause).toBe(
      '2 of 3 regions failed: eu-west-1: RegionCollectError: region eu-west-1: ListCampaigns failed on page 1: AccessDeniedException: not authorized; ap-south-1: States.Timeout: Task timed out after 65 s',
    );
    expect(summarize({ run, regionResults: [okRegion('us-east-1', 1)] }).failureCause).toBeUndefined();
    // A cause longer than the summary keeps (500) still gives its message, not broken JSON.
    const long = summarize({ run, regionResults: [{ region: 'eu-west-1', ok: false, error: 'RegionCollectError', cause: lambdaCause('RegionCollectError', `region eu-west-1: ${'x'.repeat(600)}`) }] });
    expect(long.failureCause).toMatch(/^1 of 1 region failed: eu-west-1: RegionCollectError: region eu-west-1: x+$/);
  });

  it('keeps failureCause at most 1,000 characters, every failed region named, cut with "…"', () => {
    const failed = Array.from({ length: 8 }, (_, i) => ({ region: `xx-test-${i + 1}`, error: 'RegionCollectError', cause: `region xx-test-${i + 1}: ${'denied '.repeat(100)}` }));
    const cause = failureCause(failed, 10);
    expect(cause.length).toBeLessThanOrEqual(MAX_FAILURE_CAUSE_CHARS);
    expect(cause.startsWith('8 of 10 regions failed: xx-test-1: RegionCollectError: region xx-test-1: denied')).toBe(true);
    for (const f of failed) expect(cause).toContain(`${f.region}: RegionCollectError`);
    expect(cause).toContain('…');
    expect(cause).not.toMatch(/\n/);
    const many = failureCause(Array.from({ length: 40 }, (_, i) => ({ region: `xx-test-${i}`, error: 'E', cause: 'c'.repeat(200) })), 40);
    expect(many.length).toBe(MAX_FAILURE_CAUSE_CHARS);
    expect(many.endsWith('…')).toBe(true);
  });

  it('a failed monitoredResourceCount is a named problem of the summary, never an error of the run', async () => {
    cw.on(PutMetricDataCommand).rejects(Object.assign(new Error('We encountered an internal error.'), { name: 'InternalServiceFault' }));
    const out = await handler({ run, regionResults: [okRegion('us-east-1', 3), okRegion('eu-west-1', 2)] });
    expect(out.runProblems).toEqual([
      { target: 'metrics:us-east-1', error: 'PutMetricData monitoredResourceCount (PersonalizeMonitor, us-east-1): InternalServiceFault: We encountered an internal error.' },
    ]);
    expect(out.problems).toBe(1);
    expect(out.anyRegionFailed).toBe(false);
    expect(out.failureCause).toBeUndefined();
    // Published: no problem.
    cw.reset();
    cw.on(PutMetricDataCommand).resolves({});
    expect((await handler({ run, regionResults: [okRegion('us-east-1', 3)] })).runProblems).toEqual([]);
  });

  it('rejects a malformed input', () => {
    expect(() => summarize({} as never)).toThrow(/expects \{ run, regionResults/);
  });
});
