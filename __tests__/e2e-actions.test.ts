/**
 * End to end: the synthesized stack (MONITOR, ACTION, rules, approval URL) executed by the local
 * runner with the real Lambda bundles against the simulated account, in simulated time.
 */
import * as path from 'node:path';
import { DAY_MS, HOUR_MS, SimAccount, traffic } from '../sim';
import { demoConfig, REPO_ROOT, Session, synthStack } from '../demo/session';
import { answerApproval } from '../demo/person';

const REGIONS = ['us-east-1', 'eu-west-1'];
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'e2e-stack');
/** Old enough for every decision window (idle 24 h, look-back 14 days). */
const AGE_MS = 30 * DAY_MS;

let stackFile: string;

beforeAll(() => {
  // Idle actions need a person's approval; capacity changes run on their own.
  stackFile = synthStack(demoConfig({ regions: REGIONS, autoDeleteOrStopIdleResources: true, idleActionMode: 'approval', capacityActionMode: 'auto' }), STACK_DIR);
}, 120_000);

async function session(populate: (account: SimAccount, createdAt: number) => void): Promise<Session> {
  const account = new SimAccount({ seed: 5 });
  populate(account, account.clock.now() - AGE_MS);
  return Session.start({ account, stackFile, runner: { extraEnv: { LOG_LEVEL: 'OFF' } } });
}

describe('end to end on the simulated account', () => {
  it('idle campaign → approval email → a person approves → campaign deleted', async () => {
    let arn = '';
    const s = await session((a, createdAt) => {
      arn = a.personalize.createCampaign({ region: 'us-east-1', name: 'forgotten', minProvisionedTPS: 2, createdAt, traffic: traffic.idle() });
    });
    try {
      // Each resource's decision comes round once an hour (spread over the hour).
      await s.runUntil(s.now() + HOUR_MS);
      const links = s.approvalLinks();
      expect(links.length).toBeGreaterThan(0);
      expect(s.account.personalize.snapshot(arn)?.status).toBe('ACTIVE');

      const visit = await answerApproval(links.find((l) => l.includes('approve')) ?? links[0], 'approve');
      expect(visit.getStatus).toBe(200);
      expect(visit.postStatus).toBe(200);
      await s.settle();
      await s.runUntil(s.now() + HOUR_MS);

      const action = s.runner.executions.find((e) => e.machine.type === 'STANDARD');
      expect(action?.status).toBe('SUCCEEDED');
      expect(s.account.calls({ service: 'personalize', operation: 'DeleteCampaign' })).toHaveLength(1);
      expect(s.account.personalize.snapshot(arn)).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('over-provisioned recommender → minimum lowered (no approval configured for capacity)', async () => {
    let arn = '';
    const s = await session((a, createdAt) => {
      arn = a.personalize.createRecommender({ region: 'eu-west-1', name: 'oversized', minRecommendationRequestsPerSecond: 20, createdAt, traffic: traffic.constant(3) });
    });
    try {
      await s.runUntil(s.now() + 2 * HOUR_MS);
      const after = s.account.personalize.snapshot(arn);
      expect(after?.status).toBe('ACTIVE');
      expect(after?.minCapacity).toBeLessThan(20);
      expect(after?.minCapacity).toBeGreaterThanOrEqual(1);
      // Never below the traffic it serves (3 RPS): floor of the low watermark.
      expect(after?.minCapacity).toBeLessThanOrEqual(3);
      expect(s.account.calls({ service: 'personalize', operation: 'UpdateRecommender' }).length).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('exempt resources are left untouched: no action, no write', async () => {
    const s = await session((a, createdAt) => {
      a.personalize.createCampaign({ region: 'us-east-1', name: 'kept-idle', minProvisionedTPS: 3, createdAt, traffic: traffic.idle(), tags: { PersonalizeMonitorExempt: 'true' } });
      a.personalize.createRecommender({ region: 'eu-west-1', name: 'kept-big', minRecommendationRequestsPerSecond: 30, createdAt, traffic: traffic.constant(2), tags: { PersonalizeMonitorExempt: 'true' } });
    });
    try {
      await s.runUntil(s.now() + 2 * HOUR_MS);
      expect(s.runner.executions.filter((e) => e.machine.type === 'STANDARD')).toHaveLength(0);
      for (const op of ['DeleteCampaign', 'UpdateCampaign', 'StopRecommender', 'UpdateRecommender']) {
        expect(s.account.calls({ service: 'personalize', operation: op })).toHaveLength(0);
      }
      // Still monitored: traffic read and alarms written in both regions (lean: no PutMetricData).
      for (const region of REGIONS) {
        expect(s.account.calls({ service: 'cloudwatch', operation: 'GetMetricData', region }).length).toBeGreaterThan(0);
        expect(s.account.calls({ service: 'cloudwatch', operation: 'PutMetricAlarm', region }).length).toBeGreaterThan(0);
      }
    } finally {
      await s.close();
    }
  });

  it('a region whose API fails does not stop the other region', async () => {
    let healthyIdle = '';
    const s = await session((a, createdAt) => {
      healthyIdle = a.personalize.createCampaign({ region: 'us-east-1', name: 'idle-east', minProvisionedTPS: 1, createdAt, traffic: traffic.idle() });
      a.personalize.createCampaign({ region: 'eu-west-1', name: 'busy-west', minProvisionedTPS: 1, createdAt, traffic: traffic.constant(1) });
    });
    s.account.injectFault({ kind: 'serverError', service: 'personalize', region: 'eu-west-1' });
    try {
      // Decisions come round once an hour per resource (spread over the hour): run an hour.
      const runs: { status: string; error?: string }[] = [];
      await s.runUntil(s.now() + HOUR_MS, (started) => void runs.push(...started));
      expect(runs.length).toBeGreaterThanOrEqual(12);
      expect(runs.every((r) => r.status === 'FAILED' && r.error === 'RegionsFailed')).toBe(true);
      // us-east-1 was monitored in full: alarms written, the idle campaign found and an ACTION requested.
      expect(s.account.calls({ service: 'cloudwatch', operation: 'PutMetricAlarm', region: 'us-east-1' }).length).toBeGreaterThan(0);
      const actions = s.runner.executions.filter((e) => e.machine.type === 'STANDARD');
      expect(actions.map((e) => JSON.stringify(e.input))).toEqual([expect.stringContaining(healthyIdle)]);
    } finally {
      await s.close();
    }
  });
});
