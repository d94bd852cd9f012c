/**
 * Concurrency in simulated time, through the synthesized stack, the real bundles and the
 * simulated account: executions are concurrent, as in AWS. The EventBridge Scheduler starts the
 * MONITOR at every point of its rate(5 minutes) grid whatever other executions do – an ACTION
 * waiting days for an approval, or polling Personalize every 60 s until a change has settled –
 * and every timer (a Wait, a task-token timeout, a schedule) fires at its own instant.
 */
import * as path from 'node:path';
import { DAY_MS, HOUR_MS, SimAccount, traffic } from '../sim';
import { demoConfig, REPO_ROOT, Session, synthStack, TICK_MS } from '../demo/session';
import type { ExecutionRecord } from '../runner/runner';

const REGION = 'us-east-1';
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'runner-concurrency-stack');
/** Old enough for every decision window (idle 24 h, look-back 14 days). */
const AGE_MS = 30 * DAY_MS;
const SETTLE_WAIT_MS = 60_000;

let stackFile: string;

beforeAll(() => {
  // Idle actions wait for a person; capacity changes run on their own (and settle in a Wait loop).
  stackFile = synthStack(demoConfig({ regions: [REGION], autoDeleteOrStopIdleResources: true, idleActionMode: 'approval', capacityActionMode: 'auto' }), STACK_DIR);
}, 180_000);

async function session(populate: (account: SimAccount, createdAt: number) => void): Promise<Session> {
  const account = new SimAccount({ seed: 11 });
  populate(account, account.clock.now() - AGE_MS);
  return Session.start({ account, stackFile, runner: { extraEnv: { LOG_LEVEL: 'OFF' } } });
}

/** The instants of the 5-minute grid in [from, to). */
function grid(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += TICK_MS) out.push(t);
  return out;
}

const monitorRuns = (s: Session): ExecutionRecord[] => s.runner.executions.filter((e) => e.machine.type === 'EXPRESS' && e.startedBy === 'scheduler.amazonaws.com');
const actions = (s: Session): ExecutionRecord[] => s.runner.executions.filter((e) => e.machine.type === 'STANDARD');
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());

describe('concurrent executions in simulated time', () => {
  it('starts the MONITOR at every 5-minute grid instant while an ACTION waits hours for an approval nobody gives', async () => {
    const s = await session((a, createdAt) => {
      a.personalize.createCampaign({ region: REGION, name: 'forgotten', minProvisionedTPS: 2, createdAt, traffic: traffic.idle() });
    });
    try {
      const t0 = s.now();
      // The campaign's decision comes round within the hour; then 3 more hours of waiting.
      const t1 = t0 + 4 * HOUR_MS;
      await s.runUntil(t1);

      const [action] = actions(s);
      expect(actions(s)).toHaveLength(1);
      expect(action.status).toBe('RUNNING');
      expect(s.runner.openCallbacks()).toEqual([{ execution: action, state: 'RequestApproval' }]);
      const approval = action.tasks.find((t) => t.state === 'RequestApproval');
      expect(approval?.simStart).toBeLessThan(t0 + HOUR_MS);
      expect(t1 - (approval?.simStart ?? t1)).toBeGreaterThanOrEqual(3 * HOUR_MS);

      // Exactly one MONITOR run per grid point of [t0, t1), each started at its instant.
      expect(iso(monitorRuns(s).map((e) => e.startMs))).toEqual(iso(grid(t0, t1)));
      expect(monitorRuns(s).every((e) => e.status === 'SUCCEEDED')).toBe(true);
      expect(s.now()).toBe(t1);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('keeps the 5-minute grid while an ACTION polls in its settle loop (Wait states of 60 s)', async () => {
    let arn = '';
    const s = await session((a, createdAt) => {
      arn = a.personalize.createRecommender({ region: REGION, name: 'oversized', minRecommendationRequestsPerSecond: 20, createdAt, traffic: traffic.constant(3) });
    });
    try {
      const t0 = s.now();
      const t1 = t0 + 2 * HOUR_MS;
      await s.runUntil(t1);

      const [action] = actions(s);
      expect(actions(s)).toHaveLength(1);
      expect(action.status).toBe('SUCCEEDED');
      expect(action.states[action.states.length - 1]).toBe('Done');
      expect(s.account.personalize.snapshot(arn)?.minCapacity).toBeLessThan(20);

      // The settle loop: each CheckSettled 60 simulated seconds after the previous step, several rounds.
      const act = action.tasks.find((t) => t.state === 'Act');
      const checks = action.tasks.filter((t) => t.state === 'CheckSettled');
      expect(checks.length).toBeGreaterThanOrEqual(3);
      checks.forEach((c, i) => expect(c.simStart).toBe((i === 0 ? (act?.simEnd ?? 0) : checks[i - 1].simEnd ?? 0) + SETTLE_WAIT_MS));

      // MONITOR runs went on meanwhile, on the grid: none skipped, none late.
      const starts = monitorRuns(s).map((e) => e.startMs);
      expect(iso(starts)).toEqual(iso(grid(t0, t1)));
      const during = starts.filter((t) => t > (act?.simEnd ?? 0) && t < (action.stopMs ?? 0));
      expect(during.length).toBeGreaterThanOrEqual(1);
    } finally {
      await s.close();
    }
  }, 120_000);
});
