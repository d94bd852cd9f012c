import { evaluateOverProvisioned, lowWatermark, newMinimum } from '../core/capacity';
import { parseExemption } from '../core/exemption';
import { HOUR_MS, iso } from '../core/time';
import { behaviour, campaign, DAY, NOT_EXEMPT, NOW, recommender, traffic } from './support/core-fixtures';

const b = behaviour({ lookBackDays: 14, coolDownHours: 24, maxStepPercent: 100 });
/** Look-back window for NOW: 14 days ending 2025-03-10 12:00. */
const WINDOW_END = Date.UTC(2025, 2, 10, 12);
/** Steady 5 requests/s (18,000 an hour), busy 20/s in the evenings. */
const steady = (hour: number) => (new Date(hour).getUTCHours() >= 18 ? 20 : 5) * 3600;

describe('lowWatermark', () => {
  it('is the lowest hourly average rate', () => {
    expect(lowWatermark([7200, 3600, 36000], 0)).toBe(1);
  });

  it('counts a quiet hour (zero) as the low watermark', () => {
    expect(lowWatermark([36000, 0, 36000], 0)).toBe(0);
  });

  it('ignores the hours before fromIndex', () => {
    expect(lowWatermark([0, 0, 18000, 7200], 2)).toBe(2);
  });

  it('refuses an empty range', () => {
    expect(() => lowWatermark([1, 2], 2)).toThrow('no hours');
  });
});

describe('newMinimum', () => {
  it('is the floor of the watermark, at least 1', () => {
    expect(newMinimum(10, 4.9, 100)).toBe(4);
    expect(newMinimum(10, 0.3, 100)).toBe(1);
  });

  it('never raises the minimum', () => {
    expect(newMinimum(3, 12.5, 100)).toBe(3);
  });

  it('limits the cut to the maximum step', () => {
    expect(newMinimum(10, 1, 30)).toBe(7);
    expect(newMinimum(100, 1, 25)).toBe(75);
  });

  it('with a step, a small minimum can still be lowered by one', () => {
    expect(newMinimum(3, 1, 25)).toBe(2);
  });
});

