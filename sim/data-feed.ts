/**
 * Simulated data feed of Amazon Personalize deployments: dataset groups, datasets and their
 * import jobs, event trackers and the `AWS/Personalize` PutEvents metrics their event streams
 * produce, solutions (with automatic training) and their versions.
 *
 * Solution versions live in the Personalize model's one store (sim/personalize.ts
 * `putSolutionVersion`), so DescribeSolutionVersion, campaigns and ListSolutionVersions see the
 * same records. Like the rest of the simulator, state is a timeline: an import job or a training
 * is created with its end instant, and reads at any clock time look its status up; versions of
 * automatic training are made lazily, at read time, with deterministic ARNs.
 *
 * Only dataset groups created here (`createDatasetGroup`) are listed by ListDatasetGroups; the
 * dataset groups that campaigns and recommenders created the old way name implicitly stay unlisted.
 */
import * as clock from './clock';
import { SimError } from './errors';
import type { ComputedSeries, MetricIdentity, StatSet } from './metrics';
import type { OperationTable } from './operations';
import { DEFAULT_CAMPAIGN_RECIPE, PERSONALIZE_NAMESPACE, type PersonalizeExtension, type PersonalizeModel, type SimTrainingMode, type SimTrainingType, type SolutionVersionRecord } from './personalize';
import { seedFromString, unitHash } from './random';
import { optionalInt, optionalString, paginate, parseArn, requireString, toEpochSeconds } from './util';

// Copied once: imported names are getters under some module loaders (per-minute loops below).
const { DAY_MS, MINUTE_MS } = clock;
const floor = Math.floor;

/** Dataset types of the service (DatasetSummary.datasetType). */
export const DATASET_TYPES = ['Interactions', 'Items', 'Users', 'Actions', 'Action_Interactions'] as const;
export type DatasetType = (typeof DATASET_TYPES)[number];

/** Metric names of an event tracker's PutEvents calls (namespace AWS/Personalize, dimension EventTrackerArn). */
export const PUT_EVENTS_METRIC_NAMES = ['PutEventsRequests', 'PutEvents4xxErrors', 'PutEvents5xxErrors'] as const;
export type PutEventsMetricName = (typeof PUT_EVENTS_METRIC_NAMES)[number];
export const EVENT_TRACKER_DIMENSION_NAME = 'EventTrackerArn';

/** Default durations: an import job 20 minutes, a training 60 minutes (from creation to the end). */
export const DEFAULT_IMPORT_JOB_MS = 20 * MINUTE_MS;
export const DEFAULT_TRAINING_MS = 60 * MINUTE_MS;
/** Automatic training when a solution names no schedule (the service's default). */
export const DEFAULT_AUTO_TRAINING_EXPRESSION = 'rate(7 days)';

/** Page size limits of List* (maxResults 1–100). */
const MAX_LIST_RESULTS = 100;

/** Successful PutEvents calls per minute at instant `t` (epoch ms); 0 or less: none. */
export type EventRateFn = (t: number) => number;

interface DatasetGroupRecord {
  arn: string;
  name: string;
  region: string;
  createdAt: number;
  domain?: 'ECOMMERCE' | 'VIDEO_ON_DEMAND';
  tags: Map<string, string>;
}

interface DatasetRecord {
  arn: string;
  name: string;
  datasetType: DatasetType;
  datasetGroupArn: string;
  region: string;
  createdAt: number;
}

interface EventTrackerRecord {
  arn: string;
  name: string;
  datasetGroupArn: string;
  region: string;
  createdAt: number;
  deletedAt?: number;
  rate: EventRateFn;
  errorShare4xx: number;
  errorShare5xx: number;
  seed: number;
}

interface ImportJobRecord {
  arn: string;
  jobName: string;
  datasetArn: string;
  region: string;
  createdAt: number;
  inProgressAt: number;
  doneAt: number;
  failureReason?: string;
  importMode: 'FULL' | 'INCREMENTAL';
}

