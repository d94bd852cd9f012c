/**
 * The ACTION state machine's contract: who asked (source, origin), the direct input a person
 * starts it with, the validated request and run every state carries, the re-check's result and
 * the outcomes an execution ends in.
 */
import { z } from 'zod';
import { APPROVAL_MODES, actionLimitsSchema, type ApprovalMode, type Behaviour } from '../../config/schema';
import type { FindingEvidence, ResourceType } from '../types';
import { isoTimeSchema, minCapacitySchema, nonNegativeSchema, personalizeArnSchema, reasonSchema } from './fields';

/** Who asked for the action: the MONITOR's findings, an EventBridge event, or a person. */
export const ACTION_SOURCES = ['monitor', 'event', 'manual'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

/**
 * How the execution was started, read from the input's envelope – which the entry point builds,
 * never a field a request sender controls: the MONITOR wraps its finding under `finding`, the
 * event rules wrap the delivered event under `event` with a fixed `via`, anything else is a
 * person's direct input (only principals allowed states:StartExecution can send one).
 */
export const REQUEST_ORIGINS = ['monitor', 'manual', 'requestsBus', 'defaultBus'] as const;
export type RequestOrigin = (typeof REQUEST_ORIGINS)[number];

/** The actions the machine can take. */
export const ACTION_KINDS = ['stop', 'delete', 'setMinCapacity'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** How an ACTION execution ends, as its notification names it. */
export const OUTCOMES = ['report', 'approved', 'rejected', 'expired', 'skipped', 'done', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: `expected one of ${values.join(', ')}` }) });

/** Evidence in a direct input (shown to the approver; never used by a check). */
export const actionEvidenceSchema = z
  .object({
    utilizationPercent: nonNegativeSchema,
    windowStart: isoTimeSchema,
    windowEnd: isoTimeSchema,
    datapoints: nonNegativeSchema,
    totalRequests: nonNegativeSchema,
    ageHours: nonNegativeSchema,
    currentMin: nonNegativeSchema,
    newMin: nonNegativeSchema,
    lowWatermark: nonNegativeSchema,
    highWatermark: nonNegativeSchema,
    monthlyWasteUsd: z.number(),
  })
  .partial()
  .strict() satisfies z.ZodType<ActionEvidence>;

/** Evidence carried by a request (a finding's evidence, or what an event or a person supplied). */
export type ActionEvidence = Partial<FindingEvidence>;

/** A person's direct input: `{"action":"stop","resourceArn":"arn:…:recommender/x"}`. */
export const directActionInputSchema = z
  .object({
    action: enumOf(ACTION_KINDS),
    resourceArn: personalizeArnSchema,
    newMin: minCapacitySchema.optional(),
    reason: reasonSchema.optional(),
    evidence: actionEvidenceSchema.optional(),
    // Who starts a direct input is a person with states:StartExecution: it is always manual.
    source: z.literal('manual', { errorMap: () => ({ message: 'a direct input is a manual request: only "manual" is accepted (the origin is decided by who starts the execution, never by the input)' }) }).optional(),
    approval: enumOf(APPROVAL_MODES).optional(),
    dryRun: z.boolean({ invalid_type_error: 'expected true or false' }).optional(),
  })
  .strict();
export type DirectActionInput = z.input<typeof directActionInputSchema>;

/** One validated action on one resource: the `request` every ACTION state carries. */
export interface ActionRequest {
  action: ActionKind;
  resourceArn: string;
  resourceType: ResourceType;
  region: string;
  name: string;
  /** New minimum capacity (setMinCapacity only). */
  newMin?: number;
  reason: string;
  evidence?: ActionEvidence;
  source: ActionSource;
  /** Entry point of the execution (see REQUEST_ORIGINS). */
  origin: RequestOrigin;
  mode: ApprovalMode;
  /** Execution start (ISO-8601, `$$.Execution.StartTime`): when the action was requested. */
  requestedAt: string;
}

/** Deployment facts the ACTION needs besides its behaviour: the capacity bounds and whether anyone can receive an approval email (embedded at synth). */
export const actionPolicySchema = actionLimitsSchema.extend({ approvalsDeliverable: z.boolean() }).strict();
export type ActionPolicy = z.output<typeof actionPolicySchema>;

/** The behaviour the ACTION execution runs with, its bounds, plus its single notion of "now". */
export type ActionRun = Behaviour & ActionPolicy & { now: string; executionArn: string };

/** A person's decision as the approval step returns it; `{ approved: false }` until one is made. */
export interface ApprovalResult {
  approved: boolean;
  decidedAt?: string;
}

/** The state every ACTION task receives (later states add their results beside these keys). */
export interface ActionState {
  request: ActionRequest;
  run: ActionRun;
  /** Set by ValidateAction to `{ approved: false }`, replaced by the approval step's result. */
  approval?: ApprovalResult;
}

/** What a describe says about the resource right now (absent fields: unknown or not applicable). */
export interface ResourceSnapshot {
  exists: boolean;
  status?: string;
  latestUpdateStatus?: string;
  /** Current minimum capacity (TPS or RPS). */
  minCapacity?: number;
  /** Minimum requested by the latest update, when there is one. */
  pendingMinCapacity?: number;
  /** Latest of creation, last update and restart (epoch ms), when the describe says. */
  changedAt?: number;
}

/** `needsApproval`: allowed only after a person approves (a raise beyond maxAutoRaiseFactor in auto mode). */
export type RecheckDecision = 'proceed' | 'skip' | 'alreadyDone' | 'needsApproval';

/** Result of `action-recheck`; `current` is the snapshot it decided on. */
export interface RecheckResult {
  decision: RecheckDecision;
  reason: string;
  current: ResourceSnapshot;
}

/** Largest ACTION execution input accepted (it travels through every state). */
export const MAX_ACTION_INPUT_BYTES = 32 * 1024;

/** One labelled fact about an action, as shown in emails and on the approval page (and stored with an approval). */
export interface Fact {
  label: string;
  value: string;
}
