/**
 * Discovery adapter: which campaigns and recommenders exist in one region, as MonitoredResource.
 *
 * Cheap in steady state: one List page per 100 resources per type; a Describe only for resources
 * that changed since any earlier run described them. What was described lives in the region's
 * persisted state (`RegionState`, loaded from the state table by collect: ./state-store.ts), so a
 * cold container describes no more than a warm one; a solution version is described once (it is
 * immutable). Without a state given (tests, scripts), a process-local one is used per region.
 *
 * Time budget: describes beyond the stored ones are optional work. Each starts only while
 * `budget.allows()`; the rest is carried over to the next run, never-described resources first,
 * then the stale stored ones (oldest describe first), starting at a place that rotates by run so
 * a resource that keeps failing cannot hold up the ones after it.
 */
import {
  describeCampaign,
  describeRecommender,
  describeSolutionVersion,
  listCampaignsPage,
  listRecommendersPage,
  listTags,
  type CampaignSummary,
  type PersonalizeClient,
  type RecommenderSummary,
} from '../aws/personalize';
import { parseArn } from '../../core/arn';
import { isTransitionalStatus } from '../../core/status';
import type { Problem } from '../../core/contracts/run';
import type { MonitoredResource, RequestMetric, ResourceType } from '../../core/types';
import { RegionCollectError } from '../shared/errors';
import { ApiCallCounter, describeError, isNotFound, isThrottling, mapWithConcurrency } from './aws-calls';
import { UNLIMITED_BUDGET, type Budget } from './budget';
import { MemoryStateStore, RegionState, type SolutionVersionInfo, type StoredResource } from './state-store';

/** Safety stop for a listing that never ends (20,000 resources per type and region). */
export const MAX_LIST_PAGES = 200;
/**
 * Pauses before retrying a List page that is still throttled after the SDK's retries (the control
 * plane's rates are not published and List* is shared by everything in the account and region):
 * 4 retries, 3.75 s at most per page. Past them the region fails for this run, as before.
 */
export const LIST_THROTTLE_RETRY_MS = [250, 500, 1000, 2000] as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Describes in flight at once: Personalize control-plane limits are low and unpublished. */
export const DESCRIBE_CONCURRENCY = 4;
/**
 * How long a resource's tags are trusted. Exemption tags change rarely, only candidates read
 * them, and the ACTION re-reads them right before acting, so a stale "not exempt" costs at most
 * a request that the re-check then skips.
 */
export const TAG_CACHE_TTL_MS = 6 * 60 * 60 * 1000;
/** Recipes whose traffic is counted as GetPersonalizedRanking (every ranking recipe, e.g. -v2). */
const RANKING_RECIPE_MARKER = 'personalized-ranking';

export type { Problem } from '../../core/contracts/run';

/** Which resources to look at in this region (`all` or explicit ARNs, any region). */
export interface DiscoverySelection {
  region: string;
  campaignArns: 'all' | readonly string[];
  recommenderArns: 'all' | readonly string[];
}

/** Where discovery keeps what it described, and how long it may take. */
export interface DiscoveryOptions {
  /** The region's state (default: this process's, see `resetCaches`). */
  state?: RegionState;
  /** Describes start only while it allows (default: no limit). */
  budget?: Budget;
  /** Time of the run (epoch ms; default now): stamps describes and rotates the describe order. */
  now?: number;
}

export interface DiscoveryResult {
  /** Every selected resource of the region that could be read, in any status. */
  resources: MonitoredResource[];
  /**
   * Every resource was listed and read. False when a listing stopped early or a resource had
   * to be skipped: then nothing may be concluded from a resource's absence (no alarm deletes).
   */
  complete: boolean;
  /** Resources listed but not read this run (throttled or failed, no cached copy). */
  skipped: number;
  /**
   * Describes not started for lack of time (budget), carried over to the next run. Those
   * without a stored copy are not monitored this run (and make the discovery incomplete).
   */
  carriedOver: number;
  problems: Problem[];
}

/**
 * The state used when a caller gives none (tests, scripts, a function without PM_STATE_TABLE):
 * per region, as long as the process lives. The deployed collect always passes the table's.
 */
