/**
 * Simulated Amazon Personalize runtime (`personalize-runtime.<region>.amazonaws.com`, restJson1:
 * `POST /recommendations`, `POST /personalize-ranking`; SigV4 signing name `personalize`):
 * GetRecommendations and GetPersonalizedRanking against the campaigns and recommenders of the
 * Personalize model (sim/personalize.ts).
 *
 * - Validation like the service: exactly one of campaignArn / recommenderArn; unknown ARN (or one
 *   of another region), a resource not created yet, deleted or CREATE FAILED →
 *   ResourceNotFoundException (404); a resource that exists but does not serve (a stopped or
 *   starting recommender) → InvalidInputException (400). Related-items recipes (SIMS, similar
 *   items, "also viewed", frequently bought together, more like X, because you watched X) need
 *   `itemId` ("itemId is required"); user recipes need `userId`; ranking needs `userId` and a
 *   non-empty `inputList` and a personalized-ranking campaign (GetRecommendations on one is refused).
 * - Metrics as CloudWatch publishes them (`AWS/Personalize`, dimension CampaignArn / RecommenderArn,
 *   at the simulated time of the request, visible after the account's Personalize metric delay,
 *   in the same series as the generated traffic): a SUCCESSFUL request adds 1 to
 *   `GetRecommendations` / `GetPersonalizedRanking`; every request adds a sample of 0 or 1 to
 *   `…4xxErrors` and `…5xxErrors` and its latency (ms) to `…Latency`. The latency is a base draw
 *   (45 ms recommendations, 25 ms ranking, ±20 %) plus whatever made the call slow: the limits'
 *   latency, `latency` faults and the resource's health (`setHealth`). Requests naming no
 *   existing resource publish nothing.
 * - Health per resource (`setHealth(arn, { errorRate, latencyMs })`): a seeded share of requests
 *   answered 500 InternalFailure, and wall-clock latency added to each; both show in the metrics.
 */
import * as clock from './clock';
import { SimError } from './errors';
import type { MetricIdentity, MetricStore } from './metrics';
import type { OperationTable } from './operations';
import { PERSONALIZE_NAMESPACE, stateAt, type PersonalizeModel, type SimResource } from './personalize';
import { hash32, seededRandom, seedFromString, unitHash } from './random';
import { deterministicUuid, optionalArray, optionalInt, optionalString } from './util';

const { MINUTE_MS } = clock;

/** The operations of the runtime (also the base names of their metrics). */
export const PERSONALIZE_RUNTIME_OPERATIONS = ['GetRecommendations', 'GetPersonalizedRanking'] as const;
export type RuntimeOperation = (typeof PERSONALIZE_RUNTIME_OPERATIONS)[number];

/** Mean service latency (ms) of a request, before anything added (same figures as the traffic model). */
export const RUNTIME_BASE_LATENCY_MS: Record<RuntimeOperation, number> = { GetRecommendations: 45, GetPersonalizedRanking: 25 };
/** numResults default and maximum; inputList maximum. */
const DEFAULT_NUM_RESULTS = 25;
const MAX_NUM_RESULTS = 500;
const MAX_INPUT_LIST = 500;
/** Distinct items of the simulated catalogue. */
const CATALOGUE_SIZE = 5000;

/** What a recipe needs in a request. */
export type RecipeKind = 'userPersonalization' | 'relatedItems' | 'popularItems' | 'ranking';

/** Classify a recipe ARN (campaign's solution recipe or recommender recipe / use case). */
export function recipeKind(recipeArn: string): RecipeKind {
  const r = recipeArn.toLowerCase();
  if (/personalized-ranking/.test(r)) return 'ranking';
  if (/sims|similar-items|also-viewed|frequently-bought-together|more-like-x|because-you-watched-x|related/.test(r)) return 'relatedItems';
  if (/popular-items|most-popular|most-viewed|best-sellers|trending-now/.test(r)) return 'popularItems';
  return 'userPersonalization';
}

/** A resource's health as the runtime serves it. */
export interface RuntimeHealth {
  /** Share of requests answered with a 5xx (default 0), drawn from a seeded generator. */
  errorRate?: number;
  /** Wall-clock ms added to every request (default 0); also in the latency metric. */
  latencyMs?: number;
  /** Code and status of the injected errors (default `InternalFailure`, 500). */
  errorCode?: string;
  status?: number;
  /** Seed of the error draws (default: from the ARN). */
  seed?: number;
}

