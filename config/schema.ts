/**
 * The one configuration schema of Personalize Monitor.
 *
 * Used when synthesizing (config file + environment → `DeployConfig`, a bad value fails synth)
 * and at run time (per-run overrides → `RunConfig`, a bad value fails the execution).
 * Keys keep the original monitor's parameter meanings (see README, "Configuration").
 */
import { z } from 'zod';

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

/** Booleans accept true/false and the original's Yes/No (case-insensitive), nothing else. */
const yesNo = z.union([
  z.boolean(),
  z.string().transform((value, ctx) => {
    const v = value.trim().toLowerCase();
    if (v === 'yes' || v === 'true') return true;
    if (v === 'no' || v === 'false') return false;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected Yes, No, true or false, got "${value}"` });
    return z.NEVER;
  }),
]);

/** Whole numbers given as numbers or numeric strings (environment variables are strings). */
function int(min: number, max: number) {
  return z.coerce
    .number({ invalid_type_error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`);
}
function num(min: number, max: number) {
  return z.coerce
    .number({ invalid_type_error: `expected a number from ${min} to ${max}` })
    .min(min, `expected a number from ${min} to ${max}`)
    .max(max, `expected a number from ${min} to ${max}`);
}

/** A CSV string or an array, trimmed, empties dropped. */
function list<T extends z.ZodTypeAny>(item: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item));
}

const region = z.string().regex(REGION_PATTERN, 'expected an AWS region such as us-east-1');
const regions = list(region).refine((r) => r.length > 0, 'expected at least one region');

/** `all` or a list (CSV or array) of ARNs of the given kind. */
function arnSelection(kind: 'campaign' | 'recommender') {
  const arn = z
    .string()
    .regex(PERSONALIZE_ARN_PATTERN, `expected a Personalize ${kind} ARN (arn:<partition>:personalize:<region>:<account>:${kind}/<name>)`)
    .refine((a) => a.split(':')[5]?.startsWith(`${kind}/`), `expected a ${kind} ARN, got another resource type`);
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim().toLowerCase() === 'all' ? 'all' : v),
    z.union([z.literal('all'), list(arn)]),
  );
}

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
  exemptionTagKey: z.string().min(1).max(128),
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
  idleActionMode: z.enum(APPROVAL_MODES, { errorMap: () => ({ message: `expected one of ${APPROVAL_MODES.join(', ')}` }) }),
  /** Same for lowering an over-provisioned minimum. */
  capacityActionMode: z.enum(APPROVAL_MODES, { errorMap: () => ({ message: `expected one of ${APPROVAL_MODES.join(', ')}` }) }),
  /** Same for actions requested by users through EventBridge events or manual executions. */
  eventActionMode: z.enum(APPROVAL_MODES, { errorMap: () => ({ message: `expected one of ${APPROVAL_MODES.join(', ')}` }) }),
  /** Hours an approval link stays valid; the ACTION execution waits at most this long. */
  approvalLifetimeHours: int(1, 168),
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
} as const;

/** Deployment-only settings (not overridable per run). */
export const deployShape = {
  /** Prefix of every resource name; also the state machine name prefix. */
  stackName: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,27}$/, 'expected 1-28 letters, digits or hyphens, starting with a letter'),
  /** Region where the monitor itself runs (state machines, functions, dashboard). */
  homeRegion: region,
  /** Email address for notifications; empty = no subscription. */
  notificationEndpoint: z.union([z.literal(''), z.string().email('expected an email address')]),
  /** Schedule of the MONITOR (EventBridge Scheduler expression). */
  scheduleExpression: z.string().regex(/^(rate\(\d+ (minute|minutes|hour|hours)\)|cron\(.+\))$/, 'expected rate(N minutes) or cron(...)'),
  /** false: the schedule is created DISABLED (manual executions only). */
  scheduleEnabled: yesNo,
  logRetentionDays: z.coerce
    .number()
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), `expected one of ${LOG_RETENTION_DAYS.join(', ')}`),
  /** Lambda memory in MB. */
  lambdaMemoryMb: int(128, 10240),
};

export const DEFAULT_DEPLOY = {
  stackName: 'personalize-monitor',
  notificationEndpoint: '',
  scheduleExpression: 'rate(5 minutes)',
  scheduleEnabled: true,
  logRetentionDays: 30,
  lambdaMemoryMb: 256,
} as const;

/** Everything the config file / environment may hold. */
export const deployConfigSchema = z
  .object({ ...deployShape, ...behaviourShape })
  .strict()
  .superRefine(checkArnRegions);

/** Per-run input of the MONITOR: any behaviour key, nothing else. */
export const runOverridesSchema = z.object(behaviourShape).partial().strict();

/** Behaviour as resolved for one run (defaults + deploy config + run overrides). */
export const behaviourSchema = z.object(behaviourShape).strict().superRefine(checkArnRegions);

export type DeployConfig = z.output<typeof deployConfigSchema>;
export type Behaviour = z.output<typeof behaviourSchema>;
export type RunOverrides = z.output<typeof runOverridesSchema>;

/** Listed ARNs must lie in the monitored regions, or they would silently never be read. */
function checkArnRegions(
  cfg: { campaignArns: 'all' | string[]; recommenderArns: 'all' | string[]; regions: string[] },
  ctx: z.RefinementCtx,
): void {
  for (const key of ['campaignArns', 'recommenderArns'] as const) {
    const sel = cfg[key];
    if (sel === 'all') continue;
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
