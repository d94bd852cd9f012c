/**
 * Simulated Amazon Personalize: campaigns, recommenders, solution versions and tags per region,
 * with status transitions over simulated time and the `AWS/Personalize` request metrics that
 * their traffic produces.
 *
 * State is a timeline of phases per resource: an operation appends the phases it will go
 * through (e.g. DELETE PENDING → DELETE IN_PROGRESS → gone) at their future instants, so reads
 * at any clock time, metrics and the bill all agree without background timers.
 */
import * as clock from './clock';
import { SimError } from './errors';
import type { ComputedSeries, MetricIdentity, StatSet } from './metrics';
import { seedFromString, unitHash } from './random';
import * as trafficModule from './traffic';
import type { TrafficFn } from './traffic';
import {
  asRecord,
  optionalInt,
  optionalString,
  paginate,
  parseArn,
  partitionOf,
  requireString,
  toEpochSeconds,
} from './util';
import type { OperationTable } from './operations';

// Copied once: imported names are getters under some module loaders (per-minute loops below).
const { MINUTE_MS } = clock;
const { requestsInMinute, traffic: trafficHelpers } = trafficModule;

export const PERSONALIZE_NAMESPACE = 'AWS/Personalize';

/** How long each transition takes (simulated ms). */
export interface PersonalizeDurations {
  /** Time spent in `* PENDING` before `* IN_PROGRESS`. */
  pendingMs: number;
  createCampaignMs: number;
  updateCampaignMs: number;
  deleteCampaignMs: number;
  createRecommenderMs: number;
  updateRecommenderMs: number;
  stopRecommenderMs: number;
  startRecommenderMs: number;
  deleteRecommenderMs: number;
}

export const DEFAULT_PERSONALIZE_DURATIONS: PersonalizeDurations = {
  pendingMs: 1 * MINUTE_MS,
  createCampaignMs: 10 * MINUTE_MS,
  updateCampaignMs: 10 * MINUTE_MS,
  deleteCampaignMs: 5 * MINUTE_MS,
  createRecommenderMs: 30 * MINUTE_MS,
  updateRecommenderMs: 10 * MINUTE_MS,
  stopRecommenderMs: 5 * MINUTE_MS,
  startRecommenderMs: 10 * MINUTE_MS,
  deleteRecommenderMs: 5 * MINUTE_MS,
};

/** Page size limits of List* (maxResults 1–100). */
const MAX_LIST_RESULTS = 100;
/** Tags per resource. */
const MAX_TAGS = 50;
/** Default recipes (the model picks the request metric from the recipe). */
export const DEFAULT_CAMPAIGN_RECIPE = 'arn:aws:personalize:::recipe/aws-user-personalization-v2';
export const DEFAULT_RECOMMENDER_RECIPE = 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you';
/** Mean latency (ms) and error rates of simulated GetRecommendations traffic. */
const BASE_LATENCY_MS = { GetRecommendations: 45, GetPersonalizedRanking: 25 };
const ERROR_RATE_4XX = 0.002;
const ERROR_RATE_5XX = 0.0005;

export type PersonalizeKind = 'campaign' | 'recommender';
export type RequestMetricName = 'GetRecommendations' | 'GetPersonalizedRanking';

interface CampaignUpdate {
  solutionVersionArn: string;
  minProvisionedTPS: number;
  campaignConfig?: Record<string, unknown>;
  status: string;
  creationDateTime: number;
  lastUpdatedDateTime: number;
}
interface CampaignState {
  status: string;
  minProvisionedTPS: number;
  solutionVersionArn: string;
  campaignConfig?: Record<string, unknown>;
  failureReason?: string;
  lastUpdatedDateTime: number;
  latestCampaignUpdate?: CampaignUpdate;
}
interface RecommenderUpdate {
  recommenderConfig: Record<string, unknown>;
  status: string;
  creationDateTime: number;
  lastUpdatedDateTime: number;
}
interface RecommenderState {
  status: string;
  recommenderConfig: Record<string, unknown>;
  failureReason?: string;
  lastUpdatedDateTime: number;
  latestRecommenderUpdate?: RecommenderUpdate;
}
type AnyState = CampaignState | RecommenderState;

interface Phase<S> {
  from: number;
  /** null: the resource no longer exists from `from` on. */
  state: S | null;
}

/** CREATE PENDING from `createdAt`, CREATE IN_PROGRESS from `inProgressAt`, then ACTIVE (or CREATE FAILED) from `doneAt`. */
function creationPhases<S extends { status: string; lastUpdatedDateTime: number }>(
  base: S,
  createdAt: number,
  inProgressAt: number,
  doneAt: number,
  fails = false,
): Phase<S>[] {
  return [
    { from: createdAt, state: base },
    { from: inProgressAt, state: { ...base, status: 'CREATE IN_PROGRESS', lastUpdatedDateTime: inProgressAt } },
    {
      from: doneAt,
      state: fails
        ? { ...base, status: 'CREATE FAILED', failureReason: 'simulated create failure', lastUpdatedDateTime: doneAt }
        : { ...base, status: 'ACTIVE', lastUpdatedDateTime: doneAt },
    },
  ];
}

/** A campaign or recommender and its timeline. */
export interface SimResource {
  kind: PersonalizeKind;
  arn: string;
  name: string;
  region: string;
  createdAt: number;
  recipeArn: string;
  datasetGroupArn: string;
  /** Campaigns only. */
  solutionArn?: string;
  requestMetric: RequestMetricName;
  tags: Map<string, string>;
  traffic: TrafficFn;
  seed: number;
  phases: Phase<AnyState>[];
}

