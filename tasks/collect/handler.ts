/** Lambda `collect`: one region of one MONITOR run (a Map iteration of the workflow). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { behaviourSchema, describeIssues, REGION_PATTERN } from '../../config/schema';
import type { RegionResult } from '../../core/types';
import { ConfigurationError, InvalidRunInputError } from '../shared/errors';
import { Logger } from '../shared/logger';
import type { RunContext } from '../validate-input/validate';
import { collectRegion, type CollectInput } from './collect';

/** Environment: JSON map region → SNS topic ARN for alarm actions. */
export const TOPICS_ENV = 'PM_ALARM_TOPIC_ARNS';

const logger = new Logger('collect');
/** Clients per region, created once per warm container (they honour AWS_ENDPOINT_URL themselves). */
const clients = new Map<string, { personalize: PersonalizeClient; cloudwatch: CloudWatchClient }>();

/** For tests: drop cached clients (e.g. after changing AWS_ENDPOINT_URL). */
export function resetClients(): void {
  clients.clear();
}

function clientsFor(region: string): { personalize: PersonalizeClient; cloudwatch: CloudWatchClient } {
  let c = clients.get(region);
  if (!c) {
    c = { personalize: new PersonalizeClient({ region }), cloudwatch: new CloudWatchClient({ region }) };
    clients.set(region, c);
  }
  return c;
}

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
 * The alarm topic of `region` from PM_ALARM_TOPIC_ARNS (undefined when the region has none).
 * @throws ConfigurationError when the variable is not a JSON object of strings.
 */
export function topicFor(region: string, raw = process.env[TOPICS_ENV]): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let map: unknown;
  try {
    map = JSON.parse(raw);
  } catch (err) {
    throw new ConfigurationError(`${TOPICS_ENV} is not JSON (expected {"<region>": "<topic ARN>"}): ${(err as Error).message}`);
  }
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    throw new ConfigurationError(`${TOPICS_ENV} must be a JSON object {"<region>": "<topic ARN>"}`);
  }
  const topic = (map as Record<string, unknown>)[region];
  if (topic === undefined) return undefined;
  if (typeof topic !== 'string' || !topic.startsWith('arn:')) {
    throw new ConfigurationError(`${TOPICS_ENV}.${region} must be an SNS topic ARN, got ${JSON.stringify(topic)}`);
  }
  return topic;
}

export async function handler(event: unknown): Promise<RegionResult> {
  const input = parseCollectInput(event);
  const { personalize, cloudwatch } = clientsFor(input.region);
  try {
    return await collectRegion(input, { personalize, cloudwatch, logger, topicArn: topicFor(input.region) });
  } catch (err) {
    logger.error('region failed', { region: input.region, executionName: input.run.executionName, error: err as Error });
    throw err;
  }
}
