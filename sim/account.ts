/**
 * SimAccount: one simulated AWS account (all regions) with a clock you advance. It holds the
 * service models, records every call, injects faults and computes the Personalize bill.
 * `invoke` is the one entry point: the HTTP server decodes the wire protocol and calls it.
 */
import { computeBill, DEFAULT_PRICES, type Bill, type Prices } from './billing';
import { SimClock } from './clock';
import { CloudFormationModel, cloudFormationOperations } from './cloudformation';
import { DataFeedModel, dataFeedOperations } from './data-feed';
import { CLOUDWATCH_LIMITS, CloudWatchModel, cloudWatchOperations } from './cloudwatch';
import { DynamoDbModel, dynamoDbOperations } from './dynamodb';
import { SimError } from './errors';
import { FaultInjector, type FaultHandle, type FaultSpec } from './faults';
import { errorCodesOf, SimLimiter, type SimLimits } from './limits';
import { EventsModel, eventsOperations, SfnModel, sfnOperations, SnsModel, snsOperations, type SimExecution, type TaskResult } from './messaging';
import { MetricStore } from './metrics';
import type { OperationTable, SimServiceName } from './operations';
import { DEFAULT_PERSONALIZE_DURATIONS, PersonalizeModel, personalizeOperations, type PersonalizeDurations } from './personalize';
import { PersonalizeRuntimeModel, personalizeRuntimeOperations } from './personalize-runtime';

/**
 * Every simulated service: faults.ts's and `personalize-runtime` (which answers faults and
 * throttling with Personalize's codes; IAM prefix `personalize`).
 */
export type ServiceName = SimServiceName;

/** A fault (sim/faults.ts FaultSpec) that may also name `service: 'personalize-runtime'`. */
export type SimFaultSpec = Omit<FaultSpec, 'service'> & { service?: ServiceName };

/** Default simulated account id. */
export const DEFAULT_ACCOUNT_ID = '123456789012';
/** Default delay before a minute of `AWS/Personalize` data is visible (CloudWatch publishes late). */
export const DEFAULT_PERSONALIZE_METRIC_DELAY_MS = 3 * 60 * 1000;

export interface SimAccountOptions {
  accountId?: string;
  /** Simulated start time (epoch ms). */
  startTime?: number;
  /** Seed of every random draw (traffic noise, ids). */
  seed?: number;
  durations?: Partial<PersonalizeDurations>;
  prices?: Partial<Prices>;
  /** Datapoints per GetMetricData page (default 100,800; lower to force paging). */
  metricDataPageSize?: number;
  /** Publishing delay of AWS/Personalize metrics (default 3 minutes). */
  personalizeMetricDelayMs?: number;
  /** Region used when a request carries no SigV4 credential scope. */
  defaultRegion?: string;
  hooks?: SimHooks;
  /** Latency and API rate limits (sim/limits.ts); default none (answers at once, never throttles). */
  limits?: SimLimits;
}

export interface SimHooks {
  /** A StartExecution created a new execution (a local runner may run it). */
  onStartExecution?: (execution: SimExecution) => unknown;
  /** SendTaskSuccess / SendTaskFailure was accepted. */
  onTaskResult?: (result: TaskResult) => unknown;
}

/** One recorded API call. */
export interface CallRecord {
  seq: number;
  /** Simulated time of the call. */
  time: number;
  service: ServiceName;
  operation: string;
  region: string;
  caller: string;
  outcome: 'ok' | 'error' | 'fault';
  errorCode?: string;
  /** Latency drawn from the account's limits (wall-clock ms, time scale applied); absent when none applies. */
  latencyMs?: number;
  /** The call found its rate-limit bucket empty (outcome `fault`, the service's throttling code). */
  rateLimited?: true;
}

export interface CallFilter {
  service?: ServiceName;
  operation?: string;
  region?: string;
  caller?: string;
  /** Only calls at or after this simulated time. */
  since?: number;
}

export class SimAccount {
  readonly clock: SimClock;
  readonly accountId: string;
  readonly seed: number;
  readonly defaultRegion: string;
  readonly prices: Prices;
  readonly metrics = new MetricStore();
  readonly personalize: PersonalizeModel;
  /** Personalize's data feed: dataset groups, datasets, import jobs, event trackers (PutEvents metrics), solutions and their versions. */
  readonly dataFeed: DataFeedModel;
  readonly cloudwatch: CloudWatchModel;
  readonly sns: SnsModel;
  readonly events: EventsModel;
  readonly sfn: SfnModel;
  readonly dynamodb: DynamoDbModel;
  readonly cloudformation: CloudFormationModel;
  readonly faults = new FaultInjector();
  /**
   * Faults of `personalize-runtime` (injected through `injectFault`; kept apart because faults.ts
   * knows the control-plane services only; they are stored as `personalize` faults and so answer
   * with Personalize's codes).
   */
  readonly runtimeFaults = new FaultInjector();
  /** Personalize runtime: GetRecommendations / GetPersonalizedRanking, `setHealth`, its request log. */
  readonly personalizeRuntime: PersonalizeRuntimeModel;
  /** Errors thrown (or rejected) by hooks; hooks never fail the API call. */
  readonly hookErrors: unknown[] = [];

