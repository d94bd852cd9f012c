/**
 * The build-dashboard handler against the simulated AWS endpoint (real SDK clients, real wire
 * protocols, the simulator's PutDashboard validation).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SimAccount } from '../sim/account';
import { startSimServer, type SimServer } from '../sim/server';
import { resetCaches } from '../tasks/collect/discovery';
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
});
afterEach(() => server.close());

function handlerFor(regions: string[]) {
  return createHandler({
    cloudwatch: (region) => new CloudWatchClient({ region, endpoint: server.url, credentials }),
    personalize: (region) => new PersonalizeClient({ region, endpoint: server.url, credentials }),
    env: () => ({ PM_REGIONS: JSON.stringify(regions), PM_HOME_REGION: 'us-east-1', PM_STACK_NAME: 'pm', PM_ALARM_PREFIX: 'pm-alarm-' }),
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

    const first = await handler(event, context);
    const second = await handler(event, context);

    expect(first.resources).toBe(3);
    expect(first.dashboards).toEqual([expect.objectContaining({ name: 'pm-dashboard', status: 'created' })]);
    expect(second.dashboards).toEqual([expect.objectContaining({ name: 'pm-dashboard', status: 'unchanged' })]);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutDashboard' })).toHaveLength(1);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutDashboard' })[0].outcome).toBe('ok');
  });

  it('splits 1,000 resources into dashboards the endpoint accepts, then deletes them when the fleet shrinks', async () => {
    for (let i = 0; i < 1000; i++) {
      account.personalize.createCampaign({ region: 'us-east-1', name: `c${String(i).padStart(4, '0')}`, datasetGroupName: `dsg-${i % 7}`, createdAt: START - DAY });
    }
    const handler = handlerFor(['us-east-1']);

    const big = await handler({});
    expect(big.dashboards.map((d) => d.name)).toEqual(['pm-dashboard', 'pm-dashboard-2', 'pm-dashboard-3']);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutDashboard' }).every((c) => c.outcome === 'ok')).toBe(true);

    for (let i = 10; i < 1000; i++) account.personalize.delete(account.personalize.arn('us-east-1', `campaign/c${String(i).padStart(4, '0')}`), 'campaign');
    resetCaches();
    const small = await handler({});

    expect(small.resources).toBe(10);
    expect(small.deleted).toEqual(['pm-dashboard-2', 'pm-dashboard-3']);
  });
});
