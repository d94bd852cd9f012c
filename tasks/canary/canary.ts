/**
 * The health-check canary's run: per monitored region, the ACTIVE campaigns and recommenders
 * collect stored (state table, `region#<region>`), one real request each (the request from
 * core/canary.ts: deployment shape, overridden by the resource's canary tag), classified, one
 * `canary` record per resource, and the successes written into the region's hour item
 * (core/contracts/canary.ts) so that collect and action-recheck never count them as use.
 *
 * Clients and clocks are injected: `now` is the run's wall-clock start (epoch ms), `monotonic`
 * measures latency and places each request's start at `now + elapsed`.
 */
import {
  CANARY_HOUR_TTL_DAYS,
  CANARY_TAG_KEY,
  canaryHourSortKey,
  canaryPartition,
  canaryResourceKey,
} from '../../core/contracts/canary';
import { RESOURCE_ITEM_PREFIX, STATE_PARTITION_KEY, STATE_SORT_KEY, STATE_TTL_ATTRIBUTE, statePartition } from '../../core/contracts/state';
import { canaryRequest, classifyFailure, withRequestAt, type CanaryOutcome, type CanaryRequestShape } from '../../core/canary';
import { canaryRecord } from '../../core/records';
import { DAY_MS, HOUR_MS, floorTo } from '../../core/time';
import type { MonitoredResource } from '../../core/types';
import { describeError, errorName } from '../aws/errors';
import { getItem, isConditionFailure, putItem, queryPartition, type DynamoDBClient, type Item } from '../aws/dynamodb';
import { listTags, type PersonalizeClient } from '../aws/personalize';
import { getPersonalizedRanking, getRecommendations, type PersonalizeRuntimeClient } from '../aws/personalize-runtime';
import { isExpired, storedResourceOf } from '../collect/state-store';
import { mapWithConcurrency } from '../collect/aws-calls';
import type { Logger } from '../shared/logger';

/** A canary request that has no answer after this long is a timeout (aborted). */
export const CANARY_REQUEST_TIMEOUT_MS = 5_000;
/** Requests in flight per region. */
export const CANARY_CONCURRENCY = 8;
/** ListTagsForResource calls per run, all regions together (the rest use the cache or no tag). */
export const MAX_TAG_READS_PER_RUN = 50;
/** A resource's canary tag is read again after this long. */
export const TAG_CACHE_MAX_AGE_MS = DAY_MS;
/** Retries of the hour item's write after a conditional-check conflict (another writer got there first). */
export const HOUR_WRITE_RETRIES = 3;
/** Sort key of the region's tag cache item (partition `canary#<region>`). */
export const CANARY_TAGS_SORT_KEY = 'tags';


export interface CanaryDeps {
  regions: readonly string[];
  /** The state table (home region). */
  table: string;
  shape: CanaryRequestShape;
  dynamodb: DynamoDBClient;
  /** Runtime client of a region (GetRecommendations / GetPersonalizedRanking). */
  runtime(region: string): PersonalizeRuntimeClient;
  /** Control-plane client of a region (ListTagsForResource). */
  personalize(region: string): PersonalizeClient;
  logger: Logger;
  /** Monotonic milliseconds (default performance.now). */
  monotonic?: () => number;
  timeoutMs?: number;
  concurrency?: number;
  maxTagReads?: number;
  /** No request starts after this long into the run (the run must end before the next one); default unlimited. */
  runBudgetMs?: number;
}

/** What happened to a resource in a run: a record outcome, or no request at all. */
export type CanaryTally = CanaryOutcome | 'skipped' | 'notReached';

export interface RegionCanarySummary {
  region: string;
  /** ACTIVE resources read from the state table. */
  resources: number;
  counts: Partial<Record<CanaryTally, number>>;
  /** Successes written into the hour item(s) (0 when the write failed: they are then not subtracted). */
  recorded: number;
  tagReads: number;
  /** Set when the region has no stored resources (collect has not stored any yet, or none is ACTIVE). */
  note?: string;
  problems: string[];
}