interface SolutionRecord {
  arn: string;
  name: string;
  region: string;
  datasetGroupArn: string;
  recipeArn: string;
  createdAt: number;
  performAutoTraining: boolean;
  schedulingExpression?: string;
  /** Period of automatic training (ms), when on. */
  autoTrainingPeriodMs?: number;
  autoTrainingStopsAt?: number;
  trainingDurationMs: number;
  autoTrainingFailure?: (index: number, createdAt: number) => string | undefined;
  tags: Map<string, string>;
  /** Automatic versions stored so far (the k-th is created at createdAt + k × period). */
  autoVersionsMade: number;
}

/** What `createDatasetGroup` needs. */
export interface DatasetGroupSpec {
  region: string;
  name: string;
  /** Default: now. */
  createdAt?: number;
  domain?: 'ECOMMERCE' | 'VIDEO_ON_DEMAND';
  tags?: Record<string, string>;
}

/** What `createDataset` needs (one dataset per type per dataset group, like the service). */
export interface DatasetSpec {
  datasetGroupArn: string;
  datasetType: DatasetType;
  /** Default `<dataset group>-<type in lower case>`. */
  name?: string;
  createdAt?: number;
}

/** What `createEventTracker` needs (one tracker per dataset group, like the service). */
export interface EventTrackerSpec {
  datasetGroupArn: string;
  name: string;
  createdAt?: number;
  /** Successful PutEvents calls per minute (default none). */
  eventsPerMinute?: EventRateFn;
  /** Failed calls with a 4xx / 5xx, as a share of the successful ones (default 0). */
  errorShare4xx?: number;
  errorShare5xx?: number;
}

/** What `addImportJob` needs: CREATE PENDING → CREATE IN_PROGRESS → ACTIVE (or CREATE FAILED). */
export interface ImportJobSpec {
  datasetArn: string;
  jobName: string;
  createdAt: number;
  /** From creation to ACTIVE / CREATE FAILED (default 20 minutes). */
  durationMs?: number;
  /** Set: the job ends in CREATE FAILED with this reason. */
  failureReason?: string;
  /** Default FULL. */
  importMode?: 'FULL' | 'INCREMENTAL';
}

/** What `createSolution` needs. */
export interface SolutionSpec {
  datasetGroupArn: string;
  name: string;
  /** Default aws-user-personalization-v2. */
  recipeArn?: string;
  createdAt?: number;
  /** A version (AUTOMATIC, FULL) every N days of `schedulingExpression` from `createdAt` on. */
  performAutoTraining?: boolean;
  /** `rate(N days)`, 1 ≤ N ≤ 30 (default `rate(7 days)` when performAutoTraining). */
  schedulingExpression?: string;
  /** No automatic version is created after this instant (the schedule broke). */
  autoTrainingStopsAt?: number;
  /** Training time of the automatic versions (default 60 minutes). */
  trainingDurationMs?: number;
  /** The failure reason of the k-th automatic version (1-based), undefined: it trains fine. */
  autoTrainingFailure?: (index: number, createdAt: number) => string | undefined;
  tags?: Record<string, string>;
}

/** What the data-feed model's `addSolutionVersion` needs (recipe and dataset group: the solution's). */
export interface DataFeedSolutionVersionSpec {
  solutionArn: string;
  createdAt?: number;
  /** Default FULL. */
  trainingMode?: SimTrainingMode;
  /** Default MANUAL. */
  trainingType?: SimTrainingType;
  /** From creation to ACTIVE / CREATE FAILED (default 60 minutes). */
  durationMs?: number;
  failureReason?: string;
}

/** PutEvents calls of one tracker in one minute. */
export interface PutEventsMinute {
  requests: number;
  errors4xx: number;
  errors5xx: number;
}

export interface DataFeedEnv {
  now: () => number;
  seed: number;
  /** Time in `CREATE PENDING` before `CREATE IN_PROGRESS` (Personalize durations' pendingMs). */
  pendingMs: number;
  metricDelayMs: number;
  /** The Personalize model (ARNs, the store of solution versions, tags). */
  personalize: PersonalizeModel;
  /** Called when an event rate changes (cached metric aggregates are stale). */
  onTrafficChanged: () => void;
}

