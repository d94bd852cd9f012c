/**
 * Rebuilds the CloudWatch dashboard(s) of the fleet (the `build-dashboard` task's logic).
 * Invoked by the MONITOR (when the fleet changed or the dashboard is stale) or by the original's
 * `BuildPersonalizeMonitorDashboard` event. Unless given the fleet, reads it from the MONITOR's
 * state table (PM_STATE_TABLE: one Query per monitored region, the resources collect described,
 * expired items left out) – no Personalize call at all; a region the MONITOR has not collected yet
 * is a named problem, the rest is drawn. Writes only dashboards whose body changed.
 *
 * Dry run (the deploy's dryRun, PM_DRY_RUN, whatever the trigger – hourly rule, event, a MONITOR
 * run – or a MONITOR run's own `run.dryRun`; neither can lift the other): the same reads, no PutDashboard or DeleteDashboards; the output
 * and the log say what would have been written (`dryRun: true`, statuses `wouldCreate` /
 * `wouldUpdate`, `wouldDelete`).
 */
import { awsClients, type CloudWatchClient, type DynamoDBClient } from '../aws/clients';
import { buildDashboards, dashboardStats } from '../../core/dashboard/layout';
import { parseArnOrNone } from '../../core/dashboard/links';
import { isMonitorable } from '../../core/status';
import { monitorStateMachineName } from '../../core/contracts/names';
import { alarmArn } from '../../core/contracts/ownership';
import type { Problem } from '../../core/contracts/run';
import type { MonitoredResource } from '../../core/types';
import { ApiCallCounter } from '../collect/aws-calls';
import { loadStoredResources } from '../collect/state-store';
import { ConfigurationError } from '../shared/errors';
import { lambdaEntry } from '../shared/entry';
import { Logger, type LambdaContext } from '../shared/logger';
import { annotate } from '../shared/tracer';
import { ENV, parseRequest, readEnv } from './input';
import { publishDashboards, type PublishStatus } from './publish';

export interface BuildDashboardOutput {
  reason: string;
  resources: number;
  /** Nothing was written: the statuses and `wouldDelete` say what would have been. */
  dryRun: boolean;
  dashboards: { name: string; status: PublishStatus; widgets: number; metrics: number }[];
  deleted: string[];
  wouldDelete: string[];
  /** Regions without state yet (`region:<r>`: the MONITOR has not collected them; missing from the dashboard). */
  problems: Problem[];
  apiCalls: number;
}

/** What the handler needs from outside; tests inject mocked clients and a fixed clock. */
export interface BuildDashboardDeps {
  cloudwatch(homeRegion: string): CloudWatchClient;
  /** The state table's client (the home region: the function's own). */
  dynamodb(): DynamoDBClient;
  env(): Record<string, string | undefined>;
  clock(): number;
  logger: Logger;
}

/** The container's clients (tasks/aws/clients: once per region), process.env, the wall clock. */
function defaultDeps(): BuildDashboardDeps {
  return {
    cloudwatch: (homeRegion) => awsClients.cloudwatch(homeRegion),
    dynamodb: () => awsClients.dynamodb(),
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
      if (!env.stateTable) throw new ConfigurationError(`environment variable ${ENV.stateTable} is not set (the fleet is read from the MONITOR's state table unless the input carries it)`);
      const table = env.stateTable;
      const selected = selection(request.campaignArns ?? env.campaignArns, request.recommenderArns ?? env.recommenderArns);
      // A failed read throws: better the previous dashboard than one missing a region.
      const results = await Promise.all(regions.map((region) => loadStoredResources(deps.dynamodb(), table, region, now, () => calls.add('Query'))));
      fleet = [];
      results.forEach((resources, i) => {
        if (resources === undefined) problems.push({ target: `region:${regions[i]}`, error: `no state for ${regions[i]} yet: the MONITOR has not collected it` });
        else fleet.push(...resources.filter((r) => isMonitorable(r) && selected(r)));
      });
      if (problems.length > 0) log.warn('fleet read with problems', { problems: problems.length, first: problems.slice(0, 5) });
    }

    const alarmArns = ownAlarmArns(context?.invokedFunctionArn, env.homeRegion, env.stackAlarms);
    const docs = buildDashboards({
      fleet,
      health: { stateMachineArn, alarmArns, canary: env.healthCheck },
      stackName: env.stackName,
      alarmPrefix: env.alarmPrefix,
      homeRegion: env.homeRegion,
      regions: request.regions ?? env.regions,
      dataFeed: env.dataFeedChecks,
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

/** Whether a stored resource is in the selection (`all` or listed ARNs, per type). */
function selection(campaignArns: 'all' | readonly string[], recommenderArns: 'all' | readonly string[]): (r: MonitoredResource) => boolean {
  const set = (s: 'all' | readonly string[]) => (s === 'all' ? undefined : new Set(s));
  const campaigns = set(campaignArns);
  const recommenders = set(recommenderArns);
  return (r) => {
    const wanted = r.type === 'campaign' ? campaigns : recommenders;
    return !wanted || wanted.has(r.arn);
  };
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

/** ARNs of the monitor's own alarms (home region, this function's partition and account); none when the function ARN is unknown. */
export function ownAlarmArns(functionArn: string | undefined, homeRegion: string, names: readonly string[]): string[] {
  const fn = functionArn ? parseArnOrNone(functionArn) : undefined;
  return fn ? names.map((n) => alarmArn(fn.partition, homeRegion, fn.accountId, n)) : [];
}
