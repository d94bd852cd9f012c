/**
 * The Personalize bill the simulated account would receive, computed from the model:
 * campaigns per 5-minute window on max(average TPS, minProvisionedTPS), recommenders per hour
 * on max(average RPS, minRecommendationRequestsPerSecond), only while ACTIVE (an update keeps a
 * resource ACTIVE; deleting or stopping ends billing at the request).
 */
import * as clock from './clock';
import type { PersonalizeKind, PersonalizeModel, SimResource } from './personalize';

/** List prices in USD (flat; real tiers are not modelled). */
export interface Prices {
  /** Per TPS-hour of a campaign. */
  campaignTpsHour: number;
  /** Per RPS-hour of a recommender. */
  recommenderRpsHour: number;
}

// Copied once: imported names are getters under some module loaders (hot loop below).
const { HOUR_MS, MINUTE_MS } = clock;

export const DEFAULT_PRICES: Prices = { campaignTpsHour: 0.2, recommenderRpsHour: 0.2 };

/** Billing windows: campaigns every 5 minutes, recommenders every hour. */
export const BILLING_WINDOW_MS: Record<PersonalizeKind, number> = { campaign: 5 * MINUTE_MS, recommender: HOUR_MS };

export interface ResourceBill {
  arn: string;
  name: string;
  kind: PersonalizeKind;
  region: string;
  /** Billed capacity in TPS-hours (campaigns) or RPS-hours (recommenders). */
  unitHours: number;
  /** Hours the resource was billed at all. */
  billedHours: number;
  requests: number;
  cost: number;
}

export interface Bill {
  fromMs: number;
  toMs: number;
  total: number;
  resources: ResourceBill[];
}

/** Bill for [fromMs, toMs) over every resource the model ever had. */
export function computeBill(model: PersonalizeModel, prices: Prices, fromMs: number, toMs: number, filter: { arn?: string } = {}): Bill {
  if (!(toMs > fromMs)) throw new RangeError(`bill: expected toMs > fromMs, got ${fromMs}..${toMs}`);
  const resources = model.all().filter((r) => !filter.arn || r.arn === filter.arn).map((r) => billResource(model, r, prices, fromMs, toMs));
  return { fromMs, toMs, total: round(resources.reduce((s, r) => s + r.cost, 0)), resources };
}

function billResource(model: PersonalizeModel, res: SimResource, prices: Prices, fromMs: number, toMs: number): ResourceBill {
  const windowMs = BILLING_WINDOW_MS[res.kind];
  const windowSec = windowMs / 1000;
  const price = res.kind === 'campaign' ? prices.campaignTpsHour : prices.recommenderRpsHour;
  const last = res.phases[res.phases.length - 1];
  const goneAt = last && last.state === null ? last.from : Infinity;
  let unitHours = 0;
  let billedMinutes = 0;
  let requests = 0;
  const firstWindow = Math.floor(Math.max(fromMs, res.createdAt) / windowMs) * windowMs;
  for (let w = firstWindow; w < toMs && w < goneAt; w += windowMs) {
    const from = Math.max(w, fromMs);
    const to = Math.min(w + windowMs, toMs);
    if (model.nextPhaseChange(res, w) >= w + windowMs) {
      // Fast path: one state for the whole window.
      const min = model.billedMinimum(res, w);
      if (min === undefined) continue;
      const windowRequests = model.trafficRequests(res, w, w + windowMs);
      const inRange = from === w && to === w + windowMs ? windowRequests : model.trafficRequests(res, from, to);
      const minutes = (to - from) / MINUTE_MS;
      unitHours += (Math.max(windowRequests / windowSec, min) * minutes) / 60;
      billedMinutes += minutes;
      requests += inRange;
      continue;
    }
    // The rate of a window is its whole average, even when the range cuts it.
    let windowRequests = 0;
    for (let m = w; m < w + windowMs; m += MINUTE_MS) windowRequests += model.requestsInMinute(res, m);
    const avg = windowRequests / windowSec;
    for (let m = from; m < to; m += MINUTE_MS) {
      const min = model.billedMinimum(res, m);
      if (min === undefined) continue;
      unitHours += Math.max(avg, min) / 60;
      billedMinutes++;
      requests += model.requestsInMinute(res, m);
    }
  }
  return { arn: res.arn, name: res.name, kind: res.kind, region: res.region, unitHours, billedHours: billedMinutes / 60, requests, cost: round(unitHours * price) };
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