const processStates = new MemoryStateStore();

/** The process-local state of `region` (what discovery uses when given none). */
export function processState(region: string): RegionState {
  return processStates.state(region);
}

/** For tests: forget the process-local states (a cold container without a state table). */
export function resetCaches(): void {
  processStates.clear();
}

/** `GetPersonalizedRanking` for any personalized-ranking recipe, else `GetRecommendations`. */
export function requestMetricForRecipe(recipeArn: string | undefined): RequestMetric {
  return recipeArn?.includes(RANKING_RECIPE_MARKER) ? 'GetPersonalizedRanking' : 'GetRecommendations';
}

/**
 * Lists and reads the selected campaigns and recommenders of `selection.region`.
 * @throws RegionCollectError when a List call fails (after the SDK's retries): without a listing
 *   the region cannot be judged at all.
 */
export async function discoverResources(
  personalize: PersonalizeClient,
  selection: DiscoverySelection,
  calls: ApiCallCounter,
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const { region } = selection;
  const state = options.state ?? processState(region);
  const budget = options.budget ?? UNLIMITED_BUDGET;
  const now = options.now ?? Date.now();
  const problems: Problem[] = [];
  let complete = true;

  const campaignWanted = wantedArns(selection.campaignArns, region);
  const recommenderWanted = wantedArns(selection.recommenderArns, region);

  const [campaignList, recommenderList] = await Promise.all([
    campaignWanted === 'none'
      ? { items: [] as CampaignSummary[], complete: true }
      : listPages(region, 'ListCampaigns', calls, (nextToken) => listCampaignsPage(personalize, nextToken)),
    recommenderWanted === 'none'
      ? { items: [] as RecommenderSummary[], complete: true }
      : listPages(region, 'ListRecommenders', calls, (nextToken) => listRecommendersPage(personalize, nextToken)),
  ]);
  for (const [op, list] of [['ListCampaigns', campaignList], ['ListRecommenders', recommenderList]] as const) {
    if (!list.complete) {
      complete = false;
      problems.push({ target: `list:${op}`, error: `stopped after ${MAX_LIST_PAGES} pages; the rest of the region was not read` });
    }
  }

  const campaigns = select(campaignList.items, (c) => c.campaignArn, campaignWanted, 'campaign', problems);
  const recommenders = select(recommenderList.items, (r) => r.recommenderArn, recommenderWanted, 'recommender', problems);
  if (campaignList.complete) prune(state, 'campaign', campaigns.map((c) => c.campaignArn!));
  if (recommenderList.complete) prune(state, 'recommender', recommenders.map((r) => r.recommenderArn!));

  // Every listed resource, in listing order (the result keeps it); those whose stored description
  // still holds need no call, the others are described in priority order while the budget allows.
  const ctx: ReadContext = { personalize, calls, state, now, versionsInFlight: new Map() };
  const job = (arn: string, status: string | undefined, lastUpdated: Date | undefined, run: () => Promise<MonitoredResource | undefined>): Job => {
    const stored = state.resources.get(arn);
    return { arn, stored, valid: cacheValid(stored, status ?? 'UNKNOWN', ms(lastUpdated)), run };
  };
  const jobs: Job[] = [
    ...campaigns.map((c) => {
      // Described before, its solution version not read yet: only that read is left (when the listing still holds).
      const awaiting = state.awaiting.get(c.campaignArn!);
      if (awaiting && !state.resources.has(c.campaignArn!) && cacheValid(awaiting, c.status ?? 'UNKNOWN', ms(c.lastUpdatedDateTime))) {
        return { arn: c.campaignArn!, valid: false, run: () => completeCampaign(ctx, c.campaignArn!, awaiting) };
      }
      return job(c.campaignArn!, c.status, c.lastUpdatedDateTime, () => readCampaign(ctx, c));
    }),
    ...recommenders.map((r) => job(r.recommenderArn!, r.status, r.lastUpdatedDateTime, () => readRecommender(ctx, r))),
  ];
  const results = new Array<MonitoredResource | 'skipped' | 'carried' | undefined>(jobs.length);
  const toDescribe: number[] = [];
  jobs.forEach((j, i) => {
    if (j.valid) results[i] = j.stored!.resource;
    else toDescribe.push(i);
  });
  let carriedOver = 0;
  await mapWithConcurrency(describeOrder(toDescribe, jobs, now), DESCRIBE_CONCURRENCY, async (i) => {
    const job = jobs[i];
    if (!budget.allows()) {
      // Not started: the stored copy (stale, like a throttled describe's fallback) or nothing this run.
      carriedOver++;
      results[i] = job.stored ? job.stored.resource : 'carried';
      return;
    }
    try {
      results[i] = await job.run();
    } catch (err) {
      if (!(err instanceof SkipResource)) throw err;
      problems.push({ target: err.arn, error: err.message });
      results[i] = 'skipped';
    }
  });

  const resources: MonitoredResource[] = [];
  let skipped = 0;
  let notDescribed = 0;
  for (const r of results) {
    if (r === 'skipped') skipped++;
    else if (r === 'carried') notDescribed++;
    else if (r) resources.push(r);
  }
  if (skipped > 0 || notDescribed > 0) complete = false;
  return { resources, complete, skipped, carriedOver, problems };
}

