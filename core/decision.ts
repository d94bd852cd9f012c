/**
 * What the idle and over-provisioned decisions take, and helpers both use. Pure.
 */
import type { Behaviour } from '../config/schema';
import type { Exemption, MonitoredResource, TrafficSample } from './types';
import { HOUR_MS } from './time';

/** Everything one decision about one resource needs; `now` is the run's start time (epoch ms). */
export interface DecisionInput {
  resource: MonitoredResource;
  traffic: TrafficSample;
  behaviour: Behaviour;
  now: number;
  exemption: Exemption;
}

/** The latest of creation and last update (a restart or an update resets every clock, bug 12). */
export function latestActivity(resource: Pick<MonitoredResource, 'createdAt' | 'lastUpdatedAt'>): number {
  return Math.max(resource.createdAt, resource.lastUpdatedAt);
}

/** Hours from `from` to `now`, one decimal. */
export function hoursSince(from: number, now: number): number {
  return Math.round(((now - from) / HOUR_MS) * 10) / 10;
}

/** Rounds a rate for evidence (three decimals: 1 request an hour is 0.0003/s, shown as 0). */
export function roundRate(rate: number): number {
  return Math.round(rate * 1000) / 1000;
}

/** Rounds a percentage for evidence. */
export function roundPercent(p: number): number {
  return Math.round(p * 100) / 100;
}
