/**
 * The one configuration schema of Personalize Monitor.
 *
 * Used when synthesizing (config file + environment → `DeployConfig`, a bad value fails synth)
 * and at run time (per-run overrides → `RunConfig`, a bad value fails the execution).
 * Keys keep the original monitor's parameter meanings (see README, "Configuration").
 */
import { z } from 'zod';
import { SCHEDULE_EXPRESSION_FORMS, checkScheduleExpression } from './schedule-expression';
import { BACKEND_EXPECTED, defaultBackend, parseBackend, type BackendConfig } from './backend';
import { MAX_ALARM_PREFIX_LENGTH, checkAlarmPrefix, defaultAlarmPrefix } from '../core/contracts/ownership';

export { checkScheduleExpression } from './schedule-expression';

/** Regions look like `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Campaign or recommender ARN in any partition. */
export const PERSONALIZE_ARN_PATTERN =
  /^arn:aws[a-z-]*:personalize:[a-z0-9-]+:\d{12}:(campaign|recommender)\/[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Approval modes of the ACTION machine, per kind of action. */
export const APPROVAL_MODES = ['auto', 'approval', 'report'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/**
 * How a key's value is written, which is how the loader turns a `PM_` environment variable (a
 * string) into the value the schema validates. Every schema builder below tags what it builds, so
 * the kind of each key is derived from the shapes themselves (`CONFIG_KEY_SPECS`), never listed twice.
 */
/** `object`: a JSON object in the file, a string holding one in a `PM_` variable (e.g. PM_BACKEND). */
export type ValueKind = 'number' | 'boolean' | 'list' | 'string' | 'object';
export interface KeySpec {
  readonly kind: ValueKind;
  /** The allowed values in words, for messages: `a whole number from 0 to 720`. */
  readonly expected: string;
}
const SPECS = new WeakMap<z.ZodTypeAny, KeySpec>();
function tagged<T extends z.ZodTypeAny>(schema: T, kind: ValueKind, expected: string): T {
  SPECS.set(schema, { kind, expected });
  return schema;
}

/** A value as a message shows it: `null`, `true`, `[]`, `"24"`, `nothing`. */
export function received(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Error map for a wrong JSON type: `expected <expected>, got <value>`; other issues keep their message. */
function typeError(expected: string): z.ZodErrorMap {
  return (issue, ctx) =>
    issue.code === z.ZodIssueCode.invalid_type ? { message: `expected ${expected}, got ${received(ctx.data)}` } : { message: ctx.defaultError };
}

/**
 * Booleans: true/false and the original's Yes/No as strings (case-insensitive), nothing else
 * (no numbers, no null: a value that is not clearly a boolean must not switch a safety setting).
 */
const YES_NO = 'Yes, No, true or false';
const yesNo = tagged(
  z.unknown().transform((value, ctx): boolean => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const v = value.trim().toLowerCase();
      if (v === 'yes' || v === 'true') return true;
      if (v === 'no' || v === 'false') return false;
    }
    // fatal: a value that is not a boolean must not reach the cross-field checks as truthy.
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected ${YES_NO}, got ${received(value)}`, fatal: true });
    return z.NEVER;
  }),
  'boolean',
  YES_NO,
);

/**
 * Whole numbers: finite JSON numbers only. A string (even "24" or ""), null, boolean, array or
 * object is rejected; environment variables are converted by the loader (config/load.ts).
 */
function int(min: number, max: number) {
  const expected = `a whole number from ${min} to ${max}`;
  const msg = `expected ${expected}`;
  return tagged(z.number({ errorMap: typeError(expected) }).finite(msg).int(msg).min(min, msg).max(max, msg), 'number', expected);
}
/** Numbers (fractions allowed): finite JSON numbers only, as `int`. */
function num(min: number, max: number) {
  const expected = `a number from ${min} to ${max}`;
  const msg = `expected ${expected}`;
  return tagged(z.number({ errorMap: typeError(expected) }).finite(msg).min(min, msg).max(max, msg), 'number', expected);
}

/** Strings, with an optional check returning the problem. */
function text(expected: string, check?: (value: string) => string | undefined) {
  return tagged(
    z.string({ errorMap: typeError(expected) }).superRefine((value, ctx) => {
      const problem = check?.(value);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),
    'string',
    expected,
  );
}

/**
 * Lists: an array, or a string holding a JSON array (it starts with `[`) or CSV (trimmed, empties
 * dropped), so `["us-east-1","eu-west-1"]` and `us-east-1, eu-west-1` mean the same everywhere.
 */
function list<T extends z.ZodTypeAny>(item: T, expected: string, atLeastOne?: string) {
  return z
    .unknown()
    .transform((value, ctx): unknown => {
      if (typeof value !== 'string') return value;
      const t = value.trim();
      if (!t.startsWith('[')) return t.split(',').map((s) => s.trim()).filter(Boolean);
      try {
        return JSON.parse(t);
      } catch (err) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `starts with [ but is not a valid JSON array (${(err as Error).message}); expected ${expected}`,
          fatal: true,
        });
        return z.NEVER;
      }
    })
    .pipe(atLeastOne ? z.array(item, { errorMap: typeError(expected) }).min(1, atLeastOne) : z.array(item, { errorMap: typeError(expected) }));
}

const REGION_EXPECTED = 'an AWS region such as us-east-1';
const region = z.string({ errorMap: typeError(REGION_EXPECTED) }).regex(REGION_PATTERN, `expected ${REGION_EXPECTED}`);
const REGIONS_EXPECTED = 'at least one AWS region, as a JSON array or CSV (e.g. us-east-1,eu-west-1)';
const regions = tagged(list(region, REGIONS_EXPECTED, 'expected at least one region'), 'list', REGIONS_EXPECTED);

/** `all` or a list (CSV or array) of ARNs of the given kind. */
function arnSelection(kind: 'campaign' | 'recommender') {
  const arnExpected = `a Personalize ${kind} ARN (arn:<partition>:personalize:<region>:<account>:${kind}/<name>)`;
  const arn = z
    .string({ errorMap: typeError(arnExpected) })
    .regex(PERSONALIZE_ARN_PATTERN, `expected ${arnExpected}`)
    .refine((a) => a.split(':')[5]?.startsWith(`${kind}/`), `expected a ${kind} ARN, got another resource type`);
  const expected = `all, or ${kind} ARNs as a JSON array or CSV`;
  return tagged(
    z.preprocess(
      (v) => (typeof v === 'string' && v.trim().toLowerCase() === 'all' ? 'all' : v),
      z.union([z.literal('all'), list(arn, expected)]),
    ),
    'list',
    expected,
  );
}

function approvalMode(forWhat: string) {
  const expected = `one of ${APPROVAL_MODES.join(', ')}`;
  return tagged(
    z.enum(APPROVAL_MODES, { errorMap: (_issue, ctx) => ({ message: `expected ${expected} (${forWhat}), got ${received(ctx.data)}` }) }),
    'string',
    expected,
  );
}

/** IAM role or user ARN in any partition (path allowed; no wildcards, no root, no STS session). */
export const IAM_PRINCIPAL_ARN_PATTERN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const PRINCIPAL_EXPECTED = 'an IAM role or user ARN (arn:<partition>:iam::<12-digit account>:role/<path/name> or :user/<path/name>)';
/** Why an ARN is not an IAM role or user ARN; undefined when it is one. */
export function checkRequestSenderArn(arn: string): string | undefined {
  if (IAM_PRINCIPAL_ARN_PATTERN.test(arn)) return undefined;
  if (/^arn:aws(-[a-z]+)*:iam::\d{12}:root$/.test(arn)) {
    return `${arn} is the account root, which is not accepted (it would let every principal of the account send requests); expected ${PRINCIPAL_EXPECTED}`;
  }
  if (/[*?]/.test(arn)) return `${arn} contains a wildcard, which is not accepted; expected ${PRINCIPAL_EXPECTED}`;
  if (/^arn:[^:]*:sts::/.test(arn)) return `${arn} is an STS session, which is not accepted; name its role instead: ${PRINCIPAL_EXPECTED}`;
  return `expected ${PRINCIPAL_EXPECTED}, got ${received(arn)}`;
}
const REQUEST_SENDERS_EXPECTED = 'IAM role or user ARNs as a JSON array or CSV ([] for none)';
const requestSenderArn = z.string({ errorMap: typeError(PRINCIPAL_EXPECTED) }).superRefine((arn, ctx) => {
  const problem = checkRequestSenderArn(arn);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** Behaviour that may be overridden per run (all keys optional in a run input). */
export const behaviourShape = {
  /** CampaignARNs: `all` or a list of campaign ARNs. */
  campaignArns: arnSelection('campaign'),
  /** RecommenderARNs: `all` or a list of recommender ARNs. */
  recommenderArns: arnSelection('recommender'),
  /** Regions to monitor (with `all`; listed ARNs carry their own region, which must be one of these). */
  regions,
  autoCreateUtilizationAlarms: yesNo,
  /** Utilization alarm fires below this percent of the minimum capacity. */
  utilizationThresholdAlarmLowerBound: num(0, 1000),
  /** AutoAdjustMinTPS: lower over-provisioned minimums (campaigns and recommenders). */
  autoAdjustMinTps: yesNo,
  autoCreateIdleAlarms: yesNo,
  /** Hours without a single request before a resource counts as idle (original: 2–48). */
  idleThresholdHours: int(2, 168),
  /** AutoDeleteOrStopIdleResources: delete idle campaigns, stop idle recommenders. */
  autoDeleteOrStopIdleResources: yesNo,
  /** Compute, report and notify every decision; change nothing. */
  dryRun: yesNo,
  /** Tag key that exempts a resource (`true`/any value) or snoozes it (`YYYY-MM-DD`). */
  exemptionTagKey: text('a tag key of 1 to 128 characters', (v) => (v.length >= 1 && v.length <= 128 ? undefined : `expected a tag key of 1 to 128 characters, got ${v.length} characters`)),
  /** Days of hourly history used to find the low watermark of traffic. */
  lookBackDays: int(1, 60),
  /** Hours a resource must be left alone after its minimum changed (or it was updated). */
  coolDownHours: int(0, 720),
  /** Largest cut of a minimum in one change, in percent (100 = no limit). */
  maxStepPercent: int(1, 100),
  /** Newest minutes of metrics treated as incomplete (CloudWatch publishes late). */
  metricDelayMinutes: int(0, 60),
  /** Findings passed to the workflow per region and run, most wasteful first. */
  maxFindingsPerRegion: int(1, 100),
  /** Prices in USD used for the waste estimate (Personalize list prices vary by region). */
  campaignTpsHourPrice: num(0, 1000),
  recommenderRpsHourPrice: num(0, 1000),
  /** What the ACTION machine does with idle findings: act, ask a person first, or only report. */
  idleActionMode: approvalMode('for idle actions'),
  /** Same for lowering an over-provisioned minimum. */
  capacityActionMode: approvalMode('for lowering a minimum'),
  /** Same for actions requested by users through EventBridge events or manual executions. */
  eventActionMode: approvalMode('for requested actions'),
  /** Hours an approval link stays valid; the ACTION execution waits at most this long. */
  approvalLifetimeHours: int(1, 168),
  /** Per-resource KPI alarms: 5xx error rate and latency, each at a warning and a critical level. */
  kpiAlarms: yesNo,
  /** 5xx error rate (percent of requests, over a 5-minute period) of the warning level… */
  errorRateWarnPercent: num(0.01, 100),
  /** …and of the critical level (above the warning level). */
  errorRateCriticalPercent: num(0.01, 100),
  /** Average latency (ms, over a 5-minute period) of the warning level… */
  latencyWarnMs: int(1, 60000),
  /** …and of the critical level (above the warning level). */
  latencyCriticalMs: int(1, 60000),
  /** Per-resource traffic anomaly alarm (CloudWatch anomaly detection band over the request count). */
  trafficAnomalyAlarms: yesNo,
  /** Data-feed checks per dataset group (event ingestion, imports, training, models served): read-only reports. */
  dataFeedChecks: yesNo,
  /** Hours without a PutEvents call (after events in the look-back) before "event ingestion stopped". */
  eventIngestionIdleHours: int(1, 72),
  /** Percent of failed PutEvents calls over eventIngestionIdleHours above which ingestion errors are reported. */
  putEventsErrorPercent: num(0.1, 100),
  /** Days without a successful import into a dataset before "import overdue"; 0 = off (for teams that import on a schedule). */
  maxImportAgeDays: int(0, 365),
  /** Days since the newest ACTIVE model of a solution (or a recommender's last update) was trained before "model stale". */
  maxModelAgeDays: int(1, 3650),
  /** Hours a campaign may serve an older version than its solution's newest ACTIVE one (without syncWithLatestSolutionVersion). */
  campaignVersionLagHours: int(1, 720),
};

export const DEFAULT_BEHAVIOUR = {
  campaignArns: 'all',
  recommenderArns: 'all',
  autoCreateUtilizationAlarms: true,
  utilizationThresholdAlarmLowerBound: 100,
  autoAdjustMinTps: true,
  autoCreateIdleAlarms: true,
  idleThresholdHours: 24,
  autoDeleteOrStopIdleResources: false,
  dryRun: false,
  exemptionTagKey: 'PersonalizeMonitorExempt',
  lookBackDays: 14,
  coolDownHours: 24,
  maxStepPercent: 100,
  metricDelayMinutes: 10,
  maxFindingsPerRegion: 25,
  campaignTpsHourPrice: 0.2,
  recommenderRpsHourPrice: 0.2,
  idleActionMode: 'approval',
  capacityActionMode: 'approval',
  eventActionMode: 'auto',
  approvalLifetimeHours: 24,
  kpiAlarms: false,
  errorRateWarnPercent: 1,
  errorRateCriticalPercent: 5,
  latencyWarnMs: 500,
  latencyCriticalMs: 1000,
  trafficAnomalyAlarms: false,
  dataFeedChecks: true,
  eventIngestionIdleHours: 6,
  putEventsErrorPercent: 5,
  maxImportAgeDays: 0,
  maxModelAgeDays: 30,
  campaignVersionLagHours: 24,
} as const;

/**
 * Bounds of a Personalize minimum capacity. Source: Amazon Personalize API reference,
 * `minProvisionedTPS` (UpdateCampaign / CampaignConfig,
 * https://docs.aws.amazon.com/personalize/latest/dg/API_UpdateCampaign.html) and
 * `RecommenderConfig.minRecommendationRequestsPerSecond`
 * (https://docs.aws.amazon.com/personalize/latest/dg/API_RecommenderConfig.html): type Integer,
 * "Valid Range: Minimum value of 1", no published maximum, so the wire type's (32-bit signed
 * integer) maximum is the hard ceiling.
 */
export const PERSONALIZE_MIN_CAPACITY = 1;
/** See `PERSONALIZE_MIN_CAPACITY`: 2^31 - 1, the largest value of the API's Integer type. */
export const PERSONALIZE_MAX_CAPACITY = 2147483647;

/** Limits of what the ACTION machine may do to a minimum capacity (deployment-only). */
export const actionLimitsShape = {
  /** Largest minimum capacity (minProvisionedTPS / minRecommendationRequestsPerSecond) an action may set. */
  maxMinCapacity: int(PERSONALIZE_MIN_CAPACITY, PERSONALIZE_MAX_CAPACITY),
  /** Largest factor by which an automatic action may raise a minimum (new <= factor x current). */
  maxAutoRaiseFactor: int(1, 1000),
};
export const actionLimitsSchema = z.object(actionLimitsShape).strict();
export type ActionLimits = z.output<typeof actionLimitsSchema>;
export const DEFAULT_ACTION_LIMITS: Readonly<ActionLimits> = {
  maxMinCapacity: 100,
  maxAutoRaiseFactor: 10,
};

/** The health-check canary: off (default) or on. */
export const HEALTH_CHECK_MODES = ['off', 'on'] as const;
export type HealthCheckMode = (typeof HEALTH_CHECK_MODES)[number];
/** The canary may run at most once a minute (EventBridge Scheduler's rate granularity). */
export const MIN_HEALTH_CHECK_INTERVAL_MINUTES = 1;
const CANARY_INPUT_LIST_EXPECTED = 'item ids as a JSON array or CSV ([] for none)';
const PAGER_EXPECTED = 'an email address or an https URL ("" for none)';
/** Why a critical endpoint is neither an email address nor an https URL; undefined when it is one (or ""). */
export function checkPagerEndpoint(v: string): string | undefined {
  if (v === '' || email.safeParse(v).success) return undefined;
  if (/^https:\/\/[^\s/?#]+[^\s]*$/.test(v)) return undefined;
  if (/^http:\/\//.test(v)) return 'expected an https URL (SNS delivers to http endpoints unencrypted), got an http URL';
  return `expected ${PAGER_EXPECTED}, got ${received(v)}`;
}

const SCHEDULE_EXPECTED = `an EventBridge Scheduler expression: ${SCHEDULE_EXPRESSION_FORMS}`;
const EMAIL_EXPECTED = 'an email address ("" in the config file: no subscription)';
const email = z.string().email();

/** Deployment-only settings (not overridable per run: a MONITOR run input that sets one is rejected). */
export const deployShape = /* @__PURE__ */ (() => ({
  /** Prefix of every resource name; also the state machine name prefix. */
  stackName: text('1-28 letters, digits or hyphens, starting with a letter', (v) =>
    /^[a-zA-Z][a-zA-Z0-9-]{0,27}$/.test(v) ? undefined : 'expected 1-28 letters, digits or hyphens, starting with a letter',
  ),
  /**
   * Prefix of every alarm name the monitor creates (default `<stackName>-alarm-`). Never the
   * original sample's `PersonalizeMonitor-`: its alarms are not ours to change or delete.
   */
  alarmPrefix: tagged(
    text(`1 to ${MAX_ALARM_PREFIX_LENGTH} letters, digits, "-", "_" or "." not starting with PersonalizeMonitor-`, checkAlarmPrefix).optional(),
    'string',
    `1 to ${MAX_ALARM_PREFIX_LENGTH} letters, digits, "-", "_" or "." not starting with PersonalizeMonitor-`,
  ),
  /** Region where the monitor itself runs (state machines, functions, dashboard). */
  homeRegion: text(REGION_EXPECTED, (v) => (REGION_PATTERN.test(v) ? undefined : `expected ${REGION_EXPECTED}`)),
  /** Email address for notifications and approval links; empty = no subscription (then no approval mode may be in use). */
  notificationEndpoint: text(EMAIL_EXPECTED, (v) => (v === '' || email.safeParse(v).success ? undefined : 'expected an email address')),
  /** Schedule of the MONITOR (EventBridge Scheduler expression, see config/schedule-expression.ts). */
  scheduleExpression: text(SCHEDULE_EXPECTED, checkScheduleExpression),
  /** false: the schedule is created DISABLED (manual executions only). */
  scheduleEnabled: yesNo,
  logRetentionDays: tagged(
    z
      .number({ errorMap: typeError(`one of ${LOG_RETENTION_DAYS.join(', ')}`) })
      .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), `expected one of ${LOG_RETENTION_DAYS.join(', ')}`),
    'number',
    `one of ${LOG_RETENTION_DAYS.join(', ')}`,
  ),
  /** Lambda memory in MB. */
  lambdaMemoryMb: int(128, 10240),
  /** IAM roles / users (ARNs) whose requests (events, manual executions) the ACTION machine accepts. */
  requestSenders: tagged(list(requestSenderArn, REQUEST_SENDERS_EXPECTED), 'list', REQUEST_SENDERS_EXPECTED),
  /** Accept requests from the default event bus; delete/stop requests from there always need approval. */
  acceptDefaultBusRequests: yesNo,
  /**
   * Parity switch: also publish the original's per-resource `PersonalizeMonitor` metrics
   * (minProvisionedTPS/averageTPS/campaignUtilization, the recommender ones; same names,
   * dimensions, units) every run. Off (lean, default): alarms and graphs are metric math over
   * `AWS/Personalize`, no per-resource custom metric, metrics read only where a decision is due.
   */
  publishUtilizationMetrics: yesNo,
  /** Terraform state backend (config/backend.ts); default local state at the checkout root, by a relative path. */
  backend: tagged(
    z
      .unknown()
      .transform((value, ctx): BackendConfig | undefined => {
        if (value === undefined) return undefined;
        const r = parseBackend(value, { regionPattern: REGION_PATTERN, show: received });
        if ('value' in r) return r.value;
        for (const i of r.issues) ctx.addIssue({ code: z.ZodIssueCode.custom, path: i.path, message: i.message });
        return z.NEVER;
      }),
    'object',
    BACKEND_EXPECTED,
  ),
  /** Health-check canary: one real request to every ACTIVE campaign and recommender on a schedule. */
  healthCheck: tagged(
    z.enum(HEALTH_CHECK_MODES, { errorMap: (_issue, ctx) => ({ message: `expected one of ${HEALTH_CHECK_MODES.join(', ')}, got ${received(ctx.data)}` }) }),
    'string',
    `one of ${HEALTH_CHECK_MODES.join(', ')}`,
  ),
  /** Minutes between two canary runs (rate schedule). */
  healthCheckIntervalMinutes: int(MIN_HEALTH_CHECK_INTERVAL_MINUTES, 60),
  /** User id of the canary's requests (user recipes, ranking); a resource's tag may override it. */
  canaryUserId: text('a user id of 1 to 256 characters', (v) => (v.length >= 1 && v.length <= 256 ? undefined : 'expected a user id of 1 to 256 characters')),
  /** Item id of the canary's requests to related-items recipes ("" = none: such resources need the tag). */
  canaryItemId: text('an item id of up to 256 characters ("" for none)', (v) => (v.length <= 256 ? undefined : 'expected an item id of up to 256 characters')),
  /** Items the canary asks a personalized-ranking campaign to rank ([] = such resources need the tag). */
  canaryInputList: tagged(
    list(z.string().min(1, 'expected item ids of 1 to 256 characters').max(256, 'expected item ids of 1 to 256 characters'), CANARY_INPUT_LIST_EXPECTED).refine(
      (items) => items.length <= 500,
      'expected at most 500 item ids',
    ),
    'list',
    CANARY_INPUT_LIST_EXPECTED,
  ),
  /** Email address or https URL (a pager) subscribed to the per-region critical topics; "" = none. */
  criticalNotificationEndpoint: text(PAGER_EXPECTED, checkPagerEndpoint),
  /** Slack workspace (team) id authorised in AWS Chatbot; with slackChannelId, alerts reach Slack. */
  slackWorkspaceId: text('a Slack workspace id such as T012ABCDEFG ("" for none)', (v) =>
    v === '' || /^[A-Z0-9]{1,255}$/.test(v) ? undefined : 'expected a Slack workspace id such as T012ABCDEFG (upper-case letters and digits)',
  ),
  /** Slack channel id (e.g. C012ABCDEFG) the notifications go to. */
  slackChannelId: text('a Slack channel id such as C012ABCDEFG ("" for none)', (v) =>
    v === '' || /^[A-Z0-9]{1,255}$/.test(v) ? undefined : 'expected a Slack channel id such as C012ABCDEFG (upper-case letters and digits)',
  ),
  ...actionLimitsShape,
}))();

export const DEFAULT_DEPLOY = {
  stackName: 'personalize-monitor',
  notificationEndpoint: '',
  scheduleExpression: 'rate(5 minutes)',
  scheduleEnabled: true,
  logRetentionDays: 30,
  lambdaMemoryMb: 256,
  requestSenders: [] as string[],
  acceptDefaultBusRequests: false,
  publishUtilizationMetrics: false,
  healthCheck: 'off',
  healthCheckIntervalMinutes: 5,
  canaryUserId: 'personalize-monitor-canary',
  canaryItemId: '',
  canaryInputList: [] as string[],
  criticalNotificationEndpoint: '',
  slackWorkspaceId: '',
  slackChannelId: '',
  ...DEFAULT_ACTION_LIMITS,
} as const;

/** Every key the config file and the environment may set, with its schema. */
export const configShape = /* @__PURE__ */ (() => ({ ...deployShape, ...behaviourShape }))();
export type ConfigKey = keyof typeof configShape;

/**
 * Kind and allowed values of every config key, read from the tags of the shapes' schemas.
 * A key built without a tagging builder fails here, when the module loads.
 */
export const CONFIG_KEY_SPECS: Readonly<Record<ConfigKey, KeySpec>> = /* @__PURE__ */ (() => Object.fromEntries(
  Object.entries(configShape).map(([key, schema]) => {
    const spec = SPECS.get(schema);
    if (!spec) throw new Error(`config/schema.ts: key ${key} has no value kind (build its schema with int, num, yesNo, list, text or tagged)`);
    return [key, spec];
  }),
) as Record<ConfigKey, KeySpec>)();

/** Everything the config file / environment may hold. */
export const deployConfigSchema = /* @__PURE__ */ (() => z
  .object(configShape)
  .strict()
  .superRefine(checkArnRegions)
  .superRefine(checkApprovalEndpoint)
  .superRefine(checkKpiLevels)
  .superRefine(checkSlack)
  // alarmPrefix defaults to one derived from stackName (DEFAULT_DEPLOY cannot know it).
  .transform((cfg) => ({ ...cfg, alarmPrefix: cfg.alarmPrefix ?? defaultAlarmPrefix(cfg.stackName) }))
  .transform((cfg) => ({ ...cfg, backend: cfg.backend ?? defaultBackend(cfg.stackName) })))();

/** Per-run input of the MONITOR: any behaviour key, nothing else. */
export const runOverridesSchema = z.object(behaviourShape).partial().strict();

/** Behaviour as resolved for one run (defaults + deploy config + run overrides). */
export const behaviourSchema = z.object(behaviourShape).strict().superRefine(checkArnRegions).superRefine(checkKpiLevels);

export type DeployConfig = z.output<typeof deployConfigSchema>;
export type Behaviour = z.output<typeof behaviourSchema>;
export type RunOverrides = z.output<typeof runOverridesSchema>;

/**
 * An approval request is mailed to notificationEndpoint; without one it would never reach anybody,
 * so a setting that can make approval requests needs the endpoint. The issue's `params.related`
 * names the other fields involved (the loader reports their sources too).
 */
function checkApprovalEndpoint(
  cfg: {
    notificationEndpoint: string;
    autoDeleteOrStopIdleResources: boolean;
    idleActionMode: ApprovalMode;
    autoAdjustMinTps: boolean;
    capacityActionMode: ApprovalMode;
    eventActionMode: ApprovalMode;
    acceptDefaultBusRequests: boolean;
  },
  ctx: z.RefinementCtx,
): void {
  if (cfg.notificationEndpoint !== '') return;
  const why = 'approval links are sent by email to notificationEndpoint, which is empty; set notificationEndpoint or choose auto/report';
  const issue = (field: string, message: string, related: string[]) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message, params: { related: [...related, 'notificationEndpoint'] } });
  if (cfg.autoDeleteOrStopIdleResources === true && cfg.idleActionMode === 'approval') {
    issue('idleActionMode', `is approval while autoDeleteOrStopIdleResources is true: ${why}`, ['autoDeleteOrStopIdleResources']);
  }
  if (cfg.autoAdjustMinTps === true && cfg.capacityActionMode === 'approval') {
    issue('capacityActionMode', `is approval while autoAdjustMinTps is true: ${why}`, ['autoAdjustMinTps']);
  }
  if (cfg.eventActionMode === 'approval') issue('eventActionMode', `is approval: ${why}`, []);
  if (cfg.acceptDefaultBusRequests === true) {
    issue(
      'acceptDefaultBusRequests',
      'is true, and requests from the default event bus always need approval for delete/stop: approval links are sent by email to notificationEndpoint, which is empty; set notificationEndpoint or set acceptDefaultBusRequests to false',
      [],
    );
  }
}

/** A critical level must lie above its warning level (else the warning would never be seen first). */
function checkKpiLevels(
  cfg: { errorRateWarnPercent: number; errorRateCriticalPercent: number; latencyWarnMs: number; latencyCriticalMs: number },
  ctx: z.RefinementCtx,
): void {
  const pairs = [
    ['errorRateWarnPercent', 'errorRateCriticalPercent'],
    ['latencyWarnMs', 'latencyCriticalMs'],
  ] as const;
  for (const [warn, critical] of pairs) {
    if (typeof cfg[warn] !== 'number' || typeof cfg[critical] !== 'number') continue;
    if (cfg[critical] <= cfg[warn]) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [critical], message: `must be above ${warn} (${cfg[warn]}), got ${cfg[critical]}`, params: { related: [warn] } });
    }
  }
}

/** Slack needs both the workspace and the channel: one without the other would silently send nothing. */
function checkSlack(cfg: { slackWorkspaceId: string; slackChannelId: string }, ctx: z.RefinementCtx): void {
  if ((cfg.slackWorkspaceId === '') === (cfg.slackChannelId === '')) return;
  const [set, missing] = cfg.slackWorkspaceId === '' ? ['slackChannelId', 'slackWorkspaceId'] : ['slackWorkspaceId', 'slackChannelId'];
  ctx.addIssue({ code: z.ZodIssueCode.custom, path: [missing], message: `is empty while ${set} is set; Slack needs both (or neither)`, params: { related: [set] } });
}

/** Listed ARNs must lie in the monitored regions, or they would silently never be read. */
function checkArnRegions(
  cfg: { campaignArns: 'all' | string[]; recommenderArns: 'all' | string[]; regions: string[] },
  ctx: z.RefinementCtx,
): void {
  for (const key of ['campaignArns', 'recommenderArns'] as const) {
    const sel = cfg[key];
    if (!Array.isArray(sel) || !Array.isArray(cfg.regions)) continue;
    sel.forEach((arn, i) => {
      const r = arn.split(':')[3];
      if (!cfg.regions.includes(r)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key, i],
          message: `ARN is in region ${r}, which is not in regions (${cfg.regions.join(', ')})`,
        });
      }
    });
  }
}

/** Turns zod issues into one line per field: `idleThresholdHours: expected a whole number from 2 to 168`. */
export function describeIssues(error: z.ZodError): string {
  return flatten(error.issues)
    .map((i) => {
      const field = i.path.length ? i.path.join('.') : '(input)';
      if (i.code === z.ZodIssueCode.unrecognized_keys) return `${field}: unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${field}: ${i.message}`;
    })
    .join('; ');
}

/** A failed union (`all` or a list) reports the issues of its list branch, which name the bad item. */
function flatten(issues: z.ZodIssue[]): z.ZodIssue[] {
  return issues.flatMap((i) => {
    if (i.code !== z.ZodIssueCode.invalid_union) return [i];
    const branch = i.unionErrors[i.unionErrors.length - 1];
    return branch ? flatten(branch.issues) : [i];
  });
}
