/**
 * The health-check canary's decisions, pure: which request a resource gets, how a response is
 * classified, and how its own requests are taken out of the traffic a decision reads.
 */
import type { MonitoredResource, TrafficSample } from './types';
import type { TimeWindow } from './time';
import { FIVE_MINUTES_MS, HOUR_MS, floorTo } from './time';
import { CANARY_SLOTS_PER_HOUR, MAX_CANARY_SLOT_COUNT, hourOfSortKey, type CanaryHourItem } from './contracts/canary';

/** What a recipe needs in a request. */
export type RecipeKind = 'userPersonalization' | 'relatedItems' | 'popularItems' | 'ranking';

/**
 * The kind of a campaign's recipe or a recommender's use case, from its ARN
 * (`arn:aws:personalize:::recipe/aws-sims`, `…/aws-ecomm-customers-who-viewed-x-also-viewed`).
 * Source: Amazon Personalize developer guide, "Choosing a recipe" and "Choosing recommender use
 * cases" (https://docs.aws.amazon.com/personalize/latest/dg/working-with-predefined-recipes.html,
 * https://docs.aws.amazon.com/personalize/latest/dg/domain-use-cases.html): related-items recipes
 * and use cases need an itemId, personalized ranking a userId and an inputList, popularity
 * recipes nothing, every other one a userId.
 */
export function recipeKind(recipeArn: string | undefined): RecipeKind {
  const r = (recipeArn ?? '').toLowerCase();
  if (/personalized-ranking/.test(r)) return 'ranking';
  if (/sims|similar-items|also-viewed|frequently-bought-together|more-like-x|because-you-watched-x|related/.test(r)) return 'relatedItems';
  if (/popular-items|popularity-count|most-popular|most-viewed|best-sellers|trending-now/.test(r)) return 'popularItems';
  return 'userPersonalization';
}

/** The canary's request shape for the whole deployment (deploy config), before a tag overrides it. */
export interface CanaryRequestShape {
  userId: string;
  itemId: string;
  inputList: string[];
}

/** Items the canary asks for: as few as the API allows to keep the request light. */
export const CANARY_NUM_RESULTS = 1;

/** One canary request, or why the resource cannot be asked (then it is "canary misconfigured", never an outage). */
export type CanaryRequest =
  | { operation: 'GetRecommendations'; userId?: string; itemId?: string; numResults: number }
  | { operation: 'GetPersonalizedRanking'; userId: string; inputList: string[] }
  | { skip: true; reason: string }
  | { misconfigured: string };

/**
 * Parses a `PersonalizeMonitorCanary` tag value: `off` (the canary leaves the resource alone), or
 * space-separated `userId=…`, `itemId=…`, `inputList=a+b+c`. Returns the override or the problem.
 */
