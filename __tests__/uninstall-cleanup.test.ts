/**
 * `npm run cleanup` removes what the monitor created at run time (alarms, dashboards), and only
 * that, against the simulated account over the real wire protocol.
 */
import { CloudWatchClient, DescribeAlarmsCommand, ListDashboardsCommand, PutDashboardCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DEFAULT_BEHAVIOUR, DEFAULT_DEPLOY, type DeployConfig } from '../config/schema';
import { ownDashboardNames } from '../core/dashboard/names';
import { defaultAlarmPrefix, ORIGINAL_CREATED_BY_TAG, OWNER_TAG_KEY } from '../core/contracts/ownership';
import { cleanup } from '../scripts/cleanup';
import { SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';

const config = { ...DEFAULT_DEPLOY, ...DEFAULT_BEHAVIOUR, stackName: 'pm-clean', alarmPrefix: defaultAlarmPrefix('pm-clean'), homeRegion: 'us-east-1', regions: ['us-east-1', 'eu-west-1'] } as DeployConfig;
const OURS = { Key: OWNER_TAG_KEY, Value: 'pm-clean' };
let server: SimServer;
const clients = new Map<string, CloudWatchClient>();
const client = (region: string) => clients.get(region) ?? clients.set(region, new CloudWatchClient(simClientConfig(server.url, region, { maxAttempts: 1 }))).get(region)!;

async function alarm(region: string, name: string, arn: string, tags: { Key: string; Value: string }[] = []) {
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
      Tags: tags,
    }),
  );
}
const names = async (region: string) => ((await client(region).send(new DescribeAlarmsCommand({}))).MetricAlarms ?? []).map((a) => a.AlarmName).sort();
const dashboards = async () => ((await client('us-east-1').send(new ListDashboardsCommand({}))).DashboardEntries ?? []).map((d) => d.DashboardName).sort();

beforeEach(async () => {
  server = await startSimServer(new SimAccount({}));
  for (const region of config.regions) {
    const arn = `arn:aws:personalize:${region}:123456789012:campaign/c1`;
    await alarm(region, `pm-clean-alarm-LowUtilization-Campaign-c1-${region}`, arn, [OURS]);
    await alarm(region, `pm-clean-alarm-Idle-Campaign-c1-${region}`, arn, [OURS]);
    // The data-feed task's ingestion alarm (listed apart from the resources' alarms).
    await alarm(region, `pm-clean-alarm-IngestionStopped-DatasetGroup-shop-${region}`, arn, [OURS]);
    await alarm(region, `someone-elses-alarm`, arn);
    // The original sample's alarm (even were it to carry our tag), one with our prefix but no
    // owner tag, one of another stack: none is ours.
    await alarm(region, 'PersonalizeMonitor-IdleCampaign-c1', arn, [{ ...ORIGINAL_CREATED_BY_TAG }]);
    await alarm(region, 'pm-clean-alarm-Idle-Campaign-hand-made', arn);
    await alarm(region, 'pm-clean-alarm-Idle-Campaign-other-stack', arn, [{ Key: OWNER_TAG_KEY, Value: 'pm-other' }]);
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
    const kept = ['pm-clean-alarm-Idle-Campaign-hand-made', 'pm-clean-alarm-Idle-Campaign-other-stack'];
    expect(report).toEqual({
      dryRun: true,
      alarmsDeleted: { 'us-east-1': 3, 'eu-west-1': 3 },
      alarmsKept: { 'us-east-1': kept, 'eu-west-1': kept },
      dashboardsDeleted: ['pm-clean-dashboard', 'pm-clean-dashboard-2'],
    });
    expect(await names('eu-west-1')).toHaveLength(7);
    expect(await dashboards()).toHaveLength(4);
  });

  it('deletes our alarms in every region and our dashboards, nothing else', async () => {
    const report = await cleanup(config, client, false);
    expect(report.alarmsDeleted).toEqual({ 'us-east-1': 3, 'eu-west-1': 3 });
    const survivors = ['PersonalizeMonitor-IdleCampaign-c1', 'pm-clean-alarm-Idle-Campaign-hand-made', 'pm-clean-alarm-Idle-Campaign-other-stack', 'someone-elses-alarm'];
    expect(await names('us-east-1')).toEqual(survivors);
    expect(await names('eu-west-1')).toEqual(survivors);
    expect(await dashboards()).toEqual(['other-dashboard', 'pm-clean-dashboards-are-not-ours']);
  });

  it('recognizes only the index dashboard and its numbered pages', () => {
    expect(ownDashboardNames('pm', ['pm-dashboard', 'pm-dashboard-12', 'pm-dashboard-x', 'pm-dashboards', 'xpm-dashboard'])).toEqual(['pm-dashboard', 'pm-dashboard-12']);
  });
});
