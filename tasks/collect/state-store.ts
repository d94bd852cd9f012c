/**
 * The persisted discovery state of one region (core/contracts/state.ts): what earlier runs
 * described, in any container, so a cold container describes only what changed.
 *
 * `RegionState` is the state as one run holds it: loaded with ONE Query over the region's
 * partition (items past `expiresAt` are absent: DynamoDB's TTL deletion lags), changed by
 * discovery and the decisions (new descriptions, tag reads, resources gone), written back with
 * BatchWriteItem (only what changed). `DynamoStateStore` is the table; `MemoryStateStore` keeps
 * the state in the process (tests, scripts and a function deployed without PM_STATE_TABLE).
 */
import {
  REGION_MARKER_SORT_KEY,
  REGION_MARKER_TTL_DAYS,
  RESOURCE_ITEM_PREFIX,
  RESOURCE_STATE_TTL_DAYS,
  SOLUTION_VERSION_ITEM_PREFIX,
  SOLUTION_VERSION_STATE_TTL_DAYS,
  STATE_PARTITION_KEY,
  STATE_SORT_KEY,
  STATE_TTL_ATTRIBUTE,
  resourceSortKey,
  solutionVersionSortKey,
  statePartition,
} from '../../core/contracts/state';
import { DAY_MS } from '../../core/time';
import type { MonitoredResource } from '../../core/types';
import type { ResourceStateItem, SolutionVersionStateItem } from '../../core/contracts/state';
import { batchWrite, queryPartition, type DynamoDBClient, type Item } from '../aws/dynamodb';
import type { ApiCallCounter } from './aws-calls';

/** One described resource as discovery keeps it: the contract's item without its keys and TTL. */
export type StoredResource = Omit<ResourceStateItem, 'pk' | 'sk' | 'expiresAt'>;

/** Facts of a solution version (it never changes): the contract's item without its keys and TTL. */
export type SolutionVersionInfo = Omit<SolutionVersionStateItem, 'pk' | 'sk' | 'expiresAt'>;

/** The changes of a RegionState not yet written. */
export interface StateChanges {
  resources: [string, StoredResource][];
  solutionVersions: [string, SolutionVersionInfo][];
  deleted: string[];
}

/** One region's state as a run holds it, with what changed since it was loaded (or last saved). */
export class RegionState {
  readonly resources = new Map<string, StoredResource>();
  /**
   * Campaigns described whose solution version could not be read yet (`awaitingSolutionVersion`
   * set): kept apart so nothing that reads `resources` mistakes them for monitored resources.
   */
  readonly awaiting = new Map<string, StoredResource & { awaitingSolutionVersion: string }>();
  readonly solutionVersions = new Map<string, SolutionVersionInfo>();
  /** Tags of resources that have no stored description (kept for this run only). */
  private readonly looseTags = new Map<string, { tags: Record<string, string>; at: number }>();
  private readonly changed = new Set<string>();
  private readonly changedVersions = new Set<string>();
  private readonly removed = new Set<string>();

  /** Epoch ms of the region's marker item (`collected`) as loaded or last written; undefined: none yet. */
  markerAt?: number;

  constructor(readonly region: string) {}

  /** Stores a (new or changed) description. */
  setResource(arn: string, entry: StoredResource): void {
    const old = this.resources.get(arn);
    // Tags outlive a re-describe: they were read for the same resource.
    if (old?.tags && entry.tags === undefined) Object.assign(entry, { tags: old.tags, tagsAt: old.tagsAt });
    this.resources.set(arn, entry);
    this.awaiting.delete(arn);
    this.changed.add(arn);
    this.removed.delete(arn);
  }

  /** Stores a campaign's description that still needs its solution version (never over a complete one). */
  setAwaiting(arn: string, entry: StoredResource & { awaitingSolutionVersion: string }): void {
    if (this.resources.has(arn)) return;
    this.awaiting.set(arn, entry);
    this.changed.add(arn);
    this.removed.delete(arn);
  }

