/**
 * The build-dashboard handler against the simulated AWS endpoint (real SDK clients, real wire
 * protocols, the simulator's PutDashboard validation).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SimAccount } from '../sim/account';
import { startSimServer, type SimServer } from '../sim/server';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { discoverResources, resetCaches } from '../tasks/collect/discovery';
import { DynamoStateStore } from '../tasks/collect/state-store';
import { createHandler } from '../tasks/build-dashboard/handler';
import { Logger } from '../tasks/shared/logger';

const START = Date.parse('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let account: SimAccount;
let server: SimServer;

beforeEach(async () => {
  resetCaches();
  account = new SimAccount({ startTime: START });
  server = await startSimServer(account);
  account.dynamodb.createTable({ region: 'us-east-1', name: 'pm-state', partitionKey: 'pk', sortKey: 'sk' });
});

/** What the MONITOR's collect leaves in the state table: discovery of each region, saved. */
async function collectState(regions: string[]): Promise<void> {
  const store = new DynamoStateStore(new DynamoDBClient({ region: 'us-east-1', endpoint: server.url, credentials }), 'pm-state');
  for (const region of regions) {
    const state = await store.load(region, START);
    const personalize = new PersonalizeClient({ region, endpoint: server.url, credentials });
    await discoverResources(personalize, { region, campaignArns: 'all', recommenderArns: 'all' }, new ApiCallCounter(), { state, now: START });
    await store.save(state, START);
  }
}
afterEach(() => server.close());

function handlerFor(regions: string[]) {
  return createHandler({
    cloudwatch: (region) => new CloudWatchClient({ region, endpoint: server.url, credentials }),
    dynamodb: () => new DynamoDBClient({ region: 'us-east-1', endpoint: server.url, credentials }),
    env: () => ({ PM_REGIONS: JSON.stringify(regions), PM_HOME_REGION: 'us-east-1', PM_STACK_NAME: 'pm', PM_ALARM_PREFIX: 'pm-alarm-', PM_STATE_TABLE: 'pm-state' }),
    clock: () => START,
    logger: new Logger('build-dashboard-sim', {}, 'ERROR', () => undefined),
  });
}

describe('build-dashboard over the simulated account', () => {
  it('lists two regions, writes a body the endpoint accepts, and writes nothing on an unchanged rebuild', async () => {
    account.personalize.createCampaign({ region: 'us-east-1', name: 'ranker', recipeArn: 'arn:aws:personalize:::recipe/aws-personalized-ranking', datasetGroupName: 'shop', createdAt: START - DAY });
    account.personalize.createCampaign({ region: 'eu-west-1', name: 'similar', datasetGroupName: 'news', minProvisionedTPS: 5, createdAt: START - DAY });
    account.personalize.createRecommender({ region: 'eu-west-1', name: 'picks', datasetGroupName: 'news', createdAt: START - DAY });
    const handler = handlerFor(['us-east-1', 'eu-west-1']);
    const event = { 'detail-type': 'BuildPersonalizeMonitorDashboard', detail: { Reason: 'test' } };

    const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:pm-build-dashboard' };
    await collectState(['us-east-1', 'eu-west-1']);
    account.clearCalls();

    const first = await handler(event, context);
    const second = await handler(event, context);

    expect(first.resources).toBe(3);
    expect(first.dashboards).toEqual([expect.objectContaining({ name: 'pm-dashboard', status: 'created' })]);
    expect(second.dashboards).toEqual([expect.objectContaining({ name: 'pm-dashboard', status: 'unchanged' })]);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutDashboard' })).toHaveLength(1);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutDashboard' })[0].outcome).toBe('ok');
    // The fleet came from the state table: one Query per region and build, no Personalize call.
    expect(account.calls({ service: 'personalize' })).toHaveLength(0);
    expect(account.calls({ service: 'dynamodb', operation: 'Query' })).toHaveLength(4);
  });

  it('names a region the MONITOR has not collected yet and draws the others', async () => {
    account.personalize.createCampaign({ region: 'us-east-1', name: 'ranker', datasetGroupName: 'shop', createdAt: START - DAY });
    await collectState(['us-east-1']);

    const out = await handlerFor(['us-east-1', 'eu-west-1'])({});

    expect(out.resources).toBe(1);
    expect(out.problems).toEqual([{ target: 'region:eu-west-1', error: 'no state for eu-west-1 yet: the MONITOR has not collected it' }]);
  });

  it('splits 1,000 resources into dashboards the endpoint accepts, then deletes them when the fleet shrinks', async () => {
    for (let i = 0; i < 1000; i++) {
      account.personalize.createCampaign({ region: 'us-east-1', name: `c${String(i).padStart(4, '0')}`, datasetGroupName: `dsg-${i % 7}`, createdAt: START - DAY });
    }
    const handler = handlerFor(['us-east-1']);
    await collectState(['us-east-1']);

    const big = await handler({});
    expect(big.dashboards.map((d) => d.name)).toEqual(['pm-dashboard', 'pm-dashboard-2', 'pm-dashboard-3']);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutDashboard' }).every((c) => c.outcome === 'ok')).toBe(true);

    for (let i = 10; i < 1000; i++) account.personalize.delete(account.personalize.arn('us-east-1', `campaign/c${String(i).padStart(4, '0')}`), 'campaign');
    resetCaches();
    await collectState(['us-east-1']);
    const small = await handler({});

    expect(small.resources).toBe(10);
    expect(small.deleted).toEqual(['pm-dashboard-2', 'pm-dashboard-3']);
  });
});
