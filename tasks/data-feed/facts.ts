/**
 * Reads the facts of dataset groups (core/contracts/data-feed.ts) from Personalize and CloudWatch:
 * one adapter call per operation (tasks/aws), every list followed through all its pages. A read
 * that fails after the SDK's retries (throttling included) makes that part of the facts
 * `incomplete` and is a named problem: its checks find nothing and recover nothing this time.
 */
import {
  DATA_FEED_LOOKBACK_DAYS,
  EVENT_TRACKER_DIMENSION,
  PUT_EVENTS_METRICS,
  type CampaignFacts,
  type DatasetFacts,
  type DatasetGroupFacts,
  type EventTrackerFacts,
  type PutEventsHour,
  type RecommenderFacts,
  type SolutionFacts,
} from '../../core/contracts/data-feed';
import { scheduleDays } from '../../core/data-feed';
import { DAY_MS, HOUR_MS, HOUR_SECONDS, floorTo } from '../../core/time';
import type { Problem } from '../../core/contracts/run';
import { getMetricData, requestSumQuery, MAX_QUERIES_PER_CALL, type CloudWatchClient } from '../aws/cloudwatch';
import {
  describeCampaign,
  describeSolution,
  listCampaignsPage,
  listDatasetImportJobsPage,
  listDatasetsPage,
  listEventTrackersPage,
  listRecommendersPage,
  listSolutionVersionsPage,
  listSolutionsPage,
  listTags,
  type Page,
  type PersonalizeClient,
} from '../aws/personalize';
import { describeError, mapWithConcurrency, type ApiCallCounter } from '../collect/aws-calls';

/** Pages followed per list at most (100 items a page). */
export const MAX_LIST_PAGES = 50;
/** Dataset groups read at once (each reads its parts one after the other: Personalize's control plane throttles early). */
export const GROUP_CONCURRENCY = 2;

/** A dataset group as listed. */
export interface ListedGroup {
  arn: string;
  name: string;
}

export interface FactsContext {
  region: string;
  calls: ApiCallCounter;
  problems: Problem[];
}

const epochMs = (d: Date | undefined): number => (d ? d.getTime() : 0);