/** One runtime request as the model saw it (the call log keeps no inputs; this does). */
export interface RuntimeRequestRecord {
  /** Simulated time of the request. */
  time: number;
  operation: string;
  region: string;
  caller: string;
  /** campaignArn or recommenderArn of the request. */
  resourceArn?: string;
  userId?: string;
  itemId?: string;
  /** Items asked for (numResults or the inputList's length). */
  items: number;
  outcome: 'ok' | 'error';
  status: number;
  errorCode?: string;
  /** Latency published in the metric (ms). */
  latencyMs: number;
}

export interface RuntimeEnv {
  personalize: PersonalizeModel;
  metrics: MetricStore;
  seed: number;
  /** Publishing delay of AWS/Personalize metrics. */
  metricDelayMs: number;
}

const invalid = (m: string) => new SimError('InvalidInputException', m, { status: 400 });
const notFound = (arn: string) => new SimError('ResourceNotFoundException', `Could not find resource with ARN ${arn}`, { status: 404 });

interface HealthState {
  health: RuntimeHealth;
  random: () => number;
}

/** The runtime of one account (all regions). */
export class PersonalizeRuntimeModel {
  private readonly healthByArn = new Map<string, HealthState>();
  private readonly log: RuntimeRequestRecord[] = [];
  private served = 0;

  constructor(private readonly env: RuntimeEnv) {}