/**
 * Tags of one resource (kept in the region's state for TAG_CACHE_TTL_MS). Called only for
 * decision candidates: the exemption tag matters only when a finding would be raised.
 * @throws the SDK error when the tags cannot be read (the caller withholds the finding).
 */
export async function readTags(
  personalize: PersonalizeClient,
  arn: string,
  now: number,
  calls: ApiCallCounter,
  state: RegionState = processState(arn.split(':')[3]),
): Promise<Record<string, string>> {
  const known = storedTags(state, arn, now);
  if (known) return known;
  calls.add('ListTagsForResource');
  const tags = await listTags(personalize, arn);
  state.setTags(arn, tags, now);
  return tags;
}

/** The tags of `arn` in `state` when read less than TAG_CACHE_TTL_MS before `now` (no call). */
export function storedTags(state: RegionState, arn: string, now: number): Record<string, string> | undefined {
  return state.tagsOf(arn, now, TAG_CACHE_TTL_MS);
}

/** One listed resource: its stored copy, whether that still holds, and how to describe it. */
interface Job {
  arn: string;
  stored?: StoredResource;
  valid: boolean;
  run: () => Promise<MonitoredResource | undefined>;
}

/** What reading one resource needs. */
interface ReadContext {
  personalize: PersonalizeClient;
  calls: ApiCallCounter;
  state: RegionState;
  now: number;
  /** Campaigns sharing a solution version are read concurrently: one describe serves them all. */
  versionsInFlight: Map<string, Promise<SolutionVersionInfo>>;
}

/**
 * The order describes start in: never-described resources first (they are not monitored until
 * described), then stale stored ones by oldest describe; within each group the start rotates with
 * the run's 5-minute slot, so a resource whose describe keeps failing cannot starve the others.
 */
export function describeOrder(indexes: readonly number[], jobs: readonly { arn: string; stored?: StoredResource }[], now: number): number[] {
  const fresh = indexes.filter((i) => !jobs[i].stored).sort((a, b) => (jobs[a].arn < jobs[b].arn ? -1 : jobs[a].arn > jobs[b].arn ? 1 : 0));
  const stale = indexes.filter((i) => !!jobs[i].stored).sort((a, b) => jobs[a].stored!.describedAt - jobs[b].stored!.describedAt);
  const rotate = (xs: number[]): number[] => {
    if (xs.length < 2) return xs;
    const at = (Math.floor(now / 300_000) * 7919) % xs.length;
    return [...xs.slice(at), ...xs.slice(0, at)];
  };
  return [...rotate(fresh), ...stale];
}

/** Raised inside discovery for a resource that cannot be read this run (and has no cached copy). */
class SkipResource extends Error {
  constructor(readonly arn: string, message: string) {
    super(message);
    this.name = 'SkipResource';
  }
}

/** `all`, the set of selected ARNs of this region, or `none` when the selection has none here. */
function wantedArns(selection: 'all' | readonly string[], region: string): 'all' | 'none' | Set<string> {
  if (selection === 'all') return 'all';
  const here = selection.filter((arn) => arn.split(':')[3] === region);
  return here.length === 0 ? 'none' : new Set(here);
}