/** All pages of a list; undefined (and a problem) when a page fails or the pages do not end. */
export async function allPages<T>(operation: string, target: string, ctx: FactsContext, page: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[] | undefined> {
  const items: T[] = [];
  let nextToken: string | undefined;
  for (let n = 0; n < MAX_LIST_PAGES; n++) {
    ctx.calls.add(operation);
    try {
      const out = await page(nextToken);
      items.push(...out.items);
      nextToken = out.nextToken;
    } catch (err) {
      ctx.problems.push({ target, error: `${operation} failed on page ${n + 1}: ${describeError(err)}` });
      return undefined;
    }
    if (!nextToken) return items;
  }
  ctx.problems.push({ target, error: `${operation} returned more than ${MAX_LIST_PAGES} pages; not read` });
  return undefined;
}

/** One call; undefined (and a problem) when it fails. */
async function one<T>(operation: string, target: string, ctx: FactsContext, call: () => Promise<T>): Promise<T | undefined> {
  ctx.calls.add(operation);
  try {
    return await call();
  } catch (err) {
    ctx.problems.push({ target, error: `${operation} failed: ${describeError(err)}` });
    return undefined;
  }
}

/** The facts of one dataset group (its trackers' metrics are read by `readPutEventsHours` afterwards). */
export async function readGroupFacts(personalize: PersonalizeClient, group: ListedGroup, ctx: FactsContext): Promise<DatasetGroupFacts> {
  const incomplete: string[] = [];
  const facts: DatasetGroupFacts = { arn: group.arn, name: group.name, region: ctx.region, tags: {}, trackers: [], datasets: [], solutions: [], campaigns: [], recommenders: [], incomplete };

  const tags = await one('ListTagsForResource', group.arn, ctx, () => listTags(personalize, group.arn));
  // Without the group's tags its exemption is unknown: nothing is found or recovered for it.
  if (!tags) {
    incomplete.push('trackers', 'datasets', 'solutions', 'campaigns', 'recommenders');
    return facts;
  }
  facts.tags = tags;

  const trackers = await allPages('ListEventTrackers', group.arn, ctx, (t) => listEventTrackersPage(personalize, t, group.arn));
  if (trackers) {
    facts.trackers = trackers.map((t): EventTrackerFacts => ({ arn: t.eventTrackerArn ?? '', name: t.name ?? '', status: t.status ?? '', createdAt: epochMs(t.creationDateTime) }));
  } else incomplete.push('trackers');

  const datasets = await allPages('ListDatasets', group.arn, ctx, (t) => listDatasetsPage(personalize, t, group.arn));
  if (datasets) {
    for (const d of datasets) {
      const arn = d.datasetArn ?? '';
      const jobs = await allPages('ListDatasetImportJobs', arn, ctx, (t) => listDatasetImportJobsPage(personalize, t, arn));
      if (!jobs) incomplete.push(`imports:${arn}`);
      const dataset: DatasetFacts = {
        arn,
        name: d.name ?? '',
        datasetType: d.datasetType ?? '',
        createdAt: epochMs(d.creationDateTime),
        imports: (jobs ?? []).map((j) => ({
          arn: j.datasetImportJobArn ?? '',
          name: j.jobName ?? '',
          status: j.status ?? '',
          createdAt: epochMs(j.creationDateTime),
          lastUpdatedAt: epochMs(j.lastUpdatedDateTime),
          failureReason: j.failureReason,
        })),
      };
      facts.datasets.push(dataset);
    }
  } else incomplete.push('datasets');

  const solutions = await allPages('ListSolutions', group.arn, ctx, (t) => listSolutionsPage(personalize, t, group.arn));
  if (solutions) {
    for (const s of solutions) {
      const arn = s.solutionArn ?? '';
      const [described, solutionTags, versions] = [
        await one('DescribeSolution', arn, ctx, () => describeSolution(personalize, arn)),
        await one('ListTagsForResource', arn, ctx, () => listTags(personalize, arn)),
        await allPages('ListSolutionVersions', arn, ctx, (t) => listSolutionVersionsPage(personalize, t, arn)),
      ];
      // Its schedule, exemption or versions unknown: none of its checks this time.
      if (!described || !solutionTags || !versions) incomplete.push(`versions:${arn}`);
      const solution: SolutionFacts = {
        arn,
        name: s.name ?? '',
        createdAt: epochMs(s.creationDateTime),
        autoTrainingDays: described?.performAutoTraining ? scheduleDays(described.solutionConfig?.autoTrainingConfig?.schedulingExpression ?? 'rate(7 days)') : undefined,
        tags: solutionTags ?? {},
        versions: (versions ?? []).map((v) => ({
          arn: v.solutionVersionArn ?? '',
          status: v.status ?? '',
          trainingMode: v.trainingMode,
          trainingType: v.trainingType,
          createdAt: epochMs(v.creationDateTime),
          lastUpdatedAt: epochMs(v.lastUpdatedDateTime),
          failureReason: v.failureReason,
        })),
      };
      facts.solutions.push(solution);
      const campaigns = await allPages('ListCampaigns', arn, ctx, (t) => listCampaignsPage(personalize, t, arn));
      if (!campaigns) {
        incomplete.push('campaigns');
        continue;
      }
      for (const c of campaigns) {
        const campaignArn = c.campaignArn ?? '';
        // Only ACTIVE campaigns serve a model; the others are not described.
        if (c.status !== 'ACTIVE') continue;
        const campaign = await one('DescribeCampaign', campaignArn, ctx, () => describeCampaign(personalize, campaignArn));
        if (!campaign) {
          incomplete.push('campaigns');
          continue;
        }
        facts.campaigns.push({
          arn: campaignArn,
          name: campaign.name ?? c.name ?? '',
          solutionArn: arn,
          status: campaign.status ?? '',
          solutionVersionArn: campaign.solutionVersionArn ?? '',
          syncWithLatest: campaign.campaignConfig?.syncWithLatestSolutionVersion === true,
          lastUpdatedAt: epochMs(campaign.lastUpdatedDateTime),
        } satisfies CampaignFacts);
      }
    }
  } else incomplete.push('solutions');

  const recommenders = await allPages('ListRecommenders', group.arn, ctx, (t) => listRecommendersPage(personalize, t, group.arn));
  if (recommenders) {
    facts.recommenders = recommenders.map((r): RecommenderFacts => ({
      arn: r.recommenderArn ?? '',
      name: r.name ?? '',
      status: r.status ?? '',
      createdAt: epochMs(r.creationDateTime),
      lastUpdatedAt: epochMs(r.lastUpdatedDateTime),
    }));
  } else incomplete.push('recommenders');
  return facts;
}

const METRIC_KEYS = ['requests', 'errors4xx', 'errors5xx'] as const;
/** GetMetricData query id prefixes (ids start with a lower-case letter), then the tracker's index. */
const QUERY_ID: Record<(typeof METRIC_KEYS)[number], string> = { requests: 'r', errors4xx: 'x', errors5xx: 'y' };

/**
 * Facts of several groups, GROUP_CONCURRENCY at a time, in the input order. A group is started only
 * while `allows()` (the invocation's time budget); the others are returned in `notRead`.
 */
export async function readGroupsFacts(
  personalize: PersonalizeClient,
  groups: readonly ListedGroup[],
  ctx: FactsContext,
  allows: () => boolean = () => true,
): Promise<{ facts: DatasetGroupFacts[]; notRead: ListedGroup[] }> {
  const read = await mapWithConcurrency(groups, GROUP_CONCURRENCY, async (g) => (allows() ? readGroupFacts(personalize, g, ctx) : undefined));
  return { facts: read.filter((f): f is DatasetGroupFacts => f !== undefined), notRead: groups.filter((_, i) => read[i] === undefined) };
}

/**
 * Fills `hours` of every ACTIVE tracker of `groups` with its hourly PutEvents metrics over the
 * look-back: one GetMetricData per MAX_QUERIES_PER_CALL / 3 trackers (3 Sum queries each: calls,
 * 4xx, 5xx; hourly, 168 datapoints each). A failed call leaves those trackers' `hours` undefined.
 */
export async function readPutEventsHours(cloudwatch: CloudWatchClient, groups: readonly DatasetGroupFacts[], now: number, ctx: FactsContext): Promise<void> {
  const trackers = groups.flatMap((g) => g.trackers.filter((t) => t.status === 'ACTIVE'));
  const perCall = Math.floor(MAX_QUERIES_PER_CALL / 3);
  const end = floorTo(now, HOUR_MS) + HOUR_MS;
  const start = end - DATA_FEED_LOOKBACK_DAYS * DAY_MS - HOUR_MS;
  for (let i = 0; i < trackers.length; i += perCall) {
    const batch = trackers.slice(i, i + perCall);
    const queries = batch.flatMap((t, j) =>
      METRIC_KEYS.map((m) => requestSumQuery(`${QUERY_ID[m]}${j}`, PUT_EVENTS_METRICS[m], { name: EVENT_TRACKER_DIMENSION, value: t.arn }, HOUR_SECONDS)),
    );
    try {
      const results = await getMetricData(cloudwatch, { queries, start, end }, () => ctx.calls.add('GetMetricData'));
      const byId = new Map<string, Map<number, number>>();
      for (const r of results) {
        const series = byId.get(r.Id ?? '') ?? new Map<number, number>();
        (r.Timestamps ?? []).forEach((ts, k) => series.set(ts.getTime(), (series.get(ts.getTime()) ?? 0) + (r.Values?.[k] ?? 0)));
        byId.set(r.Id ?? '', series);
      }
      batch.forEach((t, j) => {
        const hours = new Map<number, PutEventsHour>();
        const at = (ts: number) => hours.get(ts) ?? (hours.set(ts, { t: ts, requests: 0, errors: 0 }), hours.get(ts)!);
        for (const [ts, v] of byId.get(`${QUERY_ID.requests}${j}`) ?? []) at(ts).requests += v;
        for (const id of [`${QUERY_ID.errors4xx}${j}`, `${QUERY_ID.errors5xx}${j}`]) for (const [ts, v] of byId.get(id) ?? []) at(ts).errors += v;
        t.hours = [...hours.values()].sort((a, b) => a.t - b.t);
      });
    } catch (err) {
      ctx.problems.push({ target: `metrics:${ctx.region}`, error: `PutEvents metrics of ${batch.length} trackers not read (GetMetricData): ${describeError(err)}` });
    }
  }
}
