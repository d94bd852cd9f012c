/**
 * Reads the health-check canary's hour items (core/contracts/canary.ts) from the state table, for
 * the tasks that must not count the canary's requests as use: collect (idle and utilization) and
 * action-recheck (the re-check right before an idle action). One Query per read (the hours of the
 * window, one partition), eventually consistent.
 */
import { canaryPartition, canaryHourSortKey, type CanaryHourItem } from '../../core/contracts/canary';
import { STATE_PARTITION_KEY, STATE_SORT_KEY } from '../../core/contracts/state';
import { canaryCountsOf, canaryHourRange, type CanaryCounts } from '../../core/canary';
import { queryPartition, type DynamoDBClient, type Item } from '../aws/dynamodb';
import { ConfigurationError } from './errors';

/** What a reader needs to know of the canary (from PM_HEALTH_CHECK / PM_HEALTH_CHECK_INTERVAL_MINUTES). */
export interface CanarySettings {
  intervalMinutes: number;
}

/** Per-resource canary counts of one region and window: `countsOf(key)` (empty for a resource the canary never reached). */
export interface CanaryWindowCounts {
  countsOf(key: string): CanaryCounts;
  /** Hour items read. */
  hours: number;
}

export interface CanaryCountsReader {
  readonly settings: CanarySettings;
  /** The counts of `region` from `from` to `to` (epoch ms). @throws the store's error (callers decide: never subtract on a failed read). */
  read(region: string, from: number, to: number, onRequest?: () => void): Promise<CanaryWindowCounts>;
}

/** Hour items as stored → the fields the counting reads (a malformed item reads as empty). */
export function hourItemOf(item: Item): Pick<CanaryHourItem, 'sk' | 'slots'> {
  const slots: Record<string, string> = {};
  for (const [key, value] of Object.entries(item.slots?.M ?? {})) if (typeof value.S === 'string') slots[key] = value.S;
  return { sk: item[STATE_SORT_KEY]?.S ?? '', slots };
}

/** Counts from hour items already read (used by the reader and by tests). */
export function windowCounts(items: readonly Pick<CanaryHourItem, 'sk' | 'slots'>[], settings: CanarySettings): CanaryWindowCounts {
  const cache = new Map<string, CanaryCounts>();
  return {
    hours: items.length,
    countsOf(key) {
      let c = cache.get(key);
      if (!c) cache.set(key, (c = canaryCountsOf(items, key, settings.intervalMinutes)));
      return c;
    },
  };
}

/** The reader over the state table `table` (home region). */
export function dynamoCanaryCounts(client: DynamoDBClient, table: string, settings: CanarySettings): CanaryCountsReader {
  return {
    settings,
    async read(region, from, to, onRequest) {
      const { first, last } = canaryHourRange(from, to);
      const items = await queryPartition(
        client,
        table,
        { attribute: STATE_PARTITION_KEY, value: canaryPartition(region) },
        { sortKeyBetween: { attribute: STATE_SORT_KEY, from: canaryHourSortKey(first), to: canaryHourSortKey(last) }, onRequest },
      );
      return windowCounts(items.map(hourItemOf), settings);
    },
  };
}

/**
 * The canary settings from the environment values: undefined when the canary is off (nothing to
 * subtract). @throws ConfigurationError naming the variable when healthCheck is on with an unusable interval.
 */
export function canarySettingsOf(healthCheck: string | undefined, interval: string | undefined): CanarySettings | undefined {
  if (healthCheck === undefined || healthCheck === 'off') return undefined;
  if (healthCheck !== 'on') throw new ConfigurationError(`environment variable PM_HEALTH_CHECK must be on or off, got ${JSON.stringify(healthCheck)}`);
  return { intervalMinutes: intervalMinutesOf(interval) };
}

/** PM_HEALTH_CHECK_INTERVAL_MINUTES as a number. @throws ConfigurationError unless a whole number ≥ 1. */
export function intervalMinutesOf(interval: string | undefined): number {
  const n = Number(interval);
  if (!(Number.isInteger(n) && n >= 1)) throw new ConfigurationError(`environment variable PM_HEALTH_CHECK_INTERVAL_MINUTES must be a whole number of minutes ≥ 1, got ${JSON.stringify(interval)}`);
  return n;
}
