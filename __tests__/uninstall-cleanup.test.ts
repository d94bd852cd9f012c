/**
 * `npm run cleanup` removes what the monitor created at run time (alarms, dashboards), and only
 * that, against the simulated account over the real wire protocol.
 */
import { CloudWatchClient, DescribeAlarmsCommand, ListDashboardsCommand, PutDashboardCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DEFAULT_BEHAVIOUR, DEFAULT_DEPLOY, type DeployConfig } from '../config/schema';
import { ownDashboardNames } from '../core/dashboard/names';
import { cleanup } from '../scripts/cleanup';
import { SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';

const config = { ...DEFAULT_DEPLOY, ...DEFAULT_BEHAVIOUR, stackName: 'pm-clean', homeRegion: 'us-east-1', regions: ['us-east-1', 'eu-west-1'] } as DeployConfig;
let server: SimServer;
const clients = new Map<string, CloudWatchClient>();
const client = (region: string) => clients.get(region) ?? clients.set(region, new CloudWatchClient(simClientConfig(server.url, region, { maxAttempts: 1 }))).get(region)!;

async function alarm(region: string, name: string, arn: string) {
  await client(region).send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'PersonalizeMonitor',
      MetricName: 'campaignUtilization',
      Dimensions: [{ Name: 'CampaignArn', Value: arn }],
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 12,
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
    }),
  );
}
const names = async (region: string) => ((await client(region).send(new DescribeAlarmsCommand({}))).MetricAlarms ?? []).map((a) => a.AlarmName).sort();
const dashboards = async () => ((await client('us-east-1').send(new ListDashboardsCommand({}))).DashboardEntries ?? []).map((d) => d.DashboardName).sort();

beforeEach(async () => {
  server = await startSimServer(new SimAccount({}));
  for (const region of config.regions) {
    const arn = `arn:aws:personalize:${region}:123456789012:campaign/c1`;
    await alarm(region, `PersonalizeMonitor-LowUtilization-Campaign-c1-${region}`, arn);
    await alarm(region, `PersonalizeMonitor-Idle-Campaign-c1-${region}`, arn);
    await alarm(region, `someone-elses-alarm`, arn);
  }
  const body = JSON.stringify({ widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 2, properties: { markdown: 'x' } }] });
  for (const name of ['pm-clean-dashboard', 'pm-clean-dashboard-2', 'other-dashboard', 'pm-clean-dashboards-are-not-ours']) {
    await client('us-east-1').send(new PutDashboardCommand({ DashboardName: name, DashboardBody: body }));
  }
});
afterEach(async () => {
  for (const c of clients.values()) c.destroy();
  clients.clear();
  await server.close();
});

describe('cleanup before destroy', () => {
  it('a dry run counts and changes nothing', async () => {
    const report = await cleanup(config, client, true);
    expect(report).toEqual({ dryRun: true, alarmsDeleted: { 'us-east-1': 2, 'eu-west-1': 2 }, dashboardsDeleted: ['pm-clean-dashboard', 'pm-clean-dashboard-2'] });
    expect(await names('eu-west-1')).toHaveLength(3);
    expect(await dashboards()).toHaveLength(4);
  });

  it('deletes our alarms in every region and our dashboards, nothing else', async () => {
    const report = await cleanup(config, client, false);
    expect(report.alarmsDeleted).toEqual({ 'us-east-1': 2, 'eu-west-1': 2 });
    expect(await names('us-east-1')).toEqual(['someone-elses-alarm']);
    expect(await names('eu-west-1')).toEqual(['someone-elses-alarm']);
    expect(await dashboards()).toEqual(['other-dashboard', 'pm-clean-dashboards-are-not-ours']);
  });

  it('recognizes only the index dashboard and its numbered pages', () => {
    expect(ownDashboardNames('pm', ['pm-dashboard', 'pm-dashboard-12', 'pm-dashboard-x', 'pm-dashboards', 'xpm-dashboard'])).toEqual(['pm-dashboard', 'pm-dashboard-12']);
  });
});
