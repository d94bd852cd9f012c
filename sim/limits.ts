/**
 * Realistic latency and per-operation API rate limits for the simulated account, with a time
 * scale, so a whole MONITOR run can be shown to finish with real AWS latencies and throttling
 * (or the same run k times faster, with the same shape).
 *
 * - Latency: a uniform draw in [minMs, maxMs] per call, from a generator seeded from the
 *   account seed (the same seed gives the same sequence of draws). It is WALL-clock time: the
 *   answer is delayed for real; simulated time does not move.
 * - Rate limits: one token bucket per region + service + operation (`burst` tokens, refilled at
 *   `perSecond` on the WALL clock). A call finding its bucket empty is answered with the
 *   service's own throttling error, exactly as a `throttle` fault (sim/faults.ts) is.
 * - Time scale k ≥ 1: every latency is divided by k and every rate multiplied by k (bursts are
 *   counts and stay), so a run k times faster meets the same throttling. The local runner divides
 *   function and Task timeouts by the same k (`RunnerOptions.timeScale`).
 */
import type { SimError } from './errors';
import { throttlingError, type ServiceName as FaultServiceName } from './faults';
import type { SimServiceName as ServiceName } from './operations';
import { hash32, seededRandom } from './random';

/** A uniform latency draw, in wall-clock milliseconds (before the time scale). */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/**
 * Latency by `service` (ServiceName of sim/faults.ts, or `personalize-runtime`) or `service:Operation`; the operation's
 * entry wins over the service's. Calls matching neither get no latency.
 */
export type LatencyTable = Record<string, LatencyRange>;

/** A token bucket: `perSecond` tokens a second (wall clock, before the time scale), at most `burst` (default: ⌈perSecond⌉). */
export interface RateLimit {
  perSecond: number;
  burst?: number;
}

/**
 * Rate limits by `service:Operation`, `service:Prefix*` (e.g. `personalize:Describe*`) or
 * `service:*`: the exact operation wins, then the longest prefix, then `service:*`. Every
 * operation has its own bucket (per region) even when several share an entry.
 */
export type RateLimitTable = Record<string, RateLimit>;

export interface SimLimits {
  /** Latency per call: the realistic table, your own, or none (`false` or absent). */
  latency?: 'realistic' | LatencyTable | false;
  /** API rate limits: the realistic table, your own, or none (`false` or absent). */
  rateLimits?: 'realistic' | RateLimitTable | false;
  /** k ≥ 1 (default 1): latencies ÷ k, rates × k. */
  timeScale?: number;
}

/** The control-plane services (sim/faults.ts's). */
const CONTROL_SERVICES: readonly FaultServiceName[] = ['personalize', 'cloudwatch', 'sns', 'events', 'sfn', 'dynamodb', 'cloudformation'];
/** Every service a latency or rate-limit key may name. */
const SERVICES: readonly ServiceName[] = [...CONTROL_SERVICES, 'personalize-runtime'];

/**
 * The service whose error codes (throttling, access denied, internal errors) a service answers
 * with: `personalize-runtime` answers as Personalize (same codes, IAM prefix `personalize`).
 */
export function errorCodesOf(service: ServiceName): FaultServiceName {
  return service === 'personalize-runtime' ? 'personalize' : service;
}

/**
 * 30–80 ms a call for every control-plane service: the figure our issue states for real latencies
 * ("real latencies (30-80 ms a call)"), i.e. a same-region control-plane call over TLS with
 * keep-alive. Not for `personalize-runtime` (its own latency model is in sim/personalize-runtime.ts;
 * name it here to add more: `{ 'personalize-runtime': { minMs, maxMs } }`).
 */
export const REALISTIC_LATENCY: LatencyTable = Object.freeze(Object.fromEntries(CONTROL_SERVICES.map((s) => [s, Object.freeze({ minMs: 30, maxMs: 80 })]))) as LatencyTable;

/**
 * API rate limits of a fresh account in one region.
 *
 * CloudWatch – published service quotas,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
 * (transactions per second per region, adjustable):
 *   PutMetricAlarm 3/s, DeleteAlarms 3/s, DescribeAlarms 9/s, GetMetricData 50/s,
 *   PutMetricData 500/s;
 *   ListTagsForResource 10/s [?], TagResource 10/s [?], UntagResource 10/s [?] (not read off the
 *   page; assumed);
 *   PutDashboard, GetDashboard, DeleteDashboards, ListDashboards 10/s [?] (assumed: the page
 *   lists dashboard counts and sizes, not these call rates).
 *
 * Personalize – control-plane rates are NOT published (its quotas page lists resource counts,
 * not API rates). What follows is a MODEL, chosen as typical for AWS control planes, not a
 * measured or documented figure:
 *   Describe* 10/s, List* 5/s, ListTagsForResource 5/s, TagResource, UntagResource 5/s,
 *   Update*, Delete*, Stop*, Start* 2/s (mutations are rate-limited hardest).
 *
 * No limit here for DynamoDB (on-demand tables take thousands of requests a second), SNS
 * (Publish: hundreds to thousands a second per region), EventBridge (PutEvents: thousands a
 * second), Step Functions (StartExecution of EXPRESS machines: thousands a second; STANDARD
 * ~hundreds with burst) and CloudFormation (read by `migrate` only, once): all far above what
 * the monitor sends (a handful of calls per run per region).
 */