describe('evaluateOverProvisioned', () => {
  const input = (overrides: Partial<Parameters<typeof evaluateOverProvisioned>[0]> = {}) => ({
    resource: campaign({ minCapacity: 10 }),
    traffic: traffic(b, steady),
    behaviour: b,
    now: NOW,
    exemption: NOT_EXEMPT,
    ...overrides,
  });

  it('lowers the minimum to the low watermark, with evidence', () => {
    const decision = evaluateOverProvisioned(input());

    expect(decision).toMatchObject({
      overProvisioned: true,
      newMin: 5,
      evidence: {
        currentMin: 10,
        newMin: 5,
        lowWatermark: 5,
        highWatermark: 20,
        datapoints: 14 * 24,
        windowStart: iso(WINDOW_END - 14 * DAY),
        windowEnd: iso(WINDOW_END),
      },
    });
    // 18 quiet hours a day save 5/s, 6 busy hours save nothing: 5 × 18/24 × $0.2 × 730.
    expect(decision.overProvisioned && decision.evidence.monthlyWasteUsd).toBeCloseTo(547.5, 2);
  });

  it('a single quiet hour (no data) pulls the watermark to zero → minimum 1', () => {
    const quietHour = WINDOW_END - 3 * DAY;
    const decision = evaluateOverProvisioned(input({ traffic: traffic(b, (h) => (h === quietHour ? 0 : steady(h))) }));

    expect(decision).toMatchObject({ overProvisioned: true, newMin: 1, evidence: { lowWatermark: 0 } });
  });

  it('applies the maximum step', () => {
    const decision = evaluateOverProvisioned(input({ behaviour: behaviour({ maxStepPercent: 25 }), traffic: traffic(behaviour({ maxStepPercent: 25 }), () => 0) }));

    expect(decision).toMatchObject({ overProvisioned: true, newMin: 8 });
  });

  it('is not a finding when the traffic needs the current minimum', () => {
    const decision = evaluateOverProvisioned(input({ resource: campaign({ minCapacity: 5 }) }));

    expect(decision).toEqual({ overProvisioned: false, reason: expect.stringMatching(/needs the current minimum of 5/) });
  });

  it('a resource created 2 days ago is judged on those 2 days only, not the 12 empty days before', () => {
    const young = campaign({ minCapacity: 10, createdAt: NOW - 2 * DAY, lastUpdatedAt: NOW - 2 * DAY });
    // Before creation there is no data (zeros); since then a steady 5/s.
    const t = traffic(b, (h) => (h < young.createdAt ? 0 : steady(h)));

    const decision = evaluateOverProvisioned(input({ resource: young, traffic: t }));

    expect(decision).toMatchObject({ overProvisioned: true, newMin: 5, evidence: { lowWatermark: 5 } });
    expect(decision.overProvisioned && decision.evidence.datapoints).toBeGreaterThanOrEqual(24);
    expect(decision.overProvisioned && decision.evidence.datapoints).toBeLessThan(48);
  });

  it('needs 24 hours of traffic since the latest activity', () => {
    const young = campaign({ minCapacity: 10, createdAt: NOW - 20 * HOUR_MS, lastUpdatedAt: NOW - 20 * HOUR_MS });

    const decision = evaluateOverProvisioned(input({ resource: young, behaviour: behaviour({ coolDownHours: 0 }) }));

    expect(decision).toEqual({ overProvisioned: false, reason: expect.stringMatching(/Only \d+ hours .* 24 are needed/) });
  });

  it('waits for the cool-down after the last update', () => {
    const updated = campaign({ minCapacity: 10, lastUpdatedAt: NOW - 30 * HOUR_MS });

    const decision = evaluateOverProvisioned(input({ resource: updated, behaviour: behaviour({ coolDownHours: 48 }) }));

    expect(decision).toEqual({ overProvisioned: false, reason: expect.stringMatching(/48-hour cool-down/) });
  });

  it('never while an update is in progress or pending', () => {
    const inProgress = evaluateOverProvisioned(input({ resource: campaign({ minCapacity: 10, latestUpdateStatus: 'CREATE IN_PROGRESS' }) }));
    const pending = evaluateOverProvisioned(input({ resource: campaign({ minCapacity: 10, latestUpdateStatus: 'ACTIVE', pendingMinCapacity: 6 }) }));

    expect(inProgress.overProvisioned).toBe(false);
    expect(pending).toEqual({ overProvisioned: false, reason: expect.stringMatching(/update to minimum 6 is in progress/) });
  });

  it('never after a failed update (a person should look first)', () => {
    const failed = evaluateOverProvisioned(input({ resource: campaign({ minCapacity: 10, latestUpdateStatus: 'CREATE FAILED' }) }));

    expect(failed).toEqual({ overProvisioned: false, reason: expect.stringMatching(/ended CREATE FAILED/) });
  });

  it('never below the lowest minimum of 1', () => {
    const decision = evaluateOverProvisioned(input({ resource: recommender({ minCapacity: 1 }), traffic: traffic(b, () => 0) }));

    expect(decision).toEqual({ overProvisioned: false, reason: expect.stringMatching(/already 1/) });
  });

  it('not when exempt', () => {
    const exemption = parseExemption({ PersonalizeMonitorExempt: 'yes' }, b.exemptionTagKey, NOW);

    expect(evaluateOverProvisioned(input({ exemption })).overProvisioned).toBe(false);
  });

  it('not when the hourly traffic does not cover the look-back window', () => {
    const short = { recentRequests: 0, hourlyStart: WINDOW_END - 48 * HOUR_MS, hourlySums: new Array(48).fill(0) };

    expect(evaluateOverProvisioned(input({ traffic: short }))).toEqual({ overProvisioned: false, reason: expect.stringMatching(/cannot be judged/) });
  });
});
