/**
 * The `{ region, run }` input of the per-region tasks (collect, data-feed) and the region → topic
 * maps of their environment, validated.
 */
import { behaviourSchema, describeIssues, REGION_PATTERN } from '../../config/schema';
import type { RunContext } from '../../core/contracts/run';
import { ConfigurationError, InvalidRunInputError } from './errors';
import type { TaskEnvName } from './task-env';


/** One region of one run. */
export interface RegionRunInput {
  region: string;
  run: RunContext;
}

/**
 * Validates the task input `{ region, run }`.
 * @throws InvalidRunInputError naming the missing or malformed field.
 */
export function parseRegionRunInput(event: unknown, task: string): RegionRunInput {
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidRunInputError(`${task} input must be an object { region, run }, got ${Array.isArray(event) ? 'an array' : typeof event}`);
  }
  const { region, run } = event as { region?: unknown; run?: unknown };
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
    throw new InvalidRunInputError(`${task} input: region: expected an AWS region such as us-east-1, got ${JSON.stringify(region)}`);
  }
  if (!run || typeof run !== 'object' || Array.isArray(run)) {
    throw new InvalidRunInputError(`${task} input: run: expected the resolved run object, got ${JSON.stringify(run) ?? 'nothing'}`);
  }
  const { now, executionName, ...behaviour } = run as Record<string, unknown>;
  if (typeof now !== 'string' || !Number.isFinite(Date.parse(now))) {
    throw new InvalidRunInputError(`${task} input: run.now: expected an ISO-8601 time, got ${JSON.stringify(now)}`);
  }
  if (typeof executionName !== 'string') {
    throw new InvalidRunInputError(`${task} input: run.executionName: expected a string, got ${JSON.stringify(executionName)}`);
  }
  const parsed = behaviourSchema.safeParse(behaviour);
  if (!parsed.success) {
    throw new InvalidRunInputError(`${task} input: ${describeIssues(parsed.error).replace(/(^|; )/g, '$1run.')}`);
  }
  const parsedRun: RunContext = { ...parsed.data, now, executionName };
  return { region, run: parsedRun };
}

/**
 * The alarm topic of `region` from PM_ALARM_TOPIC_ARNS (or the map variable `name`, e.g.
 * PM_CRITICAL_TOPIC_ARNS; undefined when the region has none).
 * @throws ConfigurationError when the variable is not a JSON object of strings.
 */
export function topicFor(region: string, raw: string | undefined, name: TaskEnvName = 'PM_ALARM_TOPIC_ARNS'): string | undefined {
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