export function parseCanaryTag(value: string): { off: true } | { override: Partial<CanaryRequestShape> } | { problem: string } {
  const v = value.trim();
  if (v.toLowerCase() === 'off') return { off: true };
  const override: Partial<CanaryRequestShape> = {};
  for (const part of v.split(/\s+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    const val = eq > 0 ? part.slice(eq + 1) : '';
    if (val === '') return { problem: `tag part "${part}" is not key=value` };
    if (key === 'userId') override.userId = val;
    else if (key === 'itemId') override.itemId = val;
    else if (key === 'inputList') override.inputList = val.split('+').filter(Boolean);
    else return { problem: `tag part "${part}": unknown key "${key}" (expected userId, itemId or inputList)` };
  }
  return { override };
}

/**
 * The request the canary makes to `resource`, from the deployment's shape and the resource's
 * canary tag (when it has one): ranking recipes get GetPersonalizedRanking (userId + inputList),
 * related-items recipes GetRecommendations with the itemId, popularity recipes GetRecommendations
 * with nothing, others GetRecommendations with the userId.
 */
export function canaryRequest(resource: Pick<MonitoredResource, 'type' | 'recipeArn'>, shape: CanaryRequestShape, tagValue?: string): CanaryRequest {
  let s = shape;
  if (tagValue !== undefined) {
    const tag = parseCanaryTag(tagValue);
    if ('off' in tag) return { skip: true, reason: 'its canary tag is off' };
    if ('problem' in tag) return { misconfigured: `its canary tag cannot be read: ${tag.problem}` };
    s = { ...shape, ...tag.override };
  }
  const kind = recipeKind(resource.recipeArn);
  if (kind === 'ranking') {
    if (resource.type !== 'campaign') return { misconfigured: 'a ranking recipe on a recommender is not supported' };
    if (s.inputList.length === 0) return { misconfigured: 'its recipe ranks items: set canaryInputList or the canary tag inputList=a+b' };
    return { operation: 'GetPersonalizedRanking', userId: s.userId, inputList: s.inputList };
  }
  if (kind === 'relatedItems') {
    if (s.itemId === '') return { misconfigured: 'its recipe recommends related items: set canaryItemId or the canary tag itemId=…' };
    return { operation: 'GetRecommendations', itemId: s.itemId, numResults: CANARY_NUM_RESULTS };
  }
  if (kind === 'popularItems') return { operation: 'GetRecommendations', userId: s.userId, numResults: CANARY_NUM_RESULTS };
  return { operation: 'GetRecommendations', userId: s.userId, numResults: CANARY_NUM_RESULTS };
}

/** How one canary request ended. */
export type CanaryOutcome = 'success' | 'misconfigured' | 'clientError' | 'throttled' | 'serverError' | 'timeout';

/**
 * The outcome of a failed request, from its HTTP status and error name: a 4xx caused by the
 * canary's own request (InvalidInputException, a validation error) is `misconfigured`, never an
 * outage; a throttle is `throttled`; other 4xx `clientError` (e.g. the resource is gone); 5xx
 * `serverError`; no response `timeout`.
 */
export function classifyFailure(failure: { status?: number; name?: string; timedOut?: boolean }): Exclude<CanaryOutcome, 'success'> {
  if (failure.timedOut) return 'timeout';
  const name = failure.name ?? '';
  const status = failure.status;
  if (status === 429 || /Throttl|TooManyRequests/.test(name)) return 'throttled';
  if (name === 'InvalidInputException' || name === 'ValidationException' || name === 'SerializationException') return 'misconfigured';
  if (status !== undefined && status >= 500) return 'serverError';
  if (status !== undefined && status >= 400) return 'clientError';
  return status === undefined ? 'timeout' : 'serverError';
}

/** Outcomes that count against availability (the endpoint failed its users). */
export function isOutage(outcome: CanaryOutcome): boolean {
  return outcome === 'serverError' || outcome === 'timeout';
}

/** Index of the 5-minute slot of `t` inside its hour (0–11). */
export function slotOf(t: number): number {
  return Math.floor((t % HOUR_MS) / FIVE_MINUTES_MS);
}

const EMPTY_SLOTS = '0'.repeat(CANARY_SLOTS_PER_HOUR);

/** A resource's slot string with one more successful request at `t` (a slot holds at most MAX_CANARY_SLOT_COUNT). */
export function withRequestAt(slots: string | undefined, t: number): string {
  const digits = validSlots(slots) ? slots!.split('') : EMPTY_SLOTS.split('');
  const i = slotOf(t);
  digits[i] = String(Math.min(MAX_CANARY_SLOT_COUNT, Number(digits[i]) + 1));
  return digits.join('');
}

function validSlots(slots: string | undefined): boolean {
  return typeof slots === 'string' && slots.length === CANARY_SLOTS_PER_HOUR && /^\d+$/.test(slots);
}

/**
 * Most canary requests one resource can get in one 5-minute slot: one per run, runs
 * `intervalMinutes` apart. A stored count above it (a duplicated run, a forged item) is never
 * subtracted beyond it, so the canary's store can hide at most this many requests per slot.
 */
export function maxCanaryPerSlot(intervalMinutes: number): number {
  if (!(Number.isInteger(intervalMinutes) && intervalMinutes >= 1)) throw new Error(`healthCheckIntervalMinutes must be a whole number ≥ 1, got ${intervalMinutes}`);
  return Math.ceil(5 / intervalMinutes);
}

/** Most canary requests in one period of `periodSeconds` (an alarm's period). */
export function canaryRequestsPerPeriod(periodSeconds: number, intervalMinutes: number): number {
  return Math.ceil(periodSeconds / (intervalMinutes * 60));
}

/** One resource's canary requests: slot start (epoch ms) → count, bounded per slot. */
export type CanaryCounts = Map<number, number>;

/** The canary counts of resource `key` in the hour items read (unreadable items and slots count 0). */
export function canaryCountsOf(items: readonly Pick<CanaryHourItem, 'sk' | 'slots'>[], key: string, intervalMinutes: number): CanaryCounts {
  const cap = maxCanaryPerSlot(intervalMinutes);
  const counts: CanaryCounts = new Map();
  for (const item of items) {
    const hour = hourOfSortKey(item.sk);
    const slots = item.slots?.[key];
    if (hour === undefined || !validSlots(slots)) continue;
    for (let i = 0; i < CANARY_SLOTS_PER_HOUR; i++) {
      const n = Math.min(cap, Number(slots![i]));
      if (n > 0) counts.set(hour + i * FIVE_MINUTES_MS, n);
    }
  }
  return counts;
}

/** Canary requests in the slots lying wholly inside [from, to): a slot cut by the range is not counted (never over-subtract). */
export function canaryRequestsIn(counts: CanaryCounts, from: number, to: number): number {
  let n = 0;
  for (const [start, c] of counts) if (start >= from && start + FIVE_MINUTES_MS <= to) n += c;
  return n;
}

/**
 * The traffic the resource's users made: `sample` minus the canary's successful requests in the
 * recent window and in each hour of the hourly sums, never below 0. The recent window is whole
 * 5-minute slots; hours are whole hours.
 */
export function withoutCanary(sample: TrafficSample, counts: CanaryCounts, recent: TimeWindow): TrafficSample {
  if (counts.size === 0) return sample;
  const out: TrafficSample = { ...sample, recentRequests: Math.max(0, sample.recentRequests - canaryRequestsIn(counts, recent.start, recent.end)) };
  if (sample.hourlySums && sample.hourlyStart !== undefined) {
    const start = sample.hourlyStart;
    out.hourlySums = sample.hourlySums.map((v, i) => Math.max(0, v - canaryRequestsIn(counts, start + i * HOUR_MS, start + (i + 1) * HOUR_MS)));
  }
  return out;
}

/** The hour items a reader needs for traffic from `from` to `to`: their sort-key range. */
export function canaryHourRange(from: number, to: number): { first: number; last: number } {
  return { first: floorTo(from, HOUR_MS), last: floorTo(Math.max(from, to - 1), HOUR_MS) };
}

