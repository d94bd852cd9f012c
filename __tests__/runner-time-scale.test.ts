/**
 * The runner's time scale (`RunnerOptions.timeScale`, paired with `SimLimits.timeScale`) and the
 * Step Functions limits it enforces: function timeouts and getRemainingTimeInMillis scaled,
 * Task TimeoutSeconds scaled (not for tasks that wait in simulated time), and the 5-minute
 * maximum of an EXPRESS execution, in wall-clock work (scaled) and in simulated time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../sim/account';
import { startSimServer, type SimServer } from '../sim/server';
import { EXPRESS_MAX_SECONDS, executionLimitSeconds, LocalRunner, scaleTaskTimeouts } from '../runner/runner';
import { linkSimAccount } from '../runner/sim-link';

const REGION = 'us-east-1';
const K = 100;
const ref = (s: string) => '${' + s + '}';

const BUNDLES: Record<string, string> = {
  clock: `exports.handler = async (event, context) => ({ remaining: context.getRemainingTimeInMillis(), pid: process.pid });`,
  sleeper: `exports.handler = (event) => new Promise((r) => setTimeout(() => r({ slept: event.ms }), event.ms));`,
};
// `quick` runs the sleeper's code with a 50 s timeout (0.5 s at k = 100).
BUNDLES.quick = BUNDLES.sleeper;

function fn(name: string, timeout: number) {
  return { function_name: `ts-${name}`, handler: 'index.handler', runtime: 'nodejs22.x', timeout };
}

function sleepTask(ms: number, next: string | null, extra: Record<string, unknown> = {}) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: ref('aws_lambda_function.sleeper.arn'), Payload: { ms } },
    OutputPath: '$.Payload',
    ...(next ? { Next: next } : { End: true }),
    ...extra,
  };
}

function writeFixture(dir: string): void {
  for (const [name, code] of Object.entries(BUNDLES)) {
    fs.mkdirSync(path.join(dir, 'dist', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', name, 'index.js'), code);
  }
  // 5 s of real work: 500 s at k = 100, past EXPRESS's 300 s (3 s of wall clock at k = 100).
  const longExpress = { StartAt: 'Work', States: { Work: sleepTask(5000, null) } };
  // 1 s of real work: 100 s at k = 100, inside the limit.
  const shortExpress = { StartAt: 'Work', States: { Work: sleepTask(1000, null) } };
  // A Wait of 10 simulated minutes: past EXPRESS's 300 s in simulated time.
  const waitingExpress = { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 600, End: true } } };
  // Task TimeoutSeconds 100 → 1 s at k = 100; the function takes 2 s (its own timeout 900 s → 9 s).
  const taskTimeout = {
    StartAt: 'Work',
    States: {
      Work: sleepTask(2000, 'Done', { TimeoutSeconds: 100, Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' }] }),
      TimedOut: { Type: 'Pass', Result: 'task timed out', End: true },
      Done: { Type: 'Succeed' },
    },
  };
  const stack = {
    provider: { aws: [{ region: REGION }] },
    data: { aws_partition: { p: {} }, aws_caller_identity: { me: {} } },
    resource: {
      aws_lambda_function: { clock: fn('clock', 100), sleeper: fn('sleeper', 900), quick: fn('quick', 50) },
      aws_sfn_state_machine: {
        long: { name: 'ts-long', type: 'EXPRESS', definition: JSON.stringify(longExpress) },
        short: { name: 'ts-short', type: 'EXPRESS', definition: JSON.stringify(shortExpress) },
        waiting: { name: 'ts-waiting', type: 'EXPRESS', definition: JSON.stringify(waitingExpress) },
        standardWaiting: { name: 'ts-standard-waiting', type: 'STANDARD', definition: JSON.stringify(waitingExpress) },
        task: { name: 'ts-task', type: 'STANDARD', definition: JSON.stringify(taskTimeout) },
      },
    },
  };
  const file = path.join(dir, 'cdktf.out', 'stacks', 'ts', 'cdk.tf.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(stack));
}

describe(`runner with timeScale ${K}`, () => {
  let dir: string;
  let account: SimAccount;
  let server: SimServer;
  let runner: LocalRunner;
  const start = Date.UTC(2025, 5, 2, 8);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-time-scale-'));
    writeFixture(dir);
    account = new SimAccount({ seed: 5, startTime: start });
    server = await startSimServer(account);
    runner = await LocalRunner.start({ sim: linkSimAccount(account, server.url), root: dir, buildIfMissing: false, timeScale: K });
  });

  afterAll(async () => {
    await runner?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('divides a function’s timeout by k; getRemainingTimeInMillis counts down the scaled timeout', async () => {
    expect(runner.timeScale).toBe(K);
    expect(runner.lambdaHosts().find((h) => h.fn.functionName === 'ts-clock')?.timeoutMs).toBe((100 * 1000) / K);
    const out = await runner.invoke('clock', {});
    expect(out.ok).toBe(true);
    const remaining = (out as { result: { remaining: number } }).result.remaining;
    expect(remaining).toBeLessThanOrEqual(1000);
    expect(remaining).toBeGreaterThan(500);
  });

  it('a function running past its scaled timeout is Sandbox.Timedout and its container killed', async () => {
    const host = runner.lambdaHosts().find((h) => h.fn.functionName === 'ts-quick');
    const t0 = Date.now();
    const out = await runner.invoke('quick', { ms: 5000 });
    const took = Date.now() - t0;
    expect(!out.ok && out.error.errorType).toBe('Sandbox.Timedout');
    expect(took).toBeLessThan(4000); // 0.5 s, not 5 s nor 50 s
    // The killed container is gone: the next invocation is a cold start.
    const cold = host?.stats.coldStarts ?? 0;
    const again = await runner.invoke('quick', { ms: 1 });
    expect(again.ok).toBe(true);
    expect(host?.stats.coldStarts).toBe(cold + 1);
  });

  it('divides a working Task’s TimeoutSeconds by k (States.Timeout, catchable)', async () => {
    const done = await runner.runExecution('ts-task', {});
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toBe('task timed out');
  });

  it('ends an EXPRESS execution whose work passes 5 minutes (scaled) TIMED_OUT; a shorter one succeeds', async () => {
    const t0 = Date.now();
    const long = await runner.runExecution('ts-long', {});
    const took = Date.now() - t0;
    expect(long.status).toBe('TIMED_OUT');
    expect(long.error).toBe('States.Timeout');
    expect(long.cause).toMatch(/300 seconds, the maximum duration of an EXPRESS execution/);
    expect(took).toBeGreaterThanOrEqual(2500);
    expect(took).toBeLessThan(4900);
    expect(account.sfn.executions.get(long.arn)?.status).toBe('TIMED_OUT');

    const short = await runner.runExecution('ts-short', {});
    expect(short.status).toBe('SUCCEEDED');
  });

  it('ends an EXPRESS execution TIMED_OUT 300 simulated seconds after its start (a STANDARD one waits on)', async () => {
    const at = account.clock.now();
    const express = await runner.startExecution('ts-waiting', {});
    const standard = await runner.startExecution('ts-standard-waiting', {});
    await runner.advanceTo(at + 299_000);
    expect(express.status).toBe('RUNNING');
    await runner.advanceTo(at + 301_000);
    const done = await express.done;
    expect(done.status).toBe('TIMED_OUT');
    expect(done.stopMs).toBe(at + EXPRESS_MAX_SECONDS * 1000);
    expect(standard.status).toBe('RUNNING');
    await runner.advanceTo(at + 600_000);
    expect((await standard.done).status).toBe('SUCCEEDED');
  });
});

describe('time-scale helpers', () => {
  it('an EXPRESS limit is min(TimeoutSeconds, 300); STANDARD keeps its own', () => {
    expect(executionLimitSeconds({ type: 'EXPRESS', definition: {} })).toBe(300);
    expect(executionLimitSeconds({ type: 'EXPRESS', definition: { TimeoutSeconds: 120 } })).toBe(120);
    expect(executionLimitSeconds({ type: 'EXPRESS', definition: { TimeoutSeconds: 900 } })).toBe(300);
    expect(executionLimitSeconds({ type: 'STANDARD', definition: {} })).toBeUndefined();
    expect(executionLimitSeconds({ type: 'STANDARD', definition: { TimeoutSeconds: 95400 } })).toBe(95400);
  });

  it('scales Task TimeoutSeconds of working tasks, nested ones too, not token or .sync waits', () => {
    const def = {
      TimeoutSeconds: 300,
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 120, Next: 'M' },
        M: { Type: 'Map', ItemProcessor: { StartAt: 'B', States: { B: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', TimeoutSeconds: 30, End: true } } }, Next: 'T' },
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', TimeoutSeconds: 86400, Next: 'S' },
        S: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', TimeoutSeconds: 600, End: true },
      },
    };
    const scaled = scaleTaskTimeouts(def, 10);
    expect(scaled.TimeoutSeconds).toBe(300);
    expect(scaled.States.A.TimeoutSeconds).toBe(12);
    expect(scaled.States.M.ItemProcessor.States.B.TimeoutSeconds).toBe(3);
    expect(scaled.States.T.TimeoutSeconds).toBe(86400);
    expect(scaled.States.S.TimeoutSeconds).toBe(600);
    expect(def.States.A.TimeoutSeconds).toBe(120); // a copy
  });

  it('refuses a time scale below 1 (RangeError naming the option)', async () => {
    await expect(LocalRunner.start({ sim: linkSimAccount(new SimAccount(), 'http://127.0.0.1:1'), timeScale: 0.5, buildIfMissing: false })).rejects.toThrow(
      new RangeError('RunnerOptions.timeScale must be a finite number >= 1, got 0.5'),
    );
  });
});
