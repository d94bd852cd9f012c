import {
  decisionSlot,
  decisionWindow,
  DECISION_SLOTS_PER_HOUR,
  FIVE_MINUTES_MS,
  floorTo,
  HOUR_MS,
  HOURS_PER_MONTH,
  isDecisionSlot,
  MINUTE_MS,
  recentWindow,
  trafficWindow,
} from '../core/time';
import { behaviour } from './support/core-fixtures';

const at = (h: number, m: number, s = 0) => Date.UTC(2025, 2, 10, h, m, s);

describe('named constants', () => {
  it('have the values the arithmetic relies on', () => {
    expect([MINUTE_MS, FIVE_MINUTES_MS, HOUR_MS, HOURS_PER_MONTH, DECISION_SLOTS_PER_HOUR]).toEqual([60_000, 300_000, 3_600_000, 730, 12]);
  });
});

describe('floorTo', () => {
  it('rounds down to the step', () => {
    expect(floorTo(at(10, 7, 59), FIVE_MINUTES_MS)).toBe(at(10, 5));
    expect(floorTo(at(10, 5), FIVE_MINUTES_MS)).toBe(at(10, 5));
  });

  it('rejects a step that is not positive', () => {
    expect(() => floorTo(1, 0)).toThrow('step');
  });
});

describe('recentWindow', () => {
  it('is the last complete 5-minute window without delay', () => {
    expect(recentWindow(at(10, 7, 30), 0)).toEqual({ start: at(10, 0), end: at(10, 5) });
  });

  it('lags by the metric delay so late metrics are not read as quiet (bug 11)', () => {
    expect(recentWindow(at(10, 7, 30), 10)).toEqual({ start: at(9, 50), end: at(9, 55) });
  });

  it('crosses the hour boundary', () => {
    expect(recentWindow(at(10, 2), 0)).toEqual({ start: at(9, 55), end: at(10, 0) });
  });
});

describe('decisionWindow', () => {
  it('ends at the hour before now − delay and spans the given hours', () => {
    expect(decisionWindow(at(12, 37), 10, 24)).toEqual({ start: at(12, 0) - 24 * HOUR_MS, end: at(12, 0) });
  });

  it('steps back an hour when the delay crosses the hour boundary', () => {
    expect(decisionWindow(at(12, 5), 10, 2)).toEqual({ start: at(9, 0), end: at(11, 0) });
  });

  it('trafficWindow covers the longer of the idle and look-back windows', () => {
    const b = behaviour({ idleThresholdHours: 168, lookBackDays: 2 });

    const w = trafficWindow(at(12, 37), b);

    expect((w.end - w.start) / HOUR_MS).toBe(168);
    expect(w.end).toBe(at(12, 0));
  });
});

describe('decision slots', () => {
  const arns = Array.from({ length: 1000 }, (_, i) => `arn:aws:personalize:eu-west-1:123456789012:campaign/c-${i}`);

  it('spread 1000 resources over all 12 slots, roughly evenly', () => {
    const counts = new Array(DECISION_SLOTS_PER_HOUR).fill(0);
    for (const arn of arns) counts[decisionSlot(arn)] += 1;

    expect(counts.every((c) => c > 0)).toBe(true);
    // Expected 83 per slot; a fair hash stays well within ±40%.
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(117);
  });

  it('give each resource exactly one slot per hour, the same every hour', () => {
    const arn = arns[7];
    const slotsHit = (hour: number) =>
      Array.from({ length: 12 }, (_, i) => at(hour, i * 5, 20)).filter((t) => isDecisionSlot(arn, t));

    expect(slotsHit(10)).toHaveLength(1);
    expect(slotsHit(11)).toHaveLength(1);
    expect(slotsHit(11)[0] - slotsHit(10)[0]).toBe(HOUR_MS);
  });
});
