/**
 * Discovery adapter: which campaigns and recommenders exist in one region, as MonitoredResource.
 *
 * Cheap in steady state: one List page per 100 resources per type; a Describe only for resources
 * that changed since this warm container last saw them (the caches below survive between runs);
 * a solution version is described once ever (it is immutable).
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

/** Safety stop for a listing that never ends (20,000 resources per type and region). */
export const MAX_LIST_PAGES = 200;
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
  problems: Problem[];
}

interface DescribedEntry {
  /** List fields the description was taken at: a change means describe again. */
  lastUpdated: number;
  status: string;
  resource: MonitoredResource;
}

interface SolutionVersionInfo {
  recipeArn?: string;
  datasetGroupArn?: string;
}

/** Warm-container caches (module level on purpose: they survive between invocations). */
const campaignCache = new Map<string, DescribedEntry>();
const recommenderCache = new Map<string, DescribedEntry>();
const solutionVersionCache = new Map<string, SolutionVersionInfo>();
const tagCache = new Map<string, { fetchedAt: number; tags: Record<string, string> }>();
const solutionVersionsInFlight = new Map<string, Promise<SolutionVersionInfo>>();

/** For tests: forget everything earlier runs cached in this container. */
export function resetCaches(): void {
  campaignCache.clear();
  recommenderCache.clear();
  solutionVersionCache.clear();
  tagCache.clear();
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
): Promise<DiscoveryResult> {
  const { region } = selection;
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
  if (campaignList.complete) prune(campaignCache, region, campaigns.map((c) => c.campaignArn!));
  if (recommenderList.complete) prune(recommenderCache, region, recommenders.map((r) => r.recommenderArn!));

  const read = async <S>(summary: S, readOne: (s: S) => Promise<MonitoredResource | undefined>): Promise<MonitoredResource | 'skipped' | undefined> => {
    try {
      return await readOne(summary);
    } catch (err) {
      if (err instanceof SkipResource) {
        problems.push({ target: err.arn, error: err.message });
        return 'skipped';
      }
      throw err;
    }
  };
  const campaignResults = await mapWithConcurrency(campaigns, DESCRIBE_CONCURRENCY, (c) => read(c, (s) => readCampaign(personalize, s, calls)));
  const recommenderResults = await mapWithConcurrency(recommenders, DESCRIBE_CONCURRENCY, (r) =>
    read(r, (s) => readRecommender(personalize, s, calls)),
  );

  const resources: MonitoredResource[] = [];
  let skipped = 0;
  for (const r of [...campaignResults, ...recommenderResults]) {
    if (r === 'skipped') skipped++;
    else if (r) resources.push(r);
  }
  if (skipped > 0) complete = false;
  return { resources, complete, skipped, problems };
}

/**
 * Tags of one resource (cached per ARN for TAG_CACHE_TTL_MS). Called only for decision
 * candidates: the exemption tag matters only when a finding would be raised.
 * @throws the SDK error when the tags cannot be read (the caller withholds the finding).
 */