  /** Forgets a resource (gone from a complete listing, or deleted meanwhile). */
  deleteResource(arn: string): void {
    if (!this.resources.has(arn) && !this.awaiting.has(arn)) return;
    this.resources.delete(arn);
    this.awaiting.delete(arn);
    this.changed.delete(arn);
    this.removed.add(arn);
  }

  setSolutionVersion(arn: string, info: SolutionVersionInfo): void {
    this.solutionVersions.set(arn, info);
    this.changedVersions.add(arn);
  }

  /** The tags of `arn` read within `ttlMs` before `now`, if any. */
  tagsOf(arn: string, now: number, ttlMs: number): Record<string, string> | undefined {
    const stored = this.resources.get(arn);
    const read = stored?.tags !== undefined && stored.tagsAt !== undefined ? { tags: stored.tags, at: stored.tagsAt } : this.looseTags.get(arn);
    return read && now >= read.at && now - read.at < ttlMs ? read.tags : undefined;
  }

  setTags(arn: string, tags: Record<string, string>, at: number): void {
    const stored = this.resources.get(arn);
    if (!stored) {
      this.looseTags.set(arn, { tags, at });
      return;
    }
    stored.tags = tags;
    stored.tagsAt = at;
    this.changed.add(arn);
  }

  /** Changes not written yet. */
  changes(): StateChanges {
    return {
      resources: [...this.changed].flatMap((arn) => {
        const entry = this.resources.get(arn) ?? this.awaiting.get(arn);
        return entry ? [[arn, entry] as [string, StoredResource]] : [];
      }),
      solutionVersions: [...this.changedVersions].flatMap((arn) => (this.solutionVersions.has(arn) ? [[arn, this.solutionVersions.get(arn)!] as [string, SolutionVersionInfo]] : [])),
      deleted: [...this.removed],
    };
  }

  /** Number of items a save would write or delete. */
  get pendingChanges(): number {
    return this.changed.size + this.changedVersions.size + this.removed.size;
  }

  /** Marks `changes` written (changes made after they were taken stay pending). */
  markSaved(changes: StateChanges): void {
    for (const [arn, entry] of changes.resources) if ((this.resources.get(arn) ?? this.awaiting.get(arn)) === entry) this.changed.delete(arn);
    for (const [arn] of changes.solutionVersions) this.changedVersions.delete(arn);
    for (const arn of changes.deleted) if (!this.resources.has(arn) && !this.awaiting.has(arn)) this.removed.delete(arn);
  }
}

/** What one save did. */
export interface SaveResult {
  written: number;
  deleted: number;
  /** Items DynamoDB left unprocessed after every retry (they are written by a later save). */
  unprocessed: number;
}

/** Where region states live. */
export interface StateStore {
  /** Loads a region's state (a fresh, empty one when nothing is stored). @throws when the store cannot be read. */
  load(region: string, now: number, calls?: ApiCallCounter): Promise<RegionState>;
  /** Writes the state's pending changes. @throws when the store cannot be written (the changes stay pending). */
  save(state: RegionState, now: number, calls?: ApiCallCounter): Promise<SaveResult>;
}

/** The process-local store: a state per region that lives as long as the process (no persistence). */
export class MemoryStateStore implements StateStore {
  private readonly states = new Map<string, RegionState>();

  async load(region: string): Promise<RegionState> {
    return this.state(region);
  }

  /** The region's state object (the same one across loads). */
  state(region: string): RegionState {
    let s = this.states.get(region);
    if (!s) this.states.set(region, (s = new RegionState(region)));
    return s;
  }

  async save(state: RegionState): Promise<SaveResult> {
    const changes = state.changes();
    state.markSaved(changes);
    return { written: changes.resources.length + changes.solutionVersions.length, deleted: changes.deleted.length, unprocessed: 0 };
  }

  clear(): void {
    this.states.clear();
  }
}

/** Capacity units consumed by a store's calls (ReturnConsumedCapacity TOTAL), for logs and the bench. */
export interface ConsumedUnits {
  readUnits: number;
  writeUnits: number;
}

/** The state table (PM_STATE_TABLE), in the home region. */
export class DynamoStateStore implements StateStore {
  readonly consumed: ConsumedUnits = { readUnits: 0, writeUnits: 0 };