/** Pages through a List operation. A failing page fails the region. */
async function listPages<S>(
  region: string,
  operation: string,
  calls: ApiCallCounter,
  page: (nextToken: string | undefined) => Promise<{ items: S[]; nextToken?: string }>,
): Promise<{ items: S[]; complete: boolean }> {
  const items: S[] = [];
  let nextToken: string | undefined;
  for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
    let out: { items: S[]; nextToken?: string } | undefined;
    for (let retry = 0; out === undefined; retry++) {
      calls.add(operation);
      try {
        out = await page(nextToken);
      } catch (err) {
        // A listing is mandatory and the rest of the run depends on it: a throttled page is
        // retried here too (after the SDK's own retries), a few times with growing pauses.
        if (isThrottling(err) && retry < LIST_THROTTLE_RETRY_MS.length) {
          await sleep(LIST_THROTTLE_RETRY_MS[retry]);
          continue;
        }
        throw new RegionCollectError(region, `${operation} failed on page ${pages + 1}${retry ? ` (throttled, ${retry} retries)` : ''}: ${describeError(err)}`);
      }
    }
    items.push(...out.items);
    nextToken = out.nextToken;
    if (!nextToken) return { items, complete: true };
  }
  return { items, complete: false };
}

/** Keeps the listed summaries that were selected; explicitly selected ARNs not listed are problems. */
function select<S>(
  items: S[],
  arnOf: (s: S) => string | undefined,
  wanted: 'all' | 'none' | Set<string>,
  kind: ResourceType,
  problems: Problem[],
): S[] {
  if (wanted === 'none') return [];
  const withArn = items.filter((s) => !!arnOf(s));
  if (wanted === 'all') return withArn;
  const kept = withArn.filter((s) => wanted.has(arnOf(s)!));
  const found = new Set(kept.map((s) => arnOf(s)!));
  for (const arn of wanted) {
    if (!found.has(arn)) problems.push({ target: arn, error: `configured ${kind} does not exist (not returned by List${kind === 'campaign' ? 'Campaigns' : 'Recommenders'})` });
  }
  return kept;
}

/**
 * Forgets stored resources of `type` that a complete listing no longer shows (deleted, or no
 * longer selected), so the state stays bounded: their items are deleted by the next save.
 */
function prune(state: RegionState, type: ResourceType, listedArns: string[]): void {
  const listed = new Set(listedArns);
  for (const [arn, entry] of [...state.resources]) if (entry.resource.type === type && !listed.has(arn)) state.deleteResource(arn);
}

/** Epoch ms of an SDK date (0 when absent). */
function ms(d: Date | undefined): number {
  return d instanceof Date ? d.getTime() : 0;
}

/** A stored description is still valid when the list fields match and nothing is mid-transition. */
function cacheValid(entry: StoredResource | undefined, status: string, lastUpdated: number): entry is StoredResource {
  if (!entry) return false;
  if (entry.listedLastUpdated !== lastUpdated || entry.listedStatus !== status) return false;
  // A status still moving changes without the list fields telling: describe it again.
  return !isTransitionalStatus(status) && !isTransitionalStatus(entry.resource.latestUpdateStatus);
}

/**
 * Runs one Describe with the fallbacks discovery promises: not found → undefined (deleted
 * meanwhile, skipped silently); any other failure → the cached copy, else SkipResource.
 */
async function describeOrFallback<T>(
  arn: string,
  cached: StoredResource | undefined,
  describe: () => Promise<T>,
): Promise<{ value: T } | { cached: MonitoredResource } | undefined> {
  try {
    return { value: await describe() };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    if (cached) return { cached: cached.resource };
    const why = isThrottling(err) ? 'throttled' : 'failed';
    throw new SkipResource(arn, `describe ${why}, no cached copy; skipped this run (${describeError(err)})`);
  }
}

