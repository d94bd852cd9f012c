/**
 * A realistic mixed Personalize fleet for demos, benchmarks and end-to-end tests: idle (never
 * used, or silent for two days), over-provisioned, spiky, quiet at night, exempt by tag, one
 * in an update, healthy. Deterministic by seed. With `dataFeed: true` (the demo), also one
 * dataset group in the first region (`clickstream`, made through `account.dataFeed`) whose data
 * feed is broken: its event stream stopped, its last import failed, its latest training failed and
 * its one (busy, well-sized) campaign serves an older model than the newest ACTIVE one.
 */
import { SimAccount, type SimAccountOptions } from './account';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './clock';
import { seededRandom } from './random';
import { traffic, type TrafficFn } from './traffic';

export const FLEET_PROFILES = ['idle', 'overProvisioned', 'spiky', 'quietNights', 'exempt', 'updating', 'healthy', 'recentlyIdle'] as const;
export type FleetProfile = (typeof FLEET_PROFILES)[number];

/** Later resources are drawn with these weights (the first ones cover every profile once). */
const PROFILE_WEIGHTS: Record<FleetProfile, number> = {
  idle: 2,
  overProvisioned: 3,
  spiky: 2,
  quietNights: 2,
  exempt: 1,
  updating: 0,
  healthy: 4,
  recentlyIdle: 1,
};
/** Age of the fleet at the account's current time. */
const FLEET_AGE_MS = 30 * DAY_MS;
/** A recently idle resource lost its traffic this long ago. */
const RECENTLY_IDLE_MS = 2 * DAY_MS;
const RANKING_RECIPE = 'arn:aws:personalize:::recipe/aws-personalized-ranking-v2';

export interface DemoFleetOptions {
  regions?: string[];
  /** Number of resources (campaigns and recommenders); default 8 (one of each profile). */
  resources?: number;
  seed?: number;
  /** Populate this account instead of a new one. */
  account?: SimAccount;
  /** Options of the new account (ignored with `account`). */
  accountOptions?: SimAccountOptions;
  /** Tag key that exempts a resource (the monitor's default). */
  exemptionTagKey?: string;
  /**
   * Add the broken `clickstream` dataset group (and its campaign) in the first region. Default
   * false, so that `resources` stays the account's whole inventory for the callers that count it
   * (assess, bench); the demo turns it on.
   */
  dataFeed?: boolean;
}

export interface FleetResource {
  arn: string;
  name: string;
  kind: 'campaign' | 'recommender';
  region: string;
  profile: FleetProfile;
  /** Minimum capacity at creation (an `updating` resource is moving to `targetMin`). */
  minCapacity: number;
  targetMin?: number;
  traffic: string;
}

/** The campaign of the broken dataset group: sized to its traffic, so only the data-feed checks concern it. */
export interface DataFeedCampaign extends Omit<FleetResource, 'profile' | 'kind'> {
  kind: 'campaign';
  profile: 'data-feed';
}

/** The broken dataset group of the demo fleet (what the data-feed checks should report). */
export interface DemoDataFeed {
  datasetGroupArn: string;
  name: string;
  region: string;
  /** The Interactions dataset; its last import job failed. */
  datasetArn: string;
  failedImportArn: string;
  failureReason: string;
  /** Its stream ran until `stoppedAt` (10 h before the fleet's current time), none since. */
  eventTrackerArn: string;
  stoppedAt: number;
  solutionArn: string;
  /** The version the campaign serves (older, ACTIVE). */
  servedVersionArn: string;
  /** The newest ACTIVE version (3 days old, ready > 24 h). */
  newestActiveVersionArn: string;
  /** The latest version: its training failed. */
  failedVersionArn: string;
  trainingFailureReason: string;
  campaign: DataFeedCampaign;
}

export interface DemoFleet {
  account: SimAccount;
  /** The campaigns and recommenders of the profiles (not the data-feed group's campaign: `dataFeed.campaign`). */
  resources: FleetResource[];
  /** ARN of the broken dataset group (with `dataFeed: true`). */
  dataFeedGroupArn?: string;
  dataFeed?: DemoDataFeed;
}