const invalid = (m: string) => new SimError('InvalidInputException', m);
const notFound = (arn: string) => new SimError('ResourceNotFoundException', `Could not find resource with ARN ${arn}`, { status: 404 });
const alreadyExists = (arn: string) => new SimError('ResourceAlreadyExistsException', `${arn} already exists`);
const badToken = (m: string) => new SimError('InvalidNextTokenException', m);

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const byCreation = <T extends { createdAt: number; arn: string }>(a: T, b: T) => a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : 1);
const newestFirst = <T extends { createdAt: number; arn: string }>(a: T, b: T) => b.createdAt - a.createdAt || (a.arn < b.arn ? 1 : -1);

/** Days of `rate(N day|days)`, 1–30; anything else is invalid. */
export function autoTrainingDays(expression: string): number {
  const m = /^rate\(\s*(\d+)\s+days?\s*\)$/.exec(expression);
  const days = m ? Number(m[1]) : NaN;
  if (!(Number.isInteger(days) && days >= 1 && days <= 30)) {
    throw invalid(`schedulingExpression must be rate(N days) with N from 1 to 30, got ${JSON.stringify(expression)}`);
  }
  return days;
}

/** The simulated data feed of one account (all regions); see the module comment. */
export class DataFeedModel implements PersonalizeExtension {
  private readonly datasetGroups = new Map<string, DatasetGroupRecord>();
  private readonly datasets = new Map<string, DatasetRecord>();
  private readonly trackers = new Map<string, EventTrackerRecord>();
  private readonly importJobs = new Map<string, ImportJobRecord>();
  private readonly solutions = new Map<string, SolutionRecord>();

  constructor(private readonly env: DataFeedEnv) {
    env.personalize.extend(this);
  }

  // ---------- model API (setup, tests, demo) ----------

  /** Create a dataset group (ACTIVE from `createdAt`), listed by ListDatasetGroups. Returns its ARN. */
  createDatasetGroup(spec: DatasetGroupSpec): string {
    const arn = this.env.personalize.arn(spec.region, `dataset-group/${spec.name}`);
    if (this.datasetGroups.has(arn)) throw alreadyExists(arn);
    this.datasetGroups.set(arn, {
      arn,
      name: spec.name,
      region: spec.region,
      createdAt: spec.createdAt ?? this.env.now(),
      domain: spec.domain,
      tags: new Map(Object.entries(spec.tags ?? {})),
    });
    return arn;
  }

  /** Create a dataset (`dataset/<group>/<TYPE>`, ACTIVE) in a dataset group of this model. Returns its ARN. */
  createDataset(spec: DatasetSpec): string {
    const dg = this.mustGetGroup(spec.datasetGroupArn);
    if (!DATASET_TYPES.includes(spec.datasetType)) throw invalid(`datasetType must be one of ${DATASET_TYPES.join(', ')}, got ${JSON.stringify(spec.datasetType)}`);
    const arn = this.env.personalize.arn(dg.region, `dataset/${dg.name}/${spec.datasetType.toUpperCase()}`);
    if (this.datasets.has(arn)) throw alreadyExists(arn);
    this.datasets.set(arn, {
      arn,
      name: spec.name ?? `${dg.name}-${spec.datasetType.toLowerCase()}`,
      datasetType: spec.datasetType,
      datasetGroupArn: dg.arn,
      region: dg.region,
      createdAt: spec.createdAt ?? this.env.now(),
    });
    return arn;
  }