/** Training mode of a solution version (the SDK's TrainingMode; AUTOTRAIN is not simulated). */
export type SimTrainingMode = 'FULL' | 'UPDATE';
/** AUTOMATIC: made by the solution's automatic training; MANUAL: CreateSolutionVersion. */
export type SimTrainingType = 'AUTOMATIC' | 'MANUAL';

/**
 * A solution version and its training timeline: CREATE PENDING from `createdAt`, CREATE
 * IN_PROGRESS from `inProgressAt`, ACTIVE (or CREATE FAILED with `failureReason`) from `doneAt`.
 * A version added the old way (`addSolutionVersion` by solution name) is ACTIVE from `createdAt`.
 */
export interface SolutionVersionRecord {
  arn: string;
  name: string;
  solutionArn: string;
  recipeArn: string;
  datasetGroupArn: string;
  region: string;
  createdAt: number;
  inProgressAt: number;
  doneAt: number;
  trainingMode: SimTrainingMode;
  trainingType: SimTrainingType;
  /** Set: training ends in CREATE FAILED with this reason. */
  failureReason?: string;
}

/** A solution version's status at one instant. */
export interface SolutionVersionStatus {
  status: 'CREATE PENDING' | 'CREATE IN_PROGRESS' | 'ACTIVE' | 'CREATE FAILED';
  lastUpdatedAt: number;
  failureReason?: string;
}

/** Everything of a solution version (`putSolutionVersion`; the data-feed model's versions). */
export interface SolutionVersionSpec {
  region: string;
  solutionArn: string;
  recipeArn: string;
  datasetGroupArn: string;
  /** Default: now. */
  createdAt?: number;
  /** Default FULL. */
  trainingMode?: SimTrainingMode;
  /** Default MANUAL. */
  trainingType?: SimTrainingType;
  /** From creation to ACTIVE / CREATE FAILED (CREATE PENDING for `durations.pendingMs` of it); default 0 (ACTIVE at once). */
  durationMs?: number;
  failureReason?: string;
  /** The version id (8 hex digits); default: from the solution ARN and a counter. */
  id?: string;
}

/**
 * What another model adds to Personalize (sim/data-feed.ts: dataset groups and solutions with
 * tags; solution versions made lazily by automatic training).
 */
export interface PersonalizeExtension {
  /** Live tag map of a resource it owns that exists now (in `region` when given); undefined when the ARN is not one of its. */
  tagsOf(arn: string, region?: string): Map<string, string> | undefined;
  /** Store the solution versions due by now (called before any read of the versions). */
  syncSolutionVersions(): void;
}

/** What `createCampaign` needs; defaults make an ACTIVE campaign created now. */
export interface CampaignSpec {
  region: string;
  name: string;
  minProvisionedTPS?: number;
  recipeArn?: string;
  solutionVersionArn?: string;
  datasetGroupName?: string;
  campaignConfig?: Record<string, unknown>;
  /** Creation request time (epoch ms); ACTIVE after the create duration. Default: now. */
  createdAt?: number;
  /** End in CREATE FAILED instead of ACTIVE. */
  createFails?: boolean;
  tags?: Record<string, string>;
  traffic?: TrafficFn;
}

/** What `createRecommender` needs. */
export interface RecommenderSpec {
  region: string;
  name: string;
  minRecommendationRequestsPerSecond?: number;
  recipeArn?: string;
  datasetGroupName?: string;
  /** Extra recommenderConfig members (itemExplorationConfig, trainingDataConfig, ...). */
  recommenderConfig?: Record<string, unknown>;
  createdAt?: number;
  createFails?: boolean;
  tags?: Record<string, string>;
  traffic?: TrafficFn;
}

/** A resource's state at one instant, in model terms (for tests, billing, the demo). */
export interface ResourceSnapshot {
  kind: PersonalizeKind;
  arn: string;
  status: string;
  minCapacity: number;
  latestUpdateStatus?: string;
  billable: boolean;
}

export interface PersonalizeEnv {
  now: () => number;
  accountId: string;
  durations: PersonalizeDurations;
  metricDelayMs: number;
  seed: number;
  /** Called when a traffic model changes (cached metric aggregates are stale). */
  onTrafficChanged: () => void;
}

const invalid = (m: string) => new SimError('InvalidInputException', m);
const notFound = (arn: string) => new SimError('ResourceNotFoundException', `Could not find resource with ARN ${arn}`, { status: 404 });
const inUse = (m: string) => new SimError('ResourceInUseException', m);
const badToken = (m: string) => new SimError('InvalidNextTokenException', m);

function isInFlight(status: string | undefined): boolean {
  return !!status && /PENDING|IN_PROGRESS/.test(status);
}

function isRankingRecipe(recipeArn: string): boolean {
  return /personalized-ranking/.test(recipeArn);
}

/** Status that serves requests and is billed (campaigns stay ACTIVE while updating). */
export function isBillableStatus(status: string | undefined): boolean {
  return status === 'ACTIVE';
}

function campaignMin(state: AnyState): number {
  return 'minProvisionedTPS' in state ? state.minProvisionedTPS : Number((state as RecommenderState).recommenderConfig.minRecommendationRequestsPerSecond ?? 1);
}