  /**
   * Make one resource unhealthy (undefined: healthy again): `errorRate` of its requests answer
   * 500 (seeded draws), every request takes `latencyMs` longer (wall clock). Both are published
   * in its `…5xxErrors` and `…Latency` metrics. Throws RangeError on bad values.
   */
  setHealth(arn: string, health: RuntimeHealth | undefined): void {
    if (!health) {
      this.healthByArn.delete(arn);
      return;
    }
    const rate = health.errorRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`setHealth: errorRate must be within [0, 1], got ${rate}`);
    const latency = health.latencyMs ?? 0;
    if (!(Number.isFinite(latency) && latency >= 0)) throw new RangeError(`setHealth: latencyMs must be a finite number >= 0, got ${latency}`);
    if (health.status !== undefined && !(Number.isInteger(health.status) && health.status >= 500 && health.status <= 599)) {
      throw new RangeError(`setHealth: status must be a 5xx, got ${health.status}`);
    }
    this.healthByArn.set(arn, { health: { ...health }, random: seededRandom(health.seed ?? hash32(this.env.seed, seedFromString(arn), 0x6865)) });
  }

  /** The health set for a resource (undefined: healthy). */
  health(arn: string): RuntimeHealth | undefined {
    const h = this.healthByArn.get(arn);
    return h ? { ...h.health } : undefined;
  }

  /** Requests received so far (oldest first), optionally of one resource. */
  requests(filter: { resourceArn?: string; operation?: string } = {}): RuntimeRequestRecord[] {
    return this.log.filter((r) => (!filter.resourceArn || r.resourceArn === filter.resourceArn) && (!filter.operation || r.operation === filter.operation));
  }

  /**
   * What the resource's health does to one request before it is served: wall-clock latency to
   * add and, drawn with `errorRate`, the 5xx to answer. (Called by SimAccount.invoke.)
   */
  healthDecision(input: Record<string, unknown>): { latencyMs: number; error?: SimError } {
    const arn = resourceArnOf(input);
    const h = arn ? this.healthByArn.get(arn) : undefined;
    if (!h) return { latencyMs: 0 };
    const rate = h.health.errorRate ?? 0;
    const fail = rate > 0 && h.random() < rate;
    return {
      latencyMs: h.health.latencyMs ?? 0,
      ...(fail ? { error: new SimError(h.health.errorCode ?? 'InternalFailure', 'We encountered an internal error. Please try again.', { status: h.health.status ?? 500 }) } : {}),
    };
  }

  /**
   * Publish one request's metrics on its resource (when the request names one that exists at
   * `t`) and log it. `addedLatencyMs`: what made the call slower than the service's own time.
   * (Called by SimAccount.invoke for every runtime request, whatever its outcome.)
   */
  observe(call: { operation: string; input: Record<string, unknown>; region: string; caller: string; t: number; addedLatencyMs: number; error?: unknown }): void {
    const operation = (PERSONALIZE_RUNTIME_OPERATIONS as readonly string[]).includes(call.operation) ? (call.operation as RuntimeOperation) : undefined;
    const arn = resourceArnOf(call.input);
    const status = call.error === undefined ? 200 : call.error instanceof SimError ? call.error.status : 500;
    const n = this.served++;
    const base = operation ? RUNTIME_BASE_LATENCY_MS[operation] * (0.8 + 0.4 * unitHash(this.env.seed, n, 0x6c74)) : 0;
    const latencyMs = Math.round((base + call.addedLatencyMs) * 1000) / 1000;
    const inputList = Array.isArray(call.input.inputList) ? call.input.inputList : undefined;
    this.log.push({
      time: call.t,
      operation: call.operation,
      region: call.region,
      caller: call.caller,
      ...(arn ? { resourceArn: arn } : {}),
      ...(typeof call.input.userId === 'string' ? { userId: call.input.userId } : {}),
      ...(typeof call.input.itemId === 'string' ? { itemId: call.input.itemId } : {}),
      items: inputList ? inputList.length : typeof call.input.numResults === 'number' ? call.input.numResults : DEFAULT_NUM_RESULTS,
      outcome: call.error === undefined ? 'ok' : 'error',
      status,
      ...(call.error !== undefined ? { errorCode: call.error instanceof SimError ? call.error.code : 'InternalFailure' } : {}),
      latencyMs,
    });
    if (!operation || !arn) return;
    const res = this.find(arn, call.region);
    if (!res || !stateAt(res, call.t)) return;
    const dimensions = [{ Name: res.kind === 'campaign' ? 'CampaignArn' : 'RecommenderArn', Value: res.arn }];
    const put = (suffix: string, value: number) => {
      const id: MetricIdentity = { region: res.region, namespace: PERSONALIZE_NAMESPACE, metricName: `${operation}${suffix}`, dimensions };
      this.env.metrics.record(id, call.t, { sampleCount: 1, sum: value, min: value, max: value }, this.env.metricDelayMs);
    };
    if (status < 400) put('', 1);
    put('4xxErrors', status >= 400 && status < 500 ? 1 : 0);
    put('5xxErrors', status >= 500 ? 1 : 0);
    put('Latency', latencyMs);
  }

  // ---------- operations ----------

  getRecommendations(region: string, now: number, input: Record<string, unknown>): Record<string, unknown> {
    const campaignArn = optionalString(input, 'campaignArn', invalid);
    const recommenderArn = optionalString(input, 'recommenderArn', invalid);
    if (!!campaignArn === !!recommenderArn) throw invalid('Provide exactly one of campaignArn or recommenderArn');
    const userId = optionalString(input, 'userId', invalid) || undefined;
    const itemId = optionalString(input, 'itemId', invalid) || undefined;
    const numResults = optionalInt(input, 'numResults', 1, MAX_NUM_RESULTS, invalid) ?? DEFAULT_NUM_RESULTS;
    const res = this.serving(campaignArn ?? recommenderArn!, campaignArn ? 'campaign' : 'recommender', region, now);
    const kind = recipeKind(res.recipeArn);
    if (kind === 'ranking') throw invalid(`GetRecommendations is not supported by ${res.arn}: its recipe ${res.recipeArn} ranks items (use GetPersonalizedRanking)`);
    if (kind === 'relatedItems' && !itemId) throw invalid('itemId is required');
    if (kind === 'userPersonalization' && !userId) throw invalid('userId is required');
    const seed = hash32(res.seed, seedFromString(`${userId ?? ''}\u0000${itemId ?? ''}`));
    const items: string[] = [];
    const seen = new Set<string>(itemId ? [itemId] : []);
    for (let i = 0; items.length < numResults && i < numResults * 4; i++) {
      const id = `item-${1 + Math.floor(unitHash(seed, i) * CATALOGUE_SIZE)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      items.push(id);
    }
    const scores = descendingScores(seed, items.length);
    return { itemList: items.map((id, i) => ({ itemId: id, score: scores[i] })), recommendationId: this.recommendationId(res, now) };
  }

  getPersonalizedRanking(region: string, now: number, input: Record<string, unknown>): Record<string, unknown> {
    const campaignArn = optionalString(input, 'campaignArn', invalid);
    if (!campaignArn) throw invalid('campaignArn is required');
    const userId = optionalString(input, 'userId', invalid) || undefined;
    const list = optionalArray(input, 'inputList', invalid);
    const res = this.serving(campaignArn, 'campaign', region, now);
    if (recipeKind(res.recipeArn) !== 'ranking') throw invalid(`GetPersonalizedRanking is not supported by ${res.arn}: its recipe ${res.recipeArn} is not a personalized-ranking recipe`);
    if (!userId) throw invalid('userId is required');
    if (!list || list.length === 0) throw invalid('inputList is required and must not be empty');
    if (list.length > MAX_INPUT_LIST) throw invalid(`inputList: at most ${MAX_INPUT_LIST} items, got ${list.length}`);
    if (!list.every((x) => typeof x === 'string' && x.length > 0)) throw invalid('inputList: expected non-empty item ids');
    const seed = hash32(res.seed, seedFromString(userId));
    const unique = [...new Set(list as string[])];
    const ranked = unique
      .map((id) => ({ id, key: unitHash(seed, seedFromString(id)) }))
      .sort((a, b) => b.key - a.key || (a.id < b.id ? -1 : 1))
      .map((x) => x.id);
    const scores = descendingScores(seed, ranked.length);
    return { personalizedRanking: ranked.map((id, i) => ({ itemId: id, score: scores[i] })), recommendationId: this.recommendationId(res, now) };
  }

  /** The resource, if it serves requests now; else the service's error. */
  private serving(arn: string, kind: 'campaign' | 'recommender', region: string, now: number): SimResource {
    const res = this.find(arn, region);
    if (!res) {
      if (!/^arn:[^:]+:personalize:/.test(arn)) throw invalid(`${arn} is not a Personalize ${kind} ARN`);
      throw notFound(arn);
    }
    if (res.kind !== kind) throw invalid(`${arn} is not a ${kind} ARN (use ${res.kind === 'campaign' ? 'campaignArn' : 'recommenderArn'})`);
    const state = stateAt(res, now);
    if (!state || /^(CREATE|DELETE)/.test(state.status)) throw notFound(arn);
    if (state.status !== 'ACTIVE') throw invalid(`${kind === 'campaign' ? 'Campaign' : 'Recommender'} ${arn} is not ACTIVE (status ${state.status})`);
    return res;
  }

  /** The resource named by an ARN in a region, if the model has it (deleted ones too). */
  private find(arn: string, region: string): SimResource | undefined {
    try {
      return this.env.personalize.mustGet(arn, region);
    } catch {
      return undefined;
    }
  }

  private recommendationId(res: SimResource, now: number): string {
    return `RID-${deterministicUuid(hash32(res.seed, Math.floor(now / MINUTE_MS)), this.served)}`;
  }
}

/** campaignArn or recommenderArn of a request (strings only). */
function resourceArnOf(input: Record<string, unknown>): string | undefined {
  const v = input.campaignArn ?? input.recommenderArn;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** `n` scores in (0, 1], strictly descending, summing to ≤ 1 (what Personalize returns for user recipes). */
function descendingScores(seed: number, n: number): number[] {
  const raw: number[] = [];
  let w = 1;
  for (let i = 0; i < n; i++) {
    w *= 0.7 + 0.25 * unitHash(seed, i, 0x73);
    raw.push(w);
  }
  const total = raw.reduce((a, b) => a + b, 0) || 1;
  return raw.map((x) => Math.round((x / total) * 1e6) / 1e6);
}

/** The runtime operations the simulator serves (restJson1: POST /recommendations, POST /personalize-ranking). */
export function personalizeRuntimeOperations(model: PersonalizeRuntimeModel): OperationTable {
  return {
    GetRecommendations: ({ region, now }, input) => model.getRecommendations(region, now, input),
    GetPersonalizedRanking: ({ region, now }, input) => model.getPersonalizedRanking(region, now, input),
  };
}

/** restJson1 routes of the runtime: request path → operation. */
export const PERSONALIZE_RUNTIME_ROUTES: Readonly<Record<string, string>> = Object.freeze({
  '/recommendations': 'GetRecommendations',
  '/personalize-ranking': 'GetPersonalizedRanking',
  '/action-recommendations': 'GetActionRecommendations',
});
