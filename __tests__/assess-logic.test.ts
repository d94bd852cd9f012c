/**
 * The pure parts of assess: the proposed action and its "none" reason from the MONITOR's own
 * decision (decideResource), utilization and idle hours from the hourly sums, the failure
 * classification (credentials / permission / throttling), and the progress bar's TTY rule.
 */
import { idleHours, noActionReason, proposedAction, totalsOf, utilizationOf, type AssessedResource } from '../assess/assess';
import { fatalProblem } from '../assess/observe';
import { ProgressBar } from '../assess/progress';
import type { RunContext } from '../core/contracts/run';
import { decisionWindow, HOUR_MS, trafficWindow } from '../core/time';
import type { MonitoredResource, TrafficSample } from '../core/types';
import type { PersonalizeClient } from '../tasks/aws/clients';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { decideResource } from '../tasks/collect/decide';
import { resetCaches } from '../tasks/collect/discovery';
import { Logger } from '../tasks/shared/logger';
import { behaviour, campaign, DAY, NOW, recommender, traffic } from './support/core-fixtures';

const b = behaviour();
const run: RunContext = { ...b, now: new Date(NOW).toISOString(), executionName: 'assess' };

/** A Personalize client answering ListTagsForResource with `tags` (the only call a decision makes). */
function tagClient(tags: Record<string, string>): PersonalizeClient {
  return { send: async () => ({ tags: Object.entries(tags).map(([tagKey, tagValue]) => ({ tagKey, tagValue })) }) } as unknown as PersonalizeClient;
}

async function decide(r: MonitoredResource, t: TrafficSample, tags: Record<string, string> = {}) {
  resetCaches();
  const decision = await decideResource(r, t, run, NOW, { personalize: tagClient(tags), calls: new ApiCallCounter(), log: new Logger('t', {}, 'OFF'), problems: [] });
  return { decision, action: proposedAction(r, t, decision, run, NOW) };
}

describe('proposed action', () => {
  it('idle campaign → delete, idle recommender → stop, with the finding\'s reason', async () => {
    const silent = traffic(b, () => 0);
    expect((await decide(campaign({ minCapacity: 2 }), silent)).action).toMatchObject({ kind: 'delete', detail: expect.stringContaining('No requests in 24 h') });
    expect((await decide(recommender(), silent)).action.kind).toBe('stop');
  });

  it('over-provisioned → the new minimum the decision computed', async () => {
    const { action, decision } = await decide(campaign({ minCapacity: 10 }), traffic(b, () => 3 * 3600, 900));
    expect(decision.capacity.overProvisioned).toBe(true);
    expect(action).toEqual({ kind: 'setMinimum', newMinimum: 3, detail: expect.stringContaining('minimum 10 -> 3') });
  });

  it.each([
    ['busy at the lowest minimum', campaign({ minCapacity: 1 }), traffic(b, () => 3600, 300), {}, 'busy'],
    ['busy and needing its minimum', campaign({ minCapacity: 3 }), traffic(b, () => 4 * 3600, 1200), {}, 'busy'],
    ['exempt by tag', campaign({ minCapacity: 2 }), traffic(b, () => 0), { PersonalizeMonitorExempt: 'true' }, 'exempt'],
    ['an update in flight', campaign({ minCapacity: 10, pendingMinCapacity: 4, latestUpdateStatus: 'UPDATE IN_PROGRESS' }), traffic(b, () => 3 * 3600, 900), {}, 'updating'],
    ['created 5 hours ago and silent', campaign({ minCapacity: 2, createdAt: NOW - 5 * HOUR_MS, lastUpdatedAt: NOW - 5 * HOUR_MS }), traffic(b, () => 0), {}, 'new'],
    ['updated 10 hours ago, busy, minimum 10', campaign({ minCapacity: 10, lastUpdatedAt: NOW - 10 * HOUR_MS }), traffic(b, () => 3 * 3600, 900), {}, 'new'],
  ] as const)('none when %s', async (_what, r, t, tags, because) => {
    const { action, decision } = await decide(r, t, tags);
    expect(decision.findings).toEqual([]);
    expect(action).toMatchObject({ kind: 'none', because });
    expect(noActionReason(r, t, decision, run, NOW)).toBe(because);
    expect(action.detail.length).toBeGreaterThan(10);
  });
});

