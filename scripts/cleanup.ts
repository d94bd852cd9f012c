/**
 * `npm run cleanup [-- --dry-run]`: removes what the monitor created at RUN time and Terraform
 * therefore does not know: its alarms (in every configured region) and its dashboards
 * (`<stack>-dashboard`, `-2`, `-3`, ...). Run it before `cdktf destroy` (the original's uninstall
 * did the same). Uses the deploy config (file + PM_* env) and the usual AWS credentials through
 * tasks/aws (AWS_ENDPOINT_URL works too, e.g. against the simulator).
 *
 * Only OUR alarms go: name prefix alarmPrefix (default `<stackName>-alarm-`) AND owner tag
 * `PersonalizeMonitorStack=<stackName>` (core/contracts/ownership.ts). The original sample's
 * alarms (`PersonalizeMonitor-…`) are never listed, and alarms with our prefix but without our
 * tag are counted as kept, not deleted.
 */
import type { DeployConfig } from '../config/schema';
import { ConfigError, loadDeployConfig } from '../config/load';
import { ownDashboardNames } from '../core/dashboard/names';
import { dashboardName } from '../infra/names';
import { cachingClients } from '../tasks/aws/clients';
import { deleteDashboards, listDashboards, type CloudWatchClient } from '../tasks/aws/cloudwatch';
import { NOT_OWNED_NOTICE, reconcileAlarms } from '../tasks/collect/alarm-reconciler';
import { ApiCallCounter } from '../tasks/collect/aws-calls';

export interface CleanupReport {
  /** Per region: alarms deleted (with `dryRun`: that would be deleted). */
  alarmsDeleted: Record<string, number>;
  /** Per region: alarms with our prefix left in place (not our owner tag, or unreadable tags). */
  alarmsKept: Record<string, string[]>;
  /** Dashboards deleted (with `dryRun`: that would be deleted). */
  dashboardsDeleted: string[];
  dryRun: boolean;
}

/**
 * Deletes the monitor's run-time alarms and dashboards. With `dryRun`, makes the same reads
 * (tags included) and only counts them.
 * `client(region)` gives the CloudWatch client of a region (injectable for tests).
 * @throws naming the region and alarm when a delete or tag read failed.
 */
export async function cleanup(config: DeployConfig, client: (region: string) => CloudWatchClient, dryRun: boolean): Promise<CleanupReport> {
  const report: CleanupReport = { alarmsDeleted: {}, alarmsKept: {}, dashboardsDeleted: [], dryRun };
  const ownership = { prefix: config.alarmPrefix, stackName: config.stackName };
  for (const region of config.regions) {
    // Nothing is desired any more: every alarm of ours in the region goes.
    // The resources' alarms (collect's) and the data-feed task's ingestion alarms are listed apart.
    const resources = await reconcileAlarms(client(region), [], { region, discoveryComplete: true, calls: new ApiCallCounter(), ownership, dryRun });
    const dataFeed = await reconcileAlarms(client(region), [], { region, discoveryComplete: true, calls: new ApiCallCounter(), ownership, dryRun, dataFeed: { mayDelete: () => true } });
    report.alarmsDeleted[region] = resources.changes.delete.length + dataFeed.changes.delete.length;
    report.alarmsKept[region] = [...resources.notOwned, ...dataFeed.notOwned];
    const failures = [...resources.problems, ...dataFeed.problems].filter((p) => !p.error.startsWith(NOT_OWNED_NOTICE));
    if (failures.length) throw new Error(`region ${region}: ${failures.map((p) => `${p.target}: ${p.error}`).join('; ')}`);
  }
  // Dashboards are global: one listing from the home region.
  const home = client(config.homeRegion);
  report.dashboardsDeleted = ownDashboardNames(config.stackName, await listDashboards(home, dashboardName(config.stackName)));
  if (!dryRun && report.dashboardsDeleted.length) await deleteDashboards(home, report.dashboardsDeleted);
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
  const clients = cachingClients();
  cleanup(config, (region) => clients.cloudwatch(region), args.includes('--dry-run')).then(
    (r) => {
      const verb = r.dryRun ? 'would delete' : 'deleted';
      for (const [region, n] of Object.entries(r.alarmsDeleted)) {
        const kept = r.alarmsKept[region] ?? [];
        process.stdout.write(`${region}: ${verb} ${n} alarm(s)${kept.length ? `; kept ${kept.length} with our prefix but not our owner tag: ${kept.join(', ')}` : ''}\n`);
      }
      process.stdout.write(`dashboards ${verb}: ${r.dashboardsDeleted.join(', ') || 'none'}\n`);
    },
    (err) => {
      process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