/** The simulated Personalize service of one account (all regions). */
export class PersonalizeModel {
  private readonly resourcesByArn = new Map<string, SimResource>();
  private readonly solutionVersions = new Map<string, SolutionVersionRecord>();
  /** Versions added without an explicit id (their ids count these, not the lazily made ones). */
  private addedVersions = 0;
  private readonly extensions: PersonalizeExtension[] = [];

  constructor(private readonly env: PersonalizeEnv) {}

  /** Let another model own tagged resources and make solution versions (sim/data-feed.ts). */
  extend(extension: PersonalizeExtension): void {
    this.extensions.push(extension);
  }

  // ---------- model API (setup, tests, demo) ----------

  /** ARN of a campaign/recommender/solution in this account. */
  arn(region: string, resource: string): string {
    return `arn:${partitionOf(region)}:personalize:${region}:${this.env.accountId}:${resource}`;
  }

  /**
   * Register a solution version of an implicit solution named `solutionName` (campaigns are
   * created from one): ACTIVE from `createdAt`, FULL, MANUAL.
   */
  addSolutionVersion(spec: { region: string; solutionName: string; recipeArn?: string; datasetGroupName?: string; createdAt?: number }): string {
    return this.putSolutionVersion({
      region: spec.region,
      solutionArn: this.arn(spec.region, `solution/${spec.solutionName}`),
      recipeArn: spec.recipeArn ?? DEFAULT_CAMPAIGN_RECIPE,
      datasetGroupArn: this.arn(spec.region, `dataset-group/${spec.datasetGroupName ?? 'demo'}`),
      createdAt: spec.createdAt,
    });
  }

  /** Register a solution version with its training timeline (the one store of versions). Returns its ARN. */
  putSolutionVersion(spec: SolutionVersionSpec): string {
    const createdAt = spec.createdAt ?? this.env.now();
    const durationMs = spec.durationMs ?? 0;
    if (!(durationMs >= 0)) throw invalid(`durationMs must be >= 0, got ${durationMs}`);
    const id = spec.id ?? (seedFromString(spec.solutionArn + this.addedVersions++) >>> 0).toString(16).padStart(8, '0');
    const arn = `${spec.solutionArn}/${id}`;
    if (this.solutionVersions.has(arn)) throw new SimError('ResourceAlreadyExistsException', `${arn} already exists`);
    const record: SolutionVersionRecord = {
      arn,
      name: spec.solutionArn.slice(spec.solutionArn.lastIndexOf('/') + 1),
      solutionArn: spec.solutionArn,
      recipeArn: spec.recipeArn,
      datasetGroupArn: spec.datasetGroupArn,
      region: spec.region,
      createdAt,
      inProgressAt: createdAt + Math.min(this.env.durations.pendingMs, durationMs),
      doneAt: createdAt + durationMs,
      trainingMode: spec.trainingMode ?? 'FULL',
      trainingType: spec.trainingType ?? 'MANUAL',
      failureReason: spec.failureReason,
    };
    this.solutionVersions.set(record.arn, record);
    return record.arn;
  }

  /** Versions of a solution that exist at `t` (default now), newest first. */
  solutionVersionsOf(solutionArn: string, t: number = this.env.now()): SolutionVersionRecord[] {
    this.syncVersions();
    return [...this.solutionVersions.values()]
      .filter((v) => v.solutionArn === solutionArn && v.createdAt <= t)
      .sort((a, b) => b.createdAt - a.createdAt || (a.arn < b.arn ? 1 : -1));
  }

  /** Status of a version at `t` (default now). */
  solutionVersionStatus(sv: SolutionVersionRecord, t: number = this.env.now()): SolutionVersionStatus {
    if (t < sv.inProgressAt) return { status: 'CREATE PENDING', lastUpdatedAt: sv.createdAt };
    if (t < sv.doneAt) return { status: 'CREATE IN_PROGRESS', lastUpdatedAt: sv.inProgressAt };
    return sv.failureReason !== undefined
      ? { status: 'CREATE FAILED', lastUpdatedAt: sv.doneAt, failureReason: sv.failureReason }
      : { status: 'ACTIVE', lastUpdatedAt: sv.doneAt };
  }

  /** SolutionVersionSummary (ListSolutionVersions, DescribeSolution's latestSolutionVersion) at now. */
  solutionVersionSummary(sv: SolutionVersionRecord): Record<string, unknown> {
    const st = this.solutionVersionStatus(sv);
    return clean({
      solutionVersionArn: sv.arn,
      status: st.status,
      trainingMode: sv.trainingMode,
      trainingType: sv.trainingType,
      creationDateTime: toEpochSeconds(sv.createdAt),
      lastUpdatedDateTime: toEpochSeconds(st.lastUpdatedAt),
      failureReason: st.failureReason,
    });
  }

