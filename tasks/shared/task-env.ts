/**
 * Every environment variable the stack can give a Lambda task. A task's `spec.ts` lists the ones
 * its code reads (`environment`); its function gets only those (a test reads each bundle and
 * proves it reads nothing else).
 */
import { checkAlarmPrefix, type AlarmOwnership } from '../../core/contracts/ownership';
import { ConfigurationError } from './errors';

export const TASK_ENV = {
  PM_HOME_REGION: 'region the monitor runs in',
  PM_STACK_NAME: 'prefix of every resource name',
  PM_REGIONS: 'monitored regions (JSON array)',
  PM_ALARM_TOPIC_ARNS: 'SNS topic per monitored region that alarms notify (JSON object region → ARN)',
  PM_NOTIFY_TOPIC_ARN: 'home-region SNS topic of action emails',
  PM_APPROVALS_TABLE: 'DynamoDB table of pending approvals',
  PM_APPROVAL_BASE_URL: 'function URL the approval links point at',
  PM_CAMPAIGN_ARNS: 'listed campaign ARNs (JSON array); absent when campaignArns is "all"',
  PM_RECOMMENDER_ARNS: 'listed recommender ARNs (JSON array); absent when recommenderArns is "all"',
  PM_ALARM_PREFIX: 'prefix of the alarm names the monitor owns (deploy config alarmPrefix)',
  PM_DRY_RUN: 'deploy config dryRun ("true"/"false"): the dashboard rule then only reports what it would write',
  PM_PUBLISH_UTILIZATION_METRICS: 'deploy config publishUtilizationMetrics ("true"/"false"): publish the original\'s per-resource PersonalizeMonitor metrics (parity mode)',
  PM_STACK_ALARMS: 'JSON array of the names of the monitor\'s own alarms (Terraform resources, home region), shown by the dashboard\'s alarm widget',
  PM_STATE_TABLE: 'DynamoDB table of the monitor\'s persisted per-region state (described resources, tags), read by collect and build-dashboard',
  PM_CRITICAL_TOPIC_ARNS: 'SNS topic per monitored region that critical KPI alarms also notify (JSON object region → ARN)',
  PM_HEALTH_CHECK: 'deploy config healthCheck ("on"/"off"): collect then subtracts the canary\'s requests and sets the availability alarm',
  PM_HEALTH_CHECK_INTERVAL_MINUTES: 'deploy config healthCheckIntervalMinutes: minutes between two canary runs',
  PM_DATA_FEED_CHECKS: '"true"/"false": the data-feed task checks each dataset group hourly; the dashboard then shows its data-feed tables',
  PM_CANARY_REQUEST: 'the canary\'s default request shape (JSON: userId, itemId, inputList from the deploy config)',
  PM_MONITOR_STATE_MACHINE_ARN: 'never set by the stack (the MONITOR definition references the dashboard builder: a cycle); the builder derives it from its own ARN unless given',
} as const;

export type TaskEnvName = keyof typeof TASK_ENV;

/** Where a task's declaration lives (its spec). */
interface DeclaresEnvironment {
  name: string;
  environment: readonly TaskEnvName[];
}

/** The one way a task reads its environment: only what its spec declares. */
export interface TaskEnv {
  /** The value, or undefined when unset or blank. */
  optional(name: TaskEnvName): string | undefined;
  /** @throws ConfigurationError when the variable is unset or blank. */
  required(name: TaskEnvName): string;
}

/**
 * The environment of `spec`'s task. Reading a variable the spec does not declare is a bug of the
 * task (its function would never get it) and throws at once, naming both.
 */
export function taskEnv(spec: DeclaresEnvironment, env: Record<string, string | undefined> = process.env): TaskEnv {
  const declared = (name: TaskEnvName): void => {
    if (!spec.environment.includes(name)) throw new Error(`task ${spec.name} reads ${name}, which its spec.ts does not declare (environment: ${spec.environment.join(', ') || 'none'})`);
  };
  return {
    optional(name) {
      declared(name);
      const value = env[name]?.trim();
      return value ? value : undefined;
    },
    required(name) {
      const value = this.optional(name);
      if (value === undefined) throw new ConfigurationError(`environment variable ${name} is not set`);
      return value;
    },
  };
}

/**
 * The deployment's alarm ownership from its two variables as a task read them: PM_ALARM_PREFIX
 * (deploy config alarmPrefix) and PM_STACK_NAME (the value of our owner tag). Only alarms with
 * both are changed or deleted.
 * @throws ConfigurationError naming PM_ALARM_PREFIX when the prefix is invalid.
 */
export function alarmOwnership(prefix: string, stackName: string): AlarmOwnership {
  const problem = checkAlarmPrefix(prefix);
  if (problem) throw new ConfigurationError(`environment variable PM_ALARM_PREFIX (deploy config alarmPrefix): ${problem}`);
  return { prefix, stackName };
}
