/**
 * `npm run cleanup [-- --dry-run]`: removes what the monitor created at RUN time and Terraform
 * therefore does not know: its alarms (prefix `PersonalizeMonitor-`, in every configured region)
 * and its dashboards (`<stack>-dashboard`, `-2`, `-3`, ...). Run it before `cdktf destroy`
 * (the original's uninstall did the same). Uses the deploy config (file + PM_* env) and the
 * usual AWS credentials; AWS_ENDPOINT_URL works too (e.g. against the simulator).
 */
import { CloudWatchClient, DeleteDashboardsCommand, ListDashboardsCommand } from '@aws-sdk/client-cloudwatch';
import type { DeployConfig } from '../config/schema';
import { ConfigError, loadDeployConfig } from '../config/load';
import { ownDashboardNames } from '../core/dashboard/names';
import { dashboardName } from '../infra/names';
import { listOurAlarms, reconcileAlarms } from '../tasks/collect/alarm-reconciler';
import { ApiCallCounter } from '../tasks/collect/aws-calls';

export interface CleanupReport {
  alarmsDeleted: Record<string, number>;
  dashboardsDeleted: string[];
  dryRun: boolean;
}

/**
 * Deletes the monitor's run-time alarms and dashboards. With `dryRun`, only counts them.
 * `client(region)` gives the CloudWatch client of a region (injectable for tests).
 */
export async function cleanup(config: DeployConfig, client: (region: string) => CloudWatchClient, dryRun: boolean): Promise<CleanupReport> {
  const report: CleanupReport = { alarmsDeleted: {}, dashboardsDeleted: [], dryRun };
  for (const region of config.regions) {
    if (dryRun) {
      report.alarmsDeleted[region] = (await listOurAlarms(client(region), { region, discoveryComplete: true, calls: new ApiCallCounter() })).length;
      continue;
    }
    // Nothing is desired any more: every alarm of ours in the region goes.
    const result = await reconcileAlarms(client(region), [], { region, discoveryComplete: true, calls: new ApiCallCounter() });
    report.alarmsDeleted[region] = result.deleted;
    if (result.problems.length) throw new Error(`region ${region}: ${result.problems.map((p) => `${p.target}: ${p.error}`).join('; ')}`);
  }
  // Dashboards are global: one listing from the home region.
  const home = client(config.homeRegion);
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await home.send(new ListDashboardsCommand({ DashboardNamePrefix: dashboardName(config.stackName), NextToken: token }));
    names.push(...(page.DashboardEntries ?? []).map((d) => d.DashboardName!).filter(Boolean));
    token = page.NextToken;
  } while (token);
  report.dashboardsDeleted = ownDashboardNames(config.stackName, names);
  if (!dryRun && report.dashboardsDeleted.length) await home.send(new DeleteDashboardsCommand({ DashboardNames: report.dashboardsDeleted }));
  return report;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--dry-run');
  if (unknown.length) {
    process.stderr.write(`unknown option(s): ${unknown.join(' ')}\nusage: npm run cleanup [-- --dry-run]\n`);
    process.exit(2);
  }
  let config: DeployConfig;
  try {
    config = loadDeployConfig({ env: process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const clients = new Map<string, CloudWatchClient>();
  const client = (region: string) => clients.get(region) ?? clients.set(region, new CloudWatchClient({ region })).get(region)!;
  cleanup(config, client, args.includes('--dry-run')).then(
    (r) => {
      const verb = r.dryRun ? 'would delete' : 'deleted';
      for (const [region, n] of Object.entries(r.alarmsDeleted)) process.stdout.write(`${region}: ${verb} ${n} alarm(s)\n`);
      process.stdout.write(`dashboards ${verb}: ${r.dashboardsDeleted.join(', ') || 'none'}\n`);
    },
    (err) => {
      process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
