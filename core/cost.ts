/**
 * Waste estimates in USD. Prices come from the behaviour (Personalize list prices vary by
 * region and tier); a month is 730 hours.
 */
import type { Behaviour } from '../config/schema';
import type { MonitoredResource, ResourceType } from './types';
import { HOURS_PER_MONTH } from './time';

export type Prices = Pick<Behaviour, 'campaignTpsHourPrice' | 'recommenderRpsHourPrice'>;

const CENTS = 100;

/** Rounds to whole cents (estimates, not invoices). */
function usd(amount: number): number {
  return Math.round(amount * CENTS) / CENTS;
}

/** Price of one TPS/RPS-hour for the resource type. */
function hourPrice(type: ResourceType, prices: Prices): number {
  return type === 'campaign' ? prices.campaignTpsHourPrice : prices.recommenderRpsHourPrice;
}

/** Monthly cost (USD) of keeping `capacity` TPS (campaign) or RPS (recommender) provisioned. */
export function monthlyCost(capacity: number, resourceType: ResourceType, behaviour: Prices): number {
  return usd(Math.max(0, capacity) * hourPrice(resourceType, behaviour) * HOURS_PER_MONTH);
}

/** Monthly cost of an idle resource: everything its minimum costs. */
export function idleWaste(resource: Pick<MonitoredResource, 'minCapacity' | 'type'>, behaviour: Prices): number {
  return monthlyCost(resource.minCapacity, resource.type, behaviour);
}

/**
 * Monthly saving of lowering a minimum from `current` to `newMin`. With the hourly average
 * rates it is exact for that traffic (billing is on max(actual, minimum), so hours above the
 * current minimum save nothing); without them it is the upper bound (current − newMin).
 */
export function overProvisionWaste(
  current: number,
  newMin: number,
  type: ResourceType,
  behaviour: Prices,
  hourlyRates?: number[],
): number {
  if (!hourlyRates || hourlyRates.length === 0) return monthlyCost(current - newMin, type, behaviour);
  const saved = hourlyRates.reduce((sum, rate) => sum + Math.max(rate, current) - Math.max(rate, newMin), 0);
  return monthlyCost(saved / hourlyRates.length, type, behaviour);
}
