/**
 * Validates the input of one ACTION execution and resolves its origin and approval mode. The
 * origin comes from the input's envelope, which the entry point builds (the MONITOR's `finding`,
 * a request rule's `event` + `via`); nothing a request carries (evidence, source, numbers) can
 * switch a check off. Pure: no AWS calls.
 */
import { z } from 'zod';
import { behaviourSchema, describeIssues } from '../../config/schema';
import {
  ActionInputError,
  REQUEST_EVENTS,
  checkActionFitsResource,
  isIdleAction,
  resolveMode,
  sourceOf,
} from '../../core/actions';
import {
  MAX_ACTION_INPUT_BYTES,
  actionPolicySchema,
  directActionInputSchema,
  type ActionEvidence,
  type ActionPolicy,
  type ActionRequest,
  type ActionRun,
  type ApprovalResult,
  type RequestOrigin,
} from '../../core/contracts/action';
import { BUS_VIA, EVENT_ENVELOPE_KEYS, EVENT_SOURCE, INPUT_ENVELOPE, requestDetailSchema } from '../../core/contracts/events';
import { CAPACITY_RANGE } from '../../core/contracts/fields';
import { parseArn, type ParsedArn } from '../../core/arn';
import type { ActionKind, ResourceType } from '../../core/types';
import type { ApprovalMode } from '../../config/schema';

/** What the ValidateAction state passes (see the ACTION definition). */
export interface ValidateActionInput {
  defaults: unknown;
  /** Capacity bounds and whether approval emails can be delivered (embedded at synth). */
  policy: unknown;
  input: unknown;
  startedAt: string;
  executionArn?: string;
}

export interface ValidateActionOutput {
  request: ActionRequest;
  run: ActionRun;
  /** No decision yet: the approval step replaces it. */
  approval: ApprovalResult;
}

/** The request as read from any input shape, before mode resolution. */
interface ParsedRequest {
  action: ActionKind;
  resourceArn: string;
  newMin?: number;
  reason?: string;
  /** Shown to the approver; never used by a check. */
  evidence?: ActionEvidence;
  approval?: ApprovalMode;
  dryRun?: boolean;
  /** Resource type the input implies (event detail-types name one), checked against the ARN. */
  impliedType?: ResourceType;
  /** Name of the capacity field in this input shape (for messages). */
  newMinField: 'newMin' | 'NewMinTPS';
  /** What the input was, for messages: `action input`, `DeletePersonalizeCampaign event`. */
  what: string;
}

function fail(what: string, error: z.ZodError): never {
  throw new ActionInputError(`invalid ${what}: ${describeIssues(error)}`);
}

function parseDirect(raw: Record<string, unknown>): ParsedRequest {
  const parsed = directActionInputSchema.safeParse(raw);
  if (!parsed.success) fail('action input', parsed.error);
  const { source: _source, ...d } = parsed.data;
  return { ...d, newMinField: 'newMin', what: 'action input' };
}

/** `{ finding: { detail-type, detail } }`: the MONITOR's start (workflows/monitor.ts). */
function parseFinding(raw: Record<string, unknown>): ParsedRequest {
  const extra = Object.keys(raw).filter((k) => k !== INPUT_ENVELOPE.finding);
  if (extra.length > 0) throw new ActionInputError(`invalid finding input: unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')} beside "${INPUT_ENVELOPE.finding}"`);
  const finding = raw[INPUT_ENVELOPE.finding];
  if (finding === null || typeof finding !== 'object' || Array.isArray(finding)) {
    throw new ActionInputError(`invalid finding input: "${INPUT_ENVELOPE.finding}" must be an object {"detail-type", "detail"}`);
  }
  const f = finding as Record<string, unknown>;
  const unknownKeys = Object.keys(f).filter((k) => k !== 'detail-type' && k !== 'detail');
  if (unknownKeys.length > 0) throw new ActionInputError(`invalid finding input: unknown field(s) ${unknownKeys.map((k) => `"${k}"`).join(', ')}`);
  return parseEvent({ source: EVENT_SOURCE, ...f }, 'finding');
}

