/**
 * Dry run, EXECUTED end to end: the synthesized stack of a dry-run deploy (dryRun true) run by the
 * local runner with the real Lambda bundles against the simulated account. A dry run changes
 * NOTHING in the account: the sim's call log holds no write operation (anything but List*,
 * Describe*, Get*) – with one named, documented exception, sns:Publish of the finding emails,
 * which are what a dry run is for – while the run output reports the writes it would have made.
 */
import { isStackAlarmName } from '../core/contracts/ownership';
import * as path from 'node:path';
import { DAY_MS, HOUR_MS, SimAccount, traffic, type CallRecord } from '../sim';
import { demoConfig, REPO_ROOT, Session, synthStack, TICK_MS } from '../demo/session';
import { isReadOperation } from '../tasks/aws/read-only';

const REGIONS = ['us-east-1', 'eu-west-1'];
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'dry-run-stack');
const AGE_MS = 30 * DAY_MS;

let stackFile: string;
beforeAll(() => {
  // Every action enabled and automatic: only dryRun stands between the findings and changes.
  stackFile = synthStack(
    demoConfig({ regions: REGIONS, dryRun: true, autoDeleteOrStopIdleResources: true, autoAdjustMinTps: true, idleActionMode: 'auto', capacityActionMode: 'auto' }),
    STACK_DIR,
  );
}, 180_000);

/** The one write a dry run makes on purpose: the finding emails (the MONITOR's NotifyFinding state). */
function isFindingEmail(c: CallRecord): boolean {
  return c.service === 'sns' && c.operation === 'Publish';
}

/** The MONITOR's trigger: EventBridge Scheduler starting the execution (not a call the monitor makes). */
function isScheduledStart(c: CallRecord): boolean {
  return c.service === 'sfn' && c.operation === 'StartExecution' && c.caller === 'scheduler.amazonaws.com';
}

interface Started {
  s: Session;
  idle: string;
  big: string;
  /** Log lines of the functions, parsed (JSON lines only). */
  logs: { fn: string; line: Record<string, unknown> }[];
}

async function session(): Promise<Started> {
  const account = new SimAccount({ seed: 11 });
  const createdAt = account.clock.now() - AGE_MS;
  const idle = account.personalize.createCampaign({ region: 'us-east-1', name: 'forgotten', minProvisionedTPS: 2, createdAt, traffic: traffic.idle() });
  const big = account.personalize.createRecommender({ region: 'eu-west-1', name: 'oversized', minRecommendationRequestsPerSecond: 20, createdAt, traffic: traffic.constant(3) });
  const logs: Started['logs'] = [];
  const onLog = (fn: string, line: string) => {
    try {
      logs.push({ fn, line: JSON.parse(line) as Record<string, unknown> });
    } catch {
      // not a JSON log line
    }
  };
  const s = await Session.start({ account, stackFile, runner: { extraEnv: { LOG_LEVEL: 'INFO' }, onLambdaLog: onLog } });
  return { s, idle, big, logs };
}

type Summary = {
  dryRun: boolean;
  findings: number;
  metricsWritten: number;
  alarms: { created: number; updated: number; deleted: number };
  wouldWrite: { metrics: number; alarms: { created: number; updated: number; deleted: number }; dashboard: boolean };
};

/**
 * The monitor's own state table (Query, BatchWriteItem): a dry run reads and writes it too – it is
 * the monitor's cache, nothing of the user's (tasks/collect/collect.ts).
 */
function isOwnState(c: { service: string; operation: string }): boolean {
  return c.service === 'dynamodb' && (c.operation === 'Query' || c.operation === 'BatchWriteItem');
}