export const REALISTIC_RATE_LIMITS: RateLimitTable = Object.freeze({
  'cloudwatch:PutMetricAlarm': { perSecond: 3 },
  'cloudwatch:DeleteAlarms': { perSecond: 3 },
  'cloudwatch:DescribeAlarms': { perSecond: 9 },
  'cloudwatch:GetMetricData': { perSecond: 50 },
  'cloudwatch:PutMetricData': { perSecond: 500 },
  'cloudwatch:ListTagsForResource': { perSecond: 10 }, // [?]
  'cloudwatch:TagResource': { perSecond: 10 }, // [?]
  'cloudwatch:UntagResource': { perSecond: 10 }, // [?]
  'cloudwatch:PutDashboard': { perSecond: 10 }, // [?]
  'cloudwatch:GetDashboard': { perSecond: 10 }, // [?]
  'cloudwatch:DeleteDashboards': { perSecond: 10 }, // [?]
  'cloudwatch:ListDashboards': { perSecond: 10 }, // [?]
  // Personalize: a model (rates are not published), see above.
  'personalize:Describe*': { perSecond: 10 },
  'personalize:List*': { perSecond: 5 },
  'personalize:ListTagsForResource': { perSecond: 5 },
  'personalize:TagResource': { perSecond: 5 },
  'personalize:UntagResource': { perSecond: 5 },
  'personalize:Update*': { perSecond: 2 },
  'personalize:Delete*': { perSecond: 2 },
  'personalize:Stop*': { perSecond: 2 },
  'personalize:Start*': { perSecond: 2 },
}) as RateLimitTable;

/** `--realistic-aws`: realistic latency and rate limits (time scale 1). */
export const REALISTIC_AWS: SimLimits = Object.freeze({ latency: 'realistic', rateLimits: 'realistic' }) as SimLimits;

interface Bucket {
  tokens: number;
  at: number;
  capacity: number;
  perMs: number;
}

/** Resolved, validated limits of one account (see `SimLimits`). */
export class SimLimiter {
  readonly timeScale: number;
  private readonly latency?: LatencyTable;
  private readonly rates?: RateLimitTable;
  private readonly random: () => number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly rateKeys = new Map<string, RateLimit | null>();

  /**
   * @param seed the account seed (the latency draws' sequence follows from it)
   * @param wallNow wall clock in ms (default `performance.now`); tests may pass their own
   */
  constructor(
    readonly limits: SimLimits,
    seed: number,
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    validateLimits(limits);
    this.timeScale = limits.timeScale ?? 1;
    this.latency = limits.latency === 'realistic' ? REALISTIC_LATENCY : limits.latency || undefined;
    this.rates = limits.rateLimits === 'realistic' ? REALISTIC_RATE_LIMITS : limits.rateLimits || undefined;
    this.random = seededRandom(hash32(seed, 0x6c61_7465)); // 'late': a stream of its own, apart from traffic and faults
  }

  /** The latency of the next call (draws from the seeded sequence when a range applies). */
  drawLatency(service: ServiceName, operation: string): number {
    const range = this.latency?.[`${service}:${operation}`] ?? this.latency?.[service];
    if (!range) return 0;
    const ms = range.minMs + this.random() * (range.maxMs - range.minMs);
    return ms / this.timeScale;
  }

  /** The rate limit that applies to an operation (before the time scale), if any. */
  rateLimitFor(service: ServiceName, operation: string): RateLimit | undefined {
    if (!this.rates) return undefined;
    const key = `${service}:${operation}`;
    let found = this.rateKeys.get(key);
    if (found === undefined) {
      found = lookupRate(this.rates, service, operation) ?? null;
      this.rateKeys.set(key, found);
    }
    return found ?? undefined;
  }

