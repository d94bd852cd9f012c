/**
 * Validates the input of one ACTION execution – a direct request or a raw EventBridge request
 * event – and resolves its approval mode. Pure: no AWS calls.
 */
import { z } from 'zod';
import { APPROVAL_MODES, PERSONALIZE_ARN_PATTERN, behaviourSchema, describeIssues } from '../../config/schema';
import {
  ACTION_KINDS,
  ACTION_SOURCES,
  ActionInputError,
  EVENT_SOURCE,
  REQUEST_EVENTS,
  checkActionFitsResource,
  resolveMode,
  type ActionEvidence,
  type ActionRequest,
  type ActionRun,
  type ActionSource,
} from '../../core/actions';
import { parseArn } from '../../core/arn';
import type { ActionKind, ResourceType } from '../../core/types';
import type { ApprovalMode } from '../../config/schema';

/** What the ValidateAction state passes (see the ACTION definition). */
export interface ValidateActionInput {
  defaults: unknown;
  input: unknown;
  startedAt: string;
  executionArn?: string;
}

export interface ValidateActionOutput {
  request: ActionRequest;
  run: ActionRun;
}

/** Largest execution input accepted (it travels through every state). */
export const MAX_ACTION_INPUT_BYTES = 32 * 1024;
/** Longest reason kept (it goes into subjects, pages and events). */
export const MAX_REASON_LENGTH = 1000;
/** Top-level keys of an EventBridge event envelope. */
const EVENT_ENVELOPE_KEYS = new Set(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail', 'replay-name']);

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: `expected one of ${values.join(', ')}` }) });

const wholeNumberAtLeastOne = z
  .number({ invalid_type_error: 'expected a whole number of at least 1', required_error: 'expected a whole number of at least 1' })
  .int('expected a whole number of at least 1, got a fraction')
  .min(1, 'expected a whole number of at least 1');

const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'expected an ISO-8601 time');
const nonNegative = z.number().min(0);

const evidenceSchema = z
  .object({
    utilizationPercent: nonNegative,
    windowStart: isoTime,
    windowEnd: isoTime,
    datapoints: nonNegative,
    totalRequests: nonNegative,
    ageHours: nonNegative,
    currentMin: nonNegative,
    newMin: nonNegative,
    lowWatermark: nonNegative,
    highWatermark: nonNegative,
    monthlyWasteUsd: z.number(),
  })
  .partial()
  .strict();

const arnSchema = z
  .string({ required_error: 'expected a campaign or recommender ARN' })
  .regex(PERSONALIZE_ARN_PATTERN, 'expected a campaign or recommender ARN (arn:<partition>:personalize:<region>:<account>:campaign|recommender/<name>)');

const directSchema = z
  .object({
    action: enumOf(ACTION_KINDS),
    resourceArn: arnSchema,
    newMin: wholeNumberAtLeastOne.optional(),
    reason: z.string().max(MAX_REASON_LENGTH).optional(),
    evidence: evidenceSchema.optional(),
    source: enumOf(ACTION_SOURCES).optional(),
    approval: enumOf(APPROVAL_MODES).optional(),
    dryRun: z.boolean({ invalid_type_error: 'expected true or false' }).optional(),
  })
  .strict();

