/** Builders for the pure decision logic tests: one resource, one behaviour, hourly traffic. */
import { behaviourSchema, DEFAULT_BEHAVIOUR, type Behaviour } from '../../config/schema';
import type { Exemption, MonitoredResource, TrafficSample } from '../../core/types';
import { HOUR_MS, trafficWindow } from '../../core/time';

/** 2025-03-10 12:37 UTC: with the default 10-minute delay the decision windows end at 12:00. */
export const NOW = Date.UTC(2025, 2, 10, 12, 37, 0);
export const DAY = 24 * HOUR_MS;

export function behaviour(overrides: Partial<Behaviour> = {}): Behaviour {
  return behaviourSchema.parse({ ...DEFAULT_BEHAVIOUR, regions: ['eu-west-1'], ...overrides });
}

export function campaign(overrides: Partial<MonitoredResource> = {}): MonitoredResource {
  return {
    arn: 'arn:aws:personalize:eu-west-1:123456789012:campaign/shop-recs',
    name: 'shop-recs',
    type: 'campaign',
    region: 'eu-west-1',
    partition: 'aws',
    accountId: '123456789012',
    status: 'ACTIVE',
    minCapacity: 1,
    requestMetric: 'GetRecommendations',
    createdAt: NOW - 60 * DAY,
    lastUpdatedAt: NOW - 60 * DAY,
    ...overrides,
  };
}

export function recommender(overrides: Partial<MonitoredResource> = {}): MonitoredResource {
  return campaign({
    arn: 'arn:aws:personalize:eu-west-1:123456789012:recommender/home-feed',
    name: 'home-feed',
    type: 'recommender',
    ...overrides,
  });
}

/**
 * Hourly traffic over the collector's window (`trafficWindow`), each hour's sum from `perHour`
 * (given the hour's start), plus the recent 5-minute sum.
 */
export function traffic(b: Behaviour, perHour: (hourStart: number) => number, recentRequests = 0, now = NOW): TrafficSample {
  const w = trafficWindow(now, b);
  const hourlySums: number[] = [];
  for (let t = w.start; t < w.end; t += HOUR_MS) hourlySums.push(perHour(t));
  return { recentRequests, hourlySums, hourlyStart: w.start };
}

export const NOT_EXEMPT: Exemption = { exempt: false, reason: 'no PersonalizeMonitorExempt tag' };
