/**
 * CloudWatch metric storage and aggregation. Two kinds of series:
 * - sources: computed on demand per 1-minute bucket (e.g. `AWS/Personalize` from the traffic
 *   model), with fully published hours cached, so months of history cost little;
 * - custom: datapoints stored by PutMetricData, merged per minute;
 * - observed: samples a simulated service publishes for single requests (`record`, e.g. each
 *   Personalize runtime request), merged per minute like custom data but visible only `delayMs`
 *   after their minute ends, as computed series are; added to the same series as any computed
 *   data of that identity (generated traffic and real requests sum in one series).
 * Aggregation follows CloudWatch: buckets aligned to the period, no bucket without samples,
 * retention by resolution (1-minute data 15 days, 5-minute 63 days, hourly 455 days).
 */
import * as clock from './clock';

// Copied once: imported names are getters under some module loaders (per-minute loops below).
const { DAY_MS, HOUR_MS, MINUTE_MS } = clock;

/** Aggregated samples of one bucket (what CloudWatch keeps per period: a statistic set). */
export interface StatSet {
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
}

export interface MetricDimension {
  Name: string;
  Value: string;
}

/** Which series: region + namespace + metric name + the exact set of dimensions. */
export interface MetricIdentity {
  region: string;
  namespace: string;
  metricName: string;
  dimensions: MetricDimension[];
}

/** A computed series: per-minute stats, published `delayMs` after each minute ends. */
export interface ComputedSeries {
  /** Stable id of the series (used as cache key). */
  key: string;
  minute: (minuteStartMs: number) => StatSet | undefined;
  delayMs: number;
}

/** Resolves computed series (e.g. the Personalize model registers one for AWS/Personalize). */
export type MetricSource = (id: MetricIdentity) => ComputedSeries | undefined;

/** CloudWatch statistics the simulator computes. */
export const SUPPORTED_STATS = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'] as const;
export type Stat = (typeof SUPPORTED_STATS)[number];

/** Retention of data by period (CloudWatch rolls fine data up as it ages). */
const RETENTION = [
  { maxPeriodSec: 299, maxAgeMs: 15 * DAY_MS },
  { maxPeriodSec: 3599, maxAgeMs: 63 * DAY_MS },
  { maxPeriodSec: Infinity, maxAgeMs: 455 * DAY_MS },
];
/** Cap of cached hour aggregates before the cache is dropped (memory bound for long runs). */
const MAX_CACHED_HOURS = 2_000_000;

// Builtins bound once: aggregation runs per simulated minute (slow global lookups in vm contexts).
const min = Math.min;
const max = Math.max;
const floor = Math.floor;

/** First bucket start for [startMs, …) at `nowMs` (aligned to the period, clipped by retention). */
function bucketRange(periodSec: number, startMs: number, nowMs: number): { first: number; oldest: number } {
  const periodMs = periodSec * 1000;
  const oldest = nowMs - (RETENTION.find((r) => periodSec <= r.maxPeriodSec)?.maxAgeMs ?? 0);
  return { first: Math.floor(Math.max(startMs, oldest - periodMs + 1) / periodMs) * periodMs, oldest };
}

/**
 * Every bucket start of `periodSec` that could hold data for [startMs, endMs) as seen at `nowMs`:
 * the grid `MetricStore.buckets` walks (aligned to the period, within retention), minus buckets
 * starting after `nowMs`. Metric math's FILL fills these.
 */
export function bucketStarts(periodSec: number, startMs: number, endMs: number, nowMs: number): number[] {
  const periodMs = periodSec * 1000;
  const out: number[] = [];
  for (let b = bucketRange(periodSec, startMs, nowMs).first; b < endMs && b < nowMs; b += periodMs) out.push(b);
  return out;
}

