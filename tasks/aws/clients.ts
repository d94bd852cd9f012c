/**
 * The one place SDK clients are made: one client per service, region (and options), created on
 * first use and kept for the container's life, each instrumented by the tracer. Tests inject
 * their own clients with `setClientFactory` (or pass clients into the logic directly).
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import { traced } from '../shared/tracer';

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Each SDK package is loaded on first use (the runtime provides it, outside the bundle): a
 * function pays at cold start only for the services it calls, not for all of them.
 */
const sdk = {
  cloudformation: () => (require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation')).CloudFormationClient,
  cloudwatch: () => (require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch')).CloudWatchClient,
  dynamodb: () => (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb')).DynamoDBClient,
  events: () => (require('@aws-sdk/client-eventbridge') as typeof import('@aws-sdk/client-eventbridge')).EventBridgeClient,
  personalize: () => (require('@aws-sdk/client-personalize') as typeof import('@aws-sdk/client-personalize')).PersonalizeClient,
  personalizeRuntime: () => (require('@aws-sdk/client-personalize-runtime') as typeof import('@aws-sdk/client-personalize-runtime')).PersonalizeRuntimeClient,
  sfn: () => (require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn')).SFNClient,
  sns: () => (require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns')).SNSClient,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
export type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
export type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
export type { PersonalizeClient } from '@aws-sdk/client-personalize';
export type { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
export type { SFNClient } from '@aws-sdk/client-sfn';
export type { SNSClient } from '@aws-sdk/client-sns';

/** Per-client limits for calls that must fail fast (e.g. a metric that must not hold up a run). */
export interface ClientOptions {
  /** Attempts per call, the first included (the SDK retries throttling and 5xx with backoff). */
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * The SDK's retry mode. Personalize and CloudWatch clients default to `adaptive` (see
   * `cachingClients`) unless `maxAttempts` is given: a fail-fast client retries in `standard` mode,
   * as adaptive's client-side limiter can hold a request for seconds after a throttle (measured in
   * the simulator: a throttled monitoredResourceCount put went past summarize-run's 30 s timeout).
   */
  retryMode?: 'standard' | 'adaptive';
}

/**
 * The clients a task may use. `region` undefined means the SDK's default (AWS_REGION): the
 * function's own region, e.g. for its approvals table.
 */
export interface Clients {
  personalize(region: string): PersonalizeClient;
  cloudwatch(region: string, options?: ClientOptions): CloudWatchClient;
  sns(region: string): SNSClient;
  events(region: string): EventBridgeClient;
  sfn(region?: string): SFNClient;
  dynamodb(region?: string): DynamoDBClient;
  /** Read by `migrate --dry-run` only (finding the original sample's stack). */
  cloudformation(region: string): CloudFormationClient;
  /** The Personalize runtime (GetRecommendations / GetPersonalizedRanking), for the health-check canary. */
  personalizeRuntime(region: string, options?: ClientOptions): PersonalizeRuntimeClient;
}

/** The clients of `cachingClients()` and `awsClients` (the same as `Clients`). */
export type TaskClients = Clients;

/** SDK configuration for a region and options (no region: the SDK resolves AWS_REGION itself). */
function sdkConfig(region: string | undefined, options: ClientOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = region ? { region } : {};
  if (options.maxAttempts !== undefined) out.maxAttempts = options.maxAttempts;
  if (options.retryMode !== undefined) out.retryMode = options.retryMode;
  if (options.connectionTimeoutMs !== undefined || options.requestTimeoutMs !== undefined) {
    out.requestHandler = { connectionTimeout: options.connectionTimeoutMs, requestTimeout: options.requestTimeoutMs };
  }
  return out;
}

/**
 * Clients made on first use and cached by service, region and options. `base` adds SDK
 * configuration to every client (e.g. an endpoint and credentials of the simulator in tests and
 * the bench); the region and options still win.
 */
export function cachingClients(base?: (region: string | undefined) => object): TaskClients {
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, traced(make()));
    return cache.get(key) as T;
  };
  const config = (region: string | undefined, options?: ClientOptions) => ({ ...base?.(region), ...sdkConfig(region, options) });
  return {
    // Adaptive retries: once throttled, the client paces its own requests (client-side rate
    // limiter) instead of bursting into the limit again – Personalize's control plane and
    // PutMetricAlarm (about 3 per second per account and region) throttle early. Measured in the
    // simulator with CloudWatch's real rate: 400 PutMetricAlarm, 3 in flight, for 60 s – adaptive
    // 180 written and 0 failed (exactly 3/s), standard 183 written and 26 failed after retries.
    // Not for a fail-fast client (maxAttempts given): see ClientOptions.retryMode.
    personalize: (region) => once(`personalize|${region}`, () => new (sdk.personalize())({ ...adaptiveRetries(), ...config(region) })),
    // The SDK's standard retries: a canary's request that fails should be seen, not paced away.
    personalizeRuntime: (region, options) =>
      once(`personalize-runtime|${region}|${JSON.stringify(options ?? {})}`, () => new (sdk.personalizeRuntime())(config(region, options))),
    cloudwatch: (region, options) =>
      once(`cloudwatch|${region}|${JSON.stringify(options ?? {})}`, () =>
        new (sdk.cloudwatch())({ ...(options?.maxAttempts !== undefined ? { retryMode: 'standard' } : adaptiveRetries()), ...config(region, options) }),
      ),
    sns: (region) => once(`sns|${region}`, () => new (sdk.sns())(config(region))),
    events: (region) => once(`events|${region}`, () => new (sdk.events())(config(region))),
    sfn: (region) => once(`sfn|${region ?? ''}`, () => new (sdk.sfn())(config(region))),
    dynamodb: (region) => once(`dynamodb|${region ?? ''}`, () => new (sdk.dynamodb())(config(region))),
    cloudformation: (region) => once(`cloudformation|${region}`, () => new (sdk.cloudformation())(config(region))),
  };
}

/**
 * `retryMode: 'adaptive'` unless the SDK's own setting AWS_RETRY_MODE says otherwise (then the
 * SDK reads it). The local runner's time-scaled tests set it to `standard`: the adaptive
 * limiter and the backoff run on the wall clock, which the time scale does not shrink.
 */
function adaptiveRetries(): { retryMode?: 'adaptive' } {
  return process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' };
}

let current: Clients = cachingClients();

/** Replaces the factory (tests); `undefined` restores fresh caching clients (e.g. after changing AWS_ENDPOINT_URL). */
export function setClientFactory(clients: Clients | undefined): void {
  current = clients ?? cachingClients();
}

/** Drops every cached client (the next call makes new ones). */
export function resetClients(): void {
  setClientFactory(undefined);
}

/** The container's clients: always delegates to the current factory. */
export const awsClients: TaskClients = {
  personalize: (region) => current.personalize(region),
  personalizeRuntime: (region, options) => {
    if (!current.personalizeRuntime) throw new Error('the client factory in use (setClientFactory) has no personalizeRuntime client');
    return current.personalizeRuntime(region, options);
  },
  cloudwatch: (region, options) => current.cloudwatch(region, options),
  sns: (region) => current.sns(region),
  events: (region) => current.events(region),
  sfn: (region) => current.sfn(region),
  dynamodb: (region) => current.dynamodb(region),
  cloudformation: (region) => current.cloudformation(region),
};
