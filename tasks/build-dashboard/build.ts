/**
 * Rebuilds the CloudWatch dashboard(s) of the fleet (the `build-dashboard` task's logic).
 * Invoked by the MONITOR (when the fleet changed or the dashboard is stale) or by the original's
 * `BuildPersonalizeMonitorDashboard` event. Lists the fleet itself unless given one; writes only
 * dashboards whose body changed.
 *
 * Dry run (the deploy's dryRun, PM_DRY_RUN, whatever the trigger – hourly rule, event, a MONITOR
 * run – or a MONITOR run's own `run.dryRun`; neither can lift the other): the same reads, no PutDashboard or DeleteDashboards; the output
 * and the log say what would have been written (`dryRun: true`, statuses `wouldCreate` /
 * `wouldUpdate`, `wouldDelete`).
 */
import { awsClients, type CloudWatchClient, type PersonalizeClient } from '../aws/clients';
import { buildDashboards, dashboardStats } from '../../core/dashboard/layout';
import { parseArnOrNone } from '../../core/dashboard/links';
import { isMonitorable } from '../../core/status';
import { monitorStateMachineName } from '../../core/contracts/names';
import type { Problem } from '../../core/contracts/run';
import type { MonitoredResource } from '../../core/types';
import { ApiCallCounter } from '../collect/aws-calls';
import { discoverResources } from '../collect/discovery';
import { lambdaEntry } from '../shared/entry';
import { Logger, type LambdaContext } from '../shared/logger';
import { annotate } from '../shared/tracer';
import { parseRequest, readEnv } from './input';
import { publishDashboards, type PublishStatus } from './publish';

export interface BuildDashboardOutput {
  reason: string;
  resources: number;
  /** Nothing was written: the statuses and `wouldDelete` say what would have been. */
  dryRun: boolean;
  dashboards: { name: string; status: PublishStatus; widgets: number; metrics: number }[];
  deleted: string[];
  wouldDelete: string[];
  /** Resources that could not be read while listing (they are missing from the dashboard). */
  problems: Problem[];
  apiCalls: number;
}

/** What the handler needs from outside; tests inject mocked clients and a fixed clock. */
export interface BuildDashboardDeps {
  cloudwatch(homeRegion: string): CloudWatchClient;
  personalize(region: string): PersonalizeClient;
  env(): Record<string, string | undefined>;
  clock(): number;
  logger: Logger;
}

/** The container's clients (tasks/aws/clients: once per region), process.env, the wall clock. */
function defaultDeps(): BuildDashboardDeps {
  return {
    cloudwatch: (homeRegion) => awsClients.cloudwatch(homeRegion),
    personalize: (region) => awsClients.personalize(region),
    env: () => process.env,
    clock: () => Date.now(),
    logger: new Logger('build-dashboard'),
  };
}

/** Builds a handler over `deps` (defaults: real clients, process.env, wall clock). */
export function createHandler(
  overrides: Partial<BuildDashboardDeps> = {},
): (event: unknown, context?: LambdaContext) => Promise<BuildDashboardOutput> {
  const deps = { ...defaultDeps(), ...overrides };
  return lambdaEntry('build-dashboard', deps.logger, async (event: unknown, context?: LambdaContext) => {
    const env = readEnv(deps.env());
    const stateMachineArn = env.stateMachineArn ?? monitorArnBesides(context?.invokedFunctionArn, env.homeRegion, env.stackName);
    const request = parseRequest(event);
    const now = request.runAt ?? deps.clock();
    const log = deps.logger.child({ reason: request.reason });

    const calls = new ApiCallCounter();
    const problems: Problem[] = [];
    let fleet: MonitoredResource[];
    if (request.fleet) {
      fleet = request.fleet;
    } else {
      const regions = request.regions ?? env.regions;
      // A failed listing throws (RegionCollectError): better the previous dashboard than one missing a region.
      const results = await Promise.all(
        regions.map((region) =>
          discoverResources(
            deps.personalize(region),
            { region, campaignArns: request.campaignArns ?? env.campaignArns, recommenderArns: request.recommenderArns ?? env.recommenderArns },
            calls,
          ),
        ),
      );
      fleet = results.flatMap((r) => r.resources).filter(isMonitorable);
      problems.push(...results.flatMap((r) => r.problems));
      if (problems.length > 0) log.warn('fleet listed with problems', { problems: problems.length, first: problems.slice(0, 5) });
    }

    const docs = buildDashboards({
      fleet,
      findings: request.findings,
      actions: request.actions,
      health: { stateMachineArn, lastRun: request.lastRun },
      stackName: env.stackName,
      alarmPrefix: env.alarmPrefix,
      homeRegion: env.homeRegion,
      regions: request.regions ?? env.regions,
      now,
    });
    // A dry-run deploy never writes, whatever the invocation says; a run's dry run only adds caution.
    const dryRun = env.dryRun || request.dryRun === true;
    const published = await publishDashboards(deps.cloudwatch(env.homeRegion), env.stackName, docs, { dryRun });

    const output: BuildDashboardOutput = {
      reason: request.reason,
      dryRun,
      resources: fleet.length,
      dashboards: published.dashboards.map((d) => {
        const stats = dashboardStats(docs.find((x) => x.name === d.name)!.body);
        return { ...d, widgets: stats.widgets, metrics: stats.metrics };
      }),
      deleted: published.deleted,
      wouldDelete: published.wouldDelete,
      problems,
      apiCalls: calls.total + published.apiCalls,
    };
    log.info(dryRun ? 'dashboards built, not written (dry run)' : 'dashboards built', { ...output, problems: problems.length });
    annotate({ resources: output.resources, dashboards: output.dashboards.length });
    return output;
  });
}

/**
 * The MONITOR's ARN from this function's own ARN (same partition and account) and the stack's
 * naming: the function cannot be given the ARN in its environment, as the state machine already
 * references the function (a Terraform cycle). Undefined when the function ARN is unknown.
 */
export function monitorArnBesides(functionArn: string | undefined, homeRegion: string, stackName: string): string | undefined {
  const fn = functionArn ? parseArnOrNone(functionArn) : undefined;
  return fn && `arn:${fn.partition}:states:${homeRegion}:${fn.accountId}:stateMachine:${monitorStateMachineName(stackName)}`;
}