  /** Create a campaign (CREATE PENDING → CREATE IN_PROGRESS → ACTIVE). Returns its ARN. */
  createCampaign(spec: CampaignSpec): string {
    const arn = this.arn(spec.region, `campaign/${spec.name}`);
    this.assertNew(arn);
    const createdAt = spec.createdAt ?? this.env.now();
    const svArn =
      spec.solutionVersionArn ??
      this.addSolutionVersion({ region: spec.region, solutionName: `${spec.name}-solution`, recipeArn: spec.recipeArn, datasetGroupName: spec.datasetGroupName, createdAt });
    this.syncVersions();
    const sv = this.solutionVersions.get(svArn);
    if (!sv) throw notFound(svArn);
    const min = spec.minProvisionedTPS ?? 1;
    if (!(min >= 1)) throw invalid(`minProvisionedTPS must be >= 1, got ${min}`);
    const d = this.env.durations;
    const base: CampaignState = { status: 'CREATE PENDING', minProvisionedTPS: min, solutionVersionArn: svArn, campaignConfig: spec.campaignConfig, lastUpdatedDateTime: createdAt };
    const activeAt = createdAt + d.pendingMs + d.createCampaignMs;
    const res = this.register({
      kind: 'campaign',
      arn,
      name: spec.name,
      region: spec.region,
      createdAt,
      recipeArn: sv.recipeArn,
      datasetGroupArn: sv.datasetGroupArn,
      solutionArn: sv.solutionArn,
      requestMetric: isRankingRecipe(sv.recipeArn) ? 'GetPersonalizedRanking' : 'GetRecommendations',
      tags: new Map(Object.entries(spec.tags ?? {})),
      traffic: spec.traffic ?? trafficHelpers.idle(),
      seed: seedFromString(arn) ^ this.env.seed,
      phases: [],
    });
    res.phases.push(...creationPhases(base, createdAt, createdAt + d.pendingMs, activeAt, spec.createFails));
    return arn;
  }

  /** Create a recommender (CREATE PENDING → CREATE IN_PROGRESS → ACTIVE). Returns its ARN. */
  createRecommender(spec: RecommenderSpec): string {
    const arn = this.arn(spec.region, `recommender/${spec.name}`);
    this.assertNew(arn);
    const createdAt = spec.createdAt ?? this.env.now();
    const min = spec.minRecommendationRequestsPerSecond ?? 1;
    if (!(min >= 1)) throw invalid(`minRecommendationRequestsPerSecond must be >= 1, got ${min}`);
    const recipeArn = spec.recipeArn ?? DEFAULT_RECOMMENDER_RECIPE;
    const d = this.env.durations;
    const base: RecommenderState = {
      status: 'CREATE PENDING',
      recommenderConfig: { ...(spec.recommenderConfig ?? {}), minRecommendationRequestsPerSecond: min },
      lastUpdatedDateTime: createdAt,
    };
    const activeAt = createdAt + d.pendingMs + d.createRecommenderMs;
    const res = this.register({
      kind: 'recommender',
      arn,
      name: spec.name,
      region: spec.region,
      createdAt,
      recipeArn,
      datasetGroupArn: this.arn(spec.region, `dataset-group/${spec.datasetGroupName ?? 'demo-ecommerce'}`),
      requestMetric: 'GetRecommendations',
      tags: new Map(Object.entries(spec.tags ?? {})),
      traffic: spec.traffic ?? trafficHelpers.idle(),
      seed: seedFromString(arn) ^ this.env.seed,
      phases: [],
    });
    res.phases.push(...creationPhases(base, createdAt, createdAt + d.pendingMs, activeAt, spec.createFails));
    return arn;
  }

  /** Replace the traffic model of a resource. */
  setTraffic(arn: string, fn: TrafficFn): void {
    this.mustGet(arn).traffic = fn;
    this.env.onTrafficChanged();
  }

  /** The resource record (throws when unknown). */
  get(arn: string): SimResource {
    return this.mustGet(arn);
  }

  /** All resources ever created (also deleted ones: they still have a billing history). */
  all(filter: { region?: string; kind?: PersonalizeKind } = {}): SimResource[] {
    return [...this.resourcesByArn.values()].filter((r) => (!filter.region || r.region === filter.region) && (!filter.kind || r.kind === filter.kind));
  }

  /** State of a resource at `t` (default now); undefined before creation or after deletion. */
  snapshot(arn: string, t: number = this.env.now()): ResourceSnapshot | undefined {
    const res = this.mustGet(arn);
    const state = stateAt(res, t);
    if (!state) return undefined;
    const latest = 'minProvisionedTPS' in state ? state.latestCampaignUpdate : (state as RecommenderState).latestRecommenderUpdate;
    return { kind: res.kind, arn, status: state.status, minCapacity: campaignMin(state), latestUpdateStatus: latest?.status, billable: isBillableStatus(state.status) };
  }

  /** Billing view at `t`: billed minimum, or undefined when not billed. */
  billedMinimum(res: SimResource, t: number): number | undefined {
    const state = stateAt(res, t);
    return state && isBillableStatus(state.status) ? campaignMin(state) : undefined;
  }

  /** Next instant after `t` at which the resource's phase changes (Infinity if none). */
  nextPhaseChange(res: SimResource, t: number): number {
    const phases = res.phases;
    // Usually t is past every phase: check the last one first.
    if (phases.length === 0 || phases[phases.length - 1].from <= t) return Infinity;
    for (const p of phases) if (p.from > t) return p.from;
    return Infinity;
  }

  /** Requests the traffic model sends in [fromMs, toMs) (whole minutes), ignoring status. */
  trafficRequests(res: SimResource, fromMs: number, toMs: number): number {
    if (res.traffic.idle) return 0;
    let n = 0;
    for (let m = fromMs; m < toMs; m += MINUTE_MS) n += requestsInMinute(res.traffic, m, res.seed);
    return n;
  }

