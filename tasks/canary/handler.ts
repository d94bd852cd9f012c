/** Lambda `canary`: one health-check run over every monitored region (the logic is ./canary). */
import type { CanaryRequestShape } from '../../core/canary';
import { awsClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { ConfigurationError } from '../shared/errors';
import { Logger } from '../shared/logger';
import { taskEnv } from '../shared/task-env';
import { intervalMinutesOf } from '../shared/canary-counts';
import { annotate } from '../shared/tracer';
import { runCanary, type CanarySummary } from './canary';
import { spec } from './spec';

export { resetClients } from '../aws/clients';

const logger = new Logger('canary');

/** The run ends this long before the Lambda's timeout and before the next scheduled run. */
const RUN_MARGIN_MS = 10_000;

/** The canary's configuration from its environment. @throws ConfigurationError naming the variable. */
export function canaryConfigFromEnv(env: Record<string, string | undefined> = process.env): { regions: string[]; table: string; shape: CanaryRequestShape; intervalMinutes: number } {
  const e = taskEnv(spec, env);
  const regions = parseJson('PM_REGIONS', e.required('PM_REGIONS'));
  if (!Array.isArray(regions) || regions.length === 0 || !regions.every((r) => typeof r === 'string' && r !== '')) throw new ConfigurationError('environment variable PM_REGIONS must be a non-empty JSON array of region names');
  const shape = parseJson('PM_CANARY_REQUEST', e.required('PM_CANARY_REQUEST')) as Partial<CanaryRequestShape> | null;
  if (!shape || typeof shape.userId !== 'string' || typeof shape.itemId !== 'string' || !Array.isArray(shape.inputList) || !shape.inputList.every((i) => typeof i === 'string')) {
    throw new ConfigurationError('environment variable PM_CANARY_REQUEST must be JSON {"userId": string, "itemId": string, "inputList": string[]}');
  }
  const intervalMinutes = intervalMinutesOf(e.required('PM_HEALTH_CHECK_INTERVAL_MINUTES'));
  return { regions: regions as string[], table: e.required('PM_STATE_TABLE'), shape: { userId: shape.userId, itemId: shape.itemId, inputList: shape.inputList }, intervalMinutes };
}

function parseJson(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new ConfigurationError(`environment variable ${name} is not JSON`);
  }
}

export const handler = lambdaEntry('canary', logger, async (): Promise<CanarySummary> => {
  const config = canaryConfigFromEnv();
  const summary = await runCanary(
    {
      regions: config.regions,
      table: config.table,
      shape: config.shape,
      // The table is in the home region: the function's own (AWS_REGION).
      dynamodb: awsClients.dynamodb(),
      // One attempt: a retried request would hide a failing endpoint and make duplicate requests.
      runtime: (region) => awsClients.personalizeRuntime(region, { maxAttempts: 1 }),
      personalize: (region) => awsClients.personalize(region),
      logger,
      // A run never overlaps the next one, nor outlives its Lambda.
      runBudgetMs: Math.min(spec.timeoutSeconds * 1000, config.intervalMinutes * 60_000) - RUN_MARGIN_MS - 5_000,
    },
    Date.now(),
  );
  const count = (o: string) => summary.regions.reduce((n, r) => n + ((r.counts as Record<string, number | undefined>)[o] ?? 0), 0);
  annotate({ regions: summary.regions.length, successes: count('success'), outages: count('serverError') + count('timeout'), tagReads: summary.tagReads });
  return summary;
});