  /** Create the event tracker of a dataset group (`event-tracker/<8 hex>`, ACTIVE). Returns its ARN. */
  createEventTracker(spec: EventTrackerSpec): string {
    const dg = this.mustGetGroup(spec.datasetGroupArn);
    const existing = [...this.trackers.values()].find((t) => t.datasetGroupArn === dg.arn && t.deletedAt === undefined);
    if (existing) throw alreadyExists(`Event tracker of ${dg.arn} (${existing.arn})`);
    for (const [field, share] of [['errorShare4xx', spec.errorShare4xx], ['errorShare5xx', spec.errorShare5xx]] as const) {
      if (share !== undefined && !(share >= 0)) throw invalid(`${field} must be >= 0, got ${share}`);
    }
    let n = 0;
    let arn: string;
    do arn = this.env.personalize.arn(dg.region, `event-tracker/${hex8(seedFromString(`${dg.arn}#${spec.name}#${n++}`) ^ this.env.seed)}`);
    while (this.trackers.has(arn));
    this.trackers.set(arn, {
      arn,
      name: spec.name,
      datasetGroupArn: dg.arn,
      region: dg.region,
      createdAt: spec.createdAt ?? this.env.now(),
      rate: spec.eventsPerMinute ?? (() => 0),
      errorShare4xx: spec.errorShare4xx ?? 0,
      errorShare5xx: spec.errorShare5xx ?? 0,
      seed: seedFromString(arn) ^ this.env.seed,
    });
    return arn;
  }

  /** Replace a tracker's event rate (successful PutEvents calls per minute) and, when given, its error shares. */
  setEventRate(trackerArn: string, fn: EventRateFn, errorShares?: { errorShare4xx?: number; errorShare5xx?: number }): void {
    const tracker = this.mustGetTracker(trackerArn);
    tracker.rate = fn;
    if (errorShares?.errorShare4xx !== undefined) tracker.errorShare4xx = errorShares.errorShare4xx;
    if (errorShares?.errorShare5xx !== undefined) tracker.errorShare5xx = errorShares.errorShare5xx;
    this.env.onTrafficChanged();
  }

  /** Delete a tracker at `at` (default now): unlisted and no metrics from then on; the dataset group may get a new one. */
  deleteEventTracker(trackerArn: string, at: number = this.env.now()): void {
    this.mustGetTracker(trackerArn).deletedAt = at;
    this.env.onTrafficChanged();
  }

  /** Add an import job (`dataset-import-job/<jobName>`) to a dataset. Returns its ARN. */
  addImportJob(spec: ImportJobSpec): string {
    const ds = this.datasets.get(spec.datasetArn);
    if (!ds) throw notFound(spec.datasetArn);
    const arn = this.env.personalize.arn(ds.region, `dataset-import-job/${spec.jobName}`);
    if (this.importJobs.has(arn)) throw alreadyExists(arn);
    const durationMs = spec.durationMs ?? DEFAULT_IMPORT_JOB_MS;
    if (!(durationMs >= 0)) throw invalid(`durationMs must be >= 0, got ${durationMs}`);
    this.importJobs.set(arn, {
      arn,
      jobName: spec.jobName,
      datasetArn: ds.arn,
      region: ds.region,
      createdAt: spec.createdAt,
      inProgressAt: spec.createdAt + Math.min(this.env.pendingMs, durationMs),
      doneAt: spec.createdAt + durationMs,
      failureReason: spec.failureReason,
      importMode: spec.importMode ?? 'FULL',
    });
    return arn;
  }

  /** Create a solution (`solution/<name>`, ACTIVE), optionally with automatic training. Returns its ARN. */
  createSolution(spec: SolutionSpec): string {
    const dg = this.mustGetGroup(spec.datasetGroupArn);
    const arn = this.env.personalize.arn(dg.region, `solution/${spec.name}`);
    if (this.solutions.has(arn)) throw alreadyExists(arn);
    const performAutoTraining = spec.performAutoTraining ?? false;
    const schedulingExpression = spec.schedulingExpression ?? (performAutoTraining ? DEFAULT_AUTO_TRAINING_EXPRESSION : undefined);
    const days = schedulingExpression === undefined ? undefined : autoTrainingDays(schedulingExpression);
    const trainingDurationMs = spec.trainingDurationMs ?? DEFAULT_TRAINING_MS;
    if (!(trainingDurationMs >= 0)) throw invalid(`trainingDurationMs must be >= 0, got ${trainingDurationMs}`);
    this.solutions.set(arn, {
      arn,
      name: spec.name,
      region: dg.region,
      datasetGroupArn: dg.arn,
      recipeArn: spec.recipeArn ?? DEFAULT_CAMPAIGN_RECIPE,
      createdAt: spec.createdAt ?? this.env.now(),
      performAutoTraining,
      schedulingExpression,
      autoTrainingPeriodMs: performAutoTraining && days !== undefined ? days * DAY_MS : undefined,
      autoTrainingStopsAt: spec.autoTrainingStopsAt,
      trainingDurationMs,
      autoTrainingFailure: spec.autoTrainingFailure,
      tags: new Map(Object.entries(spec.tags ?? {})),
      autoVersionsMade: 0,
    });
    return arn;
  }

  /** Add a version to a solution of this model (`solution/<name>/<8 hex>`, in Personalize's store). Returns its ARN. */
  addSolutionVersion(spec: DataFeedSolutionVersionSpec): string {
    const solution = this.solutions.get(spec.solutionArn);
    if (!solution) throw notFound(spec.solutionArn);
    return this.env.personalize.putSolutionVersion({
      region: solution.region,
      solutionArn: solution.arn,
      recipeArn: solution.recipeArn,
      datasetGroupArn: solution.datasetGroupArn,
      createdAt: spec.createdAt,
      trainingMode: spec.trainingMode,
      trainingType: spec.trainingType,
      durationMs: spec.durationMs ?? DEFAULT_TRAINING_MS,
      failureReason: spec.failureReason,
    });
  }

  /** Versions of a solution that exist at `t` (default now), newest first (automatic ones included). */
  solutionVersions(solutionArn: string, t: number = this.env.now()): SolutionVersionRecord[] {
    return this.env.personalize.solutionVersionsOf(solutionArn, t);
  }

  /** PutEvents calls of a tracker in the minute starting at `minuteStartMs` (what the metrics publish). */
  putEventsInMinute(trackerArn: string, minuteStartMs: number): PutEventsMinute {
    return this.callsInMinute(this.mustGetTracker(trackerArn), minuteStartMs);
  }

  // ---------- PersonalizeExtension ----------

  /** Tags of a dataset group or solution of this model that exists now (in `region` when given). */
  tagsOf(arn: string, region?: string): Map<string, string> | undefined {
    const rec = this.datasetGroups.get(arn) ?? this.solutions.get(arn);
    if (!rec || (region && rec.region !== region) || rec.createdAt > this.env.now()) return undefined;
    return rec.tags;
  }

  /** Store the automatic versions due by now (createdAt + k × period ≤ min(now, autoTrainingStopsAt)). */
  syncSolutionVersions(): void {
    const now = this.env.now();
    for (const s of this.solutions.values()) {
      if (s.autoTrainingPeriodMs === undefined) continue;
      const until = Math.min(now, s.autoTrainingStopsAt ?? Infinity);
      const due = floor((until - s.createdAt) / s.autoTrainingPeriodMs);
      while (s.autoVersionsMade < due) {
        const k = ++s.autoVersionsMade;
        const createdAt = s.createdAt + k * s.autoTrainingPeriodMs;
        this.env.personalize.putSolutionVersion({
          region: s.region,
          solutionArn: s.arn,
          recipeArn: s.recipeArn,
          datasetGroupArn: s.datasetGroupArn,
          createdAt,
          trainingMode: 'FULL',
          trainingType: 'AUTOMATIC',
          durationMs: s.trainingDurationMs,
          failureReason: s.autoTrainingFailure?.(k, createdAt),
          id: hex8(seedFromString(`${s.arn}#auto#${k}`) ^ this.env.seed),
        });
      }
    }
  }

  // ---------- metrics ----------

  /** Computed `AWS/Personalize` PutEvents series of an event tracker (dimension EventTrackerArn). */
  metricSource(id: MetricIdentity): ComputedSeries | undefined {
    if (id.namespace !== PERSONALIZE_NAMESPACE || id.dimensions.length !== 1) return undefined;
    const [dim] = id.dimensions;
    if (dim.Name !== EVENT_TRACKER_DIMENSION_NAME) return undefined;
    const tracker = this.trackers.get(dim.Value);
    if (!tracker || tracker.region !== id.region) return undefined;
    const metric = PUT_EVENTS_METRIC_NAMES.find((n) => n === id.metricName);
    if (!metric) return undefined;
    const minute = (t: number): StatSet | undefined => {
      const c = this.callsInMinute(tracker, t);
      const calls = c.requests + c.errors4xx + c.errors5xx;
      if (calls === 0) return undefined;
      if (metric === 'PutEventsRequests') {
        // One sample of 1 per successful call: Sum = successful calls, Average = 1.
        return c.requests === 0 ? undefined : { sampleCount: c.requests, sum: c.requests, min: 1, max: 1 };
      }
      // One 0/1 sample per call: Sum = failed calls, Average = error share of all calls.
      const errors = metric === 'PutEvents4xxErrors' ? c.errors4xx : c.errors5xx;
      return { sampleCount: calls, sum: errors, min: 0, max: errors > 0 ? 1 : 0 };
    };
    return { key: `${tracker.arn}|${metric}`, minute, delayMs: this.env.metricDelayMs };
  }

  private callsInMinute(tracker: EventTrackerRecord, t: number): PutEventsMinute {
    if (t < tracker.createdAt || (tracker.deletedAt !== undefined && t >= tracker.deletedAt)) return { requests: 0, errors4xx: 0, errors5xx: 0 };
    const rate = tracker.rate(t);
    if (!(rate > 0)) return { requests: 0, errors4xx: 0, errors5xx: 0 };
    const m = floor(t / MINUTE_MS);
    // Deterministic rounding: whole rates exactly, fractions on average.
    return {
      requests: floor(rate + unitHash(tracker.seed, m, 1)),
      errors4xx: tracker.errorShare4xx > 0 ? floor(rate * tracker.errorShare4xx + unitHash(tracker.seed, m, 2)) : 0,
      errors5xx: tracker.errorShare5xx > 0 ? floor(rate * tracker.errorShare5xx + unitHash(tracker.seed, m, 3)) : 0,
    };
  }

  // ---------- reads of the operations (existing now, in a region) ----------

  /** Dataset groups of this model existing now in `region`, oldest first. */
  listDatasetGroups(region: string): DatasetGroupRecord[] {
    return this.existing(this.datasetGroups, region).sort(byCreation);
  }

  listDatasets(region: string, datasetGroupArn?: string): DatasetRecord[] {
    if (datasetGroupArn !== undefined) this.found(this.datasetGroups, datasetGroupArn, region);
    return this.existing(this.datasets, region).filter((d) => datasetGroupArn === undefined || d.datasetGroupArn === datasetGroupArn).sort(byCreation);
  }

  /** Import jobs, newest first. */
  listImportJobs(region: string, datasetArn?: string): ImportJobRecord[] {
    if (datasetArn !== undefined) this.found(this.datasets, datasetArn, region);
    return this.existing(this.importJobs, region).filter((j) => datasetArn === undefined || j.datasetArn === datasetArn).sort(newestFirst);
  }

  listEventTrackers(region: string, datasetGroupArn?: string): EventTrackerRecord[] {
    if (datasetGroupArn !== undefined) this.found(this.datasetGroups, datasetGroupArn, region);
    return this.existing(this.trackers, region).filter((t) => datasetGroupArn === undefined || t.datasetGroupArn === datasetGroupArn).sort(byCreation);
  }

  listSolutions(region: string, datasetGroupArn?: string): SolutionRecord[] {
    if (datasetGroupArn !== undefined) this.found(this.datasetGroups, datasetGroupArn, region);
    return this.existing(this.solutions, region).filter((s) => datasetGroupArn === undefined || s.datasetGroupArn === datasetGroupArn).sort(byCreation);
  }

  /** A solution of this model existing now in `region` (else the service's errors). */
  solution(arn: string, region: string): SolutionRecord {
    return this.found(this.solutions, arn, region);
  }

  /** Versions listed by ListSolutionVersions: of one solution, or of every solution of the region; newest first. */
  listSolutionVersions(region: string, solutionArn?: string): SolutionVersionRecord[] {
    const solutions = solutionArn !== undefined ? [this.found(this.solutions, solutionArn, region)] : this.listSolutions(region);
    return solutions.flatMap((s) => this.solutionVersions(s.arn)).sort(newestFirst);
  }

  // ---------- wire shapes ----------

  /** CREATE PENDING / CREATE IN_PROGRESS / ACTIVE / CREATE FAILED of an import job now. */
  importJobStatus(job: ImportJobRecord, t: number = this.env.now()): { status: string; lastUpdatedAt: number; failureReason?: string } {
    if (t < job.inProgressAt) return { status: 'CREATE PENDING', lastUpdatedAt: job.createdAt };
    if (t < job.doneAt) return { status: 'CREATE IN_PROGRESS', lastUpdatedAt: job.inProgressAt };
    return job.failureReason !== undefined
      ? { status: 'CREATE FAILED', lastUpdatedAt: job.doneAt, failureReason: job.failureReason }
      : { status: 'ACTIVE', lastUpdatedAt: job.doneAt };
  }

  /** SolutionVersionSummary of a version now. */
  solutionVersionSummary(v: SolutionVersionRecord): Record<string, unknown> {
    return this.env.personalize.solutionVersionSummary(v);
  }

  /** DescribeSolution's `solution` now. */
  describeSolution(s: SolutionRecord): Record<string, unknown> {
    const latest = this.solutionVersions(s.arn)[0];
    return clean({
      name: s.name,
      solutionArn: s.arn,
      performHPO: false,
      performAutoML: false,
      performAutoTraining: s.performAutoTraining,
      recipeArn: s.recipeArn,
      datasetGroupArn: s.datasetGroupArn,
      solutionConfig: s.schedulingExpression !== undefined ? { autoTrainingConfig: { schedulingExpression: s.schedulingExpression } } : undefined,
      status: 'ACTIVE',
      creationDateTime: toEpochSeconds(s.createdAt),
      lastUpdatedDateTime: toEpochSeconds(s.createdAt),
      latestSolutionVersion: latest && this.solutionVersionSummary(latest),
    });
  }

  private existing<T extends { region: string; createdAt: number; deletedAt?: number }>(map: Map<string, T>, region: string): T[] {
    const now = this.env.now();
    return [...map.values()].filter((r) => r.region === region && r.createdAt <= now && (r.deletedAt === undefined || r.deletedAt > now));
  }

  /** A record of `map` that exists now in `region`; a non-Personalize ARN is invalid, anything else not found. */
  private found<T extends { region: string; createdAt: number; deletedAt?: number }>(map: Map<string, T>, arn: string, region: string): T {
    const parsed = parseArn(arn);
    if (!parsed || parsed.service !== 'personalize') throw invalid(`${arn} is not a Personalize ARN`);
    const rec = map.get(arn);
    const now = this.env.now();
    if (!rec || rec.region !== region || rec.createdAt > now || (rec.deletedAt !== undefined && rec.deletedAt <= now)) throw notFound(arn);
    return rec;
  }

  private mustGetGroup(arn: string): DatasetGroupRecord {
    const dg = this.datasetGroups.get(arn);
    if (!dg) throw notFound(arn);
    return dg;
  }

  private mustGetTracker(arn: string): EventTrackerRecord {
    const tracker = this.trackers.get(arn);
    if (!tracker) throw notFound(arn);
    return tracker;
  }
}

function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function listPage<T>(input: Record<string, unknown>, items: T[], scope: string): { page: T[]; nextToken?: string } {
  const maxResults = optionalInt(input, 'maxResults', 1, MAX_LIST_RESULTS, invalid) ?? MAX_LIST_RESULTS;
  return paginate(items, maxResults, optionalString(input, 'nextToken', invalid), scope, badToken);
}

/**
 * The data-feed operations (AWS JSON 1.1, `AmazonPersonalize.<Op>`), merged into the Personalize
 * table by sim/account.ts. Every listing pages with `maxResults` (1–100, default 100) and an
 * opaque `nextToken`; a filter ARN of another region or unknown → ResourceNotFoundException.
 */
export function dataFeedOperations(model: DataFeedModel): OperationTable {
  const filter = (input: Record<string, unknown>, field: string) => optionalString(input, field, invalid);
  return {
    // https://docs.aws.amazon.com/personalize/latest/dg/API_ListDatasetGroups.html
    ListDatasetGroups: ({ region }, input) => {
      const { page, nextToken } = listPage(input, model.listDatasetGroups(region), `datasetGroups|${region}`);
      return {
        datasetGroups: page.map((g) =>
          clean({ name: g.name, datasetGroupArn: g.arn, status: 'ACTIVE', creationDateTime: toEpochSeconds(g.createdAt), lastUpdatedDateTime: toEpochSeconds(g.createdAt), domain: g.domain }),
        ),
        nextToken,
      };
    },
    // https://docs.aws.amazon.com/personalize/latest/dg/API_ListDatasets.html
    ListDatasets: ({ region }, input) => {
      const dg = filter(input, 'datasetGroupArn');
      const { page, nextToken } = listPage(input, model.listDatasets(region, dg), `datasets|${region}|${dg ?? ''}`);
      return {
        datasets: page.map((d) => ({
          name: d.name,
          datasetArn: d.arn,
          datasetType: d.datasetType,
          status: 'ACTIVE',
          creationDateTime: toEpochSeconds(d.createdAt),
          lastUpdatedDateTime: toEpochSeconds(d.createdAt),
        })),
        nextToken,
      };
    },
    // https://docs.aws.amazon.com/personalize/latest/dg/API_ListDatasetImportJobs.html
    ListDatasetImportJobs: ({ region }, input) => {
      const ds = filter(input, 'datasetArn');
      const { page, nextToken } = listPage(input, model.listImportJobs(region, ds), `datasetImportJobs|${region}|${ds ?? ''}`);
      return {
        datasetImportJobs: page.map((j) => {
          const st = model.importJobStatus(j);
          return clean({
            datasetImportJobArn: j.arn,
            jobName: j.jobName,
            status: st.status,
            creationDateTime: toEpochSeconds(j.createdAt),
            lastUpdatedDateTime: toEpochSeconds(st.lastUpdatedAt),
            failureReason: st.failureReason,
            importMode: j.importMode,
          });
        }),
        nextToken,
      };
    },
    // https://docs.aws.amazon.com/personalize/latest/dg/API_ListEventTrackers.html
    ListEventTrackers: ({ region }, input) => {
      const dg = filter(input, 'datasetGroupArn');
      const { page, nextToken } = listPage(input, model.listEventTrackers(region, dg), `eventTrackers|${region}|${dg ?? ''}`);
      return {
        eventTrackers: page.map((t) => ({
          name: t.name,
          eventTrackerArn: t.arn,
          status: 'ACTIVE',
          creationDateTime: toEpochSeconds(t.createdAt),
          lastUpdatedDateTime: toEpochSeconds(t.createdAt),
        })),
        nextToken,
      };
    },
    // https://docs.aws.amazon.com/personalize/latest/dg/API_ListSolutions.html
    ListSolutions: ({ region }, input) => {
      const dg = filter(input, 'datasetGroupArn');
      const { page, nextToken } = listPage(input, model.listSolutions(region, dg), `solutions|${region}|${dg ?? ''}`);
      return {
        solutions: page.map((s) => ({
          name: s.name,
          solutionArn: s.arn,
          status: 'ACTIVE',
          creationDateTime: toEpochSeconds(s.createdAt),
          lastUpdatedDateTime: toEpochSeconds(s.createdAt),
          recipeArn: s.recipeArn,
        })),
        nextToken,
      };
    },
    // https://docs.aws.amazon.com/personalize/latest/dg/API_DescribeSolution.html
    DescribeSolution: ({ region }, input) => ({ solution: model.describeSolution(model.solution(requireString(input, 'solutionArn', invalid), region)) }),
    // https://docs.aws.amazon.com/personalize/latest/dg/API_ListSolutionVersions.html
    ListSolutionVersions: ({ region }, input) => {
      const solutionArn = filter(input, 'solutionArn');
      const { page, nextToken } = listPage(input, model.listSolutionVersions(region, solutionArn), `solutionVersions|${region}|${solutionArn ?? ''}`);
      return { solutionVersions: page.map((v) => model.solutionVersionSummary(v)), nextToken };
    },
  };
}
