/** Simulated AWS account for the offline demo, benchmarks and end-to-end tests. */
export { SimAccount, DEFAULT_ACCOUNT_ID, DEFAULT_PERSONALIZE_METRIC_DELAY_MS } from './account';
export type { SimAccountOptions, SimHooks, CallRecord, CallFilter, ServiceName, SimFaultSpec } from './account';
export { startSimServer } from './server';
export type { SimServer, SimServerOptions } from './server';
export { SimClock, DEFAULT_SIM_START_MS, SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS } from './clock';
export { traffic, requestsInMinute } from './traffic';
export type { TrafficFn, DiurnalOptions, SpikyOptions } from './traffic';
export { demoFleet, FLEET_PROFILES } from './fleet';
export type { DemoFleet, DemoFleetOptions, FleetResource, FleetProfile } from './fleet';
export { DEFAULT_PRICES, BILLING_WINDOW_MS } from './billing';
export type { Bill, ResourceBill, Prices } from './billing';
export type { FaultHandle } from './faults';
/** What `account.injectFault` takes (sim/faults.ts FaultSpec, `service` may be `personalize-runtime`). */
export type { SimFaultSpec as FaultSpec } from './account';
export { REALISTIC_LATENCY, REALISTIC_RATE_LIMITS, REALISTIC_AWS, SimLimiter, validateLimits } from './limits';
export type { SimLimits, LatencyTable, LatencyRange, RateLimitTable, RateLimit } from './limits';
export { SimError } from './errors';
export { DEFAULT_PERSONALIZE_DURATIONS, PERSONALIZE_NAMESPACE } from './personalize';
export type { PersonalizeDurations, CampaignSpec, RecommenderSpec, ResourceSnapshot } from './personalize';
export { DataFeedModel, DATASET_TYPES, PUT_EVENTS_METRIC_NAMES, DEFAULT_IMPORT_JOB_MS, DEFAULT_TRAINING_MS, DEFAULT_AUTO_TRAINING_EXPRESSION } from './data-feed';
export type { DatasetType, EventRateFn, DatasetGroupSpec, DatasetSpec, EventTrackerSpec, ImportJobSpec, SolutionSpec, DataFeedSolutionVersionSpec, PutEventsMinute } from './data-feed';
export type { SimTrainingMode, SimTrainingType, SolutionVersionSpec } from './personalize';
export { PersonalizeRuntimeModel, PERSONALIZE_RUNTIME_OPERATIONS, RUNTIME_BASE_LATENCY_MS, recipeKind } from './personalize-runtime';
export type { RuntimeHealth, RuntimeRequestRecord, RecipeKind, RuntimeOperation } from './personalize-runtime';
export type { SimExecution, TaskResult, RecordedEvent, PublishedMessage } from './messaging';
export { CLOUDWATCH_LIMITS } from './cloudwatch';
export { simClientConfig, SIM_CREDENTIALS } from './client-config';