/** Build the fleet, created 30 days before the account's current time. */
export function demoFleet(options: DemoFleetOptions = {}): DemoFleet {
  const seed = options.seed ?? 1;
  const account = options.account ?? new SimAccount({ seed, ...options.accountOptions });
  const regions = options.regions ?? ['us-east-1'];
  if (regions.length === 0) throw new RangeError('demoFleet: expected at least one region');
  const count = options.resources ?? FLEET_PROFILES.length;
  const exemptKey = options.exemptionTagKey ?? 'PersonalizeMonitorExempt';
  const random = seededRandom(seed);
  const now = account.clock.now();
  const createdAt = now - FLEET_AGE_MS;
  const out: FleetResource[] = [];

  for (let i = 0; i < count; i++) {
    const profile = i < FLEET_PROFILES.length ? FLEET_PROFILES[i] : pickWeighted(random());
    // Every third resource is a recommender; the one in an update is always a campaign.
    const kind = profile !== 'updating' && i % 3 === 2 ? 'recommender' : 'campaign';
    const region = regions[i % regions.length];
    const name = `${kebab(profile)}-${kind}-${String(i).padStart(3, '0')}`;
    const resSeed = (seed * 7919 + i * 104729) >>> 0;
    const { fn, min, targetMin } = profileTraffic(profile, random, resSeed, now);
    const tags = profile === 'exempt' ? { [exemptKey]: 'true' } : { team: `team-${1 + Math.floor(random() * 4)}` };
    const arn =
      kind === 'campaign'
        ? account.personalize.createCampaign({ region, name, minProvisionedTPS: min, createdAt, tags, traffic: fn, recipeArn: i % 5 === 4 ? RANKING_RECIPE : undefined })
        : account.personalize.createRecommender({
            region,
            name,
            minRecommendationRequestsPerSecond: min,
            createdAt,
            tags,
            traffic: fn,
            recommenderConfig: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
          });
    if (profile === 'updating' && targetMin !== undefined) account.personalize.updateCampaign(arn, { minProvisionedTPS: targetMin });
    out.push({ arn, name, kind, region, profile, minCapacity: min, targetMin, traffic: fn.label ?? 'custom' });
  }
  if (options.dataFeed !== true) return { account, resources: out };
  // After the profiles and without `random`: the resources above are the same with or without it.
  const dataFeed = brokenDataFeed(account, regions[0], seed, now, createdAt);
  return { account, resources: out, dataFeedGroupArn: dataFeed.datasetGroupArn, dataFeed };
}

/** A realistic failure of an import (the service's wording for a CSV without a required column). */
const IMPORT_FAILURE = 'Input CSV is missing the required column TIMESTAMP';
const TRAINING_FAILURE = 'Insufficient data: fewer than 1000 interactions after filtering';

/**
 * The `clickstream` dataset group: created with the fleet; events ~40 calls a minute until 10 h
 * before `now`, none since; a nightly import that succeeded 2 days ago and last night's that
 * failed; versions of 14 days (served), 3 days (newest ACTIVE) and 20 h (training failed); a
 * campaign on the 14-day version, its minimum well below its traffic (no capacity finding).
 */