/** The original's evidence fields on request events, mapped to ours. */
const eventDetailSchema = z
  .object({
    ARN: arnSchema,
    Reason: z.string().max(MAX_REASON_LENGTH).optional(),
    NewMinTPS: wholeNumberAtLeastOne.optional(),
    Utilization: nonNegative.optional(),
    AgeHours: nonNegative.optional(),
    IdleThresholdHours: nonNegative.optional(),
    TotalRequestsDuringIdleThresholdHours: nonNegative.optional(),
    CurrentMinTPS: nonNegative.optional(),
    MinAverageTPS: nonNegative.optional(),
    MaxAverageTPS: nonNegative.optional(),
    Datapoints: nonNegative.optional(),
    /** Added by our MONITOR to the events it emits (core/findings.ts): marks a finding. */
    Evidence: z
      .object({
        Window: z.string().regex(/^[^/]+\/[^/]+$/, 'expected an ISO-8601 interval start/end'),
        MonthlyWasteUsd: z.number(),
        Region: z.string(),
        DryRun: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

/** The request as read from either input shape, before mode resolution. */
interface ParsedRequest {
  action: ActionKind;
  resourceArn: string;
  newMin?: number;
  reason?: string;
  evidence?: ActionEvidence;
  source: ActionSource;
  approval?: ApprovalMode;
  dryRun?: boolean;
  /** Resource type the input implies (event detail-types name one), checked against the ARN. */
  impliedType?: ResourceType;
  origin: string;
}

function fail(what: string, error: z.ZodError): never {
  throw new ActionInputError(`invalid ${what}: ${describeIssues(error)}`);
}

function parseDirect(raw: Record<string, unknown>): ParsedRequest {
  const parsed = directSchema.safeParse(raw);
  if (!parsed.success) fail('action input', parsed.error);
  const d = parsed.data;
  return { ...d, source: d.source ?? 'manual', origin: 'action input' };
}

function parseEvent(raw: Record<string, unknown>): ParsedRequest {
  const unknownKeys = Object.keys(raw).filter((k) => !EVENT_ENVELOPE_KEYS.has(k));
  if (unknownKeys.length > 0) {
    throw new ActionInputError(`invalid event: unknown field(s) ${unknownKeys.map((k) => `"${k}"`).join(', ')}`);
  }
  const detailType = raw['detail-type'];
  const known = typeof detailType === 'string' && Object.prototype.hasOwnProperty.call(REQUEST_EVENTS, detailType) ? REQUEST_EVENTS[detailType] : undefined;
  if (!known) {
    throw new ActionInputError(`invalid event: unknown detail-type ${JSON.stringify(detailType)} (expected one of ${Object.keys(REQUEST_EVENTS).join(', ')})`);
  }
  if (raw.source !== EVENT_SOURCE) {
    throw new ActionInputError(`invalid event: source must be "${EVENT_SOURCE}", got ${JSON.stringify(raw.source)}`);
  }
  const parsed = eventDetailSchema.safeParse(raw.detail);
  if (!parsed.success) fail(`${detailType} event detail`, parsed.error);
  const d = parsed.data;
  const evidence: ActionEvidence = {};
  if (d.Utilization !== undefined) evidence.utilizationPercent = d.Utilization;
  if (d.AgeHours !== undefined) evidence.ageHours = d.AgeHours;
  if (d.TotalRequestsDuringIdleThresholdHours !== undefined) evidence.totalRequests = d.TotalRequestsDuringIdleThresholdHours;
  if (d.CurrentMinTPS !== undefined) evidence.currentMin = d.CurrentMinTPS;
  if (d.MinAverageTPS !== undefined) evidence.lowWatermark = d.MinAverageTPS;
  if (d.MaxAverageTPS !== undefined) evidence.highWatermark = d.MaxAverageTPS;
  if (d.Datapoints !== undefined) evidence.datapoints = d.Datapoints;
  const finding = d.Evidence;
  const arnRegion = d.ARN.split(':')[3];
  if (finding?.Region !== undefined && finding.Region !== arnRegion) {
    throw new ActionInputError(`invalid ${String(detailType)} event detail: Evidence.Region ${finding.Region} differs from the ARN's region ${arnRegion}`);
  }
  if (finding?.MonthlyWasteUsd !== undefined) evidence.monthlyWasteUsd = finding.MonthlyWasteUsd;
  if (finding?.Window !== undefined) {
    const [start, end] = finding.Window.split('/');
    if (!Number.isFinite(Date.parse(start)) || !Number.isFinite(Date.parse(end))) {
      throw new ActionInputError(`invalid ${String(detailType)} event detail: Evidence.Window: expected an ISO-8601 interval start/end, got "${finding.Window}"`);
    }
    evidence.windowStart = start;
    evidence.windowEnd = end;
  }
  return {
    action: known.action,
    resourceArn: d.ARN,
    newMin: d.NewMinTPS,
    reason: d.Reason,
    evidence: Object.keys(evidence).length > 0 ? evidence : undefined,
    // A finding of our MONITOR (it adds Evidence) keeps the finding's approval mode; a user's event does not.
    source: finding ? 'monitor' : 'event',
    ...(finding?.DryRun === true ? { dryRun: true } : {}),
    impliedType: known.resourceType,
    origin: `${detailType} event`,
  };
}

/** The account and partition of this execution, when its ARN is known. */
function executionAccount(executionArn: string | undefined): { partition: string; accountId: string } | undefined {
  if (!executionArn) return undefined;
  try {
    const p = parseArn(executionArn);
    return /^\d{12}$/.test(p.accountId) ? { partition: p.partition, accountId: p.accountId } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Validates an ACTION execution input and resolves its mode over the embedded defaults.
 * @throws ActionInputError naming the problem (unknown action or field, wrong action for the
 * resource type, bad newMin, malformed ARN, unknown detail-type, unmonitored region or other account).
 */
export function validateAction(event: ValidateActionInput): ValidateActionOutput {
  const defaults = behaviourSchema.safeParse(event.defaults);
  if (!defaults.success) {
    // The definition was synthesized from a validated config; reaching this means it was edited.
    throw new Error(`state machine defaults are invalid (redeploy): ${describeIssues(defaults.error)}`);
  }
  const startedAt = Date.parse(event.startedAt);
  if (!Number.isFinite(startedAt)) throw new Error(`startedAt is not a timestamp: ${String(event.startedAt)}`);

  const raw = event.input;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ActionInputError(`action input must be a JSON object such as {"action":"stop","resourceArn":"arn:…:recommender/x"}, got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}`);
  }
  const size = Buffer.byteLength(JSON.stringify(raw));
  if (size > MAX_ACTION_INPUT_BYTES) throw new ActionInputError(`action input is ${size} bytes; at most ${MAX_ACTION_INPUT_BYTES} are accepted`);

  const obj = raw as Record<string, unknown>;
  const isEvent = 'detail-type' in obj || 'detail' in obj;
  const req = isEvent ? parseEvent(obj) : parseDirect(obj);

  const arn = parseArn(req.resourceArn);
  const resourceType = arn.resourceType as ResourceType;
  if (req.impliedType && req.impliedType !== resourceType) {
    throw new ActionInputError(`${req.origin} needs a ${req.impliedType} ARN, got a ${resourceType} ARN: ${req.resourceArn}`);
  }
  checkActionFitsResource(req.action, resourceType, req.resourceArn);
  if (req.action === 'setMinCapacity' && req.newMin === undefined) {
    throw new ActionInputError(`invalid ${req.origin}: ${isEvent ? 'NewMinTPS' : 'newMin'} is required for setMinCapacity (a whole number of at least 1)`);
  }
  if (req.action !== 'setMinCapacity' && req.newMin !== undefined) {
    throw new ActionInputError(`invalid ${req.origin}: ${isEvent ? 'NewMinTPS' : 'newMin'} only applies to setMinCapacity, not to ${req.action}`);
  }

  const behaviour = defaults.data;
  if (!behaviour.regions.includes(arn.region)) {
    throw new ActionInputError(`${req.resourceArn} is in region ${arn.region}, which this deployment does not monitor (regions: ${behaviour.regions.join(', ')})`);
  }
  const own = executionAccount(event.executionArn);
  if (own && (own.accountId !== arn.accountId || own.partition !== arn.partition)) {
    throw new ActionInputError(`${req.resourceArn} belongs to account ${arn.accountId} (${arn.partition}); this deployment acts only in account ${own.accountId} (${own.partition})`);
  }

  const dryRun = req.dryRun ?? behaviour.dryRun;
  const requestedAt = new Date(startedAt).toISOString();
  const request: ActionRequest = {
    action: req.action,
    resourceArn: req.resourceArn,
    resourceType,
    region: arn.region,
    name: arn.resourceName,
    ...(req.newMin !== undefined ? { newMin: req.newMin } : {}),
    reason: req.reason?.trim() || `Requested by ${req.source === 'event' ? req.origin : `a ${req.source} execution`}`,
    ...(req.evidence ? { evidence: req.evidence } : {}),
    source: req.source,
    mode: resolveMode({ action: req.action, source: req.source, approval: req.approval, dryRun }, behaviour),
    requestedAt,
  };
  return { request, run: { ...behaviour, now: requestedAt, executionArn: String(event.executionArn ?? '') } };
}