  constructor(private readonly client: DynamoDBClient, readonly table: string) {}

  async load(region: string, now: number, calls?: ApiCallCounter): Promise<RegionState> {
    const items = await queryPartition(this.client, this.table, { attribute: STATE_PARTITION_KEY, value: statePartition(region) }, {
      onRequest: () => calls?.add('Query'),
      onConsumed: (u) => (this.consumed.readUnits += u),
    });
    return stateFromItems(region, items, now);
  }

  async save(state: RegionState, now: number, calls?: ApiCallCounter): Promise<SaveResult> {
    const changes = state.changes();
    // The marker says "collected" even for a region without resources; refreshed daily (its TTL is longer).
    const marker = state.markerAt === undefined || now - state.markerAt >= DAY_MS || now < state.markerAt;
    if (changes.resources.length + changes.solutionVersions.length + changes.deleted.length === 0 && !marker) return { written: 0, deleted: 0, unprocessed: 0 };
    const pk = statePartition(state.region);
    const puts = [
      ...changes.resources.map(([arn, entry]) => resourceItem(pk, arn, entry)),
      ...changes.solutionVersions.map(([arn, info]) => solutionVersionItem(pk, arn, info, now)),
      ...(marker ? [markerItem(pk, now)] : []),
    ];
    const deletes = changes.deleted.map((arn) => ({ [STATE_PARTITION_KEY]: { S: pk }, [STATE_SORT_KEY]: { S: resourceSortKey(arn) } }));
    const out = await batchWrite(this.client, this.table, puts, deletes, {
      onRequest: () => calls?.add('BatchWriteItem'),
      onConsumed: (u) => (this.consumed.writeUnits += u),
    });
    // Unprocessed requests are not known one by one: everything stays pending, the next save repeats it (puts and deletes are idempotent).
    if (out.unprocessed === 0) {
      state.markSaved(changes);
      if (marker) state.markerAt = now;
    }
    return { written: out.written - Math.min(out.written, deletes.length), deleted: Math.min(out.written, deletes.length), unprocessed: out.unprocessed };
  }
}

/**
 * Seconds since epoch at which a resource item expires: RESOURCE_STATE_TTL_DAYS after its describe,
 * less up to a day spread by ARN, so a fleet described in one cold run is not described again all
 * in the same run a week later.
 */
export function resourceExpiry(arn: string, describedAt: number): number {
  let h = 0;
  for (let i = 0; i < arn.length; i++) h = (h * 31 + arn.charCodeAt(i)) >>> 0;
  return Math.floor((describedAt + RESOURCE_STATE_TTL_DAYS * DAY_MS - (h % DAY_MS)) / 1000);
}

/** A resource's item (the description and tags as JSON strings: compact, read back as they were written). */
export function resourceItem(pk: string, arn: string, entry: StoredResource): Item {
  const item: Item = {
    [STATE_PARTITION_KEY]: { S: pk },
    [STATE_SORT_KEY]: { S: resourceSortKey(arn) },
    resource: { S: JSON.stringify(entry.resource) },
    listedLastUpdated: { N: String(entry.listedLastUpdated) },
    listedStatus: { S: entry.listedStatus },
    describedAt: { N: String(entry.describedAt) },
    [STATE_TTL_ATTRIBUTE]: { N: String(resourceExpiry(arn, entry.describedAt)) },
  };
  if (entry.tags !== undefined && entry.tagsAt !== undefined) {
    item.tags = { S: JSON.stringify(entry.tags) };
    item.tagsAt = { N: String(entry.tagsAt) };
  }
  if (entry.awaitingSolutionVersion !== undefined) item.awaitingSolutionVersion = { S: entry.awaitingSolutionVersion };
  return item;
}

function markerItem(pk: string, now: number): Item {
  return {
    [STATE_PARTITION_KEY]: { S: pk },
    [STATE_SORT_KEY]: { S: REGION_MARKER_SORT_KEY },
    collectedAt: { N: String(now) },
    [STATE_TTL_ATTRIBUTE]: { N: String(Math.floor((now + REGION_MARKER_TTL_DAYS * DAY_MS) / 1000)) },
  };
}