  /** Successful requests served in the minute starting at `minuteStartMs` (0 when not serving). */
  requestsInMinute(res: SimResource, minuteStartMs: number): number {
    if (res.traffic.idle) return 0;
    const state = stateAt(res, minuteStartMs);
    if (!state || !isBillableStatus(state.status)) return 0;
    return requestsInMinute(res.traffic, minuteStartMs, res.seed);
  }

  // ---------- operations (shared by the API and the model API) ----------

  /** UpdateCampaign: validation of the real service, then UPDATE PENDING → IN_PROGRESS → ACTIVE. */
  updateCampaign(arn: string, change: { minProvisionedTPS?: number; solutionVersionArn?: string; campaignConfig?: Record<string, unknown> }, region?: string): void {
    const res = this.mustGet(arn, region, 'campaign');
    const now = this.env.now();
    const state = this.current(res) as CampaignState;
    if (change.minProvisionedTPS !== undefined && !(Number.isInteger(change.minProvisionedTPS) && change.minProvisionedTPS >= 1)) {
      throw invalid(`minProvisionedTPS must be a whole number >= 1, got ${change.minProvisionedTPS}`);
    }
    if (change.solutionVersionArn !== undefined) this.syncVersions();
    if (change.solutionVersionArn !== undefined && !this.solutionVersions.has(change.solutionVersionArn)) throw notFound(change.solutionVersionArn);
    if (!(state.status === 'ACTIVE' || state.status === 'CREATE FAILED') || isInFlight(state.latestCampaignUpdate?.status)) {
      throw inUse(`Campaign ${arn} cannot be updated in status ${state.status}${state.latestCampaignUpdate ? ` (latest update ${state.latestCampaignUpdate.status})` : ''}`);
    }
    const d = this.env.durations;
    const target = {
      solutionVersionArn: change.solutionVersionArn ?? state.solutionVersionArn,
      minProvisionedTPS: change.minProvisionedTPS ?? state.minProvisionedTPS,
      campaignConfig: change.campaignConfig ?? state.campaignConfig,
    };
    const update = (status: string, at: number): CampaignUpdate => ({ ...target, status, creationDateTime: now, lastUpdatedDateTime: at });
    const t1 = now + d.pendingMs;
    const t2 = t1 + d.updateCampaignMs;
    this.schedule(res, [
      { from: now, state: { ...state, lastUpdatedDateTime: now, latestCampaignUpdate: update('UPDATE PENDING', now) } },
      { from: t1, state: { ...state, lastUpdatedDateTime: now, latestCampaignUpdate: update('UPDATE IN_PROGRESS', t1) } },
      { from: t2, state: { ...state, ...target, status: 'ACTIVE', failureReason: undefined, lastUpdatedDateTime: t2, latestCampaignUpdate: update('ACTIVE', t2) } },
    ]);
  }

