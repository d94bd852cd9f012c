/** The collect task's input and environment, validated. */
import { alarmOwnership, taskEnv, type TaskEnvName } from '../shared/task-env';
import { canarySettingsOf, type CanarySettings } from '../shared/canary-counts';
import { spec } from './spec';
import { ConfigurationError } from '../shared/errors';
import type { CollectInput } from './collect';
import type { AlarmOwnership } from '../../core/contracts/ownership';
import { parseRegionRunInput, topicFor as topicOf } from '../shared/region-input';

/** Environment: JSON map region → SNS topic ARN for alarm actions. */
export const TOPICS_ENV = 'PM_ALARM_TOPIC_ARNS' satisfies TaskEnvName;

/**
 * Validates the task input `{ region, run }`.
 * @throws InvalidRunInputError naming the missing or malformed field.
 */
export function parseCollectInput(event: unknown): CollectInput {
  return parseRegionRunInput(event, 'collect');
}

/**
 * The alarm topic of `region` from PM_ALARM_TOPIC_ARNS (or the map variable `name`).
 * @throws ConfigurationError when the variable is not a JSON object of strings.
 */
export function topicFor(region: string, raw = taskEnv(spec).optional(TOPICS_ENV), name: TaskEnvName = TOPICS_ENV): string | undefined {
  return topicOf(region, raw, name);
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