/** `{ event, via }`: a request rule's delivery (infra: the input transformer writes both). */
function parseBusDelivery(raw: Record<string, unknown>): { parsed: ParsedRequest; origin: RequestOrigin } {
  const extra = Object.keys(raw).filter((k) => k !== INPUT_ENVELOPE.event && k !== INPUT_ENVELOPE.via);
  if (extra.length > 0) throw new ActionInputError(`invalid event delivery: unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')}`);
  const via = raw[INPUT_ENVELOPE.via];
  const origin = (Object.keys(BUS_VIA) as (keyof typeof BUS_VIA)[]).find((o) => BUS_VIA[o] === via);
  if (!origin) throw new ActionInputError(`invalid event delivery: via must be one of ${Object.values(BUS_VIA).join(', ')}, got ${JSON.stringify(via)}`);
  const event = raw[INPUT_ENVELOPE.event];
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new ActionInputError('invalid event delivery: "event" must be the EventBridge event object');
  return { parsed: parseEvent(event as Record<string, unknown>, 'event'), origin };
}

function parseEvent(raw: Record<string, unknown>, kind: 'event' | 'finding'): ParsedRequest {
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
  const parsed = requestDetailSchema.safeParse(raw.detail);
  if (!parsed.success) fail(`${detailType} ${kind} detail`, parsed.error);
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
    throw new ActionInputError(`invalid ${String(detailType)} ${kind} detail: Evidence.Region ${finding.Region} differs from the ARN's region ${arnRegion}`);
  }
  if (finding?.MonthlyWasteUsd !== undefined) evidence.monthlyWasteUsd = finding.MonthlyWasteUsd;
  if (finding?.Window !== undefined) {
    const [start, end] = finding.Window.split('/');
    if (!Number.isFinite(Date.parse(start)) || !Number.isFinite(Date.parse(end))) {
      throw new ActionInputError(`invalid ${String(detailType)} ${kind} detail: Evidence.Window: expected an ISO-8601 interval start/end, got "${finding.Window}"`);
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
    // DryRun can only make the request more cautious (report); it never loosens anything.
    ...(finding?.DryRun === true ? { dryRun: true } : {}),
    impliedType: known.resourceType,
    newMinField: 'NewMinTPS',
    what: `${detailType} ${kind}`,
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

/** The ARN's parts; a malformed one is the request's fault, named as such. */
function parseRequestArn(arn: string, what: string): ParsedArn {
  try {
    return parseArn(arn);
  } catch (err) {
    throw new ActionInputError(`invalid ${what}: ${(err as Error).message}`);
  }
}

/** Reads the input's shape: which entry point built it, and the request it carries. */
function classify(obj: Record<string, unknown>): { parsed: ParsedRequest; origin: RequestOrigin } {
  if (INPUT_ENVELOPE.finding in obj) return { parsed: parseFinding(obj), origin: 'monitor' };
  if (INPUT_ENVELOPE.event in obj || INPUT_ENVELOPE.via in obj) return parseBusDelivery(obj);
  // A raw event given as a direct input is still a person's request.
  if ('detail-type' in obj || 'detail' in obj) return { parsed: parseEvent(obj, 'event'), origin: 'manual' };
  return { parsed: parseDirect(obj), origin: 'manual' };
}

/**
 * Validates an ACTION execution input and resolves its origin and mode over the embedded defaults.
 * @throws ActionInputError naming the problem (unknown action or field, wrong action for the
 * resource type, a minimum outside Personalize's range or above maxMinCapacity, malformed ARN,
 * unknown detail-type, unmonitored region or other account, a MONITOR finding of a kind that is
 * switched off, an approval nobody could receive).
 */
export function validateAction(event: ValidateActionInput): ValidateActionOutput {
  const defaults = behaviourSchema.safeParse(event.defaults);
  if (!defaults.success) {
    // The definition was synthesized from a validated config; reaching this means it was edited.
    throw new Error(`state machine defaults are invalid (redeploy): ${describeIssues(defaults.error)}`);
  }
  const policyParsed = actionPolicySchema.safeParse(event.policy);
  if (!policyParsed.success) throw new Error(`state machine action policy is invalid (redeploy): ${describeIssues(policyParsed.error)}`);
  const policy: ActionPolicy = policyParsed.data;
  const startedAt = Date.parse(event.startedAt);
  if (!Number.isFinite(startedAt)) throw new Error(`startedAt is not a timestamp: ${String(event.startedAt)}`);

  const raw = event.input;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ActionInputError(`action input must be a JSON object such as {"action":"stop","resourceArn":"arn:…:recommender/x"}, got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}`);
  }
  const size = Buffer.byteLength(JSON.stringify(raw));
  if (size > MAX_ACTION_INPUT_BYTES) throw new ActionInputError(`action input is ${size} bytes; at most ${MAX_ACTION_INPUT_BYTES} are accepted`);

  const { parsed: req, origin } = classify(raw as Record<string, unknown>);
  const arn = parseRequestArn(req.resourceArn, req.what);
  const resourceType = arn.resourceType as ResourceType;
  if (req.impliedType && req.impliedType !== resourceType) {
    throw new ActionInputError(`${req.what} needs a ${req.impliedType} ARN, got a ${resourceType} ARN: ${req.resourceArn}`);
  }
  checkActionFitsResource(req.action, resourceType, req.resourceArn);
  if (req.action === 'setMinCapacity' && req.newMin === undefined) {
    throw new ActionInputError(`invalid ${req.what}: ${req.newMinField} is required for setMinCapacity (${CAPACITY_RANGE})`);
  }
  if (req.action !== 'setMinCapacity' && req.newMin !== undefined) {
    throw new ActionInputError(`invalid ${req.what}: ${req.newMinField} only applies to setMinCapacity, not to ${req.action}`);
  }
  if (req.newMin !== undefined && req.newMin > policy.maxMinCapacity) {
    throw new ActionInputError(
      `invalid ${req.what}: ${req.newMinField} ${req.newMin} is above maxMinCapacity ${policy.maxMinCapacity}, the deployment's ceiling for any minimum (raise maxMinCapacity in the configuration to allow it)`,
    );
  }

  const behaviour = defaults.data;
  if (!behaviour.regions.includes(arn.region)) {
    throw new ActionInputError(`${req.resourceArn} is in region ${arn.region}, which this deployment does not monitor (regions: ${behaviour.regions.join(', ')})`);
  }
  const own = executionAccount(event.executionArn);
  if (own && (own.accountId !== arn.accountId || own.partition !== arn.partition)) {
    throw new ActionInputError(`${req.resourceArn} belongs to account ${arn.accountId} (${arn.partition}); this deployment acts only in account ${own.accountId} (${own.partition})`);
  }
  if (origin === 'monitor') {
    // A finding is acted on only when the deployment lets the MONITOR act on its kind.
    const [flag, on] = isIdleAction(req.action)
      ? ['autoDeleteOrStopIdleResources', behaviour.autoDeleteOrStopIdleResources]
      : ['autoAdjustMinTps', behaviour.autoAdjustMinTps];
    if (!on) throw new ActionInputError(`invalid finding input: the MONITOR does not act on ${req.action} findings in this deployment (${flag} is false)`);
  }

  const dryRun = req.dryRun === true || behaviour.dryRun;
  const mode = resolveMode({ action: req.action, origin, approval: req.approval, dryRun }, behaviour);
  if (mode === 'approval' && !policy.approvalsDeliverable) {
    throw new ActionInputError(
      `${req.what} needs a person's approval (mode approval) but this deployment has no notificationEndpoint: nobody could receive the approval email. Set notificationEndpoint, or ask for report / dryRun`,
    );
  }
  const source = sourceOf(origin);
  const requestedAt = new Date(startedAt).toISOString();
  const request: ActionRequest = {
    action: req.action,
    resourceArn: req.resourceArn,
    resourceType,
    region: arn.region,
    name: arn.resourceName,
    ...(req.newMin !== undefined ? { newMin: req.newMin } : {}),
    reason: req.reason?.trim() || `Requested by ${origin === 'manual' ? 'a manual execution' : origin === 'monitor' ? 'the MONITOR' : req.what}`,
    ...(req.evidence ? { evidence: req.evidence } : {}),
    source,
    origin,
    mode,
    requestedAt,
  };
  return {
    request,
    run: { ...behaviour, ...policy, now: requestedAt, executionArn: String(event.executionArn ?? '') },
    approval: { approved: false },
  };
}
