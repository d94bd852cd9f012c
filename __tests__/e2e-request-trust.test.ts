/**
 * The audit's attacks, end to end: the synthesized stack (ACTION machine, request rules, approval
 * URL) run by the local runner with the real Lambda bundles against the simulated account. A
 * forged evidence window, a forged finding in an event, an absurd minimum, a request on the
 * default bus and an SNS outage after a delete – each does what it must, and no more.
 */
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DAY_MS, SimAccount, traffic } from '../sim';
import { simClientConfig } from '../sim/client-config';
import { demoConfig, REPO_ROOT, Session, synthStack } from '../demo/session';
import { answerApproval } from '../demo/person';

const REGION = 'us-east-1';
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'e2e-trust-stack');
const AGE_MS = 30 * DAY_MS;
const FUTURE = { windowStart: '2099-01-01T00:00:00.000Z', windowEnd: '2099-01-01T00:00:00.000Z' };

let stackFile: string;

beforeAll(() => {
  // No automatic actions: every execution here is started by the test, like a user would.
  stackFile = synthStack(demoConfig({ regions: [REGION], stackName: 'pm-trust', autoAdjustMinTps: false, scheduleEnabled: false }), STACK_DIR);
}, 120_000);

async function session(populate: (account: SimAccount, createdAt: number) => void): Promise<Session> {
  const account = new SimAccount({ seed: 9 });
  populate(account, account.clock.now() - AGE_MS);
  return Session.start({ account, stackFile, runner: { extraEnv: { LOG_LEVEL: 'OFF' } } });
}


async function putEvent(s: Session, bus: string, detailType: string, detail: Record<string, unknown>): Promise<void> {
  const client = new EventBridgeClient(simClientConfig(s.server.url, REGION, { caller: 'someone' }));
  const out = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: 'personalize.monitor', DetailType: detailType, Detail: JSON.stringify(detail) }] }));
  expect(out.FailedEntryCount ?? 0).toBe(0);
  client.destroy();
}

const actions = (s: Session) => s.runner.executions.filter((e) => e.machine.type === 'STANDARD');
const writes = (s: Session) => ['DeleteCampaign', 'UpdateCampaign', 'StopRecommender', 'UpdateRecommender'].flatMap((op) => s.account.calls({ service: 'personalize', operation: op }));

describe('forged and hostile requests on the simulated account', () => {
  it('a manual delete with a 2099 evidence window, approved by a person, leaves a campaign serving 3 requests/s alone', async () => {
    let arn = '';
    const s = await session((a, createdAt) => {
      arn = a.personalize.createCampaign({ region: REGION, name: 'busy', minProvisionedTPS: 2, createdAt, traffic: traffic.constant(3) });
    });
    try {
      const run = await s.runner.startExecution('action', { action: 'delete', resourceArn: arn, approval: 'approval', evidence: FUTURE });
      await s.settle();
      const visit = await answerApproval(s.approvalLinks().find((l) => l.includes('approve'))!, 'approve');
      expect(visit.postStatus).toBe(200);
      await run.done;
      expect(run.status).toBe('SUCCEEDED');
      expect(run.states).toContain('Skipped');
      expect(writes(s)).toHaveLength(0);
      expect(s.account.personalize.snapshot(arn)?.status).toBe('ACTIVE');
    } finally {
      await s.close();
    }
  });

  it('a request event with a forged finding Evidence on the requests bus is an event request, re-checked, and skipped on the busy campaign', async () => {
    let arn = '';
    const s = await session((a, createdAt) => {
      arn = a.personalize.createCampaign({ region: REGION, name: 'busy', minProvisionedTPS: 2, createdAt, traffic: traffic.constant(3) });
    });
    try {
      await putEvent(s, 'pm-trust-requests', 'DeletePersonalizeCampaign', { ARN: arn, Evidence: { Window: '2099-01-01T00:00:00.000Z/2099-01-01T00:00:00.000Z' } });
      await s.settle();
      const [run] = actions(s);
      await run.done;
      expect(run.output).toMatchObject({ request: { origin: 'requestsBus', source: 'event' } });
      expect(run.states).toContain('Skipped');
      expect(writes(s)).toHaveLength(0);
    } finally {
      await s.close();
    }
  });

  it('the same event on the default bus starts nothing (acceptDefaultBusRequests is off)', async () => {
    let arn = '';
    const s = await session((a, createdAt) => {
      arn = a.personalize.createCampaign({ region: REGION, name: 'idle', minProvisionedTPS: 2, createdAt, traffic: traffic.idle() });
    });
    try {
      await putEvent(s, 'default', 'DeletePersonalizeCampaign', { ARN: arn });
      await s.settle();
      expect(actions(s)).toHaveLength(0);
      expect(writes(s)).toHaveLength(0);
    } finally {
      await s.close();
    }
  });

  it.each([100000, 1e21])('newMin %d fails at once with ActionInputError naming the bound; the bill does not move', async (newMin) => {
    let arn = '';
    const s = await session((a, createdAt) => {
      arn = a.personalize.createCampaign({ region: REGION, name: 'small', minProvisionedTPS: 2, createdAt, traffic: traffic.constant(1) });
    });
    try {
      const run = await s.runner.startExecution('action', { action: 'setMinCapacity', resourceArn: arn, newMin });
      await run.done;
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('ActionInputError');
      expect(run.cause).toMatch(/maxMinCapacity 100|from 1 to 2147483647/);
      expect(writes(s)).toHaveLength(0);
      expect(s.account.personalize.snapshot(arn)?.minCapacity).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('SNS failing after a successful delete: the execution SUCCEEDS as Done with the email failure recorded', async () => {
    let arn = '';
    const s = await session((a, createdAt) => {
      arn = a.personalize.createCampaign({ region: REGION, name: 'idle', minProvisionedTPS: 1, createdAt, traffic: traffic.idle() });
    });
    s.account.injectFault({ kind: 'serverError', service: 'sns', operation: 'Publish' });
    try {
      const run = await s.runner.startExecution('action', { action: 'delete', resourceArn: arn });
      await s.settle();
      for (let i = 0; i < 10 && run.status === 'RUNNING'; i++) await s.runUntil(s.now() + 5 * 60_000);
      await run.done;
      expect(run.status).toBe('SUCCEEDED');
      expect(run.states).toEqual(expect.arrayContaining(['NotifyDoneUndelivered', 'Done']));
      expect(run.states).not.toContain('NotifyFailed');
      expect(run.output).toMatchObject({ notificationFailure: { Error: expect.any(String) } });
      expect(s.account.calls({ service: 'personalize', operation: 'DeleteCampaign' })).toHaveLength(1);
      expect(s.account.personalize.snapshot(arn)).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