function solutionVersionItem(pk: string, arn: string, info: SolutionVersionInfo, now: number): Item {
  const item: Item = {
    [STATE_PARTITION_KEY]: { S: pk },
    [STATE_SORT_KEY]: { S: solutionVersionSortKey(arn) },
    [STATE_TTL_ATTRIBUTE]: { N: String(Math.floor((now + SOLUTION_VERSION_STATE_TTL_DAYS * DAY_MS) / 1000)) },
  };
  if (info.recipeArn !== undefined) item.recipeArn = { S: info.recipeArn };
  if (info.datasetGroupArn !== undefined) item.datasetGroupArn = { S: info.datasetGroupArn };
  return item;
}

/** True when an item is past its `expiresAt` at `now` (epoch ms); an item without one never expires. */
export function isExpired(item: Item, now: number): boolean {
  const at = item[STATE_TTL_ATTRIBUTE]?.N;
  return at !== undefined && Number(at) * 1000 <= now;
}

/** The stored description of a resource item; undefined when the item is not one or is malformed. */
export function storedResourceOf(item: Item): StoredResource | undefined {
  try {
    const resource = JSON.parse(item.resource?.S ?? '') as MonitoredResource;
    if (!resource || typeof resource.arn !== 'string') return undefined;
    const entry: StoredResource = {
      resource,
      listedLastUpdated: Number(item.listedLastUpdated?.N ?? Number.NaN),
      listedStatus: item.listedStatus?.S ?? '',
      describedAt: Number(item.describedAt?.N ?? 0),
    };
    if (item.tags?.S !== undefined && item.tagsAt?.N !== undefined) {
      entry.tags = JSON.parse(item.tags.S) as Record<string, string>;
      entry.tagsAt = Number(item.tagsAt.N);
    }
    if (item.awaitingSolutionVersion?.S !== undefined) entry.awaitingSolutionVersion = item.awaitingSolutionVersion.S;
    return entry;
  } catch {
    return undefined;
  }
}

/** The region's state from its items (expired and malformed ones left out). */
export function stateFromItems(region: string, items: readonly Item[], now: number): RegionState {
  const state = new RegionState(region);
  for (const item of items) {
    if (isExpired(item, now)) continue;
    const sk = item[STATE_SORT_KEY]?.S ?? '';
    if (sk === REGION_MARKER_SORT_KEY) state.markerAt = Number(item.collectedAt?.N ?? 0);
    else if (sk.startsWith(RESOURCE_ITEM_PREFIX)) {
      const entry = storedResourceOf(item);
      const arn = sk.slice(RESOURCE_ITEM_PREFIX.length);
      if (entry?.awaitingSolutionVersion !== undefined) state.awaiting.set(arn, entry as StoredResource & { awaitingSolutionVersion: string });
      else if (entry) state.resources.set(arn, entry);
    } else if (sk.startsWith(SOLUTION_VERSION_ITEM_PREFIX)) {
      state.solutionVersions.set(sk.slice(SOLUTION_VERSION_ITEM_PREFIX.length), {
        ...(item.recipeArn?.S !== undefined ? { recipeArn: item.recipeArn.S } : {}),
        ...(item.datasetGroupArn?.S !== undefined ? { datasetGroupArn: item.datasetGroupArn.S } : {}),
      });
    }
  }
  return state;
}

/**
 * The described resources of one region from the table (build-dashboard's fleet): one Query over
 * the region's partition; `undefined` when the region has no state yet (never collected, or not
 * for REGION_MARKER_TTL_DAYS).
 */
export async function loadStoredResources(dynamodb: DynamoDBClient, table: string, region: string, now: number, onRequest?: () => void): Promise<MonitoredResource[] | undefined> {
  const items = await queryPartition(dynamodb, table, { attribute: STATE_PARTITION_KEY, value: statePartition(region) }, { onRequest });
  const state = stateFromItems(region, items, now);
  if (state.markerAt === undefined && state.resources.size === 0) return undefined;
  return [...state.resources.values()].map((e) => e.resource);
}