describe('utilization and idle hours', () => {
  it('average and low watermark in % of the minimum, over the look-back hours', () => {
    const w = decisionWindow(NOW, b.metricDelayMinutes, b.lookBackDays * 24);
    const sums = Array.from({ length: b.lookBackDays * 24 }, (_, i) => (i % 2 === 0 ? 3600 : 3 * 3600));
    expect(utilizationOf(sums, w, campaign({ minCapacity: 4 }))).toEqual({ hours: 336, averageRate: 2, lowWatermarkRate: 1, averagePercent: 50, lowWatermarkPercent: 25 });
    // Hours before the last update do not count.
    const updated = campaign({ minCapacity: 4, lastUpdatedAt: w.end - 2 * HOUR_MS });
    expect(utilizationOf(sums, w, updated)?.hours).toBe(2);
  });

  it('hours idle: 0 when busy now, the trailing silent hours, or "at least" the whole window', () => {
    const w = trafficWindow(NOW, b);
    const r = campaign({ createdAt: NOW - 60 * DAY });
    expect(idleHours(r, traffic(b, () => 100, 5), w, NOW)).toEqual({ hoursIdle: 0 });
    const lastBusy = w.end - 48 * HOUR_MS;
    expect(idleHours(r, traffic(b, (t) => (t < lastBusy ? 100 : 0)), w, NOW)).toEqual({ hoursIdle: Math.floor((NOW - lastBusy) / HOUR_MS) });
    expect(idleHours(r, traffic(b, () => 0), w, NOW)).toEqual({ hoursIdle: Math.floor((NOW - w.start) / HOUR_MS), hoursIdleAtLeast: true });
    const young = campaign({ createdAt: NOW - 30 * HOUR_MS, lastUpdatedAt: NOW - 30 * HOUR_MS });
    expect(idleHours(young, traffic(b, () => 0), w, NOW)).toEqual({ hoursIdle: 30 });
  });

  it('totals count actions and add the waste', () => {
    const row = (kind: 'delete' | 'none', waste: number, type: 'campaign' | 'recommender') =>
      ({ type, action: kind === 'none' ? { kind, because: 'busy', detail: '' } : { kind, detail: '' }, monthlyWasteUsd: waste }) as AssessedResource;
    expect(totalsOf([row('delete', 10.1, 'campaign'), row('none', 0, 'recommender'), row('delete', 0.2, 'campaign')])).toEqual({
      resources: 3,
      campaigns: 2,
      recommenders: 1,
      actions: { delete: 2, stop: 0, setMinimum: 0, none: 1 },
      monthlyWasteUsd: 10.3,
    });
  });
});

describe('failure classification', () => {
  const call = (error: unknown) => ({ service: 'personalize' as const, operation: 'ListCampaigns', region: 'eu-west-1', error });
  const named = (name: string, message: string, status?: number) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('missing credentials', () => {
    expect(fatalProblem(call(named('CredentialsProviderError', 'Could not load credentials from any providers')))).toMatchObject({ kind: 'credentials' });
    expect(fatalProblem(call(named('ExpiredTokenException', 'The security token included in the request is expired')))?.kind).toBe('credentials');
  });

  it('access denied names the permission from the message, else from service and operation', () => {
    const msg = 'User: arn:aws:iam::1:user/u is not authorized to perform: personalize:ListCampaigns on resource: *';
    expect(fatalProblem(call(named('AccessDeniedException', msg)))).toMatchObject({ kind: 'accessDenied', permission: 'personalize:ListCampaigns' });
    expect(fatalProblem({ ...call(named('AccessDenied', 'Access Denied', 403)), service: 'cloudwatch', operation: 'GetMetricData' })?.permission).toBe('cloudwatch:GetMetricData');
    expect(fatalProblem(call(named('SomethingElse', 'forbidden', 403)))?.permission).toBe('personalize:ListCampaigns');
  });

  it('throttling after the retries; other errors are not fatal; success is nothing', () => {
    expect(fatalProblem(call(named('ThrottlingException', 'Rate exceeded')))?.kind).toBe('throttled');
    expect(fatalProblem(call(named('ResourceNotFoundException', 'gone')))).toBeUndefined();
    expect(fatalProblem(call(undefined))).toBeUndefined();
  });
});

describe('progress bar', () => {
  const event = { region: 'us-east-1', phase: 'listing' as const, calls: 1 };

  it('draws on a TTY and clears itself before the report', () => {
    let written = '';
    const bar = new ProgressBar({ isTTY: true, columns: 80, write: (s: string) => (written += s) }, ['us-east-1']);
    bar.update(event);
    bar.update({ ...event, phase: 'done', calls: 9 });
    expect(written).toContain('assess [');
    expect(written).toContain('1/1 regions, 9 calls');
    bar.finish();
    expect(written.endsWith('\r')).toBe(true);
  });

  it('writes nothing when the stream is not a TTY', () => {
    let written = '';
    const bar = new ProgressBar({ isTTY: false, write: (s: string) => (written += s) }, ['us-east-1']);
    bar.update(event);
    bar.finish();
    expect(written).toBe('');
  });
});