  /** UpdateRecommender: the given config REPLACES the current one (like the real service). */
  updateRecommender(arn: string, recommenderConfig: Record<string, unknown>, region?: string): void {
    const res = this.mustGet(arn, region, 'recommender');
    const now = this.env.now();
    const state = this.current(res) as RecommenderState;
    const min = recommenderConfig.minRecommendationRequestsPerSecond ?? 1;
    if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) {
      throw invalid(`recommenderConfig.minRecommendationRequestsPerSecond must be a whole number >= 1, got ${JSON.stringify(min)}`);
    }
    if (!(state.status === 'ACTIVE' || state.status === 'CREATE FAILED') || isInFlight(state.latestRecommenderUpdate?.status)) {
      throw inUse(`Recommender ${arn} cannot be updated in status ${state.status}${state.latestRecommenderUpdate ? ` (latest update ${state.latestRecommenderUpdate.status})` : ''}`);
    }
    const config = { ...recommenderConfig, minRecommendationRequestsPerSecond: min };
    const d = this.env.durations;
    const update = (status: string, at: number): RecommenderUpdate => ({ recommenderConfig: config, status, creationDateTime: now, lastUpdatedDateTime: at });
    const t1 = now + d.pendingMs;
    const t2 = t1 + d.updateRecommenderMs;
    this.schedule(res, [
      { from: now, state: { ...state, lastUpdatedDateTime: now, latestRecommenderUpdate: update('UPDATE PENDING', now) } },
      { from: t1, state: { ...state, lastUpdatedDateTime: now, latestRecommenderUpdate: update('UPDATE IN_PROGRESS', t1) } },
      { from: t2, state: { ...state, recommenderConfig: config, status: 'ACTIVE', failureReason: undefined, lastUpdatedDateTime: t2, latestRecommenderUpdate: update('ACTIVE', t2) } },
    ]);
  }

  /** DeleteCampaign / DeleteRecommender: DELETE PENDING → DELETE IN_PROGRESS → gone. */
  delete(arn: string, kind: PersonalizeKind, region?: string): void {
    const res = this.mustGet(arn, region, kind);
    const now = this.env.now();
    const state = this.current(res);
    const latest = 'minProvisionedTPS' in state ? state.latestCampaignUpdate : (state as RecommenderState).latestRecommenderUpdate;
    if (isInFlight(state.status) || isInFlight(latest?.status)) {
      throw inUse(`${kind === 'campaign' ? 'Campaign' : 'Recommender'} ${arn} cannot be deleted in status ${state.status}${latest ? ` (latest update ${latest.status})` : ''}`);
    }
    const d = this.env.durations;
    const t1 = now + d.pendingMs;
    const t2 = t1 + (kind === 'campaign' ? d.deleteCampaignMs : d.deleteRecommenderMs);
    this.schedule(res, [
      { from: now, state: { ...state, status: 'DELETE PENDING', lastUpdatedDateTime: now } },
      { from: t1, state: { ...state, status: 'DELETE IN_PROGRESS', lastUpdatedDateTime: t1 } },
      { from: t2, state: null },
    ]);
  }

  /** StopRecommender: ACTIVE → STOP PENDING → STOP IN_PROGRESS → INACTIVE (billing stops). */
  stopRecommender(arn: string, region?: string): void {
    const res = this.mustGet(arn, region, 'recommender');
    const now = this.env.now();
    const state = this.current(res) as RecommenderState;
    if (state.status !== 'ACTIVE' || isInFlight(state.latestRecommenderUpdate?.status)) {
      throw inUse(`Recommender ${arn} cannot be stopped in status ${state.status}${state.latestRecommenderUpdate ? ` (latest update ${state.latestRecommenderUpdate.status})` : ''}`);
    }
    const d = this.env.durations;
    const t1 = now + d.pendingMs;
    const t2 = t1 + d.stopRecommenderMs;
    this.schedule(res, [
      { from: now, state: { ...state, status: 'STOP PENDING', lastUpdatedDateTime: now } },
      { from: t1, state: { ...state, status: 'STOP IN_PROGRESS', lastUpdatedDateTime: t1 } },
      { from: t2, state: { ...state, status: 'INACTIVE', lastUpdatedDateTime: t2 } },
    ]);
  }

  /** StartRecommender: INACTIVE → START PENDING → START IN_PROGRESS → ACTIVE. */
  startRecommender(arn: string, region?: string): void {
    const res = this.mustGet(arn, region, 'recommender');
    const now = this.env.now();
    const state = this.current(res) as RecommenderState;
    if (state.status !== 'INACTIVE') throw inUse(`Recommender ${arn} cannot be started in status ${state.status}`);
    const d = this.env.durations;
    const t1 = now + d.pendingMs;
    const t2 = t1 + d.startRecommenderMs;
    this.schedule(res, [
      { from: now, state: { ...state, status: 'START PENDING', lastUpdatedDateTime: now } },
      { from: t1, state: { ...state, status: 'START IN_PROGRESS', lastUpdatedDateTime: t1 } },
      { from: t2, state: { ...state, status: 'ACTIVE', lastUpdatedDateTime: t2 } },
    ]);
  }

  /** Add or replace tags (≤ 50 per resource). */
  tag(arn: string, tags: Record<string, string>, region?: string): void {
    const external = this.externalTags(arn, region);
    const res = external ? undefined : this.mustGet(arn, region);
    if (res) this.current(res);
    const merged = new Map(external ?? res!.tags);
    for (const [k, v] of Object.entries(tags)) merged.set(k, v);
    if (merged.size > MAX_TAGS) throw new SimError('TooManyTagsException', `${arn} would have ${merged.size} tags; at most ${MAX_TAGS} are allowed`);
    if (res) res.tags = merged;
    else for (const [k, v] of merged) external!.set(k, v);
  }

  /** Live tag map of a resource that exists now (campaign, recommender, or a resource of an extension); else the service's errors. */
  tagsOf(arn: string, region?: string): Map<string, string> {
    const external = this.externalTags(arn, region);
    if (external) return external;
    const res = this.mustGet(arn, region);
    this.current(res);
    return res.tags;
  }

  private externalTags(arn: string, region?: string): Map<string, string> | undefined {
    for (const e of this.extensions) {
      const tags = e.tagsOf(arn, region);
      if (tags) return tags;
    }
    return undefined;
  }

  private syncVersions(): void {
    for (const e of this.extensions) e.syncSolutionVersions();
  }

  // ---------- metrics ----------

  /** Computed `AWS/Personalize` series for a metric identity, if it names one of our resources. */
  metricSource(id: MetricIdentity): ComputedSeries | undefined {
    if (id.namespace !== PERSONALIZE_NAMESPACE || id.dimensions.length !== 1) return undefined;
    const [dim] = id.dimensions;
    const kind: PersonalizeKind | undefined = dim.Name === 'CampaignArn' ? 'campaign' : dim.Name === 'RecommenderArn' ? 'recommender' : undefined;
    const res = kind && this.resourcesByArn.get(dim.Value);
    if (!res || res.kind !== kind || res.region !== id.region) return undefined;
    const suffix = id.metricName.startsWith(res.requestMetric) ? id.metricName.slice(res.requestMetric.length) : undefined;
    if (suffix === undefined || !['', 'Latency', '4xxErrors', '5xxErrors'].includes(suffix)) return undefined;
    const latencyMs = BASE_LATENCY_MS[res.requestMetric];
    const minute = (t: number): StatSet | undefined => {
      const requests = this.requestsInMinute(res, t);
      if (requests === 0) return undefined;
      const m = Math.floor(t / MINUTE_MS);
      switch (suffix) {
        case '':
          // One sample of 1 per request: Sum = requests, Average = 1.
          return { sampleCount: requests, sum: requests, min: 1, max: 1 };
        case 'Latency': {
          const mean = latencyMs * (0.8 + 0.4 * unitHash(res.seed, m, 1));
          return { sampleCount: requests, sum: requests * mean, min: mean * 0.5, max: mean * 2.5 };
        }
        default: {
          const rate = suffix === '4xxErrors' ? ERROR_RATE_4XX : ERROR_RATE_5XX;
          const errors = Math.floor(requests * rate + unitHash(res.seed, m, suffix === '4xxErrors' ? 2 : 3));
          return { sampleCount: requests, sum: errors, min: 0, max: errors > 0 ? 1 : 0 };
        }
      }
    };
    return { key: `${res.arn}|${id.metricName}`, minute, delayMs: this.env.metricDelayMs };
  }

  // ---------- wire shapes ----------

  /** DescribeCampaign / DescribeRecommender body for a resource now. */
  describe(res: SimResource): Record<string, unknown> {
    const state = this.current(res);
    if (res.kind === 'campaign') {
      const s = state as CampaignState;
      return clean({
        name: res.name,
        campaignArn: res.arn,
        solutionVersionArn: s.solutionVersionArn,
        minProvisionedTPS: s.minProvisionedTPS,
        campaignConfig: s.campaignConfig,
        status: s.status,
        failureReason: s.failureReason,
        creationDateTime: toEpochSeconds(res.createdAt),
        lastUpdatedDateTime: toEpochSeconds(s.lastUpdatedDateTime),
        latestCampaignUpdate: s.latestCampaignUpdate && clean({
          ...s.latestCampaignUpdate,
          creationDateTime: toEpochSeconds(s.latestCampaignUpdate.creationDateTime),
          lastUpdatedDateTime: toEpochSeconds(s.latestCampaignUpdate.lastUpdatedDateTime),
        }),
      });
    }
    const s = state as RecommenderState;
    return clean({
      recommenderArn: res.arn,
      datasetGroupArn: res.datasetGroupArn,
      name: res.name,
      recipeArn: res.recipeArn,
      recommenderConfig: s.recommenderConfig,
      creationDateTime: toEpochSeconds(res.createdAt),
      lastUpdatedDateTime: toEpochSeconds(s.lastUpdatedDateTime),
      status: s.status,
      failureReason: s.failureReason,
      latestRecommenderUpdate: s.latestRecommenderUpdate && clean({
        ...s.latestRecommenderUpdate,
        creationDateTime: toEpochSeconds(s.latestRecommenderUpdate.creationDateTime),
        lastUpdatedDateTime: toEpochSeconds(s.latestRecommenderUpdate.lastUpdatedDateTime),
      }),
    });
  }

  /** Resources that exist now in a region, in creation order. */
  existing(region: string, kind: PersonalizeKind): SimResource[] {
    const now = this.env.now();
    return this.all({ region, kind })
      .filter((r) => stateAt(r, now))
      .sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1));
  }

  /** A solution version that exists now in `region` (else ResourceNotFoundException). */
  solutionVersion(arn: string, region: string): SolutionVersionRecord {
    this.syncVersions();
    const sv = this.solutionVersions.get(arn);
    if (!sv || sv.region !== region || sv.createdAt > this.env.now()) throw notFound(arn);
    return sv;
  }

  /** Resource that exists now, in `region` when given, of `kind` when given; else the service's errors. */
  mustGet(arn: string, region?: string, kind?: PersonalizeKind): SimResource {
    const parsed = parseArn(arn);
    if (!parsed || parsed.service !== 'personalize') throw invalid(`${arn} is not a Personalize ARN`);
    const res = this.resourcesByArn.get(arn);
    if (!res || (region && res.region !== region) || (kind && res.kind !== kind)) throw notFound(arn);
    return res;
  }

  /** Current state; a resource not (yet / any more) there is not found. */
  current(res: SimResource): AnyState {
    const state = stateAt(res, this.env.now());
    if (!state) throw notFound(res.arn);
    return state;
  }

  private assertNew(arn: string): void {
    const existing = this.resourcesByArn.get(arn);
    if (existing && stateAt(existing, this.env.now())) throw new SimError('ResourceAlreadyExistsException', `${arn} already exists`);
  }

  private register(res: SimResource): SimResource {
    this.resourcesByArn.set(res.arn, res);
    return res;
  }

  private schedule(res: SimResource, phases: Phase<AnyState>[]): void {
    const from = phases[0].from;
    res.phases = res.phases.filter((p) => p.from < from).concat(phases);
  }
}