export interface CanarySummary {
  at: string;
  regions: RegionCanarySummary[];
  tagReads: number;
}

/** One resource's result, before it is written. */
interface ResourceResult {
  resource: MonitoredResource;
  tally: CanaryTally;
  startedAt: number;
  latencyMs: number;
  detail: string;
}

/** The tag cache of a region: resource ARN → the canary tag's value (null: no such tag) and when it was read. */
export type TagCache = Map<string, { value: string | null; readAt: number }>;

/** Runs the canary over every monitored region (regions in parallel; requests CANARY_CONCURRENCY at a time per region). Never throws for a region's failure. */
export async function runCanary(deps: CanaryDeps, now: number): Promise<CanarySummary> {
  const monotonic = deps.monotonic ?? (() => performance.now());
  const t0 = monotonic();
  const quota = { left: deps.maxTagReads ?? MAX_TAG_READS_PER_RUN };
  const regions = await Promise.all(deps.regions.map((region) => canaryRegion(deps, region, now, t0, monotonic, quota)));
  const summary: CanarySummary = { at: new Date(now).toISOString(), regions, tagReads: regions.reduce((n, r) => n + r.tagReads, 0) };
  deps.logger.info('canary run', {
    at: summary.at,
    tagReads: summary.tagReads,
    regions: Object.fromEntries(regions.map((r) => [r.region, { resources: r.resources, ...r.counts, recorded: r.recorded, ...(r.note ? { note: r.note } : {}), problems: r.problems.length }])),
  });
  return summary;
}

