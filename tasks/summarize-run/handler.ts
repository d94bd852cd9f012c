/** Lambda `summarize-run`: last task of a MONITOR run; publishes monitoredResourceCount, or in a dry run reports it would (the logic is ./run). */
import { awsClients, resetClients } from '../aws/clients';
import { lambdaEntry } from '../shared/entry';
import { Logger } from '../shared/logger';
import { taskEnv } from '../shared/task-env';
import { annotate } from '../shared/tracer';
import { spec } from './spec';
import { METRIC_CLIENT_OPTIONS, resetState as resetRunState, summarizeRun } from './run';
import type { RunSummary, SummarizeInput } from './summarize';


const logger = new Logger('summarize-run');

/** For tests: forget the last fleet and the cached clients. */
export function resetState(): void {
  resetRunState();
  resetClients();
}

export const handler = lambdaEntry('summarize-run', logger, async (event: SummarizeInput): Promise<RunSummary> => {
  const homeRegion = taskEnv(spec).required('PM_HOME_REGION');
  const summary = await summarizeRun(event, homeRegion, { cloudwatch: () => awsClients.cloudwatch(homeRegion, METRIC_CLIENT_OPTIONS), logger });
  annotate({ resources: summary.resources.active, findings: summary.findings, anyRegionFailed: summary.anyRegionFailed });
  return summary;
});
