/**
 * A realistic mixed Personalize fleet for demos, benchmarks and end-to-end tests: idle (never
 * used, or silent for two days), over-provisioned, spiky, quiet at night, exempt by tag, one
 * in an update, healthy. Deterministic by seed.
 */
import { SimAccount, type SimAccountOptions } from './account';
import { DAY_MS } from './clock';
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

export interface DemoFleet {
  account: SimAccount;
  resources: FleetResource[];
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
  return { account, resources: out };
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