describe('dry run on the simulated account', () => {
  it('a dry-run deploy: an hour of MONITOR runs (and the hourly dashboard rule) writes nothing but the finding emails, and reports what it would write', async () => {
    const { s, idle, big, logs } = await session();
    try {
      const seq = s.account.calls().length;
      const runs: { status: string; output?: unknown }[] = [];
      await s.runUntil(s.now() + HOUR_MS + TICK_MS, (started) => void runs.push(...started));

      // No write: no metric, no alarm, no dashboard, no action (no ACTION started, no Personalize change).
      const calls = s.account.calls().filter((c) => c.seq > seq);
      expect(calls.filter((c) => !isReadOperation(c.operation) && !isFindingEmail(c) && !isScheduledStart(c) && !isOwnState(c))).toEqual([]);
      // The monitor's own alarms are infrastructure (Terraform's, there before the first run): no run-time alarm.
      expect(s.account.cloudwatch.alarmList().filter((a) => !isStackAlarmName(a.name, 'personalize-monitor-alarm-'))).toEqual([]);
      expect(s.account.cloudwatch.dashboardList()).toEqual([]);
      expect(s.runner.executions.filter((e) => e.machine.type === 'STANDARD')).toHaveLength(0);
      expect(s.account.personalize.snapshot(idle)).toMatchObject({ status: 'ACTIVE', minCapacity: 2 });
      expect(s.account.personalize.snapshot(big)).toMatchObject({ status: 'ACTIVE', minCapacity: 20 });
      // The dry run's purpose, the one write it makes: the finding emails.
      expect(calls.filter(isFindingEmail).length).toBeGreaterThanOrEqual(2);
      // The hourly dashboard rule fired and only read.
      expect(calls.some((c) => c.service === 'cloudwatch' && c.operation === 'GetDashboard')).toBe(true);

      // What it would have written, in every run's output.
      expect(runs.length).toBeGreaterThanOrEqual(12);
      expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
      const summaries = runs.map((r) => r.output as Summary);
      for (const o of summaries) {
        expect(o).toMatchObject({ dryRun: true, metricsWritten: 0, alarms: { created: 0, updated: 0, deleted: 0 } });
        // Lean (publishUtilizationMetrics off): no per-resource metric, only monitoredResourceCount.
        // Their 4 alarms are never created.
        expect(o.wouldWrite).toMatchObject({ metrics: 1, alarms: { created: 4, updated: 0, deleted: 0 } });
      }
      // The first run saw a new fleet: it would have redrawn the dashboard; the later ones not.
      expect(summaries.map((o) => o.wouldWrite.dashboard)).toEqual([true, ...summaries.slice(1).map(() => false)]);
      expect(summaries.reduce((n, o) => n + o.findings, 0)).toBeGreaterThanOrEqual(2);

      // The logs name the alarms each run would have created.
      const wouldChange = logs.filter((l) => l.line.message === 'alarms would change (dry run: not written)');
      expect(wouldChange.length).toBeGreaterThan(0);
      const names = new Set(wouldChange.flatMap((l) => l.line.alarms as string[]));
      expect([...names].sort()).toEqual([
        expect.stringMatching(/^personalize-monitor-alarm-Idle-Campaign-forgotten-/),
        expect.stringMatching(/^personalize-monitor-alarm-Idle-Recommender-oversized-/),
        expect.stringMatching(/^personalize-monitor-alarm-LowUtilization-Campaign-forgotten-/),
        expect.stringMatching(/^personalize-monitor-alarm-LowUtilization-Recommender-oversized-/),
      ]);
      // The dashboard builder said what it would write.
      const built = logs.filter((l) => l.line.message === 'dashboards built, not written (dry run)');
      expect(built.length).toBeGreaterThan(0);
      expect(built[0].line).toMatchObject({ dryRun: true, dashboards: [expect.objectContaining({ name: 'personalize-monitor-dashboard', status: 'wouldCreate' })] });
    } finally {
      await s.close();
    }
  }, 180_000);

  it('a dashboard rebuild under a dry-run deploy (hourly rule input, BuildPersonalizeMonitorDashboard event) writes nothing and reports what it would', async () => {
    const { s } = await session();
    try {
      // One MONITOR run first: the builder draws the fleet from the state collect leaves.
      await s.runUntil(s.now() + TICK_MS);
      const seq = s.account.calls().length;
      const hourly = await s.runner.invoke('build-dashboard', { reason: 'hourly rebuild' });
      const event = await s.runner.invoke('build-dashboard', { 'detail-type': 'BuildPersonalizeMonitorDashboard', source: 'personalize.monitor', detail: { Reason: 'campaign deleted' } });

      expect(s.account.calls().filter((c) => c.seq > seq && !isReadOperation(c.operation) && !isOwnState(c))).toEqual([]);
      expect(s.account.cloudwatch.dashboardList()).toEqual([]);
      for (const out of [hourly, event]) {
        expect(out.ok).toBe(true);
        expect(out.ok && out.result).toMatchObject({
          dryRun: true,
          resources: 2,
          deleted: [],
          wouldDelete: [],
          dashboards: [expect.objectContaining({ name: 'personalize-monitor-dashboard', status: 'wouldCreate' })],
        });
      }
    } finally {
      await s.close();
    }
  }, 120_000);
});
