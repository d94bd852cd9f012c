/**
 * The synthesized MONITOR over a mixed fleet in two regions, for one simulated hour (12 runs, so
 * every resource passes its decision slot): only the idle and the over-provisioned resources
 * start ACTION executions; exempt, transitional, updating and healthy ones never do; a region
 * whose API fails does not hold the other region's findings back.
 */
import { CloudWatchClient, GetDashboardCommand, PutDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { ListCampaignsCommand, ListRecommendersCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { FIVE_MINUTES_MS, MINUTE_MS } from '../core/time';
import { resetCaches } from '../tasks/collect/discovery';
import { resetClients } from '../tasks/collect/handler';
import { resetState } from '../tasks/summarize-run/handler';
import { campaign, campaignArn, fakeAccount, recommender, recommenderArn, serveAccount, serveAlarms, serveMetrics } from './support/collect-fixtures';
import { synth } from './support/synth';
import { OK_SERVICES, runWorkflow, type RecordedCall } from './support/workflow';

const { tf, config } = synth();
const personalize = mockClient(PersonalizeClient);
const cloudwatch = mockClient(CloudWatchClient);

const US = 'us-east-1';
const EU = 'eu-west-1';
const IDLE = campaignArn(1, US);
const EXEMPT = campaignArn(2, US);
const CREATING = campaignArn(3, US);
const HEALTHY = campaignArn(4, US);
const OVER = recommenderArn(1, EU);
const UPDATING = campaignArn(5, EU);
/** Requests per minute by ARN: everything else is silent. */
const TRAFFIC: Record<string, number> = { [HEALTHY]: 60, [OVER]: 120 };

const account = fakeAccount(
  [
    campaign(1, {}, US),
    campaign(2, {}, US),
    campaign(3, { status: 'CREATE IN_PROGRESS' }, US),
    campaign(4, {}, US),
    campaign(5, { minProvisionedTPS: 5, latestCampaignUpdate: { status: 'UPDATE IN_PROGRESS', minProvisionedTPS: 2 } }, EU),
  ],
  [recommender(1, { recommenderConfig: { minRecommendationRequestsPerSecond: 10 } }, EU)],
);
account.tags.set(EXEMPT, { PersonalizeMonitorExempt: 'true' });

const regionOf = (arn: string | undefined) => arn?.split(':')[3];

/** The fake account listed per region, as the real service does; `failing` regions cannot be listed. */
function serveByRegion(failing: string[] = []) {
  serveAccount(personalize, account);
  const listed = <T>(items: T[], arnOf: (t: T) => string | undefined, region: string) => items.filter((i) => regionOf(arnOf(i)) === region);
  personalize.on(ListCampaignsCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    if (failing.includes(region)) throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    return { campaigns: listed([...account.campaigns.values()], (c) => c.campaignArn, region) };
  });
  personalize.on(ListRecommendersCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    return { recommenders: listed([...account.recommenders.values()], (r) => r.recommenderArn, region) };
  });
}

beforeEach(() => {
  resetCaches();
  resetClients();
  resetState();
  serveMetrics(cloudwatch, (arn) => TRAFFIC[arn] ?? 0);
  serveAlarms(cloudwatch);
  cloudwatch.on(GetDashboardCommand).rejects(Object.assign(new Error('no dashboard'), { name: 'ResourceNotFound' }));
  cloudwatch.on(PutDashboardCommand).resolves({ DashboardValidationMessages: [] });
});
afterEach(() => {
  personalize.reset();
  cloudwatch.reset();
});

/** Runs the MONITOR every 5 minutes for one hour; returns every ACTION start and each run's status. */
async function oneHour(input: Record<string, unknown>) {
  const starts: RecordedCall[] = [];
  const statuses: string[] = [];
  for (let i = 0; i < 12; i++) {
    const startTime = new Date(Date.parse('2025-03-03T12:00:00Z') + i * FIVE_MINUTES_MS + 2 * MINUTE_MS).toISOString();
    const result = await runWorkflow({ tf, stateMachineName: `${config.stackName}-monitor`, input, services: OK_SERVICES, startTime, executionName: `run-${i}` });
    statuses.push(result.status);
    starts.push(...result.calls.filter((c) => c.integration === 'states:startExecution'));
  }
  return { starts, statuses };
}

const acting = { regions: [US, EU], autoDeleteOrStopIdleResources: true, autoAdjustMinTps: true };

describe('MONITOR over a mixed fleet in two regions', () => {
  it('starts a delete for the idle campaign and a lower minimum for the over-provisioned recommender, nothing else', async () => {
    serveByRegion();
    const { starts, statuses } = await oneHour(acting);

    expect(statuses.every((s) => s === 'SUCCEEDED')).toBe(true);
    const requested = starts.map((c) => [c.state, c.parameters.Input.finding['detail-type'], c.parameters.Input.finding.detail.ARN]);
    expect(requested).toEqual(
      expect.arrayContaining([
        ['StartIdleAction', 'DeletePersonalizeCampaign', IDLE],
        ['StartCapacityChange', 'UpdatePersonalizeRecommenderMinRecommendationRPS', OVER],
      ]),
    );
    expect(requested).toHaveLength(2);
    const capacity = starts.find((c) => c.state === 'StartCapacityChange')!;
    expect(capacity.parameters.Input.finding.detail).toMatchObject({ CurrentMinTPS: 10, NewMinTPS: 2 });
    for (const quiet of [EXEMPT, CREATING, HEALTHY, UPDATING]) expect(starts.map((c) => c.parameters.Input.finding.detail.ARN)).not.toContain(quiet);
  });

  it('a dry run requests nothing over the same hour', async () => {
    serveByRegion();
    const { starts } = await oneHour({ ...acting, dryRun: true });
    expect(starts).toEqual([]);
  });

  it('a region whose API fails still lets the other region act, and each run ends RegionsFailed', async () => {
    serveByRegion([US]);
    const { starts, statuses } = await oneHour(acting);

    expect(new Set(statuses)).toEqual(new Set(['FAILED']));
    expect(starts.map((c) => c.parameters.Input.finding.detail.ARN)).toEqual([OVER]);
  });
});
