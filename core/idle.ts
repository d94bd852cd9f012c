/**
 * Idle detection: a resource that served no request over the whole idle window.
 * Pure: traffic, tags and `now` are passed in.
 */
import type { FindingEvidence } from './types';
import { idleWaste } from './cost';
import { hourlySumsIn, utilizationPercent } from './utilization';
import { normalizeStatus, isUpdatable } from './status';
import { decisionWindow, iso } from './time';
import { hoursSince, latestActivity, roundPercent, type DecisionInput } from './decision';

export type IdleDecision = { idle: true; evidence: FindingEvidence } | { idle: false; reason: string };

/**
 * Decides whether a resource is idle: zero requests in every hour of the idle window
 * (`decisionWindow(now, metricDelayMinutes, idleThresholdHours)`, hours without data count as
 * zero) and in the recent 5-minute window, no creation/update/restart since the window started,
 * status and latest-update status updatable, not exempt. Each "no" says why in a sentence.
 *
 * The minutes between the window's end and the recent window are not covered here: the ACTION
 * machine re-checks for requests since `evidence.windowStart` right before it acts.
 */
export function evaluateIdle(input: DecisionInput): IdleDecision {
  const { resource, traffic, behaviour, now, exemption } = input;
  const hours = behaviour.idleThresholdHours;
  if (!isUpdatable(resource)) {
    const update = resource.latestUpdateStatus === undefined ? '' : ` and its latest update ${normalizeStatus(resource.latestUpdateStatus)}`;
    return {
      idle: false,
      reason: `Its status is ${normalizeStatus(resource.status)}${update}; it can only be stopped or deleted when ACTIVE or CREATE FAILED.`,
    };
  }
  if (exemption.exempt) return { idle: false, reason: `It is exempt: ${exemption.reason}.` };
  if (traffic.recentRequests > 0) {
    return { idle: false, reason: `It served ${traffic.recentRequests} requests in the last complete 5-minute window.` };
  }
  const window = decisionWindow(now, behaviour.metricDelayMinutes, hours);
  const activity = latestActivity(resource);
  if (activity > window.start) {
    return {
      idle: false,
      reason: `It was created, updated or restarted at ${iso(activity)}, less than ${hours} hours before ${iso(window.end)}; the idle clock starts again then.`,
    };
  }
  const sums = hourlySumsIn(traffic, window);
  if (typeof sums === 'string') return { idle: false, reason: `Idleness cannot be judged: ${sums}.` };
  const total = sums.reduce((a, b) => a + b, 0);
  if (total > 0) {
    const busyHours = sums.filter((s) => s > 0).length;
    return {
      idle: false,
      reason: `It served ${total} requests in ${busyHours} of the ${hours} hours from ${iso(window.start)} to ${iso(window.end)}.`,
    };
  }
  return {
    idle: true,
    evidence: {
      utilizationPercent: roundPercent(utilizationPercent(traffic.recentRequests, resource.minCapacity)),
      windowStart: iso(window.start),
      windowEnd: iso(window.end),
      datapoints: sums.length,
      totalRequests: 0,
      ageHours: hoursSince(resource.createdAt, now),
      currentMin: resource.minCapacity,
      monthlyWasteUsd: idleWaste(resource, behaviour),
    },
  };
}