/** Canonical key of a series (dimension order does not matter in CloudWatch). */
export function seriesKey(id: MetricIdentity): string {
  const dims = [...id.dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return [id.region, id.namespace, id.metricName, ...dims.map((d) => `${d.Name}=${d.Value}`)].join('|');
}

/** Merge `b` into `a` (either may be undefined). */
export function mergeStats(a: StatSet | undefined, b: StatSet | undefined): StatSet | undefined {
  if (!a) return b ? { ...b } : undefined;
  if (!b) return a;
  return { sampleCount: a.sampleCount + b.sampleCount, sum: a.sum + b.sum, min: min(a.min, b.min), max: max(a.max, b.max) };
}

/** Value of a statistic over a statistic set. */
export function statValue(stat: Stat, s: StatSet): number {
  switch (stat) {
    case 'Sum':
      return s.sum;
    case 'Average':
      return s.sum / s.sampleCount;
    case 'Minimum':
      return s.min;
    case 'Maximum':
      return s.max;
    case 'SampleCount':
      return s.sampleCount;
  }
}

interface CustomSeries {
  id: MetricIdentity;
  unit?: string;
  minutes: Map<number, StatSet>;
  /** Observed series: a minute is visible this long after it ends. */
  delayMs?: number;
}

/** All metric data of an account (all regions). */
export class MetricStore {
  private readonly sources: MetricSource[] = [];
  private readonly custom = new Map<string, CustomSeries>();
  private readonly observed = new Map<string, CustomSeries>();
  private readonly hourCache = new Map<string, Map<number, StatSet | null>>();
  private cachedHours = 0;

  /** Register a computed source (consulted before custom data). */
  addSource(source: MetricSource): void {
    this.sources.push(source);
  }

  /** Store one published sample set at `timestampMs` (merged into its minute). */
  put(id: MetricIdentity, timestampMs: number, stats: StatSet, unit?: string): void {
    const key = seriesKey(id);
    let series = this.custom.get(key);
    if (!series) {
      series = { id, minutes: new Map() };
      this.custom.set(key, series);
    }
    if (unit) series.unit = unit;
    const minute = Math.floor(timestampMs / MINUTE_MS);
    series.minutes.set(minute, mergeStats(series.minutes.get(minute), stats)!);
  }

  /**
   * Store samples a service publishes itself (not PutMetricData) at `timestampMs`, merged into
   * their minute; visible `delayMs` after that minute ends (CloudWatch's publishing delay). They
   * add to any computed series of the same identity and are not listed by `customSeries`.
   */
  record(id: MetricIdentity, timestampMs: number, stats: StatSet, delayMs = 0): void {
    const key = seriesKey(id);
    let series = this.observed.get(key);
    if (!series) {
      series = { id, minutes: new Map(), delayMs };
      this.observed.set(key, series);
    }
    const minute = Math.floor(timestampMs / MINUTE_MS);
    series.minutes.set(minute, mergeStats(series.minutes.get(minute), stats)!);
  }

  /** Custom series stored so far (for tests and reports). */
  customSeries(filter: { region?: string; namespace?: string } = {}): { id: MetricIdentity; unit?: string; datapoints: number }[] {
    return [...this.custom.values()]
      .filter((s) => (!filter.region || s.id.region === filter.region) && (!filter.namespace || s.id.namespace === filter.namespace))
      .map((s) => ({ id: s.id, unit: s.unit, datapoints: s.minutes.size }));
  }

  /** Forget cached aggregates (needed only if a past traffic model is replaced). */
  invalidateCache(): void {
    this.hourCache.clear();
    this.cachedHours = 0;
  }

  /**
   * Buckets of `periodSec` seconds covering [startMs, endMs) that have samples, as seen at
   * `nowMs`, oldest first. `unit` filters custom data by its unit like CloudWatch does.
   */
  buckets(id: MetricIdentity, periodSec: number, startMs: number, endMs: number, nowMs: number, unit?: string): { t: number; stats: StatSet }[] {
    const periodMs = periodSec * 1000;
    const { first, oldest } = bucketRange(periodSec, startMs, nowMs);
    const out: { t: number; stats: StatSet }[] = [];
    const computed = this.resolve(id);
    const custom = this.custom.get(seriesKey(id));
    const customMatches = custom && (!unit || !custom.unit || custom.unit === unit);
    const customByBucket = customMatches ? this.binCustom(custom!, periodMs, first, Math.min(endMs, nowMs + 2 * HOUR_MS)) : undefined;
    const observed = this.observed.get(seriesKey(id));
    // Observed minutes are visible once published (as computed ones): [minute, minute + 1) ends before now - delay.
    const observedByBucket = observed
      ? this.binCustom(observed, periodMs, first, Math.min(endMs, floor((nowMs - (observed.delayMs ?? 0)) / MINUTE_MS) * MINUTE_MS))
      : undefined;
    for (let b = first; b < endMs; b += periodMs) {
      if (b < oldest - periodMs) continue;
      let stats: StatSet | undefined;
      if (computed) stats = this.aggregateComputed(computed, b, b + periodMs, nowMs);
      if (customByBucket) stats = mergeStats(stats, customByBucket.get(b));
      if (observedByBucket) stats = mergeStats(stats, observedByBucket.get(b));
      if (stats && stats.sampleCount > 0) out.push({ t: b, stats });
    }
    return out;
  }

  private resolve(id: MetricIdentity): ComputedSeries | undefined {
    for (const source of this.sources) {
      const s = source(id);
      if (s) return s;
    }
    return undefined;
  }

  private binCustom(series: CustomSeries, periodMs: number, fromMs: number, toMs: number): Map<number, StatSet> {
    const byBucket = new Map<number, StatSet>();
    for (const [minute, stats] of series.minutes) {
      const t = minute * MINUTE_MS;
      if (t < fromMs || t >= toMs) continue;
      const b = Math.floor(t / periodMs) * periodMs;
      byBucket.set(b, mergeStats(byBucket.get(b), stats)!);
    }
    return byBucket;
  }

  private aggregateComputed(series: ComputedSeries, fromMs: number, toMs: number, nowMs: number): StatSet | undefined {
    // Only minutes already published are visible.
    const visibleEnd = min(toMs, floor((nowMs - series.delayMs) / MINUTE_MS) * MINUTE_MS);
    let acc: StatSet | undefined;
    let t = fromMs;
    while (t < visibleEnd) {
      if (t % HOUR_MS === 0 && t + HOUR_MS <= visibleEnd) {
        acc = mergeStats(acc, this.hour(series, t));
        t += HOUR_MS;
      } else {
        acc = mergeStats(acc, series.minute(t));
        t += MINUTE_MS;
      }
    }
    return acc;
  }

  private hour(series: ComputedSeries, hourStartMs: number): StatSet | undefined {
    let cache = this.hourCache.get(series.key);
    if (!cache) {
      cache = new Map();
      this.hourCache.set(series.key, cache);
    }
    const hit = cache.get(hourStartMs);
    if (hit !== undefined) return hit ?? undefined;
    let acc: StatSet | undefined;
    for (let t = hourStartMs; t < hourStartMs + HOUR_MS; t += MINUTE_MS) acc = mergeStats(acc, series.minute(t));
    if (this.cachedHours >= MAX_CACHED_HOURS) this.invalidateCache();
    cache.set(hourStartMs, acc ?? null);
    this.cachedHours++;
    return acc;
  }
}
