/**
 * A cold account at scale, EXECUTED end to end: the synthesized stack run by the local runner with
 * the real Lambda bundles against the simulated account with realistic latency (30–80 ms a call)
 * and API rate limits (PutMetricAlarm 3/s, Personalize Describe* 10/s, ...), time-scaled.
 *
 * 400 resources in each of 2 regions, nothing described, no alarm: the MONITOR runs every 5
 * minutes; each collect does what its time budget allows and carries the rest over. The fleet
 * converges – every resource's two alarms exist – with no failed or timed-out run. Half-way the
 * runner is restarted (every function container cold, nothing in memory survives): the next runs
 * resume from the state table instead of starting over – no resource is described twice.
 */
import { isStackAlarmName } from '../core/contracts/ownership';
import * as path from 'node:path';
import { DAY_MS, SimAccount, type CallRecord } from '../sim';
import { demoConfig, REPO_ROOT, Session, synthStack, TICK_MS } from '../demo/session';
import type { ExecutionRecord } from '../runner/runner';

const REGIONS = ['us-east-1', 'eu-west-1'];
const PER_REGION = 400;
/**
 * Latencies ÷ K, rates × K, function and Task timeouts ÷ K (collect's 120 s: 6 s of wall clock at
 * 20). What the scale does not shrink – CPU work such as a cold container's module load and the
 * first run's JSON of 400 described resources – must fit the shrunk timeouts: at K = 40 (3 s) the
 * first cold run timed out now and then on 2 shared cores.
 */
const K = Number(process.env.PM_E2E_TIME_SCALE ?? 20);
/**
 * Most runs driven (the test stops as soon as every alarm exists). The tail is paced by the
 * throttled PutMetricAlarm writes and differs by machine: the same commit had 1,600 of 1,600
 * alarms within 30 runs on one machine and 1,573 after 30 on another (2026-12-02), which needed a
 * few runs more; the bench's 1,000-resource convergence likewise took 22 and 33 runs.
 */
const MAX_RUNS = Number(process.env.PM_E2E_MAX_RUNS ?? 50);
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'cold-fleet-stack');
/**
 * The SDK's retry backoff (500 ms base for throttling) and its adaptive limiter run on the WALL
 * clock, which the time scale does not shrink: scaled, a throttled call sleeps k times too long
 * (measured at k = 20: adaptive writes ~10 alarms in a scaled minute instead of 180; at k = 1 it
 * keeps CloudWatch's 3/s exactly, 0 failures). So when scaled, the functions run with the SDK's
 * own settings AWS_RETRY_MODE=standard and AWS_MAX_ATTEMPTS=1: a throttled call fails at once
 * and is carried over by collect, which is what the SDK's retries would end in anyway. With
 * PM_E2E_TIME_SCALE=1 the product's defaults (adaptive retries) run unchanged.
 */
const RUNNER = { timeScale: K, extraEnv: (K === 1 ? {} : { AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '1' }) as Record<string, string> };

let stackFile: string;
beforeAll(() => {
  stackFile = synthStack(demoConfig({ regions: REGIONS }), STACK_DIR);
}, 180_000);

const describedOk = (c: CallRecord) => c.service === 'personalize' && (c.operation === 'DescribeCampaign' || c.operation === 'DescribeRecommender') && c.outcome === 'ok';

interface RunFigures {
  at: number;
  status: string;
  alarms: number;
  describes: number;
  carriedOver?: unknown;
  error?: string;
}

it(
  `a cold account of ${PER_REGION} resources in each of ${REGIONS.length} regions converges under realistic limits, and a cold restart resumes`,
  async () => {
    const account = new SimAccount({ seed: 5, limits: { latency: 'realistic', rateLimits: 'realistic', timeScale: K } });
    const createdAt = account.clock.now() - 30 * DAY_MS;
    for (const region of REGIONS) {
      for (let i = 0; i < PER_REGION; i++) {
        const name = `r${String(i).padStart(3, '0')}`;
        if (i % 3 === 2) account.personalize.createRecommender({ region, name: `rec-${name}`, datasetGroupName: `dg${i % 5}`, createdAt });
        else account.personalize.createCampaign({ region, name: `camp-${name}`, datasetGroupName: `dg${i % 5}`, createdAt });
      }
    }
    const total = PER_REGION * REGIONS.length;
    // Resource alarms only: the monitor's own (Terraform's) share the prefix.
    const ourAlarms = () => account.cloudwatch.alarmList().filter((a) => a.name.startsWith('personalize-monitor-alarm-') && !isStackAlarmName(a.name, 'personalize-monitor-alarm-')).length;
    const runs: ExecutionRecord[] = [];
    const figures: RunFigures[] = [];
    const started = Date.now();

    const drive = async (s: Session, count: number): Promise<void> => {
      for (let i = 0; i < count && ourAlarms() < 2 * total; i++) {
        const before = runs.length;
        await s.runUntil(s.now() + TICK_MS, (r) => void runs.push(...r.filter((x) => x.machine.name.endsWith('-monitor'))));
        for (const r of runs.slice(before)) {
          const out = r.output as { carriedOver?: unknown } | undefined;
          figures.push({ at: r.startMs, status: r.status, alarms: ourAlarms(), describes: account.calls().filter(describedOk).length, carriedOver: out?.carriedOver, ...(r.status === 'SUCCEEDED' ? {} : { error: `${r.error}: ${String(r.cause).slice(0, 300)}` }) });
        }
      }
    };

    // First half: two runs (a cold run at this scale cannot finish: work is carried over).
    const first = await Session.start({ account, stackFile, runner: RUNNER });
    try {
      await drive(first, 2);
    } finally {
      await first.close();
    }
    const describedBeforeRestart = account.calls().filter(describedOk).length;
    expect(describedBeforeRestart).toBeGreaterThan(0);
    expect(ourAlarms()).toBeLessThan(2 * total);

    // A cold restart: new runner, new containers, nothing in memory; the same account and table.
    const second = await Session.start({ account, stackFile, runner: RUNNER });
    try {
      await drive(second, MAX_RUNS - 2);
    } finally {
      await second.close();
    }

    // eslint-disable-next-line no-console
    console.log(`cold fleet ${REGIONS.length}x${PER_REGION}, k=${K}: ${runs.length} MONITOR runs, ${((Date.now() - started) / 1000).toFixed(1)} s wall\n${figures.map((f) => JSON.stringify(f)).join('\n')}`);
    expect(ourAlarms()).toBe(2 * total);
    expect(runs.length).toBeGreaterThan(1);
    // No failed or timed-out MONITOR run (and no collect Task that timed out inside one).
    expect(runs.map((r) => r.status).filter((s) => s !== 'SUCCEEDED')).toEqual([]);
    for (const r of runs) expect(r.tasks.filter((t) => /Timeout|Timedout/i.test(String((t as { error?: string }).error ?? '')))).toEqual([]);
    // Every resource described exactly once, the restart included: the stored ones never again.
    expect(account.calls().filter(describedOk)).toHaveLength(total);
  },
  Number(process.env.PM_E2E_TIMEOUT_MS ?? 240_000),
);
