/**
 * Over-provisioning: the minimum capacity is above the lowest hourly traffic.
 * Pure: traffic, tags and `now` are passed in.
 */
import type { FindingEvidence } from './types';
import { overProvisionWaste } from './cost';
import { averageRate, hourlySumsIn, utilizationPercent } from './utilization';
import { isTransitionalStatus, isUpdatable, normalizeStatus, STATUS } from './status';
import { decisionWindow, HOUR_MS, HOUR_SECONDS, iso } from './time';
import { hoursSince, latestActivity, roundPercent, roundRate, type DecisionInput } from './decision';

/** Hours of traffic since the latest activity needed before a minimum is judged. */
export const MIN_HOURS_FOR_CAPACITY = 24;
/** Personalize's lowest allowed minimum (TPS / RPS). */
export const LOWEST_MINIMUM = 1;
const PERCENT = 100;

export type CapacityDecision =
  | { overProvisioned: true; newMin: number; evidence: FindingEvidence }
  | { overProvisioned: false; reason: string };

/**
 * Lowest hourly average rate (sum / 3600) over the hours from `fromIndex` on; hours without
 * data must be zeros in `hourlySums` (a quiet hour is the low watermark, not a gap).
 * @throws Error when there is no hour from `fromIndex` on.
 */
export function lowWatermark(hourlySums: number[], fromIndex: number): number {
  const hours = hourlySums.slice(Math.max(0, fromIndex));
  if (hours.length === 0) throw new Error(`lowWatermark: no hours from index ${fromIndex} of ${hourlySums.length}`);
  return Math.min(...hours.map((s) => averageRate(Number.isFinite(s) && s > 0 ? s : 0, HOUR_SECONDS)));
}

/**
 * New minimum for a low watermark: max(1, floor(watermark)), never above `current`, and with
 * `maxStepPercent` < 100 never below ceil(current × (1 − step/100)) – except that a step always
 * allows a cut of 1 (else a small minimum, e.g. 3 with a 25% step, could never be lowered).
 */
export function newMinimum(current: number, watermark: number, maxStepPercent: number): number {
  const target = Math.max(LOWEST_MINIMUM, Math.floor(watermark), lowestStepMinimum(current, maxStepPercent));
  return Math.min(target, current);
}

/** The lowest minimum one change may set from `current` under `maxStepPercent` (see newMinimum). */
export function lowestStepMinimum(current: number, maxStepPercent: number): number {
  if (maxStepPercent >= PERCENT) return LOWEST_MINIMUM;
  // Integer arithmetic: 10 × (1 − 0.3) is 7.000000000000001 in floating point.
  const stepLimit = Math.ceil((current * (PERCENT - Math.max(0, maxStepPercent))) / PERCENT);
  return Math.max(LOWEST_MINIMUM, Math.min(stepLimit, current - 1));
}

/**
 * Decides whether a resource's minimum should be lowered, and to what. Rules: not exempt,
 * updatable, no update in progress (or failed), minimum above 1, cool-down since the last update
 * passed, at least 24 hours of traffic since the latest activity inside the look-back window
 * (hours before it existed or was last changed do not count), and a new minimum below the current.
 */
export function evaluateOverProvisioned(input: DecisionInput): CapacityDecision {
  const { resource, traffic, behaviour, now, exemption } = input;
  const current = resource.minCapacity;
  if (exemption.exempt) return { overProvisioned: false, reason: `It is exempt: ${exemption.reason}.` };
  if (!isUpdatable(resource)) {
    return { overProvisioned: false, reason: `Its status is ${normalizeStatus(resource.status)}; a minimum can only be changed when ACTIVE or CREATE FAILED.` };
  }
  if (resource.pendingMinCapacity !== undefined) {
    return { overProvisioned: false, reason: `An update to minimum ${resource.pendingMinCapacity} is in progress.` };
  }
  if (resource.latestUpdateStatus !== undefined && normalizeStatus(resource.latestUpdateStatus) !== STATUS.ACTIVE) {
    const status = normalizeStatus(resource.latestUpdateStatus);
    return {
      overProvisioned: false,
      reason: isTransitionalStatus(status)
        ? `Its latest update is still ${status}.`
        : `Its latest update ended ${status}; it needs a look before the minimum is changed again.`,
    };
  }
  if (current <= LOWEST_MINIMUM) return { overProvisioned: false, reason: `Its minimum is already ${current}, the lowest allowed.` };
  const coolDownEnd = resource.lastUpdatedAt + behaviour.coolDownHours * HOUR_MS;
  if (now < coolDownEnd) {
    return {
      overProvisioned: false,
      reason: `It was updated at ${iso(resource.lastUpdatedAt)}; the ${behaviour.coolDownHours}-hour cool-down lasts until ${iso(coolDownEnd)}.`,
    };
  }
  const window = decisionWindow(now, behaviour.metricDelayMinutes, behaviour.lookBackDays * 24);
  const sums = hourlySumsIn(traffic, window);
  if (typeof sums === 'string') return { overProvisioned: false, reason: `Capacity cannot be judged: ${sums}.` };
  // Only whole hours starting at or after the latest creation/update/restart count.
  const fromIndex = Math.max(0, Math.ceil((latestActivity(resource) - window.start) / HOUR_MS));
  const usable = Math.max(0, sums.length - fromIndex);
  if (usable < MIN_HOURS_FOR_CAPACITY) {
    return {
      overProvisioned: false,
      reason: `Only ${usable} hours of traffic since it was created or last changed (${iso(latestActivity(resource))}); ${MIN_HOURS_FOR_CAPACITY} are needed.`,
    };
  }
  const counted = sums.slice(fromIndex);
  const low = lowWatermark(counted, 0);
  const rates = counted.map((s) => averageRate(s, HOUR_SECONDS));
  const high = Math.max(...rates);
  const newMin = newMinimum(current, low, behaviour.maxStepPercent);
  if (newMin >= current) {
    return {
      overProvisioned: false,
      reason: `Its lowest hourly average over ${usable} hours is ${roundRate(low)}/s, which needs the current minimum of ${current}.`,
    };
  }
  return {
    overProvisioned: true,
    newMin,
    evidence: {
      utilizationPercent: roundPercent(utilizationPercent(traffic.recentRequests, current)),
      windowStart: iso(window.start + fromIndex * HOUR_MS),
      windowEnd: iso(window.end),
      datapoints: usable,
      totalRequests: counted.reduce((a, b) => a + b, 0),
      ageHours: hoursSince(resource.createdAt, now),
      currentMin: current,
      newMin,
      lowWatermark: roundRate(low),
      highWatermark: roundRate(high),
      monthlyWasteUsd: overProvisionWaste(current, newMin, resource.type, behaviour, rates),
    },
  };
}