function brokenDataFeed(account: SimAccount, region: string, seed: number, now: number, createdAt: number): DemoDataFeed {
  const df = account.dataFeed;
  const name = 'clickstream';
  const datasetGroupArn = df.createDatasetGroup({ region, name, createdAt, tags: { team: 'team-recs' } });
  const datasetArn = df.createDataset({ datasetGroupArn, datasetType: 'Interactions', createdAt });
  df.addImportJob({ datasetArn, jobName: 'clickstream-initial', createdAt: createdAt + HOUR_MS, durationMs: 40 * MINUTE_MS });
  df.addImportJob({ datasetArn, jobName: 'clickstream-nightly-1', createdAt: now - 2 * DAY_MS - 22 * HOUR_MS });
  const failedImportArn = df.addImportJob({ datasetArn, jobName: 'clickstream-nightly-2', createdAt: now - 22 * HOUR_MS, failureReason: IMPORT_FAILURE });
  const stoppedAt = now - 10 * HOUR_MS;
  const eventTrackerArn = df.createEventTracker({ datasetGroupArn, name: 'clickstream-events', createdAt: createdAt + 2 * HOUR_MS, eventsPerMinute: (t) => (t < stoppedAt ? 40 : 0) });
  const solutionArn = df.createSolution({ datasetGroupArn, name: 'clickstream-recs', createdAt: createdAt + 2 * HOUR_MS });
  const servedVersionArn = df.addSolutionVersion({ solutionArn, createdAt: now - 14 * DAY_MS });
  const newestActiveVersionArn = df.addSolutionVersion({ solutionArn, createdAt: now - 3 * DAY_MS });
  const failedVersionArn = df.addSolutionVersion({ solutionArn, createdAt: now - 20 * HOUR_MS, failureReason: TRAINING_FAILURE });
  // Busy, like the healthy profile: the lowest hourly average (~4/s) is well above the minimum 2.
  const fn = traffic.noisy(traffic.diurnal({ peakRps: 10, troughRps: 4 }), { seed: (seed * 7919 + 0x5eed) >>> 0, amplitude: 0.15 });
  const campaignName = 'clickstream-recs-campaign';
  const min = 2;
  const campaignArn = account.personalize.createCampaign({
    region,
    name: campaignName,
    solutionVersionArn: servedVersionArn,
    campaignConfig: { syncWithLatestSolutionVersion: false },
    minProvisionedTPS: min,
    createdAt: now - 14 * DAY_MS + 2 * HOUR_MS,
    tags: { team: 'team-recs' },
    traffic: fn,
  });
  return {
    datasetGroupArn,
    name,
    region,
    datasetArn,
    failedImportArn,
    failureReason: IMPORT_FAILURE,
    eventTrackerArn,
    stoppedAt,
    solutionArn,
    servedVersionArn,
    newestActiveVersionArn,
    failedVersionArn,
    trainingFailureReason: TRAINING_FAILURE,
    campaign: { arn: campaignArn, name: campaignName, kind: 'campaign', region, profile: 'data-feed', minCapacity: min, traffic: fn.label ?? 'custom' },
  };
}

function profileTraffic(profile: FleetProfile, random: () => number, seed: number, now: number): { fn: TrafficFn; min: number; targetMin?: number } {
  const noisy = (fn: TrafficFn) => traffic.noisy(fn, { seed, amplitude: 0.15 });
  switch (profile) {
    case 'idle':
      return { fn: traffic.idle(), min: 1 + Math.floor(random() * 2) };
    case 'recentlyIdle':
      return { fn: traffic.switchAt(now - RECENTLY_IDLE_MS, noisy(traffic.constant(1 + random())), traffic.idle()), min: 1 };
    case 'overProvisioned': {
      const peak = 2 + random() * 2;
      return { fn: noisy(traffic.diurnal({ peakRps: peak, troughRps: peak / 3 })), min: 10 + Math.floor(random() * 11) };
    }
    case 'spiky':
      return { fn: traffic.spiky({ baseRps: 0.3 + random() * 0.4, burstRps: 10 + random() * 10, burstsPerDay: 3, burstMinutes: 15, seed }), min: 5 };
    case 'quietNights':
      return { fn: noisy(traffic.diurnal({ peakRps: 6 + random() * 4, troughRps: 1, quietHoursUtc: [1, 5] })), min: 3 };
    case 'exempt':
      return { fn: traffic.idle(), min: 2 };
    case 'updating': {
      const base = 3 + random() * 2;
      return { fn: noisy(traffic.constant(base)), min: 10, targetMin: 4 };
    }
    case 'healthy': {
      const trough = 3 + random() * 3;
      return { fn: noisy(traffic.diurnal({ peakRps: trough * 2.5, troughRps: trough })), min: Math.max(1, Math.floor(trough / 2)) };
    }
  }
}

function pickWeighted(u: number): FleetProfile {
  const total = Object.values(PROFILE_WEIGHTS).reduce((a, b) => a + b, 0);
  let acc = 0;
  for (const p of FLEET_PROFILES) {
    acc += PROFILE_WEIGHTS[p] / total;
    if (u < acc) return p;
  }
  return 'healthy';
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