export async function readTags(personalize: PersonalizeClient, arn: string, now: number, calls: ApiCallCounter): Promise<Record<string, string>> {
  const cached = tagCache.get(arn);
  if (cached && now - cached.fetchedAt < TAG_CACHE_TTL_MS && now >= cached.fetchedAt) return cached.tags;
  calls.add('ListTagsForResource');
  const tags = await listTags(personalize, arn);
  tagCache.set(arn, { fetchedAt: now, tags });
  return tags;
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
    calls.add(operation);
    let out: { items: S[]; nextToken?: string };
    try {
      out = await page(nextToken);
    } catch (err) {
      throw new RegionCollectError(region, `${operation} failed on page ${pages + 1}: ${describeError(err)}`);
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
 * Drops cache entries of `region`'s resources that are no longer listed (deleted), so the cache
 * stays bounded. Other regions' entries stay: one warm container may collect any region.
 */
function prune(cache: Map<string, DescribedEntry>, region: string, listedArns: string[]): void {
  const listed = new Set(listedArns);
  for (const arn of cache.keys()) if (arn.split(':')[3] === region && !listed.has(arn)) cache.delete(arn);
}

/** Epoch ms of an SDK date (0 when absent). */
function ms(d: Date | undefined): number {
  return d instanceof Date ? d.getTime() : 0;
}

/** A cached description is still valid when the list fields match and nothing is mid-transition. */
function cacheValid(entry: DescribedEntry | undefined, status: string, lastUpdated: number): entry is DescribedEntry {
  if (!entry) return false;
  if (entry.lastUpdated !== lastUpdated || entry.status !== status) return false;
  // A status still moving changes without the list fields telling: describe it again.
  return !isTransitionalStatus(status) && !isTransitionalStatus(entry.resource.latestUpdateStatus);
}

/**
 * Runs one Describe with the fallbacks discovery promises: not found → undefined (deleted
 * meanwhile, skipped silently); any other failure → the cached copy, else SkipResource.
 */
async function describeOrFallback<T>(
  arn: string,
  cached: DescribedEntry | undefined,
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

async function readCampaign(personalize: PersonalizeClient, summary: CampaignSummary, calls: ApiCallCounter): Promise<MonitoredResource | undefined> {
  const arn = summary.campaignArn!;
  const status = summary.status ?? 'UNKNOWN';
  const lastUpdated = ms(summary.lastUpdatedDateTime);
  const cached = campaignCache.get(arn);
  if (cacheValid(cached, status, lastUpdated)) return cached.resource;

  const described = await describeOrFallback(arn, cached, () => {
    calls.add('DescribeCampaign');
    return describeCampaign(personalize, arn);
  });
  if (!described) {
    campaignCache.delete(arn);
    return undefined;
  }
  if ('cached' in described) return described.cached;

  const c = described.value;
  if (!c) throw new SkipResource(arn, 'DescribeCampaign returned no campaign');
  const svArn = c.solutionVersionArn;
  const sv = svArn ? await readSolutionVersion(personalize, arn, svArn, cached, calls) : ({} as SolutionVersionInfo);
  if ('cached' in sv) return sv.cached;

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
    solutionVersionArn: svArn,
  };
  campaignCache.set(arn, { lastUpdated, status, resource: dropUndefined(resource) });
  return campaignCache.get(arn)!.resource;
}

/** Solution version facts (recipe, dataset group): cached forever, a solution version never changes. */
async function readSolutionVersion(
  personalize: PersonalizeClient,
  campaignArn: string,
  svArn: string,
  cachedCampaign: DescribedEntry | undefined,
  calls: ApiCallCounter,
): Promise<SolutionVersionInfo | { cached: MonitoredResource }> {
  const known = solutionVersionCache.get(svArn);
  if (known) return known;
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
    solutionVersionCache.set(svArn, info);
    return info;
  } catch (err) {
    // Without the recipe the request metric is unknown; guessing could read the wrong metric and
    // call a busy ranking campaign idle. Fall back to the campaign's cached copy or skip it.
    if (cachedCampaign) return { cached: cachedCampaign.resource };
    throw new SkipResource(campaignArn, `solution version ${svArn} could not be read; skipped this run (${describeError(err)})`);
  }
}

async function readRecommender(
  personalize: PersonalizeClient,
  summary: RecommenderSummary,
  calls: ApiCallCounter,
): Promise<MonitoredResource | undefined> {
  const arn = summary.recommenderArn!;
  const status = summary.status ?? 'UNKNOWN';
  const lastUpdated = ms(summary.lastUpdatedDateTime);
  const cached = recommenderCache.get(arn);
  if (cacheValid(cached, status, lastUpdated)) return cached.resource;

  // The summary carries everything except latestRecommenderUpdate, which only Describe tells.
  const described = await describeOrFallback(arn, cached, () => {
    calls.add('DescribeRecommender');
    return describeRecommender(personalize, arn);
  });
  if (!described) {
    recommenderCache.delete(arn);
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
  recommenderCache.set(arn, { lastUpdated, status, resource: dropUndefined(resource) });
  return recommenderCache.get(arn)!.resource;
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