  private readonly log: CallRecord[] = [];
  private readonly operations: Record<ServiceName, OperationTable>;
  private readonly pendingHooks = new Set<Promise<unknown>>();
  private limiter?: SimLimiter;

  constructor(options: SimAccountOptions = {}) {
    this.clock = new SimClock(options.startTime);
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    if (!/^\d{12}$/.test(this.accountId)) throw new RangeError(`accountId must be 12 digits, got ${this.accountId}`);
    this.seed = options.seed ?? 1;
    this.defaultRegion = options.defaultRegion ?? 'us-east-1';
    this.prices = { ...DEFAULT_PRICES, ...options.prices };
    const now = () => this.clock.now();
    const durations = { ...DEFAULT_PERSONALIZE_DURATIONS, ...options.durations };
    const metricDelayMs = options.personalizeMetricDelayMs ?? DEFAULT_PERSONALIZE_METRIC_DELAY_MS;
    this.personalize = new PersonalizeModel({
      now,
      accountId: this.accountId,
      durations,
      metricDelayMs,
      seed: this.seed,
      onTrafficChanged: () => this.metrics.invalidateCache(),
    });
    this.metrics.addSource((id) => this.personalize.metricSource(id));
    this.dataFeed = new DataFeedModel({
      now,
      seed: this.seed,
      pendingMs: durations.pendingMs,
      metricDelayMs,
      personalize: this.personalize,
      onTrafficChanged: () => this.metrics.invalidateCache(),
    });
    this.metrics.addSource((id) => this.dataFeed.metricSource(id));
    this.personalizeRuntime = new PersonalizeRuntimeModel({
      personalize: this.personalize,
      metrics: this.metrics,
      seed: this.seed,
      metricDelayMs: options.personalizeMetricDelayMs ?? DEFAULT_PERSONALIZE_METRIC_DELAY_MS,
    });
    this.cloudwatch = new CloudWatchModel(this.metrics, this.accountId, { metricDataPageSize: options.metricDataPageSize ?? CLOUDWATCH_LIMITS.maxDatapointsPerGetMetricData });
    this.sns = new SnsModel(this.accountId, this.seed);
    this.events = new EventsModel(this.seed, this.accountId);
    this.sfn = new SfnModel(this.seed, now);
    this.dynamodb = new DynamoDbModel(this.accountId, now);
    this.cloudformation = new CloudFormationModel(this.accountId, this.seed, now);
    if (options.hooks) this.hooks = options.hooks;
    this.setLimits(options.limits);
    const runHook = (fn: () => unknown) => this.runHook(fn);
    this.operations = {
      personalize: { ...personalizeOperations(this.personalize), ...dataFeedOperations(this.dataFeed) },
      'personalize-runtime': personalizeRuntimeOperations(this.personalizeRuntime),
      cloudwatch: cloudWatchOperations(this.cloudwatch),
      sns: snsOperations(this.sns),
      events: eventsOperations(this.events, runHook),
      sfn: sfnOperations(this.sfn, runHook),
      dynamodb: dynamoDbOperations(this.dynamodb),
      cloudformation: cloudFormationOperations(this.cloudformation),
    };
  }

  /** Hooks a local runner uses to act on executions and task results. */
  get hooks(): SimHooks {
    return { onStartExecution: this.sfn.onStartExecution, onTaskResult: this.sfn.onTaskResult };
  }
  set hooks(h: SimHooks) {
    this.sfn.onStartExecution = h.onStartExecution;
    this.sfn.onTaskResult = h.onTaskResult;
  }

  /** The latency and rate limits in force (undefined: none). */
  get limits(): SimLimits | undefined {
    return this.limiter?.limits;
  }

  /**
   * Switches latency and rate limits at run time (undefined: off). Validates first (RangeError
   * naming the field); buckets start full and the latency draws restart from the account seed.
   */
  setLimits(limits: SimLimits | undefined): void {
    this.limiter = limits ? new SimLimiter(limits, this.seed) : undefined;
  }

