/**
 * The EventBridge events the monitor emits and accepts (the original's source and detail-types),
 * one zod schema per detail-type family, and the envelopes the ACTION's entry points wrap a
 * request in. Producers (core/findings.ts, core/actions.ts resultEvents) build their details as
 * these types; the ACTION's validation parses with these schemas.
 */
import { z } from 'zod';
import type { RequestOrigin } from './action';
import { minCapacitySchema, nonNegativeSchema, personalizeArnSchema, reasonSchema } from './fields';

/** EventBridge source of every event the monitor emits or accepts (the original's). */
export const EVENT_SOURCE = 'personalize.monitor';

/** Request events, by action and resource type (the original's detail-types). */
export const REQUEST_DETAIL_TYPES = {
  delete: 'DeletePersonalizeCampaign',
  stop: 'StopPersonalizeRecommender',
  setMinCapacity: {
    campaign: 'UpdatePersonalizeCampaignMinProvisionedTPS',
    recommender: 'UpdatePersonalizeRecommenderMinRecommendationRPS',
  },
} as const;

/** Result events emitted after an action (the original's detail-types). */
export const RESULT_DETAIL_TYPES = {
  delete: 'PersonalizeCampaignDeleted',
  stop: 'PersonalizeRecommenderStopped',
  setMinCapacity: {
    campaign: 'PersonalizeCampaignMinProvisionedTPSUpdated',
    recommender: 'PersonalizeRecommenderMinRecommendationRPSUpdated',
  },
} as const;

/** Asks for a dashboard rebuild. */
export const DASHBOARD_DETAIL_TYPE = 'BuildPersonalizeMonitorDashboard';

/** Top-level keys of an EventBridge event envelope. */
export const EVENT_ENVELOPE_KEYS: ReadonlySet<string> = new Set(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail', 'replay-name']);

/** What our MONITOR adds to the request events it emits (marks a finding; shown, never trusted). */
export const findingEvidenceDetailSchema = z
  .object({
    /** ISO-8601 interval `start/end`. */
    Window: z.string().regex(/^[^/]+\/[^/]+$/, 'expected an ISO-8601 interval start/end'),
    MonthlyWasteUsd: z.number(),
    Region: z.string(),
    DryRun: z.boolean(),
  })
  .partial()
  .strict();

/**
 * Detail of a request event (delete, stop, set a minimum): the original's field names. Idle
 * findings carry Utilization … TotalRequestsDuringIdleThresholdHours, capacity findings NewMinTPS
 * … Datapoints (recommenders use NewMinTPS too, as the original does).
 */
export const requestDetailSchema = z
  .object({
    ARN: personalizeArnSchema,
    Reason: reasonSchema.optional(),
    NewMinTPS: minCapacitySchema.optional(),
    Utilization: nonNegativeSchema.optional(),
    AgeHours: nonNegativeSchema.optional(),
    IdleThresholdHours: nonNegativeSchema.optional(),
    TotalRequestsDuringIdleThresholdHours: nonNegativeSchema.optional(),
    CurrentMinTPS: nonNegativeSchema.optional(),
    MinAverageTPS: nonNegativeSchema.optional(),
    MaxAverageTPS: nonNegativeSchema.optional(),
    Datapoints: nonNegativeSchema.optional(),
    Evidence: findingEvidenceDetailSchema.optional(),
  })
  .strict();

/** A request event's detail as a producer writes it. */
export type RequestDetail = z.input<typeof requestDetailSchema>;
/** A request event's detail after validation. */
export type ParsedRequestDetail = z.infer<typeof requestDetailSchema>;

/** Detail of a result event (the original's): what was done to which resource, and the new minimum. */
export const resultDetailSchema = z
  .object({
    ARN: z.string(),
    Reason: z.string(),
    NewMinTPS: z.number().optional(),
  })
  .strict();
export type ResultDetail = z.input<typeof resultDetailSchema>;

/** Detail of a dashboard rebuild request. */
export const dashboardDetailSchema = z.object({ Reason: z.string() }).strict();
export type DashboardDetail = z.input<typeof dashboardDetailSchema>;

/** Keys of the ACTION input envelopes (the MONITOR definition and the event rules build them). */
export const INPUT_ENVELOPE = { finding: 'finding', event: 'event', via: 'via' } as const;

/** `via` values the request rules write: the stack's own requests bus, or the default bus (opt-in). */
export const BUS_VIA: Record<Extract<RequestOrigin, 'requestsBus' | 'defaultBus'>, string> = {
  requestsBus: 'requests-bus',
  defaultBus: 'default-bus',
};

