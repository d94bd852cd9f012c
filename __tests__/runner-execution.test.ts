/**
 * The local runner on a small synthetic stack (written here as cdk.tf.json + tiny bundles) against
 * the real simulated account: references, warm containers, timeouts, Task bindings, simulated time,
 * task tokens, EventBridge rules and function URLs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SimAccount } from '../sim/account';
import { startSimServer, type SimServer } from '../sim/server';
import { LocalRunner } from '../runner/runner';
import { linkSimAccount } from '../runner/sim-link';
import { TfStack } from '../runner/terraform';

const REGION = 'us-east-1';
const ref = (s: string) => '${' + s + '}';

const BUNDLES: Record<string, string> = {
  counter: `let count = 0; exports.handler = async (event) => ({ count: ++count, pid: process.pid, event, topic: process.env.TOPIC_ARN, endpoint: process.env.AWS_ENDPOINT_URL, now: Date.now(), iso: new Date().toISOString() });`,
  sleeper: `exports.handler = () => new Promise((r) => setTimeout(r, 5000));`,
  failer: `exports.handler = async () => { const e = new Error('no such campaign'); e.name = 'ResourceGoneError'; throw e; };`,
  asker: `exports.handler = async (event) => ({ asked: true });`,
  web: `exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<p>' + event.requestContext.http.method + ' ' + event.rawPath + ' ' + (event.body || '') + '</p>' });`,
};

function fn(task: string, timeout: number, env: Record<string, string> = {}) {
  return { function_name: `t-${task}`, handler: 'index.handler', runtime: 'nodejs22.x', timeout, environment: { variables: env } };
}

function lambdaTask(fnTf: string, payload: Record<string, unknown>, next: string | null, extra: Record<string, unknown> = {}) {
  return {
    Type: 'Task',
    Resource: `arn:${ref('data.aws_partition.p.partition')}:states:::lambda:invoke`,
    Parameters: { FunctionName: ref(`aws_lambda_function.${fnTf}.arn`), Payload: payload },
    ...('ResultPath' in extra ? { ResultSelector: { 'value.$': '$.Payload' } } : { OutputPath: '$.Payload' }),
    ...(next ? { Next: next } : { End: true }),
    ...extra,
  };
}

function writeFixture(dir: string): string {
  for (const [task, code] of Object.entries(BUNDLES)) {
    fs.mkdirSync(path.join(dir, 'dist', task), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', task, 'index.js'), code);
  }
  const flow = {
    StartAt: 'Count',
    States: {
      Count: lambdaTask('counter', { 'startedAt.$': '$$.Execution.StartTime', 'name.$': '$$.Execution.Name' }, 'Pause', { ResultPath: '$.count' }),
      Pause: { Type: 'Wait', Seconds: 600, Next: 'Tell' },
      Tell: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        Parameters: { TopicArn: ref('aws_sns_topic.alerts.arn'), Subject: 'hello', 'Message.$': 'States.Format(\'started {}\', $$.Execution.StartTime)' },
        ResultPath: null,
        Next: 'Ask',
      },
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: ref('aws_lambda_function.asker.function_name'), Payload: { 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: 3600,
        ResultPath: '$.answer',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.failure', Next: 'Expired' }],
        Next: 'Done',
      },
      Expired: { Type: 'Pass', Parameters: { expired: true }, End: true },
      Done: { Type: 'Succeed' },
    },
  };
  const failing = {
    StartAt: 'Fail',
    States: { Fail: lambdaTask('failer', {}, null, { Catch: [{ ErrorEquals: ['ResourceGoneError'], ResultPath: '$.error', Next: 'Caught' }] }), Caught: { Type: 'Pass', End: true } },
  };
  const slow = { TimeoutSeconds: 300, StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 600, End: true } } };
  const stack = {
    provider: { aws: [{ region: REGION }] },
    data: { aws_partition: { p: {} }, aws_caller_identity: { me: {} } },
    resource: {
      aws_sns_topic: { alerts: { name: 't-alerts' } },
      aws_lambda_function: {
        counter: fn('counter', 3, { TOPIC_ARN: ref('aws_sns_topic.alerts.arn'), LITERAL: '$${not.a.ref}' }),
        sleeper: fn('sleeper', 1),
        failer: fn('failer', 3),
        asker: fn('asker', 3),
        web: fn('web', 3),
      },
      aws_lambda_function_url: { web_url: { function_name: ref('aws_lambda_function.web.function_name'), authorization_type: 'NONE' } },
      aws_sfn_state_machine: {
        flow: { name: 't-flow', type: 'STANDARD', definition: JSON.stringify(flow) },
        failing: { name: 't-failing', type: 'EXPRESS', definition: JSON.stringify(failing) },
        slow: { name: 't-slow', type: 'STANDARD', definition: JSON.stringify(slow) },
      },
      aws_cloudwatch_event_rule: {
        go: { name: 't-go', event_pattern: JSON.stringify({ source: ['test.source'], 'detail-type': ['Go'], detail: { size: [{ numeric: ['>', 1] }] } }) },
      },
      aws_cloudwatch_event_target: {
        go_flow: { rule: ref('aws_cloudwatch_event_rule.go.name'), arn: ref('aws_sfn_state_machine.flow.arn'), role_arn: 'arn:aws:iam::123456789012:role/x' },
      },
    },
  };
  const file = path.join(dir, 'cdktf.out', 'stacks', 't', 'cdk.tf.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(stack));
  return file;
}

describe('local runner', () => {
  let dir: string;
  let account: SimAccount;
  let server: SimServer;
  let runner: LocalRunner;
  const clients: { destroy(): void }[] = [];
  const start = Date.UTC(2025, 5, 2, 8);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-test-'));
    writeFixture(dir);
    account = new SimAccount({ seed: 3, startTime: start });
    server = await startSimServer(account);
    runner = await LocalRunner.start({ sim: linkSimAccount(account, server.url), root: dir, buildIfMissing: false });
  });

  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await runner?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resolves references to consistent fake ARNs and unescapes $${', () => {
    const counter = runner.fn('counter');
    expect(counter.environment.TOPIC_ARN).toBe('arn:aws:sns:us-east-1:123456789012:t-alerts');
    expect(counter.environment.LITERAL).toBe('${not.a.ref}');
    expect(runner.machine('t-flow').arn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:t-flow');
    expect(runner.model.rules[0].targets[0].arn).toBe(runner.machine('t-flow').arn);
  });

  it('names what it cannot resolve', () => {
    const stack = new TfStack('x.json', { resource: { aws_sns_topic: { a: { name: 'a' } } } });
    expect(() => stack.resolveString('${aws_sns_topic.b.arn}', 'somewhere')).toThrow(/no block aws_sns_topic.b.*|somewhere/);
    expect(() => stack.resolveString('${jsonencode(local.x)}', 'env.X')).toThrow(/env.X/);
  });

  it('keeps a function warm between invocations, with its environment and the sim endpoint', async () => {
    const a = await runner.invoke('counter', { n: 1 });
    const b = await runner.invoke('counter', { n: 2 });
    expect(a.ok && b.ok).toBe(true);
    const ra = (a as { result: { count: number; pid: number; endpoint: string } }).result;
    const rb = (b as { result: { count: number; pid: number } }).result;
    expect(rb.count).toBe(ra.count + 1);
    expect(rb.pid).toBe(ra.pid);
    expect(ra.endpoint).toBe(server.url);
  });

  it("gives a function the simulated clock as its wall clock (Date)", async () => {
    const out = await runner.invoke('counter', {});
    const r = (out as { result: { now: number; iso: string } }).result;
    expect(Math.abs(r.now - account.clock.now())).toBeLessThan(5_000);
    expect(r.iso.slice(0, 10)).toBe(new Date(account.clock.now()).toISOString().slice(0, 10));
  });

  it('enforces the function timeout (Sandbox.Timedout, container killed)', async () => {
    const out = await runner.invoke('sleeper', {});
    expect(out.ok).toBe(false);
    expect(!out.ok && out.error.errorType).toBe('Sandbox.Timedout');
  });

  it('runs a STANDARD execution in simulated time: StartTime, Wait, SNS through the sim, token answered', async () => {
    const exec = await runner.startExecution('t-flow', { hello: 1 }, { name: 'first' });
    await runner.settle();
    expect(exec.status).toBe('RUNNING');
    const count = (exec.tasks.find((t) => t.state === 'Count')?.output as { Payload: { event: { startedAt: string; name: string } } }).Payload;
    expect(count.event.startedAt).toBe(new Date(start).toISOString());
    expect(count.event.name).toBe('first');
    // Settled in its Wait of 10 minutes: the Wait does not move the clock, only advanceTo does.
    expect(exec.states[exec.states.length - 1]).toBe('Pause');
    expect(account.clock.now()).toBe(start);
    expect(account.calls({ service: 'sns', operation: 'Publish' })).toHaveLength(0);
    // 1 s short of the end of the Wait: still waiting; at its end it goes on, nothing slept.
    await runner.advanceTo(start + 599_000);
    expect(account.calls({ service: 'sns', operation: 'Publish' })).toHaveLength(0);
    await runner.advanceTo(start + 600_000);
    expect(account.clock.now()).toBe(start + 600_000);
    expect(exec.tasks.find((t) => t.state === 'Tell')?.simStart).toBe(start + 600_000);
    expect(account.calls({ service: 'sns', operation: 'Publish' })).toHaveLength(1);
    expect(account.calls({ service: 'sns', operation: 'Publish' })[0].caller).toBe('states.t-flow');

    const token = (exec.tasks.find((t) => t.state === 'Ask')?.input as { Payload: { token: string } }).Payload.token;
    const sfn = new SFNClient({ region: REGION, endpoint: server.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }));
    clients.push(sfn);
    const done = await exec.done;
    expect(done.status).toBe('SUCCEEDED');
    expect((done.output as { answer: unknown }).answer).toEqual({ approved: true });
    // The sim knows the execution ended, and the used token is refused.
    expect(account.sfn.executions.get(exec.arn)?.status).toBe('SUCCEEDED');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('same name and input while running returns the running execution; other input is ExecutionAlreadyExists', async () => {
    const a = await runner.startExecution('t-flow', { x: 1 }, { name: 'dup' });
    const b = await runner.startExecution('t-flow', { x: 1 }, { name: 'dup' });
    expect(b).toBe(a);
    await expect(runner.startExecution('t-flow', { x: 2 }, { name: 'dup' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await runner.settle();
    const at = account.clock.now();
    await runner.advanceTo(at + 2 * 3600_000);
    // The Wait (10 min), then the token's timeout (1 h): each at its own instant.
    expect((await a.done).output).toEqual({ expired: true });
    expect(a.stopMs).toBe(at + 600_000 + 3600_000);
  });

  it('times out an unanswered token when simulated time passes TimeoutSeconds (States.Timeout, not TaskFailed)', async () => {
    const exec = await runner.startExecution('t-flow', {}, { name: 'ignored' });
    await runner.advanceTo(account.clock.now() + 600_000);
    expect(runner.openCallbacks().map((c) => c.execution)).toContain(exec);
    await runner.advanceTo(account.clock.now() + 3599_000);
    expect(exec.status).toBe('RUNNING');
    await runner.advanceTo(account.clock.now() + 2_000);
    const done = await exec.done;
    expect(done.output).toEqual({ expired: true });
  });

  it('passes a function error on with its errorType as the error name (catchable)', async () => {
    const done = await runner.runExecution('t-failing', {});
    expect(done.status).toBe('SUCCEEDED');
    const caught = (done.output as { error: { Error: string; Cause: string } }).error;
    expect(caught.Error).toBe('ResourceGoneError');
    expect(JSON.parse(caught.Cause).errorMessage).toBe('no such campaign');
  });

  it('routes events put on the sim through the stack rules (pattern honoured)', async () => {
    const before = runner.executions.length;
    const eb = new EventBridgeClient({ region: REGION, endpoint: server.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    clients.push(eb);
    await eb.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'test.source', DetailType: 'Go', Detail: JSON.stringify({ size: 2 }) },
          { Source: 'test.source', DetailType: 'Go', Detail: JSON.stringify({ size: 1 }) },
          { Source: 'other', DetailType: 'Go', Detail: JSON.stringify({ size: 5 }) },
        ],
      }),
    );
    await runner.settle();
    const started = runner.executions.slice(before);
    expect(started).toHaveLength(1);
    expect(started[0].startedBy).toBe('events.amazonaws.com');
    expect((started[0].input as { detail: unknown }).detail).toEqual({ size: 2 });
  });

  it('serves a function URL: HTTP in, payload 2.0 event to the function, its response out', async () => {
    const url = runner.functionUrl('web_url');
    const get = await fetch(`${url}approve?id=abc`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('<p>GET /approve </p>');
    const post = await fetch(`${url}approve`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
    expect(await post.text()).toBe('<p>POST /approve decision=approve</p>');
  });

  it('runs executions concurrently: the Waits of two executions each end at their own instant, in order', async () => {
    const t = account.clock.now();
    const a = await runner.startExecution('t-flow', {}, { name: 'early' });
    await runner.advanceTo(t + 300_000);
    const b = await runner.startExecution('t-flow', {}, { name: 'late' });
    expect(b.startMs).toBe(t + 300_000);
    const seen: number[] = [];
    await runner.advanceTo(t + 20 * 60_000, { onInstant: (at) => void seen.push(at) });
    // A's Wait ends at +10 min, B's at +15 min; neither moved the clock for the other.
    expect(seen).toEqual([t + 600_000, t + 900_000]);
    expect(a.tasks.find((x) => x.state === 'Tell')?.simStart).toBe(t + 600_000);
    expect(b.tasks.find((x) => x.state === 'Tell')?.simStart).toBe(t + 900_000);
    expect(account.clock.now()).toBe(t + 20 * 60_000);
    // Both wait for their token now; unanswered, each times out 1 h after it began waiting.
    await runner.advanceTo(t + 3 * 3600_000);
    expect([(await a.done).stopMs, (await b.done).stopMs]).toEqual([t + 600_000 + 3600_000, t + 900_000 + 3600_000]);
  });

  it("ends an execution at its own TimeoutSeconds, in simulated time (TIMED_OUT)", async () => {
    const t = account.clock.now();
    const exec = await runner.startExecution('t-slow', {});
    await runner.advanceTo(t + 900_000);
    const done = await exec.done;
    expect(done.status).toBe('TIMED_OUT');
    expect(done.stopMs).toBe(t + 300_000);
    expect(account.sfn.executions.get(exec.arn)?.status).toBe('TIMED_OUT');
  });

  it('refuses a stack with a Task it cannot bind', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-bad-'));
    try {
      const file = writeFixture(bad);
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      json.resource.aws_sfn_state_machine.flow.definition = JSON.stringify({
        StartAt: 'Odd',
        States: { Odd: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true } },
      });
      fs.writeFileSync(file, JSON.stringify(json));
      const other = new SimAccount();
      await expect(LocalRunner.start({ sim: linkSimAccount(other, server.url), root: bad, buildIfMissing: false })).rejects.toThrow(/Task Odd: no local binding for arn:aws:states:::sqs:sendMessage/);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});