  /** Takes a token of the operation's bucket in `region`; the service's throttling error when it is empty. */
  take(service: ServiceName, operation: string, region: string): SimError | undefined {
    const limit = this.rateLimitFor(service, operation);
    if (!limit) return undefined;
    const key = `${region}\u0000${service}\u0000${operation}`;
    const now = this.wallNow();
    let b = this.buckets.get(key);
    if (!b) {
      const capacity = limit.burst ?? Math.max(1, Math.ceil(limit.perSecond));
      b = { tokens: capacity, at: now, capacity, perMs: (limit.perSecond * this.timeScale) / 1000 };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(b.capacity, b.tokens + (now - b.at) * b.perMs);
      b.at = now;
    }
    // A hair of tolerance: refills summed from many small steps must not lose a token to rounding.
    if (b.tokens >= 1 - 1e-9) {
      b.tokens = Math.max(0, b.tokens - 1);
      return undefined;
    }
    return throttlingError(errorCodesOf(service));
  }
}

function lookupRate(table: RateLimitTable, service: string, operation: string): RateLimit | undefined {
  const exact = table[`${service}:${operation}`];
  if (exact) return exact;
  let best: { len: number; limit: RateLimit } | undefined;
  for (const [key, limit] of Object.entries(table)) {
    if (!key.endsWith('*')) continue;
    const [svc, pattern] = splitKey(key);
    if (svc !== service) continue;
    const prefix = pattern.slice(0, -1);
    if (operation.startsWith(prefix) && (!best || prefix.length > best.len)) best = { len: prefix.length, limit };
  }
  return best?.limit;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(':');
  return i < 0 ? [key, ''] : [key.slice(0, i), key.slice(i + 1)];
}

const isService = (s: string): s is ServiceName => (SERVICES as readonly string[]).includes(s);

/** Throws a RangeError naming the field when `limits` is not usable. */
export function validateLimits(limits: SimLimits): void {
  if (limits === null || typeof limits !== 'object') throw new TypeError(`limits must be an object, got ${String(limits)}`);
  const k = limits.timeScale;
  if (k !== undefined && !(typeof k === 'number' && Number.isFinite(k) && k >= 1)) throw new RangeError(`limits.timeScale must be a finite number >= 1, got ${String(k)}`);
  const lat = limits.latency;
  if (lat !== undefined && lat !== false && lat !== 'realistic') {
    if (typeof lat !== 'object' || lat === null) throw new RangeError(`limits.latency must be 'realistic', a table or false, got ${String(lat)}`);
    for (const [key, r] of Object.entries(lat)) {
      const [svc, op] = splitKey(key);
      const field = `limits.latency["${key}"]`;
      if (!isService(svc)) throw new RangeError(`${field}: unknown service "${svc}" (expected one of ${SERVICES.join(', ')})`);
      if (key.includes(':') && !op) throw new RangeError(`${field}: empty operation`);
      if (!r || typeof r !== 'object') throw new RangeError(`${field} must be { minMs, maxMs }`);
      for (const f of ['minMs', 'maxMs'] as const) {
        if (!(typeof r[f] === 'number' && Number.isFinite(r[f]) && r[f] >= 0)) throw new RangeError(`${field}.${f} must be a finite number >= 0, got ${String(r[f])}`);
      }
      if (r.minMs > r.maxMs) throw new RangeError(`${field}: minMs (${r.minMs}) must not exceed maxMs (${r.maxMs})`);
    }
  }
  const rates = limits.rateLimits;
  if (rates !== undefined && rates !== false && rates !== 'realistic') {
    if (typeof rates !== 'object' || rates === null) throw new RangeError(`limits.rateLimits must be 'realistic', a table or false, got ${String(rates)}`);
    for (const [key, r] of Object.entries(rates)) {
      const [svc, op] = splitKey(key);
      const field = `limits.rateLimits["${key}"]`;
      if (!isService(svc)) throw new RangeError(`${field}: unknown service "${svc}" (expected one of ${SERVICES.join(', ')})`);
      if (!op) throw new RangeError(`${field}: expected "service:Operation", "service:Prefix*" or "service:*"`);
      if (op.indexOf('*') >= 0 && op.indexOf('*') !== op.length - 1) throw new RangeError(`${field}: "*" may only end the operation`);
      if (!r || typeof r !== 'object') throw new RangeError(`${field} must be { perSecond, burst? }`);
      if (!(typeof r.perSecond === 'number' && Number.isFinite(r.perSecond) && r.perSecond > 0)) throw new RangeError(`${field}.perSecond must be a finite number > 0, got ${String(r.perSecond)}`);
      if (r.burst !== undefined && !(typeof r.burst === 'number' && Number.isFinite(r.burst) && r.burst >= 1)) throw new RangeError(`${field}.burst must be a finite number >= 1, got ${String(r.burst)}`);
    }
  }
}
