/**
 * Environment and input of the build-dashboard task, validated (a bad value names itself).
 * Pure: no SDK imports.
 */
import { z } from 'zod';
import { PERSONALIZE_ARN_PATTERN, REGION_PATTERN, describeIssues } from '../../config/schema';
import { DASHBOARD_DETAIL_TYPE } from '../../core/findings';
import type { MonitoredResource } from '../../core/types';
import { ConfigurationError, InvalidRunInputError } from '../shared/errors';
import { alarmOwnership, type TaskEnvName } from '../shared/task-env';

/** Environment variables the infrastructure sets on the function. */
export const ENV = {
  regions: 'PM_REGIONS',
  homeRegion: 'PM_HOME_REGION',
  stackName: 'PM_STACK_NAME',
  /** Optional: by default derived from the function's own ARN (see handler). */
  stateMachineArn: 'PM_MONITOR_STATE_MACHINE_ARN',
  /** Optional, as the deploy config: `all` (default) or a JSON array / CSV of ARNs. */
  campaignArns: 'PM_CAMPAIGN_ARNS',
  recommenderArns: 'PM_RECOMMENDER_ARNS',
  /** The deploy config's alarmPrefix: the dashboard's alarms links search for it. */
  alarmPrefix: 'PM_ALARM_PREFIX',
  /** Optional, the deploy config's dryRun ("true"/"false"): a dry-run deploy writes no dashboard. */
  dryRun: 'PM_DRY_RUN',
  /** The MONITOR's state table: the fleet as collect described it (needed unless the input carries the fleet). */
  stateTable: 'PM_STATE_TABLE',
  /** Optional: JSON array of the names of the monitor's own alarms (Terraform's, home region), for the alarm widget. */
  stackAlarms: 'PM_STACK_ALARMS',
  /** Optional: the deploy config's healthCheck ("on"/"off"): with it on, the index shows the canary's endpoint health. */
  healthCheck: 'PM_HEALTH_CHECK',
  /** Optional ("true"/"false", default false): with it true, the dashboard shows the data-feed task's tables. */
  dataFeedChecks: 'PM_DATA_FEED_CHECKS',
} as const satisfies Record<string, TaskEnvName>;


export interface BuildDashboardEnv {
  regions: string[];
  homeRegion: string;
  stackName: string;
  stateMachineArn?: string;
  campaignArns: 'all' | string[];
  recommenderArns: 'all' | string[];
  alarmPrefix: string;
  /** The deploy's dryRun: report what would be written, write nothing (no invocation can lift it). */
  dryRun: boolean;
  /** PM_STATE_TABLE; undefined when unset (then only an input carrying the fleet can be drawn). */
  stateTable?: string;
  /** PM_STACK_ALARMS: names of the monitor's own alarms (empty when unset). */
  stackAlarms: string[];
  /** PM_HEALTH_CHECK is on: the canary writes records (its log group exists). */
  healthCheck: boolean;
  /** PM_DATA_FEED_CHECKS is true: the data-feed task writes records (its log group exists). */
  dataFeedChecks: boolean;
}

/**
 * Reads the task's environment.
 * @throws ConfigurationError naming the variable and what was expected.
 */
export function readEnv(env: Record<string, string | undefined>): BuildDashboardEnv {
  const required = (name: string): string => {
    const v = env[name]?.trim();
    if (!v) throw new ConfigurationError(`environment variable ${name} is not set`);
    return v;
  };
  let regions: unknown;
  try {
    regions = JSON.parse(required(ENV.regions));
  } catch (err) {
    if (err instanceof ConfigurationError) throw err;
    throw new ConfigurationError(`environment variable ${ENV.regions} must be a JSON array of regions, e.g. ["us-east-1"], got ${env[ENV.regions]}`);
  }
  if (!Array.isArray(regions) || regions.length === 0 || !regions.every((r) => typeof r === 'string' && REGION_PATTERN.test(r))) {
    throw new ConfigurationError(`environment variable ${ENV.regions} must be a non-empty JSON array of regions, e.g. ["us-east-1"], got ${env[ENV.regions]}`);
  }
  const homeRegion = required(ENV.homeRegion);
  if (!REGION_PATTERN.test(homeRegion)) throw new ConfigurationError(`environment variable ${ENV.homeRegion} is not a region: ${homeRegion}`);
  const stackName = required(ENV.stackName);
  return {
    regions: regions as string[],
    homeRegion,
    stackName,
    stateMachineArn: env[ENV.stateMachineArn]?.trim() || undefined,
    campaignArns: arnSelection(env, ENV.campaignArns),
    recommenderArns: arnSelection(env, ENV.recommenderArns),
    alarmPrefix: alarmOwnership(required(ENV.alarmPrefix), stackName).prefix,
    dryRun: dryRunFlag(env[ENV.dryRun]),
    stateTable: env[ENV.stateTable]?.trim() || undefined,
    stackAlarms: stackAlarmNames(env[ENV.stackAlarms]),
    healthCheck: healthCheckOn(env[ENV.healthCheck]),
    dataFeedChecks: dataFeedChecksOn(env[ENV.dataFeedChecks]),
  };
}