  /** Operations a service serves. */
  supports(service: ServiceName, operation: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.operations[service], operation);
  }

  /**
   * Run one API operation as the service would: fault injection, the call itself, recording.
   * Resolves with the output shape or rejects with a SimError.
   */
  async invoke(service: ServiceName, operation: string, input: Record<string, unknown>, meta: { region?: string; caller?: string } = {}): Promise<unknown> {
    const region = meta.region ?? this.defaultRegion;
    const caller = meta.caller ?? 'unknown';
    const record: CallRecord = { seq: this.log.length + 1, time: this.clock.now(), service, operation, region, caller, outcome: 'ok' };
    this.log.push(record);
    if (service !== 'personalize-runtime') return this.run(record, input, { latencyMs: 0 });
    // The runtime publishes every request's outcome and latency in its resource's metrics.
    const added = { latencyMs: 0 };
    const observe = (error?: unknown) =>
      this.personalizeRuntime.observe({ operation, input, region, caller, t: record.time, addedLatencyMs: added.latencyMs, error });
    try {
      const output = await this.run(record, input, added);
      observe();
      return output;
    } catch (e) {
      observe(e);
      throw e;
    }
  }

  /** One call after recording: limits, faults, (runtime) health, the handler. `added` sums the latency added. */
  private async run(record: CallRecord, input: Record<string, unknown>, added: { latencyMs: number }): Promise<unknown> {
    const { service, operation, region, caller } = record;
    // Latency, then the rate-limit bucket, before anything of the service runs (a throttled call
    // never reaches it, so no fault applies to it).
    const limiter = this.limiter;
    if (limiter) {
      const latencyMs = limiter.drawLatency(service, operation);
      if (latencyMs > 0) {
        record.latencyMs = latencyMs;
        added.latencyMs += latencyMs;
        await new Promise((r) => setTimeout(r, latencyMs));
      }
      const throttled = limiter.take(service, operation, region);
      if (throttled) {
        record.outcome = 'fault';
        record.errorCode = throttled.code;
        record.rateLimited = true;
        throw throttled;
      }
    }
    const runtime = service === 'personalize-runtime';
    const decision = runtime ? this.runtimeFaults.decide(errorCodesOf(service), operation, region) : this.faults.decide(service, operation, region);
    if (decision.latencyMs > 0) {
      added.latencyMs += decision.latencyMs;
      await new Promise((r) => setTimeout(r, decision.latencyMs));
    }
    if (decision.error) {
      record.outcome = 'fault';
      record.errorCode = decision.error.code;
      throw decision.error;
    }
    if (runtime) {
      const health = this.personalizeRuntime.healthDecision(input);
      if (health.latencyMs > 0) {
        added.latencyMs += health.latencyMs;
        await new Promise((r) => setTimeout(r, health.latencyMs));
      }
      if (health.error) {
        record.outcome = 'fault';
        record.errorCode = health.error.code;
        throw health.error;
      }
    }
    const handler = this.operations[service][operation];
    try {
      if (!handler || !this.supports(service, operation)) {
        throw new SimError(service === 'sns' ? 'InvalidAction' : 'UnknownOperationException', `${service}: operation ${operation} is not simulated`);
      }
      // Time is read when the call is handled (latency faults do not move simulated time).
      return handler({ region, now: this.clock.now(), caller }, input);
    } catch (e) {
      record.outcome = 'error';
      record.errorCode = e instanceof SimError ? e.code : 'InternalFailure';
      throw e;
    }
  }

  /** Recorded calls, oldest first, optionally filtered. */
  calls(filter: CallFilter = {}): CallRecord[] {
    return this.log.filter(
      (c) =>
        (!filter.service || c.service === filter.service) &&
        (!filter.operation || c.operation === filter.operation) &&
        (!filter.region || c.region === filter.region) &&
        (!filter.caller || c.caller === filter.caller) &&
        (filter.since === undefined || c.time >= filter.since),
    );
  }

  /** Forget recorded calls (e.g. between benchmark runs). */
  clearCalls(): void {
    this.log.length = 0;
  }

  /**
   * Inject a fault (see FaultSpec). `service: 'personalize-runtime'` works like any service (its
   * `serverError`s count as 5xx and its `latency` shows in the runtime's metrics). A fault naming
   * no service applies to the runtime too (as a second fault of the same spec: its `count` and
   * probability draws are kept apart from the other services'; the handle's hits sum both).
   */
  injectFault(spec: SimFaultSpec): FaultHandle {
    if (spec.service === 'personalize-runtime') return this.runtimeFaults.inject({ ...spec, service: errorCodesOf(spec.service) });
    if (spec.service !== undefined) return this.faults.inject(spec as FaultSpec);
    const control = this.faults.inject(spec as FaultSpec);
    const runtime = this.runtimeFaults.inject(spec as FaultSpec);
    return {
      id: control.id,
      get hits() {
        return control.hits + runtime.hits;
      },
      remove: () => {
        control.remove();
        runtime.remove();
      },
    };
  }

  /** Personalize bill for [fromMs, toMs): per resource and total. */
  bill(fromMs: number, toMs: number, filter: { arn?: string } = {}): Bill {
    return computeBill(this.personalize, this.prices, fromMs, toMs, filter);
  }

  /** Wait until every hook started so far has finished (including hooks they triggered). */
  async settleHooks(): Promise<void> {
    while (this.pendingHooks.size > 0) await Promise.allSettled([...this.pendingHooks]);
  }

  private runHook(fn: () => unknown): void {
    try {
      const result = fn();
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        const p = Promise.resolve(result).catch((e) => {
          this.hookErrors.push(e);
        });
        this.pendingHooks.add(p);
        void p.finally(() => this.pendingHooks.delete(p));
      }
    } catch (e) {
      this.hookErrors.push(e);
    }
  }
}
