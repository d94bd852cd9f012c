import { evaluateIdle } from '../core/idle';
import { parseExemption } from '../core/exemption';
import { HOUR_MS, iso } from '../core/time';
import { behaviour, campaign, DAY, NOT_EXEMPT, NOW, recommender, traffic } from './support/core-fixtures';

const b = behaviour({ idleThresholdHours: 24 });
/** Idle window for NOW (12:37, 10-minute delay, 24 h): 2025-03-09 12:00 → 2025-03-10 12:00. */
const WINDOW_END = Date.UTC(2025, 2, 10, 12);
const WINDOW_START = WINDOW_END - 24 * HOUR_MS;
const silent = traffic(b, () => 0);

describe('evaluateIdle', () => {
  it('finds a resource with no request in the whole window idle, with evidence', () => {
    const decision = evaluateIdle({ resource: campaign({ minCapacity: 1 }), traffic: silent, behaviour: b, now: NOW, exemption: NOT_EXEMPT });

    expect(decision).toEqual({
      idle: true,
      evidence: {
        utilizationPercent: 0,
        windowStart: iso(WINDOW_START),
        windowEnd: iso(WINDOW_END),
        datapoints: 24,
        totalRequests: 0,
        ageHours: 60 * 24,
        currentMin: 1,
        monthlyWasteUsd: 146,
      },
    });
  });

  it('counts hours without data as zero (a sample of zeros longer than the window is enough)', () => {
    const longQuiet = traffic(behaviour({ idleThresholdHours: 24, lookBackDays: 14 }), () => 0);

    expect(evaluateIdle({ resource: recommender(), traffic: longQuiet, behaviour: b, now: NOW, exemption: NOT_EXEMPT }).idle).toBe(true);
  });

  it('one request in one hour of the window means not idle, and says where', () => {
    const oneRequest = traffic(b, (hour) => (hour === WINDOW_END - 5 * HOUR_MS ? 1 : 0));

    const decision = evaluateIdle({ resource: campaign(), traffic: oneRequest, behaviour: b, now: NOW, exemption: NOT_EXEMPT });

    expect(decision).toEqual({ idle: false, reason: expect.stringMatching(/served 1 requests in 1 of the 24 hours/) });
  });

  it('requests before the window do not count', () => {
    const oldTraffic = traffic(behaviour({ idleThresholdHours: 24, lookBackDays: 3 }), (hour) => (hour < WINDOW_START ? 100 : 0));

    expect(evaluateIdle({ resource: campaign(), traffic: oldTraffic, behaviour: b, now: NOW, exemption: NOT_EXEMPT }).idle).toBe(true);
  });

  it('a request in the recent 5-minute window means not idle', () => {
    const decision = evaluateIdle({ resource: campaign(), traffic: traffic(b, () => 0, 3), behaviour: b, now: NOW, exemption: NOT_EXEMPT });

    expect(decision).toEqual({ idle: false, reason: expect.stringMatching(/3 requests in the last complete 5-minute window/) });
  });

  it('a recommender restarted inside the window is not idle even though created long ago (bug 12)', () => {
    const restarted = recommender({ createdAt: NOW - 90 * DAY, lastUpdatedAt: WINDOW_START + HOUR_MS });

    const decision = evaluateIdle({ resource: restarted, traffic: silent, behaviour: b, now: NOW, exemption: NOT_EXEMPT });

    expect(decision).toEqual({ idle: false, reason: expect.stringMatching(/created, updated or restarted at .* idle clock starts again/) });
  });

  it('a resource younger than the window is not idle', () => {
    const young = campaign({ createdAt: NOW - 3 * HOUR_MS, lastUpdatedAt: NOW - 3 * HOUR_MS });

    expect(evaluateIdle({ resource: young, traffic: silent, behaviour: b, now: NOW, exemption: NOT_EXEMPT }).idle).toBe(false);
  });

  it('activity exactly at the window start still allows idleness', () => {
    const edge = campaign({ createdAt: WINDOW_START, lastUpdatedAt: WINDOW_START });

    expect(evaluateIdle({ resource: edge, traffic: silent, behaviour: b, now: NOW, exemption: NOT_EXEMPT }).idle).toBe(true);
  });

  it('a resource still being created is not idle', () => {
    const decision = evaluateIdle({ resource: campaign({ status: 'CREATE IN_PROGRESS' }), traffic: silent, behaviour: b, now: NOW, exemption: NOT_EXEMPT });

    expect(decision).toEqual({ idle: false, reason: expect.stringMatching(/status is CREATE IN PROGRESS/) });
  });

  it('a resource whose latest update is in progress is not idle', () => {
    const updating = campaign({ latestUpdateStatus: 'CREATE_IN_PROGRESS' });

    const decision = evaluateIdle({ resource: updating, traffic: silent, behaviour: b, now: NOW, exemption: NOT_EXEMPT });

    expect(decision).toEqual({ idle: false, reason: expect.stringMatching(/latest update CREATE IN PROGRESS/) });
  });

  it('an exempt resource is not idle, and the reason names the tag', () => {
    const exemption = parseExemption({ PersonalizeMonitorExempt: 'true' }, b.exemptionTagKey, NOW);

    const decision = evaluateIdle({ resource: campaign(), traffic: silent, behaviour: b, now: NOW, exemption });

    expect(decision).toEqual({ idle: false, reason: expect.stringContaining('PersonalizeMonitorExempt') });
  });

  it('a snooze until a future date holds; one that ended does not', () => {
    const future = parseExemption({ PersonalizeMonitorExempt: '2025-03-20' }, b.exemptionTagKey, NOW);
    const past = parseExemption({ PersonalizeMonitorExempt: '2025-03-01' }, b.exemptionTagKey, NOW);

    expect(evaluateIdle({ resource: campaign(), traffic: silent, behaviour: b, now: NOW, exemption: future }).idle).toBe(false);
    expect(evaluateIdle({ resource: campaign(), traffic: silent, behaviour: b, now: NOW, exemption: past }).idle).toBe(true);
  });

  it('never calls a resource idle when the hourly traffic does not cover the window', () => {
    const short = { recentRequests: 0, hourlyStart: WINDOW_END - 2 * HOUR_MS, hourlySums: [0, 0] };

    const decision = evaluateIdle({ resource: campaign(), traffic: short, behaviour: b, now: NOW, exemption: NOT_EXEMPT });

    expect(decision).toEqual({ idle: false, reason: expect.stringMatching(/cannot be judged/) });
  });
});