async function canaryRegion(deps: CanaryDeps, region: string, now: number, t0: number, monotonic: () => number, quota: { left: number }): Promise<RegionCanarySummary> {
  const log = deps.logger.child({ region });
  const summary: RegionCanarySummary = { region, resources: 0, counts: {}, recorded: 0, tagReads: 0, problems: [] };
  const problem = (message: string, err?: unknown): void => {
    const text = err === undefined ? message : `${message}: ${describeError(err)}`;
    summary.problems.push(text);
    log.warn('canary problem', { problem: text });
  };

  let stored: { resource: MonitoredResource; collectTag?: { value: string | null; readAt: number } }[];
  try {
    stored = await storedActiveResources(deps.dynamodb, deps.table, region, now);
  } catch (err) {
    problem('could not read the stored resources', err);
    return summary;
  }
  summary.resources = stored.length;
  if (stored.length === 0) {
    summary.note = 'no ACTIVE resources stored for this region (collect has stored none yet)';
    log.info('canary: nothing to ask', { note: summary.note });
    return summary;
  }

  let cache: TagCache = new Map();
  try {
    cache = await readTagCache(deps.dynamodb, deps.table, region);
  } catch (err) {
    problem('could not read the tag cache (tags are read again or not used)', err);
  }
  let cacheChanged = false;

  // Resources whose tag was never read come first: they get the tag reads of a run first.
  const order = [...stored].sort((a, b) => (cache.get(a.resource.arn)?.readAt ?? -1) - (cache.get(b.resource.arn)?.readAt ?? -1));
  const timeoutMs = deps.timeoutMs ?? CANARY_REQUEST_TIMEOUT_MS;

  const results = await mapWithConcurrency(order, deps.concurrency ?? CANARY_CONCURRENCY, async ({ resource, collectTag }): Promise<ResourceResult> => {
    // The tag: fresh cache, fresh tags stored by collect, a read (within the run's quota), else whatever is known.
    let known = cache.get(resource.arn);
    if (collectTag && (!known || collectTag.readAt > known.readAt)) known = collectTag;
    if (!known || now - known.readAt >= TAG_CACHE_MAX_AGE_MS) {
      if (quota.left > 0) {
        quota.left -= 1;
        summary.tagReads += 1;
        try {
          const tags = await listTags(deps.personalize(region), resource.arn);
          known = { value: tags[CANARY_TAG_KEY] ?? null, readAt: now };
          cache.set(resource.arn, known);
          cacheChanged = true;
        } catch (err) {
          problem(`could not read the tags of ${resource.arn}`, err);
        }
      }
    }
    const request = canaryRequest(resource, deps.shape, known?.value ?? undefined);
    const startMono = monotonic();
    const startedAt = now + Math.max(0, Math.round(startMono - t0));
    if ('skip' in request) return { resource, tally: 'skipped', startedAt, latencyMs: 0, detail: request.reason };
    if ('misconfigured' in request) return { resource, tally: 'misconfigured', startedAt, latencyMs: 0, detail: request.misconfigured };
    if (deps.runBudgetMs !== undefined && startMono - t0 > deps.runBudgetMs) return { resource, tally: 'notReached', startedAt, latencyMs: 0, detail: 'the run ran out of time' };

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const target = resource.type === 'campaign' ? { campaignArn: resource.arn } : { recommenderArn: resource.arn };
    try {
      if (request.operation === 'GetPersonalizedRanking') {
        await getPersonalizedRanking(deps.runtime(region), { campaignArn: resource.arn, userId: request.userId, inputList: request.inputList }, controller.signal);
      } else {
        await getRecommendations(deps.runtime(region), { ...target, userId: request.userId, itemId: request.itemId, numResults: request.numResults }, controller.signal);
      }
      return { resource, tally: 'success', startedAt, latencyMs: monotonic() - startMono, detail: request.operation };
    } catch (err) {
      const timedOut = controller.signal.aborted;
      const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
      const outcome = classifyFailure({ status, name: errorName(err), timedOut });
      const detail = timedOut ? `${request.operation}: no answer within ${timeoutMs} ms` : `${request.operation}: ${describeError(err)}`;
      return { resource, tally: outcome, startedAt, latencyMs: monotonic() - startMono, detail };
    } finally {
      clearTimeout(timer);
    }
  });

  for (const r of results) {
    summary.counts[r.tally] = (summary.counts[r.tally] ?? 0) + 1;
    if (r.tally !== 'skipped' && r.tally !== 'notReached') log.record(canaryRecord(r.resource, r.tally, r.latencyMs, r.detail, r.startedAt));
  }

  const successes = results.filter((r) => r.tally === 'success').map((r) => ({ key: canaryResourceKey(r.resource), startedAt: r.startedAt }));
  if (successes.length > 0) {
    // Normally one hour item; a run crossing the hour records each request in the hour it started.
    const byHour = new Map<number, typeof successes>();
    for (const s of successes) {
      const hour = floorTo(s.startedAt, HOUR_MS);
      byHour.set(hour, [...(byHour.get(hour) ?? []), s]);
    }
    for (const [hour, list] of byHour) {
      try {
        await recordSuccesses(deps.dynamodb, deps.table, region, hour, list);
        summary.recorded += list.length;
      } catch (err) {
        problem(`could not record ${list.length} successful request(s) in ${canaryHourSortKey(hour)} (they are not subtracted)`, err);
      }
    }
  }

  if (cacheChanged) {
    const keep = new Set(stored.map((s) => s.resource.arn));
    try {
      await writeTagCache(deps.dynamodb, deps.table, region, new Map([...cache].filter(([arn]) => keep.has(arn))), now);
    } catch (err) {
      problem('could not write the tag cache (the tags are read again next run)', err);
    }
  }
  return summary;
}

/** The region's stored resources that a canary asks: ACTIVE, fully described (no awaited solution version), not expired. */
async function storedActiveResources(dynamodb: DynamoDBClient, table: string, region: string, now: number): Promise<{ resource: MonitoredResource; collectTag?: { value: string | null; readAt: number } }[]> {
  const items = await queryPartition(dynamodb, table, { attribute: STATE_PARTITION_KEY, value: statePartition(region) }, { sortKeyPrefix: { attribute: STATE_SORT_KEY, prefix: RESOURCE_ITEM_PREFIX } });
  const out: { resource: MonitoredResource; collectTag?: { value: string | null; readAt: number } }[] = [];
  for (const item of items) {
    if (isExpired(item, now)) continue;
    const entry = storedResourceOf(item);
    if (!entry || entry.awaitingSolutionVersion !== undefined || entry.resource.status !== 'ACTIVE') continue;
    out.push({ resource: entry.resource, ...(entry.tags && entry.tagsAt !== undefined ? { collectTag: { value: entry.tags[CANARY_TAG_KEY] ?? null, readAt: entry.tagsAt } } : {}) });
  }
  return out;
}

