/**
 * The local runner fires EventBridge Scheduler schedules whose target is a Lambda function of the
 * stack: the real bundle runs in its Lambda host at every point of the schedule's rate, with the
 * schedule's input as the event, and each invocation is reported (scheduledInvocations,
 * takeScheduledInvocations, onActivity) – beside the schedules that start a state machine, which
 * keep working as before.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../sim/account';
import { startSimServer, type SimServer } from '../sim/server';
import { LocalRunner, scheduleEvent, type RunnerActivity } from '../runner/runner';
import { linkSimAccount } from '../runner/sim-link';

const REGION = 'us-east-1';
const ref = (s: string) => '${' + s + '}';
const MINUTE = 60_000;

const BUNDLES: Record<string, string> = {
  // Calls the sim through the real SDK so the call log shows who called, and when.
  canary: `const { SNSClient, ListTopicsCommand } = require('@aws-sdk/client-sns');
let n = 0;
exports.handler = async (event) => {
  n += 1;
  await new SNSClient({}).send(new ListTopicsCommand({}));
  if (event.fail) throw Object.assign(new Error('asked to fail'), { name: 'CanaryFailed' });
  return { n, event, now: Date.now() };
};`,
  monitor: `exports.handler = async (event) => ({ seen: event });`,
};

function writeFixture(dir: string): string {
  for (const [task, code] of Object.entries(BUNDLES)) {
    fs.mkdirSync(path.join(dir, 'dist', task), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', task, 'index.js'), code);
  }
  const fn = (task: string) => ({ function_name: `s-${task}`, handler: 'index.handler', runtime: 'nodejs22.x', timeout: 10, environment: { variables: { TASK: task } } });
  const machine = {
    StartAt: 'Run',
    States: {
      Run: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: ref('aws_lambda_function.monitor.arn'), 'Payload.$': '$' },
        OutputPath: '$.Payload',
        End: true,
      },
    },
  };
  const schedule = (name: string, rate: string, targetArn: string, input: string | undefined, extra: Record<string, unknown> = {}) => ({
    name,
    schedule_expression: rate,
    flexible_time_window: { mode: 'OFF' },
    target: { arn: targetArn, role_arn: 'arn:aws:iam::123456789012:role/scheduler', ...(input !== undefined ? { input } : {}) },
    ...extra,
  });
  const stack = {
    provider: { aws: [{ region: REGION }] },
    resource: {
      aws_lambda_function: { canary: fn('canary'), monitor: fn('monitor') },
      aws_sfn_state_machine: { monitor: { name: 's-monitor', type: 'EXPRESS', definition: JSON.stringify(machine) } },
      aws_scheduler_schedule: {
        canary: schedule('s-canary', 'rate(5 minutes)', ref('aws_lambda_function.canary.arn'), JSON.stringify({ source: 'schedule', at: '<aws.scheduler.scheduled-time>', by: '<aws.scheduler.schedule-arn>' })),
        canary_failing: schedule('s-canary-failing', 'rate(15 minutes)', `${ref('aws_lambda_function.canary.arn')}:live`, JSON.stringify({ fail: true })),
        canary_off: schedule('s-canary-off', 'rate(1 minute)', ref('aws_lambda_function.canary.arn'), undefined, { state: 'DISABLED' }),
        monitor: schedule('s-monitor', 'rate(15 minutes)', ref('aws_sfn_state_machine.monitor.arn'), JSON.stringify({ dryRun: true })),
      },
    },
  };
  const file = path.join(dir, 'cdktf.out', 'stacks', 's', 'cdk.tf.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(stack));
  return file;
}

describe('schedules that target a Lambda function', () => {
  let dir: string;
  let account: SimAccount;
  let server: SimServer;
  let runner: LocalRunner;
  const activity: RunnerActivity[] = [];
  const start = Date.UTC(2025, 5, 2, 8);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-lambda-schedule-'));
    writeFixture(dir);
    account = new SimAccount({ seed: 5, startTime: start });
    server = await startSimServer(account);
    runner = await LocalRunner.start({ sim: linkSimAccount(account, server.url), root: dir, buildIfMissing: false, onActivity: (a) => activity.push(a), onLambdaLog: () => undefined });
  });

  afterAll(async () => {
    await runner?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the schedules with their ARN and region', () => {
    const s = runner.model.schedules.find((x) => x.name === 's-canary')!;
    expect(s.arn).toBe('arn:aws:scheduler:us-east-1:123456789012:schedule/default/s-canary');
    expect(s.region).toBe(REGION);
    expect(s.targetArn).toBe(runner.fn('canary').arn);
  });

  it('invokes the real bundle at the schedule rate with the schedule input as event, and keeps starting the state machine', async () => {
    const first = await runner.fireDueSchedules();
    // The state-machine schedule works as before: one MONITOR execution, started by Scheduler.
    expect(first).toHaveLength(1);
    expect(first[0].machine.name).toBe('s-monitor');
    expect(first[0].startedBy).toBe('scheduler.amazonaws.com');
    expect(first[0].input).toEqual({ dryRun: true });

    const now = await runner.takeScheduledInvocations();
    expect(now.map((i) => [i.schedule, i.at])).toEqual([
      ['s-canary', start],
      ['s-canary-failing', start],
    ]);
    const [ok, failed] = now;
    expect(ok.functionName).toBe('s-canary');
    expect(ok.scheduleArn).toBe('arn:aws:scheduler:us-east-1:123456789012:schedule/default/s-canary');
    expect(ok.event).toEqual({ source: 'schedule', at: '2025-06-02T08:00:00Z', by: ok.scheduleArn });
    expect(ok.outcome).toMatchObject({ ok: true, result: { n: expect.any(Number), event: ok.event } });
    expect(ok.endMs).toBe(start);
    expect(failed.outcome).toMatchObject({ ok: false, error: { errorType: 'CanaryFailed', errorMessage: 'asked to fail' } });

    // An hour of simulated time: every 5 minutes for the canary, every 15 for the failing one, never the disabled one.
    const perInstant: number[] = [];
    await runner.advanceTo(start + 60 * MINUTE, { onInstant: async () => void perInstant.push((await runner.takeScheduledInvocations()).length) });
    const all = runner.scheduledInvocations;
    const at = (name: string) => all.filter((i) => i.schedule === name).map((i) => (i.at - start) / MINUTE);
    expect(at('s-canary')).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    expect(at('s-canary-failing')).toEqual([0, 15, 30, 45, 60]);
    expect(at('s-canary-off')).toEqual([]);
    expect(perInstant.reduce((a, b) => a + b, 0)).toBe(all.length - 2);
    expect(all.every((i) => i.outcome !== undefined)).toBe(true);
    // The function ran at each point in simulated time, in a warm container, as the sim recorded.
    const results = all.filter((i) => i.schedule === 's-canary').map((i) => (i.outcome as { result: { n: number; now: number; event: { at: string } } }).result);
    expect(results.map((r) => r.event.at)).toEqual(all.filter((i) => i.schedule === 's-canary').map((i) => new Date(i.at).toISOString().replace('.000Z', 'Z')));
    for (const [k, r] of results.entries()) expect(Math.abs(r.now - (start + 5 * k * MINUTE))).toBeLessThan(5_000);
    const calls = account.calls({ service: 'sns', operation: 'ListTopics', caller: 's-canary' });
    expect(calls).toHaveLength(all.length);
    expect(calls.filter((c) => c.time === start + 30 * MINUTE)).toHaveLength(2);
    // The state machine kept its own schedule meanwhile.
    expect((await runner.takeScheduledRuns()).map((e) => (e.startMs - start) / MINUTE)).toEqual([15, 30, 45, 60]);
    // Reported as activity too, once each ended.
    const reported = activity.filter((a): a is Extract<RunnerActivity, { kind: 'scheduled-invocation' }> => a.kind === 'scheduled-invocation');
    expect(reported.map((a) => a.invocation)).toEqual(expect.arrayContaining(all));
    expect(reported).toHaveLength(all.length);
  });

  it('passes a non-JSON input as a string and no input as {}', () => {
    expect(scheduleEvent({ arn: 'a', input: 'plain text' }, start)).toBe('plain text');
    expect(scheduleEvent({ arn: 'a', input: undefined }, start)).toEqual({});
    expect(scheduleEvent({ arn: 'a', input: '{"n":"<aws.scheduler.attempt-number>"}' }, start)).toEqual({ n: '1' });
  });
});