/** Describes a campaign whose stored copy does not hold (the stored copy is the fallback). */
async function readCampaign(ctx: ReadContext, summary: CampaignSummary): Promise<MonitoredResource | undefined> {
  const { personalize, calls, state } = ctx;
  const arn = summary.campaignArn!;
  const status = summary.status ?? 'UNKNOWN';
  const lastUpdated = ms(summary.lastUpdatedDateTime);
  const cached = state.resources.get(arn);

  const described = await describeOrFallback(arn, cached, () => {
    calls.add('DescribeCampaign');
    return describeCampaign(personalize, arn);
  });
  if (!described) {
    state.deleteResource(arn);
    return undefined;
  }
  if ('cached' in described) return described.cached;

  const c = described.value;
  if (!c) throw new SkipResource(arn, 'DescribeCampaign returned no campaign');
  const svArn = c.solutionVersionArn;
  const resource = campaignResource(c, summary, {});
  let sv: SolutionVersionInfo | { cached: MonitoredResource } = {};
  try {
    if (svArn) sv = await readSolutionVersion(ctx, arn, svArn, cached);
  } catch (err) {
    // Keep the description: the next run reads only the solution version, not the campaign again.
    if (err instanceof SkipResource && svArn) state.setAwaiting(arn, { listedLastUpdated: lastUpdated, listedStatus: status, describedAt: ctx.now, resource: dropUndefined(resource), awaitingSolutionVersion: svArn });
    throw err;
  }
  if ('cached' in sv) return sv.cached;
  const entry: StoredResource = { listedLastUpdated: lastUpdated, listedStatus: status, describedAt: ctx.now, resource: dropUndefined(withSolutionVersion(resource, sv)) };
  state.setResource(arn, entry);
  return entry.resource;
}

/** A campaign described in an earlier run whose solution version is read now (no DescribeCampaign). */
async function completeCampaign(ctx: ReadContext, arn: string, awaiting: StoredResource & { awaitingSolutionVersion: string }): Promise<MonitoredResource> {
  const sv = await readSolutionVersion(ctx, arn, awaiting.awaitingSolutionVersion, undefined);
  if ('cached' in sv) return sv.cached;
  const { awaitingSolutionVersion: _, ...rest } = awaiting;
  const entry: StoredResource = { ...rest, resource: dropUndefined(withSolutionVersion(awaiting.resource, sv)) };
  ctx.state.setResource(arn, entry);
  return entry.resource;
}

/** The facts a campaign's solution version adds: its recipe (hence the request metric) and dataset group. */
function withSolutionVersion(resource: MonitoredResource, sv: SolutionVersionInfo): MonitoredResource {
  return { ...resource, requestMetric: requestMetricForRecipe(sv.recipeArn), datasetGroupArn: sv.datasetGroupArn, recipeArn: sv.recipeArn };
}

/** A campaign's description as MonitoredResource, from DescribeCampaign, its summary and its solution version facts. */
function campaignResource(c: NonNullable<Awaited<ReturnType<typeof describeCampaign>>>, summary: CampaignSummary, sv: SolutionVersionInfo): MonitoredResource {
  const arn = summary.campaignArn!;
  const status = summary.status ?? 'UNKNOWN';
  const lastUpdated = ms(summary.lastUpdatedDateTime);
  const update = c.latestCampaignUpdate;
  const updateInProgress = isTransitionalStatus(update?.status);
  const resource: MonitoredResource = {
    ...arnParts(arn),
    name: c.name ?? summary.name ?? arn.split('/').pop()!,
    type: 'campaign',
    status: c.status ?? status,
    latestUpdateStatus: update?.status,
    minCapacity: c.minProvisionedTPS ?? 1,
    pendingMinCapacity: updateInProgress ? update?.minProvisionedTPS : undefined,
    requestMetric: requestMetricForRecipe(sv.recipeArn),
    createdAt: ms(c.creationDateTime ?? summary.creationDateTime),
    lastUpdatedAt: Math.max(ms(c.lastUpdatedDateTime), lastUpdated, ms(update?.creationDateTime), ms(update?.lastUpdatedDateTime)),
    datasetGroupArn: sv.datasetGroupArn,
    recipeArn: sv.recipeArn,
    solutionVersionArn: c.solutionVersionArn,
  };
  return resource;
}