/** State of a resource at `t` (binary search over its phases). */
export function stateAt(res: SimResource, t: number): AnyState | undefined {
  const phases = res.phases;
  if (phases.length === 0 || t < phases[0].from) return undefined;
  let lo = 0;
  let hi = phases.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (phases[mid].from <= t) lo = mid;
    else hi = mid - 1;
  }
  return phases[lo].state ?? undefined;
}

function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function tagsFrom(list: unknown): Record<string, string> {
  if (!Array.isArray(list)) throw invalid('tags: expected a list');
  const out: Record<string, string> = {};
  for (const t of list) {
    const tag = asRecord(t, 'tags[]', invalid);
    if (typeof tag.tagKey !== 'string' || typeof tag.tagValue !== 'string') throw invalid('tags[]: tagKey and tagValue are required strings');
    out[tag.tagKey] = tag.tagValue;
  }
  return out;
}

function listPage(input: Record<string, unknown>, items: SimResource[], scope: string): { page: SimResource[]; nextToken?: string } {
  const maxResults = optionalInt(input, 'maxResults', 1, MAX_LIST_RESULTS, invalid) ?? MAX_LIST_RESULTS;
  return paginate(items, maxResults, optionalString(input, 'nextToken', invalid), scope, badToken);
}

/** The Personalize operations the simulator serves (AWS JSON 1.1, `AmazonPersonalize.<Op>`). */
export function personalizeOperations(model: PersonalizeModel): OperationTable {
  const arnOf = (input: Record<string, unknown>, field: string) => requireString(input, field, invalid);
  return {
    ListCampaigns: ({ region }, input) => {
      const solutionArn = optionalString(input, 'solutionArn', invalid);
      const items = model.existing(region, 'campaign').filter((c) => !solutionArn || c.solutionArn === solutionArn);
      const { page, nextToken } = listPage(input, items, `campaigns|${region}|${solutionArn ?? ''}`);
      return {
        campaigns: page.map((c) => {
          const d = model.describe(c);
          return clean({ name: d.name, campaignArn: d.campaignArn, status: d.status, creationDateTime: d.creationDateTime, lastUpdatedDateTime: d.lastUpdatedDateTime, failureReason: d.failureReason });
        }),
        nextToken,
      };
    },
    DescribeCampaign: ({ region }, input) => ({ campaign: model.describe(model.mustGet(arnOf(input, 'campaignArn'), region, 'campaign')) }),
    UpdateCampaign: ({ region }, input) => {
      const arn = arnOf(input, 'campaignArn');
      const min = input.minProvisionedTPS;
      if (min !== undefined && typeof min !== 'number') throw invalid('minProvisionedTPS: expected a number');
      model.updateCampaign(
        arn,
        {
          minProvisionedTPS: min as number | undefined,
          solutionVersionArn: optionalString(input, 'solutionVersionArn', invalid),
          campaignConfig: input.campaignConfig === undefined ? undefined : asRecord(input.campaignConfig, 'campaignConfig', invalid),
        },
        region,
      );
      return { campaignArn: arn };
    },
    DeleteCampaign: ({ region }, input) => {
      model.delete(arnOf(input, 'campaignArn'), 'campaign', region);
      return {};
    },
    ListRecommenders: ({ region }, input) => {
      const dg = optionalString(input, 'datasetGroupArn', invalid);
      const items = model.existing(region, 'recommender').filter((r) => !dg || r.datasetGroupArn === dg);
      const { page, nextToken } = listPage(input, items, `recommenders|${region}|${dg ?? ''}`);
      return {
        recommenders: page.map((r) => {
          const d = model.describe(r);
          return clean({ name: d.name, recommenderArn: d.recommenderArn, datasetGroupArn: d.datasetGroupArn, recipeArn: d.recipeArn, recommenderConfig: d.recommenderConfig, status: d.status, creationDateTime: d.creationDateTime, lastUpdatedDateTime: d.lastUpdatedDateTime });
        }),
        nextToken,
      };
    },
    DescribeRecommender: ({ region }, input) => ({ recommender: model.describe(model.mustGet(arnOf(input, 'recommenderArn'), region, 'recommender')) }),
    UpdateRecommender: ({ region }, input) => {
      const arn = arnOf(input, 'recommenderArn');
      if (input.recommenderConfig === undefined) throw invalid('recommenderConfig is required');
      model.updateRecommender(arn, asRecord(input.recommenderConfig, 'recommenderConfig', invalid), region);
      return { recommenderArn: arn };
    },
    StopRecommender: ({ region }, input) => {
      const arn = arnOf(input, 'recommenderArn');
      model.stopRecommender(arn, region);
      return { recommenderArn: arn };
    },
    StartRecommender: ({ region }, input) => {
      const arn = arnOf(input, 'recommenderArn');
      model.startRecommender(arn, region);
      return { recommenderArn: arn };
    },
    DeleteRecommender: ({ region }, input) => {
      model.delete(arnOf(input, 'recommenderArn'), 'recommender', region);
      return {};
    },
    // https://docs.aws.amazon.com/personalize/latest/dg/API_DescribeSolutionVersion.html
    DescribeSolutionVersion: ({ region }, input) => {
      const sv = model.solutionVersion(arnOf(input, 'solutionVersionArn'), region);
      const st = model.solutionVersionStatus(sv);
      return {
        solutionVersion: clean({
          name: sv.name,
          solutionVersionArn: sv.arn,
          solutionArn: sv.solutionArn,
          recipeArn: sv.recipeArn,
          datasetGroupArn: sv.datasetGroupArn,
          status: st.status,
          failureReason: st.failureReason,
          trainingMode: sv.trainingMode,
          trainingType: sv.trainingType,
          creationDateTime: toEpochSeconds(sv.createdAt),
          lastUpdatedDateTime: toEpochSeconds(st.lastUpdatedAt),
        }),
      };
    },
    ListTagsForResource: ({ region }, input) => {
      const tags = model.tagsOf(arnOf(input, 'resourceArn'), region);
      return { tags: [...tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue })) };
    },
    TagResource: ({ region }, input) => {
      model.tag(arnOf(input, 'resourceArn'), tagsFrom(input.tags), region);
      return {};
    },
    UntagResource: ({ region }, input) => {
      const tags = model.tagsOf(arnOf(input, 'resourceArn'), region);
      const keys = input.tagKeys;
      if (!Array.isArray(keys)) throw invalid('tagKeys: expected a list');
      for (const k of keys) tags.delete(String(k));
      return {};
    },
  };
}