const key = (region: string, sk: string): Item => ({ [STATE_PARTITION_KEY]: { S: canaryPartition(region) }, [STATE_SORT_KEY]: { S: sk } });

/** The region's tag cache (empty when there is none; malformed entries left out). */
export async function readTagCache(dynamodb: DynamoDBClient, table: string, region: string): Promise<TagCache> {
  const item = await getItem(dynamodb, table, key(region, CANARY_TAGS_SORT_KEY));
  const cache: TagCache = new Map();
  for (const [arn, v] of Object.entries(item?.tags?.M ?? {})) {
    const readAt = Number(v.M?.readAt?.N);
    const value = v.M?.value;
    if (!Number.isFinite(readAt) || !value) continue;
    if (typeof value.S === 'string') cache.set(arn, { value: value.S, readAt });
    else if (value.NULL) cache.set(arn, { value: null, readAt });
  }
  return cache;
}

async function writeTagCache(dynamodb: DynamoDBClient, table: string, region: string, cache: TagCache, now: number): Promise<void> {
  const tags: Item = {};
  for (const [arn, e] of cache) tags[arn] = { M: { value: e.value === null ? { NULL: true } : { S: e.value }, readAt: { N: String(e.readAt) } } };
  await putItem(dynamodb, {
    TableName: table,
    Item: { ...key(region, CANARY_TAGS_SORT_KEY), tags: { M: tags }, [STATE_TTL_ATTRIBUTE]: { N: String(Math.floor((now + 2 * TAG_CACHE_MAX_AGE_MS) / 1000)) } },
  });
}

/**
 * Adds `successes` (all started in the hour `hour`) to the region's hour item: one read-modify-write,
 * conditional on the version read (`attribute_not_exists` for a new item), re-read and retried
 * HOUR_WRITE_RETRIES times on a conflict. @throws the store's error, or after the last conflict.
 */
export async function recordSuccesses(dynamodb: DynamoDBClient, table: string, region: string, hour: number, successes: readonly { key: string; startedAt: number }[]): Promise<void> {
  const sk = canaryHourSortKey(hour);
  for (let attempt = 0; ; attempt++) {
    const item = await getItem(dynamodb, table, key(region, sk));
    const slots: Record<string, string> = {};
    for (const [k, v] of Object.entries(item?.slots?.M ?? {})) if (typeof v.S === 'string') slots[k] = v.S;
    for (const s of successes) slots[s.key] = withRequestAt(slots[s.key], s.startedAt);
    const version = item?.version?.N !== undefined ? Number(item.version.N) : undefined;
    try {
      await putItem(dynamodb, {
        TableName: table,
        Item: {
          ...key(region, sk),
          slots: { M: Object.fromEntries(Object.entries(slots).map(([k, v]) => [k, { S: v }])) },
          version: { N: String((version ?? 0) + 1) },
          [STATE_TTL_ATTRIBUTE]: { N: String(Math.floor((hour + CANARY_HOUR_TTL_DAYS * DAY_MS) / 1000)) },
        },
        ...(item === undefined
          ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': STATE_PARTITION_KEY } }
          : version === undefined
            ? { ConditionExpression: 'attribute_not_exists(#v)', ExpressionAttributeNames: { '#v': 'version' } }
            : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': { N: String(version) } } }),
      });
      return;
    } catch (err) {
      if (!isConditionFailure(err) || attempt >= HOUR_WRITE_RETRIES) throw err;
    }
  }
}