/** Solution version facts (recipe, dataset group): cached forever, a solution version never changes. */
async function readSolutionVersion(
  ctx: ReadContext,
  campaignArn: string,
  svArn: string,
  cachedCampaign: StoredResource | undefined,
): Promise<SolutionVersionInfo | { cached: MonitoredResource }> {
  const { personalize, calls, state } = ctx;
  const known = state.solutionVersions.get(svArn);
  if (known) return known;
  const solutionVersionsInFlight = ctx.versionsInFlight;
  try {
    // Campaigns sharing a solution version are read concurrently: one describe serves them all.
    let pending = solutionVersionsInFlight.get(svArn);
    if (!pending) {
      calls.add('DescribeSolutionVersion');
      pending = (async (): Promise<SolutionVersionInfo> => {
        try {
          return await describeSolutionVersion(personalize, svArn);
        } finally {
          solutionVersionsInFlight.delete(svArn);
        }
      })();
      solutionVersionsInFlight.set(svArn, pending);
    }
    const info = await pending;
    if (!state.solutionVersions.has(svArn)) state.setSolutionVersion(svArn, dropUndefined({ recipeArn: info.recipeArn, datasetGroupArn: info.datasetGroupArn }));
    return info;
  } catch (err) {
    // Without the recipe the request metric is unknown; guessing could read the wrong metric and
    // call a busy ranking campaign idle. Fall back to the campaign's cached copy or skip it.
    if (cachedCampaign) return { cached: cachedCampaign.resource };
    throw new SkipResource(campaignArn, `solution version ${svArn} could not be read; skipped this run (${describeError(err)})`);
  }
}

/** Describes a recommender whose stored copy does not hold (the stored copy is the fallback). */
async function readRecommender(ctx: ReadContext, summary: RecommenderSummary): Promise<MonitoredResource | undefined> {
  const { personalize, calls, state } = ctx;
  const arn = summary.recommenderArn!;
  const status = summary.status ?? 'UNKNOWN';
  const lastUpdated = ms(summary.lastUpdatedDateTime);
  const cached = state.resources.get(arn);

  // The summary carries everything except latestRecommenderUpdate, which only Describe tells.
  const described = await describeOrFallback(arn, cached, () => {
    calls.add('DescribeRecommender');
    return describeRecommender(personalize, arn);
  });
  if (!described) {
    state.deleteResource(arn);
    return undefined;
  }
  if ('cached' in described) return described.cached;

  const r = described.value;
  const update = r?.latestRecommenderUpdate;
  const updateInProgress = isTransitionalStatus(update?.status);
  const config = r?.recommenderConfig ?? summary.recommenderConfig;
  const recipeArn = r?.recipeArn ?? summary.recipeArn;
  const resource: MonitoredResource = {
    ...arnParts(arn),
    name: r?.name ?? summary.name ?? arn.split('/').pop()!,
    type: 'recommender',
    status: r?.status ?? status,
    latestUpdateStatus: update?.status,
    minCapacity: config?.minRecommendationRequestsPerSecond ?? 1,
    pendingMinCapacity: updateInProgress ? update?.recommenderConfig?.minRecommendationRequestsPerSecond : undefined,
    requestMetric: requestMetricForRecipe(recipeArn),
    createdAt: ms(r?.creationDateTime ?? summary.creationDateTime),
    // A restart (START) updates lastUpdatedDateTime: the idle clock restarts with it.
    lastUpdatedAt: Math.max(ms(r?.lastUpdatedDateTime), lastUpdated, ms(update?.creationDateTime), ms(update?.lastUpdatedDateTime)),
    datasetGroupArn: r?.datasetGroupArn ?? summary.datasetGroupArn,
    recipeArn,
  };
  const entry: StoredResource = { listedLastUpdated: lastUpdated, listedStatus: status, describedAt: ctx.now, resource: dropUndefined(resource) };
  state.setResource(arn, entry);
  return entry.resource;
}

/** Region, partition and account from the resource's own ARN (never a hard-coded `aws`). */
function arnParts(arn: string): Pick<MonitoredResource, 'arn' | 'region' | 'partition' | 'accountId'> {
  const p = parseArn(arn);
  return { arn, region: p.region, partition: p.partition, accountId: p.accountId };
}

/** Keeps results small and comparable: optional fields that are unknown are left out. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
