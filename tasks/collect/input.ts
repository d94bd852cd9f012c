/** The collect task's input and environment, validated. */
import { alarmOwnership, taskEnv, type TaskEnvName } from '../shared/task-env';
import { canarySettingsOf, type CanarySettings } from '../shared/canary-counts';
import { spec } from './spec';
import { behaviourSchema, describeIssues, REGION_PATTERN } from '../../config/schema';
import { ConfigurationError, InvalidRunInputError } from '../shared/errors';
import type { RunContext } from '../../core/contracts/run';
import type { CollectInput } from './collect';
import type { AlarmOwnership } from '../../core/contracts/ownership';

/** Environment: JSON map region → SNS topic ARN for alarm actions. */
export const TOPICS_ENV = 'PM_ALARM_TOPIC_ARNS' satisfies TaskEnvName;

/**
 * Validates the task input `{ region, run }`.
 * @throws InvalidRunInputError naming the missing or malformed field.
 */
export function parseCollectInput(event: unknown): CollectInput {
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidRunInputError(`collect input must be an object { region, run }, got ${Array.isArray(event) ? 'an array' : typeof event}`);
  }
  const { region, run } = event as { region?: unknown; run?: unknown };
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
    throw new InvalidRunInputError(`collect input: region: expected an AWS region such as us-east-1, got ${JSON.stringify(region)}`);
  }
  if (!run || typeof run !== 'object' || Array.isArray(run)) {
    throw new InvalidRunInputError(`collect input: run: expected the resolved run object, got ${JSON.stringify(run) ?? 'nothing'}`);
  }
  const { now, executionName, ...behaviour } = run as Record<string, unknown>;
  if (typeof now !== 'string' || !Number.isFinite(Date.parse(now))) {
    throw new InvalidRunInputError(`collect input: run.now: expected an ISO-8601 time, got ${JSON.stringify(now)}`);
  }
  if (typeof executionName !== 'string') {
    throw new InvalidRunInputError(`collect input: run.executionName: expected a string, got ${JSON.stringify(executionName)}`);
  }
  const parsed = behaviourSchema.safeParse(behaviour);
  if (!parsed.success) {
    throw new InvalidRunInputError(`collect input: ${describeIssues(parsed.error).replace(/(^|; )/g, '$1run.')}`);
  }
  const parsedRun: RunContext = { ...parsed.data, now, executionName };
  return { region, run: parsedRun };
}

/**
 * The alarm topic of `region` from PM_ALARM_TOPIC_ARNS (or the map variable `name`, e.g.
 * PM_CRITICAL_TOPIC_ARNS; undefined when the region has none).
 * @throws ConfigurationError when the variable is not a JSON object of strings.
 */
export function topicFor(region: string, raw = taskEnv(spec).optional(TOPICS_ENV), name: TaskEnvName = TOPICS_ENV): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let map: unknown;
  try {
    map = JSON.parse(raw);
  } catch (err) {
    throw new ConfigurationError(`${name} is not JSON (expected {"<region>": "<topic ARN>"}): ${(err as Error).message}`);
  }
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    throw new ConfigurationError(`${name} must be a JSON object {"<region>": "<topic ARN>"}`);
  }
  const topic = (map as Record<string, unknown>)[region];
  if (topic === undefined) return undefined;
  if (typeof topic !== 'string' || !topic.startsWith('arn:')) {
    throw new ConfigurationError(`${name}.${region} must be an SNS topic ARN, got ${JSON.stringify(topic)}`);
  }
  return topic;
}

/** PM_STATE_TABLE: the state table's name; undefined when unset (then the process-local state). */
export function stateTableFromEnv(env = taskEnv(spec)): string | undefined {
  return env.optional('PM_STATE_TABLE');
}

/**
 * PM_PUBLISH_UTILIZATION_METRICS (deploy publishUtilizationMetrics): true only for "true"; unset
 * means false (lean).
 * @throws ConfigurationError for anything but "true" or "false".
 */
export function publishUtilizationMetricsFromEnv(env = taskEnv(spec)): boolean {
  const v = env.optional('PM_PUBLISH_UTILIZATION_METRICS');
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new ConfigurationError(`environment variable PM_PUBLISH_UTILIZATION_METRICS (deploy config publishUtilizationMetrics) must be "true" or "false", got ${JSON.stringify(v)}`);
}

/** Our alarm ownership from PM_ALARM_PREFIX and PM_STACK_NAME. @throws ConfigurationError naming the variable. */
export function ownershipFromEnv(env = taskEnv(spec)): AlarmOwnership {
  return alarmOwnership(env.required('PM_ALARM_PREFIX'), env.required('PM_STACK_NAME'));
}

/** The canary's settings (PM_HEALTH_CHECK, PM_HEALTH_CHECK_INTERVAL_MINUTES): undefined when it is off. */
export function canaryFromEnv(env = taskEnv(spec)): CanarySettings | undefined {
  return canarySettingsOf(env.optional('PM_HEALTH_CHECK'), env.optional('PM_HEALTH_CHECK_INTERVAL_MINUTES'));
}