function healthCheckOn(raw: string | undefined): boolean {
  const v = raw?.trim();
  if (!v || v === 'off') return false;
  if (v === 'on') return true;
  throw new ConfigurationError(`environment variable ${ENV.healthCheck} must be on or off, got ${JSON.stringify(raw)}`);
}

function dataFeedChecksOn(raw: string | undefined): boolean {
  const v = raw?.trim();
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  throw new ConfigurationError(`environment variable ${ENV.dataFeedChecks} must be "true" or "false", got ${JSON.stringify(raw)}`);
}

function stackAlarmNames(raw: string | undefined): string[] {
  const v = raw?.trim();
  if (!v) return [];
  let names: unknown;
  try {
    names = JSON.parse(v);
  } catch {
    names = undefined;
  }
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && n.length > 0 && n.length <= 255)) {
    throw new ConfigurationError(`environment variable ${ENV.stackAlarms} must be a JSON array of alarm names, got ${raw}`);
  }
  return names as string[];
}

function dryRunFlag(raw: string | undefined): boolean {
  const v = raw?.trim();
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  throw new ConfigurationError(`environment variable ${ENV.dryRun} (deploy config dryRun) must be "true" or "false", got ${JSON.stringify(raw)}`);
}

function arnSelection(env: Record<string, string | undefined>, name: string): 'all' | string[] {
  const raw = env[name]?.trim();
  if (!raw || raw.toLowerCase() === 'all') return 'all';
  let arns: unknown;
  try {
    arns = raw.startsWith('[') ? JSON.parse(raw) : raw.split(',').map((s) => s.trim()).filter(Boolean);
  } catch {
    throw new ConfigurationError(`environment variable ${name} must be "all", a JSON array or a CSV of ARNs, got ${raw}`);
  }
  if (!Array.isArray(arns) || !arns.every((a) => typeof a === 'string' && PERSONALIZE_ARN_PATTERN.test(a))) {
    throw new ConfigurationError(`environment variable ${name} must be "all", a JSON array or a CSV of Personalize ARNs, got ${raw}`);
  }
  return arns as string[];
}

const resourceSchema = z
  .object({
    arn: z.string().regex(PERSONALIZE_ARN_PATTERN),
    name: z.string().min(1),
    type: z.enum(['campaign', 'recommender']),
    region: z.string().regex(REGION_PATTERN),
    partition: z.string().min(1),
    accountId: z.string().min(1),
    status: z.string(),
    minCapacity: z.number(),
    requestMetric: z.enum(['GetRecommendations', 'GetPersonalizedRanking']),
    datasetGroupArn: z.string().optional(),
  })
  .passthrough();

const inputSchema = z
  .object({
    /** The MONITOR run (RunContext): `now`, and the selection it used. */
    run: z
      .object({
        now: z.string().optional(),
        regions: z.array(z.string()).optional(),
        campaignArns: z.union([z.literal('all'), z.array(z.string())]).optional(),
        recommenderArns: z.union([z.literal('all'), z.array(z.string())]).optional(),
        dryRun: z.boolean().optional(),
      })
      .passthrough()
      .optional(),
    reason: z.string().optional(),
    /** The resources to draw; when absent the task reads them from the state table. */
    fleet: z.array(resourceSchema).optional(),
    /** EventBridge `BuildPersonalizeMonitorDashboard` event. */
    'detail-type': z.string().optional(),
    detail: z.object({ Reason: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

/** What the handler works from, whichever way it was invoked. */
export interface BuildRequest {
  reason: string;
  /** Epoch ms of the run, when invoked by the MONITOR. */
  runAt?: number;
  regions?: string[];
  campaignArns?: 'all' | string[];
  recommenderArns?: 'all' | string[];
  /** The MONITOR run's dryRun, when invoked by one (true adds a dry run; false cannot lift the deploy's PM_DRY_RUN). */
  dryRun?: boolean;
  fleet?: MonitoredResource[];
}

/**
 * Normalizes the invocation: a MONITOR task input `{ run?, reason?, fleet? }`
 * or the EventBridge event `{ "detail-type": "BuildPersonalizeMonitorDashboard", "detail": { "Reason": ... } }`.
 * @throws InvalidRunInputError naming every bad field.
 */
export function parseRequest(event: unknown): BuildRequest {
  const parsed = inputSchema.safeParse(event ?? {});
  if (!parsed.success) throw new InvalidRunInputError(`invalid build-dashboard input: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  const fromEvent = e['detail-type'] === DASHBOARD_DETAIL_TYPE;
  const reason = e.reason ?? e.detail?.Reason ?? (fromEvent ? 'BuildPersonalizeMonitorDashboard event' : e.run ? 'monitor run' : 'manual invocation');

  let runAt: number | undefined;
  if (e.run?.now !== undefined) {
    runAt = Date.parse(e.run.now);
    if (Number.isNaN(runAt)) throw new InvalidRunInputError(`invalid build-dashboard input: run.now: expected an ISO-8601 time, got "${e.run.now}"`);
  }
  return {
    reason,
    runAt,
    regions: e.run?.regions,
    campaignArns: e.run?.campaignArns,
    recommenderArns: e.run?.recommenderArns,
    dryRun: e.run?.dryRun,
    fleet: e.fleet as MonitoredResource[] | undefined,
  };
}
