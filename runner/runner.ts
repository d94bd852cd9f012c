/**
 * The local runner: executes the synthesized state machines with the real Lambda bundles against
 * the simulated AWS account, in simulated time. Every Task of every definition is bound by state
 * name to what its Resource names (the hosted function, the sim's EventBridge / SNS through the
 * real SDK clients, a child execution); a Task it cannot bind fails the load.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, type AttributeDefinition, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { allStates, attachHooks, installSimulatedTime, statesTimeoutErrorClass, StateMachine, WAIT_SLEEP_MS } from './asl-engine';
import { matchesPattern, simplePath, targetInput, type BusEvent } from './event-pattern';
import { checkTimeScale, LambdaHost, LOCAL_CREDENTIALS, type InvokeOutcome } from './lambda-host';
import { readStackModel, type LocalFunction, type LocalRuleTarget, type LocalSchedule, type LocalStateMachine, type StackModel } from './stack-model';
import { LOCAL_ACCOUNT_ID, TfStack, findStackFile } from './terraform';
import { putMetricAlarmInput } from './terraform-alarms';
import { Timeline, type ClockLike } from './timeline';
import { lambdaLogGroupName } from '../core/contracts/names';
import { ratePeriodMs } from '../config/schedule-expression';

/** How `advanceTo` moves time (see `Timeline.advanceTo`). */
export interface AdvanceOptions {
  /** Called at each instant at which timers fired, once it settled, before the clock moves on. */
  onInstant?: (at: number) => Promise<void> | void;
  /** Leave timers due exactly at the target for later ([now, ms) instead of [now, ms]). */
  exclusive?: boolean;
  /** What "settled" means; default the runner's `settle`. */
  settle?: () => Promise<void>;
}

/** A SendTaskSuccess / SendTaskFailure the simulated account accepted. */
export interface TaskCallback {
  token: string;
  kind: 'success' | 'failure';
  output?: string;
  error?: string;
  cause?: string;
}

/** An event put on the simulated account (any caller, any bus). */
export interface PutEventRecord {
  region: string;
  eventBusName: string;
  id: string;
  source: string;
  detailType: string;
  /** Detail as an object (the sim parsed it). */
  detail: unknown;
  resources: string[];
  time: number;
}

/** An execution the simulated Step Functions recorded (StartExecution accepted). */
export interface StartedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** Input JSON text. */
  input: string;
  startDate: number;
  caller: string;
}

/**
 * What the runner needs of the simulated account: its endpoint and clock, the three hooks it
 * acts on, and the two calls that keep the sim's view of executions and tokens true.
 */
export interface SimLink {
  endpointUrl: string;
  clock: ClockLike;
  onStartExecution(listener: (e: StartedExecution) => void): void;
  onTaskCallback(listener: (cb: TaskCallback) => void): void;
  onEvent(listener: (event: PutEventRecord) => void): void;
  /** The token a waiting task handed out: answerable once, until `expiresAt`. */
  registerTaskToken(token: string, opts: { executionArn: string; expiresAt?: number }): void;
  completeExecution(executionArn: string, result: { status: Exclude<ExecutionStatus, 'RUNNING'>; output?: unknown; error?: string; cause?: string }): void;
  /**
   * Records a datapoint of a metric the service itself publishes (`AWS/States`), which no API
   * caller may write. Optional: without it the runner publishes no service metrics.
   */
  publishServiceMetric?(metric: { region: string; namespace: string; metricName: string; dimensions: { Name: string; Value: string }[] }, timestampMs: number, value: number): void;
}

/** Step Functions' own metrics per state machine, as the service publishes them. */
const STATES_NAMESPACE = 'AWS/States';
const STATUS_METRIC: Record<Exclude<ExecutionStatus, 'RUNNING'>, string> = {
  SUCCEEDED: 'ExecutionsSucceeded',
  FAILED: 'ExecutionsFailed',
  TIMED_OUT: 'ExecutionsTimedOut',
  ABORTED: 'ExecutionsAborted',
};

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One task's call and result, kept for reports (the demo prints findings from CollectRegion outputs). */
export interface TaskRecord {
  state: string;
  resource: string;
  input: unknown;
  output?: unknown;
  error?: { error: string; cause: string };
  simStart: number;
  simEnd?: number;
}

export interface ExecutionRecord {
  arn: string;
  name: string;
  machine: LocalStateMachine;
  input: unknown;
  status: ExecutionStatus;
  startMs: number;
  stopMs?: number;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Who started it, as the sim recorded the caller (`scheduler.amazonaws.com`, `events.amazonaws.com`, `states.amazonaws.com`, ...). */
  startedBy: string;
  tasks: TaskRecord[];
  /** States entered, in order (nested Map iterations included). */
  states: string[];
  done: Promise<ExecutionRecord>;
}

/**
 * One invocation of a Lambda function by an EventBridge Scheduler schedule that targets it
 * (asynchronous, as Scheduler invokes Lambda; no retries are modelled).
 */
export interface ScheduledInvocation {
  /** The schedule's name and ARN. */
  schedule: string;
  scheduleArn: string;
  functionName: string;
  /** Simulated time of the schedule's point (when it fired). */
  at: number;
  /** The event the function received: the schedule's input (JSON parsed; a non-JSON input as the string), `{}` without input. */
  event: unknown;
  /** Unset until the invocation ended. */
  outcome?: InvokeOutcome;
  /** Simulated time it ended. */
  endMs?: number;
  /** Resolves (never rejects) once it ended. */
  done: Promise<ScheduledInvocation>;
}

/** Activity the runner reports as it happens (the demo prints from it). */
export type RunnerActivity =
  | { kind: 'scheduled-invocation'; invocation: ScheduledInvocation }
  | { kind: 'execution-started'; execution: ExecutionRecord }
  | { kind: 'execution-finished'; execution: ExecutionRecord }
  | { kind: 'task-finished'; execution: ExecutionRecord; task: TaskRecord }
  | { kind: 'waiting-for-callback'; execution: ExecutionRecord; state: string; deadline: number }
  | { kind: 'callback'; execution: ExecutionRecord; state: string; outcome: 'success' | 'failure' | 'timeout' }
  | { kind: 'wait'; execution: ExecutionRecord; state: string; until: number }
  | { kind: 'event-routed'; rule: string; event: BusEvent; target: string }
  | { kind: 'function-url'; functionName: string; method: string; path: string; status: number };

/** A log line as CloudWatch Logs holds it: group, event time (simulated, epoch ms), message. */
export interface CapturedLogEvent {
  logGroup: string;
  timestamp: number;
  message: string;
}

export interface RunnerOptions {
  sim: SimLink;
  /** Repository root (holds `cdktf.out/` and `dist/`). */
  root?: string;
  /** Stack file; default: the only stack under `<root>/cdktf.out/stacks/`. */
  stackFile?: string;
  /** Bundles; default `<root>/dist`. */
  distDir?: string;
  /** Environment added to every function (e.g. `{ LOG_LEVEL: 'OFF' }`). */
  extraEnv?: Record<string, string>;
  onLambdaLog?: (functionName: string, line: string) => void;
  onActivity?: (activity: RunnerActivity) => void;
  /** Build (synth + bundles) when the stack or a bundle is missing. Default true. */
  buildIfMissing?: boolean;
  /** Port of the first function URL server (0 = any free port). */
  functionUrlPort?: number;
  /**
   * k ≥ 1 (default 1): run k times faster than AWS would, with the same shape (pair it with the
   * sim's `SimLimits.timeScale`). Wall-clock limits are divided by k: every function's timeout,
   * the TimeoutSeconds of Tasks that do real work (not `.waitForTaskToken` / `.sync`, which wait
   * in simulated time) and the 5-minute limit of EXPRESS executions.
   */
  timeScale?: number;
}

/** Step Functions' maximum duration of an EXPRESS execution (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). */
export const EXPRESS_MAX_SECONDS = 300;

/**
 * The event EventBridge Scheduler sends a function target: the schedule's input with its context
 * attributes replaced (`<aws.scheduler.schedule-arn>`, `<aws.scheduler.scheduled-time>`,
 * `<aws.scheduler.execution-id>`, `<aws.scheduler.attempt-number>`), parsed when it is JSON.
 */
export function scheduleEvent(s: Pick<LocalSchedule, 'arn' | 'input'>, at: number): unknown {
  if (s.input === undefined) return {};
  const text = s.input
    .split('<aws.scheduler.schedule-arn>')
    .join(s.arn)
    .split('<aws.scheduler.scheduled-time>')
    .join(new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'))
    .split('<aws.scheduler.execution-id>')
    .join(randomUUID())
    .split('<aws.scheduler.attempt-number>')
    .join('1');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Step Functions' error name for an AWS SDK error of an integration (`SNS.InvalidParameterException`). */
const INTEGRATION_ERROR_PREFIX: Record<string, string> = { events: 'EventBridge', sns: 'SNS', states: 'StepFunctions', lambda: 'Lambda' };
/** Caller label the sim records for calls the state machines make. */
const STATES_CALLER = 'states.amazonaws.com';
/** Caller label of the calls that stand in for `terraform apply`. */
const TERRAFORM_CALLER = 'terraform';
/** Attempts of a throttled call that stands in for `terraform apply` (100 ms × attempt apart, about 10 s in all). */
const TERRAFORM_THROTTLE_ATTEMPTS = 14;

interface TokenWaiter {
  token: string;
  execution: ExecutionRecord;
  state: string;
  open: boolean;
  /** The integration returned and the task now only waits (counted in `parked`). */
  parked?: boolean;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  cancelTimer: () => void;
}

type TaskHandler = (input: unknown) => Promise<unknown>;

/** Runs the stack locally. Create with `LocalRunner.start`. */
export class LocalRunner {
  readonly timeline: Timeline;
  readonly executions: ExecutionRecord[] = [];
  /** Every line the functions wrote (any level that reached stdout/stderr), oldest first. */
  readonly logEvents: CapturedLogEvent[] = [];
  private readonly hosts = new Map<string, LambdaHost>();
  private readonly tokens = new Map<string, TokenWaiter>();
  /** Per running execution: how many of its branches wait for a timer or a callback. */
  private readonly parked = new Map<ExecutionRecord, number>();
  /** Per running execution: Task handlers in flight (not counting tasks parked on a token). */
  private readonly activeTasks = new Map<ExecutionRecord, number>();
  /** Per running execution: its pending timers (Waits, execution timeout), cancelled when it ends. */
  private readonly timersOf = new Map<ExecutionRecord, Set<() => void>>();
  private readonly servers: http.Server[] = [];
  private readonly urlByTfName = new Map<string, string>();
  private asyncInvocations = 0;
  private pendingStarts = 0;
  private readonly byArn = new Map<string, ExecutionRecord>();
  private readonly compiledMachines = new Map<LocalStateMachine, StateMachine>();
  private readonly clients = new Map<string, { destroy(): void }>();
  private readonly aborts = new Map<ExecutionRecord, () => void>();
  private schedulesStarted = false;
  /** StartExecutions the schedules made, not yet handed out by `takeScheduledRuns`. */
  private scheduledStarts: Promise<ExecutionRecord>[] = [];
  /** Every invocation of a function by a schedule that targets it, oldest first. */
  readonly scheduledInvocations: ScheduledInvocation[] = [];
  /** Those not yet handed out by `takeScheduledInvocations`. */
  private untakenInvocations: ScheduledInvocation[] = [];
  private settleWaiters: (() => void)[] = [];
  /** Count of changes (`changed()`); `quietAt`: the count when quiet was last confirmed. */
  private changes = 0;
  private quietAt = -1;
  private timeoutError!: new () => Error;
  private closed = false;
  model!: StackModel;

  private constructor(private readonly options: RunnerOptions) {
    checkTimeScale(options.timeScale, 'RunnerOptions.timeScale');
    this.timeline = new Timeline(options.sim.clock);
  }

  /** The time scale k (see `RunnerOptions.timeScale`). */
  get timeScale(): number {
    return this.options.timeScale ?? 1;
  }

  /** Loads the stack, starts function URL servers, binds every Task; ready to run. */
  static async start(options: RunnerOptions): Promise<LocalRunner> {
    const runner = new LocalRunner(options);
    try {
      await runner.load();
    } catch (err) {
      await runner.close();
      throw err;
    }
    return runner;
  }

  private async load(): Promise<void> {
    installSimulatedTime();
    this.timeoutError = await statesTimeoutErrorClass();
    const root = this.options.root ?? path.resolve(__dirname, '..');
    const distDir = this.options.distDir ?? path.join(root, 'dist');
    let stackFile = this.options.stackFile ?? findStackFile(root);
    if (this.options.buildIfMissing !== false && (!stackFile || !fs.existsSync(distDir))) {
      buildStack(root);
      stackFile = this.options.stackFile ?? findStackFile(root);
    }
    if (!stackFile) throw new Error(`no synthesized stack under ${root}/cdktf.out/stacks (run npm run synth)`);

    // Function URLs are served before references resolve: their local URL is an attribute.
    const raw = TfStack.load(stackFile);
    let port = this.options.functionUrlPort ?? 0;
    for (const b of raw.resources('aws_lambda_function_url')) {
      const url = await this.serveFunctionUrl(b.name, port);
      if (port) port += 1;
      this.urlByTfName.set(b.name, url);
    }
    const stack = TfStack.load(stackFile, { functionUrls: Object.fromEntries(this.urlByTfName) });
    this.model = readStackModel(stack, distDir);
    for (const fn of this.model.functions) {
      this.hosts.set(
        fn.functionName,
        new LambdaHost(fn, {
          endpointUrl: this.options.sim.endpointUrl,
          extraEnv: { ...(this.options.extraEnv ?? {}), AWS_SDK_UA_APP_ID: fn.functionName },
          onLog: (functionName, line) => this.captureLog(functionName, line),
          clock: () => this.timeline.now(),
          timeScale: this.options.timeScale,
        }),
      );
    }
    await this.applyInfrastructure();
    for (const m of this.model.stateMachines) {
      this.bindings(m); // fail now on a Task we cannot bind
      this.compiled(m); // and on a definition the library rejects
    }
    this.options.sim.onStartExecution((e) => this.onStartExecution(e));
    this.options.sim.onTaskCallback((cb) => this.onTaskCallback(cb));
    this.options.sim.onEvent((e) => this.onEvent(e));
  }

  /**
   * Keeps a function's log line as CloudWatch Logs would hold it (its log group, the simulated
   * time it arrived), for Logs Insights queries over `logEvents`, then hands it to `onLambdaLog`.
   */
  private captureLog(functionName: string, line: string): void {
    this.logEvents.push({ logGroup: lambdaLogGroupName(functionName), timestamp: this.timeline.now(), message: line });
    this.options.onLambdaLog?.(functionName, line);
  }

  /**
   * What `terraform apply` would create that the functions use at run time, created in the sim
   * through its API (recorded with caller `terraform`): SNS topics and subscriptions, DynamoDB
   * tables, CloudWatch metric alarms (after the topics their actions name).
   */
  private async applyInfrastructure(): Promise<void> {
    const { stack } = this.model;
    for (const b of stack.resources('aws_sns_topic')) {
      const region = stack.regionOf(b);
      const name = stack.attribute(`aws_sns_topic.${b.name}`, 'name', `aws_sns_topic.${b.name}`);
      await this.client(SNSClient, region, TERRAFORM_CALLER).send(new CreateTopicCommand({ Name: name }));
    }
    for (const b of stack.resources('aws_sns_topic_subscription')) {
      const region = stack.regionOf(b);
      await this.client(SNSClient, region, TERRAFORM_CALLER).send(
        new SubscribeCommand({ TopicArn: stack.arg(b, 'topic_arn'), Protocol: stack.arg(b, 'protocol'), Endpoint: stack.arg(b, 'endpoint') }),
      );
    }
    for (const b of stack.resources('aws_dynamodb_table')) {
      const where = `aws_dynamodb_table.${b.name}`;
      const hash = stack.arg(b, 'hash_key');
      const range = stack.arg(b, 'range_key');
      if (!hash) throw new Error(`${where}: no hash_key`);
      const keys: KeySchemaElement[] = [{ AttributeName: hash, KeyType: 'HASH' }, ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : [])];
      const attrs = ([] as Record<string, unknown>[]).concat((b.config.attribute as Record<string, unknown>[] | undefined) ?? []);
      await this.client(DynamoDBClient, stack.regionOf(b), TERRAFORM_CALLER).send(
        new CreateTableCommand({
          TableName: stack.attribute(`aws_dynamodb_table.${b.name}`, 'name', where),
          KeySchema: keys,
          AttributeDefinitions: attrs.map((a) => ({ AttributeName: String(a.name), AttributeType: String(a.type) }) as AttributeDefinition),
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
    for (const b of stack.resources('aws_cloudwatch_metric_alarm')) {
      const cw = this.client(CloudWatchClient, stack.regionOf(b), TERRAFORM_CALLER);
      // Like the provider, retry throttling (the sim may apply PutMetricAlarm's 3 per second).
      for (let attempt = 1; ; attempt++) {
        try {
          await cw.send(new PutMetricAlarmCommand(putMetricAlarmInput(stack, b)));
          break;
        } catch (err) {
          if ((err as Error).name !== 'Throttling' && (err as Error).name !== 'ThrottlingException') throw err;
          if (attempt >= TERRAFORM_THROTTLE_ATTEMPTS) throw err;
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
    }
  }

  /** A state machine by name, ARN or Terraform resource name. */
  machine(ref: string): LocalStateMachine {
    const m = this.model.stateMachines.find((x) => x.name === ref || x.arn === ref || x.tfName === ref || x.name.endsWith(`-${ref}`));
    if (!m) throw new Error(`no state machine "${ref}" in the stack (have: ${this.model.stateMachines.map((x) => x.name).join(', ')})`);
    return m;
  }

  /** A function by name, ARN (optionally qualified) or Terraform resource name. */
  fn(ref: string): LocalFunction {
    const name = ref.startsWith('arn:') ? ref.split(':')[6] : ref;
    const f = this.model.functions.find((x) => x.functionName === name || x.tfName === name || x.functionName.endsWith(`-${name}`));
    if (!f) throw new Error(`no Lambda function "${ref}" in the stack (have: ${this.model.functions.map((x) => x.functionName).join(', ')})`);
    return f;
  }

  /** Local URL of a function URL (by Terraform name or function name). */
  functionUrl(ref: string): string {
    const direct = this.urlByTfName.get(ref);
    if (direct) return direct;
    const u = this.model.functionUrls.find((x) => x.functionName === ref || x.functionName.endsWith(`-${ref}`));
    const url = u && this.urlByTfName.get(u.tfName);
    if (!url) throw new Error(`no function URL for "${ref}"`);
    return url;
  }

  /** Invokes a function as a RequestResponse call. */
  invoke(ref: string, event: unknown): Promise<InvokeOutcome> {
    return this.host(this.fn(ref).functionName).invoke(event);
  }

  /** Lambda hosts (for stats: invocations, cold starts, init times). */
  lambdaHosts(): LambdaHost[] {
    return [...this.hosts.values()];
  }

  /**
   * Starts an execution through the simulated Step Functions (StartExecution, recorded; names
   * unique per machine: same name and input while running → that execution, otherwise
   * ExecutionAlreadyExists). `caller` is who the sim records (`scheduler.amazonaws.com`, ...).
   */
  async startExecution(machineRef: string, input: unknown = {}, opts: { name?: string; caller?: string } = {}): Promise<ExecutionRecord> {
    const machine = this.machine(machineRef);
    this.pendingStarts += 1;
    try {
      const client = this.client(SFNClient, machine.region, opts.caller ?? 'local-runner');
      const out = await client.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: opts.name, input: JSON.stringify(input ?? {}) }));
      const record = this.byArn.get(out.executionArn ?? '');
      if (!record) throw new Error(`StartExecution of ${machine.name} returned ${out.executionArn}, which the runner never saw start`);
      return record;
    } finally {
      this.pendingStarts -= 1;
      this.changed();
    }
  }

  /** Starts an execution and waits for it to end. */
  async runExecution(machineRef: string, input: unknown = {}, opts: { name?: string; caller?: string } = {}): Promise<ExecutionRecord> {
    return (await this.startExecution(machineRef, input, opts)).done;
  }

  /** One scheduled run: the machine the stack's schedule targets, with the schedule's input, as EventBridge Scheduler starts it. */
  async runScheduled(): Promise<ExecutionRecord> {
    const schedule = this.model.schedules.find((s) => this.model.stateMachines.some((m) => m.arn === s.targetArn));
    if (!schedule) throw new Error('the stack has no schedule that targets a state machine');
    const input = schedule.input ? (JSON.parse(schedule.input) as unknown) : {};
    const at = new Date(this.timeline.now()).toISOString().replace(/[:.]/g, '-');
    return this.runExecution(schedule.targetArn, input, { name: `scheduled-${at}`.slice(0, 80), caller: 'scheduler.amazonaws.com' });
  }

  /**
   * Starts the stack's schedules as EventBridge Scheduler and EventBridge run them: every enabled
   * Scheduler schedule (each run of the MONITOR) and scheduled rule (e.g. the hourly dashboard
   * rebuild) fires now and then at every point of its `rate(...)` grid, as timers on the
   * timeline, whatever other executions are doing. A schedule whose target is a function of the
   * stack invokes it (asynchronously, through its Lambda host) with the schedule's input as the
   * event; those invocations are in `scheduledInvocations` / `takeScheduledInvocations`.
   * Idempotent.
   */
  startSchedules(): void {
    if (this.schedulesStarted) return;
    this.schedulesStarted = true;
    const first = this.timeline.now();
    for (const s of this.model.schedules) {
      if (!s.enabled) continue;
      const target = this.scheduleFunction(s);
      if (target) {
        this.everyPeriod(`schedule ${s.name}`, s.expression, first, (at) => this.invokeScheduled(s, target, at));
        continue;
      }
      const input = s.input ? (JSON.parse(s.input) as unknown) : {};
      this.everyPeriod(`schedule ${s.name}`, s.expression, first, (at) => {
        const name = `${s.name}-${new Date(at).toISOString().replace(/[:.]/g, '-')}`.slice(0, 80);
        const started = this.startExecution(s.targetArn, input, { name, caller: 'scheduler.amazonaws.com' });
        started.catch(() => undefined); // handed out (rejection included) by takeScheduledRuns
        this.scheduledStarts.push(started);
      });
    }
    for (const rule of this.model.rules) {
      if (!rule.enabled || !rule.scheduleExpression) continue;
      this.everyPeriod(`rule ${rule.name}`, rule.scheduleExpression, first, (at) => {
        const event: BusEvent = {
          version: '0',
          id: randomUUID(),
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: LOCAL_ACCOUNT_ID,
          time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: rule.region,
          resources: [`arn:aws:events:${rule.region}:${LOCAL_ACCOUNT_ID}:rule/${rule.name}`],
          detail: {},
        };
        for (const target of rule.targets) this.deliver(rule.name, event, target);
      });
    }
  }

  /** A timer at `first` and at every period after it (the next one is set before this one fires). */
  private everyPeriod(what: string, expression: string, first: number, fire: (at: number) => void): void {
    const period = ratePeriodMs(expression);
    if (period === undefined) throw new Error(`${what}: only rate(...) expressions run locally, got ${expression}`);
    const arm = (at: number): void => {
      this.timeline.at(at, () => {
        if (this.closed) return;
        arm(at + period);
        fire(at);
      });
    };
    arm(first);
  }

  /** The function of the stack a schedule targets (by ARN, optionally qualified), if any. */
  private scheduleFunction(s: LocalSchedule): LocalFunction | undefined {
    if (!s.targetArn.includes(':lambda:')) return undefined;
    return this.model.functions.find((f) => s.targetArn === f.arn || s.targetArn.startsWith(`${f.arn}:`));
  }

  /**
   * One point of a schedule that targets a function: Scheduler's asynchronous invocation with the
   * schedule's input as the event (its context attributes `<aws.scheduler.*>` filled in). In
   * flight until it ends (settle waits for it); a failure is logged like Lambda's async failures.
   */
  private invokeScheduled(s: LocalSchedule, fn: LocalFunction, at: number): void {
    const invocation = { schedule: s.name, scheduleArn: s.arn, functionName: fn.functionName, at, event: scheduleEvent(s, at) } as ScheduledInvocation;
    this.asyncInvocations += 1;
    invocation.done = this.host(fn.functionName)
      .invoke(invocation.event)
      .catch((err: Error): InvokeOutcome => ({ ok: false, error: { errorType: 'Runner.InvokeFailed', errorMessage: err?.message ?? String(err) }, durationMs: 0 }))
      .then((outcome) => {
        invocation.outcome = outcome;
        invocation.endMs = this.timeline.now();
        if (!outcome.ok) this.options.onLambdaLog?.(fn.functionName, JSON.stringify({ level: 'ERROR', message: `schedule ${s.name}: async invocation failed`, error: outcome.error }));
        this.options.onActivity?.({ kind: 'scheduled-invocation', invocation });
        return invocation;
      })
      .finally(() => {
        this.asyncInvocations -= 1;
        this.changed();
      });
    this.scheduledInvocations.push(invocation);
    this.untakenInvocations.push(invocation);
    this.changed();
  }

  /** The function invocations the schedules made since the last call, in the order they fired, once each ended. */
  async takeScheduledInvocations(): Promise<ScheduledInvocation[]> {
    const taken = this.untakenInvocations;
    this.untakenInvocations = [];
    return Promise.all(taken.map((i) => i.done));
  }

  /** The executions the schedules started since the last call, in the order they started. */
  async takeScheduledRuns(): Promise<ExecutionRecord[]> {
    const starts = this.scheduledStarts;
    this.scheduledStarts = [];
    return Promise.all(starts);
  }

  /**
   * Fires what is due at the current simulated time (starting the schedules on the first call)
   * and returns the executions the schedules started. Time does not move.
   */
  async fireDueSchedules(): Promise<ExecutionRecord[]> {
    this.startSchedules();
    await this.advanceTo(this.timeline.now());
    return this.takeScheduledRuns();
  }

  /** The sim accepted a StartExecution (from anyone): run it. */
  private onStartExecution(e: StartedExecution): void {
    const machine = this.model.stateMachines.find((m) => m.arn === e.stateMachineArn);
    if (!machine) throw new Error(`StartExecution for ${e.stateMachineArn}: no such state machine in the stack`);
    const record: ExecutionRecord = {
      arn: e.executionArn,
      name: e.name,
      machine,
      input: JSON.parse(e.input) as unknown,
      status: 'RUNNING',
      startMs: e.startDate,
      startedBy: e.caller,
      tasks: [],
      states: [],
      done: Promise.resolve(undefined as never),
    };
    this.executions.push(record);
    this.byArn.set(record.arn, record);
    record.done = this.execute(record);
    this.options.onActivity?.({ kind: 'execution-started', execution: record });
    this.changed();
  }

  /**
   * Moves simulated time forward to `ms`, the only way it moves: every timer on the way (Wait
   * states, task-token and execution timeouts, schedules, scheduled rules) fires at its own
   * instant, in time order, and what it starts runs until it settles before the clock moves on
   * (see `Timeline.advanceTo`). Resolves with the clock at `ms` and everything settled.
   */
  async advanceTo(ms: number, options: AdvanceOptions = {}): Promise<void> {
    const settle = options.settle ?? (() => this.settle());
    await this.timeline.advanceTo(ms, { settle, onInstant: options.onInstant, exclusive: options.exclusive });
    await settle();
  }

  /**
   * Resolves once nothing can run without simulated time passing: every unfinished execution
   * waits for a timer (a Wait, a timeout) or a callback (a person), and no start or asynchronous
   * invocation is in flight. Time does not pass while settling.
   */
  async settle(): Promise<void> {
    for (;;) {
      // Quiet already confirmed and nothing happened since: still quiet.
      if (this.quietAt === this.changes && this.quiet()) return;
      if (this.quiet()) {
        // Let in-flight I/O callbacks land (an event put by a finishing task starts a new execution).
        const before = this.changes;
        await new Promise((r) => setTimeout(r, 5));
        if (this.quiet()) {
          if (this.changes === before) this.quietAt = before;
          return;
        }
      }
      await new Promise<void>((r) => this.settleWaiters.push(r));
    }
  }

  /** Unfinished executions. */
  running(): ExecutionRecord[] {
    return this.executions.filter((e) => e.status === 'RUNNING');
  }

  /** Task tokens still waiting, with their execution and state. */
  openCallbacks(): { execution: ExecutionRecord; state: string }[] {
    return [...this.tokens.values()].filter((t) => t.open).map((t) => ({ execution: t.execution, state: t.state }));
  }

  /** Stops containers and servers. Running executions are abandoned. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Abandon what still runs: answer open tokens (their library timers are real) and abort.
    for (const w of this.tokens.values()) {
      if (!w.open) continue;
      w.open = false;
      w.cancelTimer();
      w.reject(namedError('States.Runtime', 'the local runner was closed'));
    }
    for (const abort of this.aborts.values()) abort();
    for (const c of this.clients.values()) c.destroy();
    await Promise.all([...this.hosts.values()].map((h) => h.close()));
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((r) => {
            s.close(() => r());
            s.closeAllConnections();
          }),
      ),
    );
  }

  private quiet(): boolean {
    if (this.asyncInvocations > 0 || this.pendingStarts > 0) return false;
    return this.running().every((e) => (this.activeTasks.get(e) ?? 0) === 0 && (this.parked.get(e) ?? 0) > 0);
  }

  private park(record: ExecutionRecord, delta: 1 | -1): void {
    const n = (this.parked.get(record) ?? 0) + delta;
    if (n > 0) this.parked.set(record, n);
    else this.parked.delete(record);
  }

  private countTask(record: ExecutionRecord, delta: 1 | -1): void {
    const n = (this.activeTasks.get(record) ?? 0) + delta;
    if (n > 0) this.activeTasks.set(record, n);
    else this.activeTasks.delete(record);
  }

  /** A timer of one execution, cancelled if the execution ends first. */
  /**
   * Fires once the execution has used `limitMs`, counting simulated time since its start plus
   * k × the wall-clock time since now (an approximation: wall time spent while it waits for a
   * simulated timer counts too). Cancelled with its other timers.
   */
  private wallTimerOf(record: ExecutionRecord, limitMs: number, fire: () => void): void {
    const k = this.timeScale;
    const wallStart = performance.now();
    const set = this.timersOf.get(record) ?? new Set<() => void>();
    this.timersOf.set(record, set);
    let handle: NodeJS.Timeout;
    const cancel = () => clearTimeout(handle);
    const check = () => {
      const used = this.timeline.now() - record.startMs + (performance.now() - wallStart) * k;
      if (used >= limitMs) {
        set.delete(cancel);
        fire();
      } else handle = setTimeout(check, Math.max(1, (limitMs - used) / k)).unref();
    };
    handle = setTimeout(check, Math.max(1, (limitMs - (this.timeline.now() - record.startMs)) / k)).unref();
    set.add(cancel);
  }

  private timerOf(record: ExecutionRecord, at: number, fire: () => void): void {
    const set = this.timersOf.get(record) ?? new Set<() => void>();
    this.timersOf.set(record, set);
    const cancel = this.timeline.at(at, () => {
      set.delete(cancel);
      fire();
    });
    set.add(cancel);
  }

  private changed(): void {
    this.changes += 1;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const w of waiters) w();
  }

  private host(functionName: string): LambdaHost {
    const h = this.hosts.get(functionName);
    if (!h) throw new Error(`function ${functionName} is not hosted`);
    return h;
  }

  private async execute(record: ExecutionRecord): Promise<ExecutionRecord> {
    const { machine } = record;
    const handlers = this.bindings(machine, record);
    const waits = [...allStates(machine.definition)].filter(([, s]) => s.Type === 'Wait');
    const retryable = [...allStates(machine.definition)].filter(([, s]) => Array.isArray(s.Retry)).map(([n]) => n);
    const issued = new Set<string>();
    // `$$.State` changes with every state entered (the library does not provide it).
    const stateContext = { Name: '', EnteredTime: '', RetryCount: 0 };
    const context = {
      State: stateContext,
      Execution: { Id: record.arn, Name: record.name, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${machine.name}`, RedriveCount: 0 },
      StateMachine: { Id: machine.arn, Name: machine.name },
      Task: {
        // Each read is a new token: one per waiting task, found again in that task's input.
        get Token(): string {
          const t = `AQ${randomBytes(96).toString('base64url')}`;
          issued.add(t);
          return t;
        },
      },
    };
    (record as ExecutionRecord & { issuedTokens?: Set<string> }).issuedTokens = issued;
    attachHooks(context, {
      startTimeMs: record.startMs,
      onStateEntered: (stateName) => {
        record.states.push(stateName);
        stateContext.Name = stateName;
        stateContext.EnteredTime = new Date(this.timeline.now()).toISOString();
        this.changed();
      },
      onWait: (stateName, stateInput) => this.onWait(record, stateName, stateInput),
    });
    const sm = this.compiled(machine);
    let timedOut = false;
    try {
      const execution = sm.run(record.input as never, {
        context: context as never,
        overrides: {
          taskResourceLocalHandlers: handlers as never,
          // Every Wait sleeps WAIT_SLEEP_MS for real, which asl-engine turns into a wait in simulated time.
          waitTimeOverrides: Object.fromEntries(waits.map(([n]) => [n, WAIT_SLEEP_MS])),
          // Retry intervals take no time (simulated or real): a retry follows at once.
          retryIntervalOverrides: Object.fromEntries(retryable.map((n) => [n, 0])),
        },
      });
      this.aborts.set(record, execution.abort);
      const onTimeout = () => {
        if (timedOut) return;
        timedOut = true;
        this.countTask(record, 1); // busy until it has ended (not quiet meanwhile)
        execution.abort();
      };
      // The execution's own TimeoutSeconds runs on the simulated clock too.
      const limit = executionLimitSeconds(machine);
      if (limit !== undefined) this.timerOf(record, record.startMs + limit * 1000, onTimeout);
      // An EXPRESS execution's work takes wall-clock time here (simulated time moves only in
      // advanceTo), so its limit also counts that: elapsed = simulated + k × wall time.
      if (limit !== undefined && machine.type === 'EXPRESS') this.wallTimerOf(record, limit * 1000, onTimeout);
      record.output = await execution.result;
      record.status = 'SUCCEEDED';
    } catch (err) {
      const e = err as Error & { cause?: Error };
      if (timedOut) {
        record.status = 'TIMED_OUT';
        record.error = 'States.Timeout';
        record.cause =
          typeof machine.definition.TimeoutSeconds === 'number' && machine.definition.TimeoutSeconds <= (machine.type === 'EXPRESS' ? EXPRESS_MAX_SECONDS : Infinity)
            ? `The execution ran longer than its TimeoutSeconds (${String(machine.definition.TimeoutSeconds)})`
            : `The execution ran longer than ${EXPRESS_MAX_SECONDS} seconds, the maximum duration of an EXPRESS execution`;
      } else if (e.name === 'ExecutionAbortedError') {
        record.status = 'ABORTED';
      } else if (e.name === 'ExecutionTimeoutError') {
        record.status = 'TIMED_OUT';
        record.error = 'States.Timeout';
      } else {
        record.status = 'FAILED';
        record.error = e.cause?.name ?? e.name;
        record.cause = e.cause?.message ?? e.message;
      }
    } finally {
      record.stopMs = this.timeline.now();
      this.parked.delete(record);
      this.activeTasks.delete(record);
      this.aborts.delete(record);
      for (const cancel of this.timersOf.get(record) ?? []) cancel();
      this.timersOf.delete(record);
      const { status, output, error, cause } = record;
      if (status !== 'RUNNING') {
        this.options.sim.completeExecution(record.arn, { status, output, error, cause });
        this.publishStatesMetrics(record, status);
      }
      for (const t of this.tokens.values()) {
        if (t.execution === record && t.open) {
          t.open = false;
          t.cancelTimer();
        }
      }
    }
    this.options.onActivity?.({ kind: 'execution-finished', execution: record });
    this.changed();
    return record;
  }

  /** AWS/States metrics of a finished execution (started, its outcome, its duration), per state machine. */
  private publishStatesMetrics(record: ExecutionRecord, status: Exclude<ExecutionStatus, 'RUNNING'>): void {
    const publish = this.options.sim.publishServiceMetric;
    if (!publish) return;
    const metric = (metricName: string) => ({ region: record.machine.region, namespace: STATES_NAMESPACE, metricName, dimensions: [{ Name: 'StateMachineArn', Value: record.machine.arn }] });
    const end = record.stopMs ?? this.timeline.now();
    publish(metric('ExecutionsStarted'), record.startMs, 1);
    publish(metric(STATUS_METRIC[status]), end, 1);
    publish(metric('ExecutionTime'), end, end - record.startMs);
  }

  /** The library's machine, validated once (validation takes ~300 ms; a run reuses it). */
  private compiled(machine: LocalStateMachine): StateMachine {
    let sm = this.compiledMachines.get(machine);
    if (!sm) {
      sm = new StateMachine(machine.definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
      // Scaled Task timeouts (the library enforces them on the wall clock) may be fractional,
      // which validation refuses: validated above as written, run scaled.
      if (this.timeScale !== 1) sm = new StateMachine(scaleTaskTimeouts(machine.definition, this.timeScale) as never, { validationOptions: { noValidate: true } });
      this.compiledMachines.set(machine, sm);
    }
    return sm;
  }

  /**
   * A Wait state: the execution waits for a timer at the wait's end (in simulated time; nothing
   * sleeps, and the clock is left alone: it moves only in `advanceTo`). A wait that ends now or
   * in the past is over at once.
   */
  private onWait(record: ExecutionRecord, stateName: string, rawInput: unknown): Promise<void> {
    const state = allStates(record.machine.definition).get(stateName) ?? {};
    const input = typeof state.InputPath === 'string' ? simplePath(rawInput, state.InputPath) : rawInput;
    const now = this.timeline.now();
    let until: number;
    if (typeof state.Seconds === 'number') until = now + state.Seconds * 1000;
    else if (typeof state.SecondsPath === 'string') until = now + Number(simplePath(input, state.SecondsPath)) * 1000;
    else if (typeof state.Timestamp === 'string') until = Date.parse(state.Timestamp);
    else if (typeof state.TimestampPath === 'string') until = Date.parse(String(simplePath(input, state.TimestampPath)));
    else throw new Error(`Wait state ${stateName} of ${record.machine.name} has no Seconds/Timestamp`);
    if (!Number.isFinite(until)) throw new Error(`Wait state ${stateName} of ${record.machine.name}: wait time is not a number/timestamp`);
    this.options.onActivity?.({ kind: 'wait', execution: record, state: stateName, until });
    if (until <= now) return Promise.resolve();
    this.park(record, 1);
    this.changed();
    return new Promise<void>((resolve) =>
      this.timerOf(record, until, () => {
        this.park(record, -1);
        resolve();
      }),
    );
  }

  /**
   * Task handlers of a machine by state name. Without `record` it only checks that every Task
   * can be bound (at load time).
   */
  private bindings(machine: LocalStateMachine, record?: ExecutionRecord): Record<string, TaskHandler> {
    const out: Record<string, TaskHandler> = {};
    for (const [stateName, state] of allStates(machine.definition)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource ?? '');
      const base = this.bindResource(machine, stateName, resource);
      const waitForToken = resource.endsWith('.waitForTaskToken');
      const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
      if (!record) continue;
      out[stateName] = async (input: unknown) => {
        const task: TaskRecord = { state: stateName, resource, input, simStart: this.timeline.now() };
        record.tasks.push(task);
        this.countTask(record, 1);
        try {
          const output = waitForToken ? await this.withTaskToken(record, stateName, input, timeoutSeconds, base) : await base(input, record);
          task.output = output;
          return output;
        } catch (err) {
          const e = err as Error;
          task.error = { error: e.name, cause: e.message };
          throw err;
        } finally {
          this.countTask(record, -1);
          task.simEnd = this.timeline.now();
          this.options.onActivity?.({ kind: 'task-finished', execution: record, task });
        }
      };
    }
    return out;
  }

  private bindResource(machine: LocalStateMachine, stateName: string, resource: string): (input: unknown, record: ExecutionRecord) => Promise<unknown> {
    const where = `state machine ${machine.name}, Task ${stateName}`;
    const direct = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:([^:]+)(:.+)?$/.exec(resource);
    if (direct) {
      const fn = this.fn(direct[1]);
      return async (input) => unwrapLambda(await this.host(fn.functionName).invoke(input));
    }
    const m = /^arn:[a-z-]+:states:::([a-z0-9-]+):([A-Za-z0-9]+)(?:\.(waitForTaskToken|sync|sync:2))?$/.exec(resource);
    if (!m) throw new Error(`${where}: cannot bind Resource ${resource}`);
    const [, service, action, mode] = m;
    const key = `${service}:${action}`;
    if (mode === 'sync' || mode === 'sync:2') {
      if (key !== 'states:startExecution') throw new Error(`${where}: .${mode} is only supported for states:startExecution`);
    }
    switch (key) {
      case 'lambda:invoke':
        return async (input) => this.lambdaInvokeTask(where, input);
      case 'events:putEvents':
        return async (input, record) => this.putEventsTask(where, input, record);
      case 'sns:publish':
        return async (input, record) => this.snsPublishTask(where, input, record);
      case 'states:startExecution':
        return async (input, record) => this.startExecutionTask(where, input, record, mode === 'sync' || mode === 'sync:2');
      default:
        throw new Error(`${where}: no local binding for ${resource} (supported: lambda:invoke, events:putEvents, sns:publish, states:startExecution, direct Lambda ARNs)`);
    }
  }

  private async lambdaInvokeTask(where: string, input: unknown): Promise<unknown> {
    const params = asObject(input, where);
    const fnRef = String(params.FunctionName ?? '');
    const fn = this.fn(fnRef);
    if (params.InvocationType === 'Event') {
      this.invokeAsync(fn.functionName, params.Payload ?? {});
      return { StatusCode: 202, Payload: '' };
    }
    const outcome = await this.host(fn.functionName).invoke(params.Payload ?? {});
    const payload = unwrapLambda(outcome);
    return {
      ExecutedVersion: '$LATEST',
      Payload: payload,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: randomUUID() },
      StatusCode: 200,
    };
  }

  private async putEventsTask(where: string, input: unknown, record: ExecutionRecord): Promise<unknown> {
    const params = asObject(input, where);
    const entries = (params.Entries as Record<string, unknown>[] | undefined) ?? [];
    const client = this.client(EventBridgeClient, record.machine.region, `states.${record.machine.name}`);
    const out = await integration('events', () =>
      client.send(
        new PutEventsCommand({
          Entries: entries.map((e) => ({
            Source: e.Source as string,
            DetailType: e.DetailType as string,
            Detail: typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail ?? {}),
            EventBusName: e.EventBusName as string | undefined,
            Resources: e.Resources as string[] | undefined,
            Time: e.Time ? new Date(String(e.Time)) : new Date(this.timeline.now()),
          })),
        }),
      ),
    );
    return { Entries: out.Entries ?? [], FailedEntryCount: out.FailedEntryCount ?? 0 };
  }

  private async snsPublishTask(where: string, input: unknown, record: ExecutionRecord): Promise<unknown> {
    const p = asObject(input, where);
    const client = this.client(SNSClient, record.machine.region, `states.${record.machine.name}`);
    const out = await integration('sns', () =>
      client.send(
        new PublishCommand({
          TopicArn: p.TopicArn as string | undefined,
          TargetArn: p.TargetArn as string | undefined,
          Message: typeof p.Message === 'string' ? p.Message : JSON.stringify(p.Message),
          Subject: p.Subject as string | undefined,
          MessageStructure: p.MessageStructure as string | undefined,
          MessageAttributes: p.MessageAttributes as never,
        }),
      ),
    );
    return { MessageId: out.MessageId, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: out.$metadata.requestId ?? randomUUID() } };
  }

  private async startExecutionTask(where: string, input: unknown, record: ExecutionRecord, sync: boolean): Promise<unknown> {
    const p = asObject(input, where);
    const machineArn = String(p.StateMachineArn ?? '');
    const childInput = typeof p.Input === 'string' ? (JSON.parse(p.Input) as unknown) : (p.Input ?? {});
    const name = typeof p.Name === 'string' ? p.Name : undefined;
    const child = await integration('states', () => this.startExecution(machineArn, childInput, { name, caller: `states.${record.machine.name}` }));
    const started = { ExecutionArn: child.arn, StartDate: child.startMs };
    if (!sync) return started;
    const done = await child.done;
    if (done.status !== 'SUCCEEDED') throw namedError('States.TaskFailed', JSON.stringify({ Status: done.status, Error: done.error, Cause: done.cause }));
    return { ...started, Status: done.status, Output: JSON.stringify(done.output), StopDate: done.stopMs };
  }

  /** `.waitForTaskToken`: run the integration, then wait (simulated time) for the sim's SendTask* on the token. */
  private async withTaskToken(
    record: ExecutionRecord,
    stateName: string,
    input: unknown,
    timeoutSeconds: number | undefined,
    base: (input: unknown, record: ExecutionRecord) => Promise<unknown>,
  ): Promise<unknown> {
    const issued = (record as ExecutionRecord & { issuedTokens?: Set<string> }).issuedTokens ?? new Set<string>();
    const found = collectStrings(input).filter((s) => issued.has(s));
    if (found.length !== 1) {
      throw new Error(`state machine ${record.machine.name}, Task ${stateName}: a .waitForTaskToken task must pass $$.Task.Token once in its Parameters (found ${found.length})`);
    }
    const token = found[0];
    const deadline = timeoutSeconds !== undefined ? this.timeline.now() + timeoutSeconds * 1000 : undefined;
    const result = new Promise<unknown>((resolve, reject) => {
      const waiter: TokenWaiter = { token, execution: record, state: stateName, open: true, resolve, reject, cancelTimer: () => undefined };
      if (deadline !== undefined) {
        waiter.cancelTimer = this.timeline.at(deadline, () => {
          if (!waiter.open) return;
          this.closeWaiter(waiter, 'timeout');
          reject(new this.timeoutError());
        });
      }
      this.tokens.set(token, waiter);
    });
    this.options.sim.registerTaskToken(token, { executionArn: record.arn, expiresAt: deadline });
    result.catch(() => undefined);
    try {
      await base(input, record);
    } catch (err) {
      const w = this.tokens.get(token);
      if (w?.open) {
        w.open = false;
        w.cancelTimer();
      }
      throw err;
    }
    const w = this.tokens.get(token);
    if (w?.open) {
      // Parked: waiting for SendTask* or the timeout, not running.
      w.parked = true;
      this.park(record, 1);
      this.countTask(record, -1);
      this.options.onActivity?.({ kind: 'waiting-for-callback', execution: record, state: stateName, deadline: deadline ?? Number.POSITIVE_INFINITY });
      this.changed();
    }
    return result;
  }

  private closeWaiter(w: TokenWaiter, outcome: 'success' | 'failure' | 'timeout'): void {
    w.open = false;
    w.cancelTimer();
    if (w.parked) {
      w.parked = false;
      this.park(w.execution, -1);
      this.countTask(w.execution, 1);
    }
    this.options.onActivity?.({ kind: 'callback', execution: w.execution, state: w.state, outcome });
    this.changed();
  }

  /** The sim accepted SendTaskSuccess / SendTaskFailure (it already rejected unknown, used and expired tokens). */
  private onTaskCallback(cb: TaskCallback): void {
    const w = this.tokens.get(cb.token);
    if (!w || !w.open) return;
    this.closeWaiter(w, cb.kind);
    if (cb.kind === 'success') w.resolve(JSON.parse(cb.output ?? '{}'));
    else w.reject(namedError(cb.error ?? '', cb.cause ?? ''));
  }

  /** EventBridge: apply the stack's rules to an event put on the simulated account. */
  private onEvent(e: PutEventRecord): void {
    const detail = e.detail;
    const event: BusEvent = {
      version: '0',
      id: e.id,
      'detail-type': e.detailType,
      source: e.source,
      account: LOCAL_ACCOUNT_ID,
      time: new Date(e.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: e.region,
      resources: e.resources,
      detail,
    };
    const busName = e.eventBusName.includes('/') ? e.eventBusName.split('/').pop() ?? e.eventBusName : e.eventBusName || 'default';
    for (const rule of this.model.rules) {
      if (!rule.enabled || rule.scheduleExpression || rule.region !== e.region || rule.eventBusName !== busName) continue;
      if (!matchesPattern(rule.pattern, event)) continue;
      for (const target of rule.targets) this.deliver(rule.name, event, target);
    }
  }

  /** EventBridge delivering one event to one target: starts an execution or invokes a function asynchronously. */
  private deliver(ruleName: string, event: BusEvent, target: LocalRuleTarget): void {
    const input = targetInput(event, target);
    this.options.onActivity?.({ kind: 'event-routed', rule: ruleName, event, target: target.arn });
    if (target.arn.includes(':states:') && target.arn.includes(':stateMachine:')) {
      // EventBridge starts the execution (recorded in the sim); a failure is EventBridge's to log.
      this.startExecution(target.arn, input, { caller: 'events.amazonaws.com' }).catch((err: Error) =>
        this.options.onLambdaLog?.('events.amazonaws.com', JSON.stringify({ level: 'ERROR', message: `rule ${ruleName}: StartExecution failed`, error: err.message })),
      );
    } else if (target.arn.includes(':lambda:')) {
      this.invokeAsync(this.fn(target.arn).functionName, input);
    } else {
      throw new Error(`rule ${ruleName}: target ${target.arn} is neither a state machine nor a function`);
    }
  }

  /** Event invocation: in flight until done (settle waits for it); errors are logged like Lambda's async failures. */
  private invokeAsync(functionName: string, payload: unknown): void {
    this.asyncInvocations += 1;
    void this.host(functionName)
      .invoke(payload)
      .then((o) => {
        if (!o.ok) this.options.onLambdaLog?.(functionName, JSON.stringify({ level: 'ERROR', message: 'async invocation failed', error: o.error }));
      })
      .finally(() => {
        this.asyncInvocations -= 1;
        this.changed();
      });
  }

  private client<T extends { destroy(): void }>(Client: new (cfg: Record<string, unknown>) => T, region: string, caller: string = STATES_CALLER): T {
    const key = `${Client.name}|${region}|${caller}`;
    const cached = this.clients.get(key);
    if (cached) return cached as T;
    const client = new Client({
      region,
      endpoint: this.options.sim.endpointUrl,
      credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
      userAgentAppId: caller,
      maxAttempts: 1,
    });
    this.clients.set(key, client);
    return client;
  }

  /** Serves one function URL on 127.0.0.1: HTTP request → payload 2.0 event → the function → HTTP response. */
  private serveFunctionUrl(tfName: string, port: number): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.handleUrlRequest(tfName, req, Buffer.concat(chunks)).then(({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        });
      });
    });
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const addr = server.address();
        resolve(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/`);
      });
    });
  }

  private async handleUrlRequest(tfName: string, req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: string | Buffer }> {
    const urlRes = this.model?.functionUrls.find((u) => u.tfName === tfName);
    if (!urlRes) return { status: 503, headers: { 'content-type': 'text/plain' }, body: 'function URL not ready' };
    const fn = this.fn(urlRes.functionName);
    const url = new URL(req.url ?? '/', 'http://local');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v ?? '')]));
    const textual = /^(text\/|application\/(json|x-www-form-urlencoded|xml))/.test(headers['content-type'] ?? '') || body.length === 0;
    const now = this.timeline.now();
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      requestContext: {
        accountId: 'anonymous',
        apiId: tfName,
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: tfName,
        http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: randomUUID(),
        routeKey: '$default',
        stage: '$default',
        time: new Date(now).toUTCString(),
        timeEpoch: now,
      },
      body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
      isBase64Encoded: body.length > 0 && !textual,
    };
    const outcome = await this.host(fn.functionName).invoke(event);
    let status = 502;
    let out: { status: number; headers: Record<string, string>; body: string | Buffer };
    if (!outcome.ok) {
      out = { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Message: 'Internal Server Error' }) };
    } else {
      const r = outcome.result as Record<string, unknown> | string | null;
      if (r && typeof r === 'object' && 'statusCode' in r) {
        status = Number(r.statusCode);
        const h = Object.fromEntries(Object.entries((r.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        if (Array.isArray(r.cookies) && r.cookies.length) h['set-cookie'] = (r.cookies as string[]).join(', ');
        const b = r.body === undefined ? '' : String(r.body);
        out = { status, headers: h, body: r.isBase64Encoded ? Buffer.from(b, 'base64') : b };
      } else {
        status = 200;
        out = { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(r) };
      }
    }
    this.options.onActivity?.({ kind: 'function-url', functionName: fn.functionName, method: req.method ?? 'GET', path: url.pathname, status });
    return out;
  }
}

/** A function's result, or its error as Step Functions names it (`errorType`, Cause = the error JSON). */
/**
 * The limit of an execution's duration in seconds: its TimeoutSeconds, and for EXPRESS at most
 * EXPRESS_MAX_SECONDS (undefined: a STANDARD machine without TimeoutSeconds).
 */
export function executionLimitSeconds(machine: Pick<LocalStateMachine, 'type' | 'definition'>): number | undefined {
  const own = typeof machine.definition.TimeoutSeconds === 'number' ? machine.definition.TimeoutSeconds : undefined;
  if (machine.type !== 'EXPRESS') return own;
  return own === undefined ? EXPRESS_MAX_SECONDS : Math.min(own, EXPRESS_MAX_SECONDS);
}

/**
 * A copy of a definition whose Tasks that do real work have TimeoutSeconds ÷ k (every Task but
 * `.waitForTaskToken` and `.sync` ones, which wait in simulated time), nested states included.
 */
export function scaleTaskTimeouts<T>(definition: T, k: number): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = Object.fromEntries(Object.entries(v).map(([key, x]) => [key, walk(x)])) as Record<string, unknown>;
    const resource = typeof o.Resource === 'string' ? o.Resource : '';
    if (o.Type === 'Task' && typeof o.TimeoutSeconds === 'number' && !/\.(waitForTaskToken|sync(:\d+)?)$/.test(resource)) o.TimeoutSeconds = o.TimeoutSeconds / k;
    return o;
  };
  return walk(definition) as T;
}

function unwrapLambda(outcome: InvokeOutcome): unknown {
  if (outcome.ok) return outcome.result;
  const { errorType, errorMessage, trace } = outcome.error;
  throw namedError(errorType, JSON.stringify({ errorType, errorMessage, trace: trace ?? [] }));
}

function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** Runs an SDK call of an integration; its errors get Step Functions' names (`SNS.NotFoundException`). */
async function integration<T>(service: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as Error;
    // Step Functions names SDK errors `<Service>.<Name>Exception` (StepFunctions.ExecutionAlreadyExistsException).
    const suffix = e.name.endsWith('Exception') ? e.name : `${e.name}Exception`;
    throw namedError(`${INTEGRATION_ERROR_PREFIX[service] ?? service}.${service === 'states' ? suffix : e.name}`, e.message);
  }
}

function asObject(input: unknown, where: string): Record<string, unknown> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new Error(`${where}: Parameters must be an object, got ${JSON.stringify(input)}`);
  return input as Record<string, unknown>;
}

function collectStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => collectStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => collectStrings(x, out));
  return out;
}

/** Synthesizes the stack and builds the bundles (what `npm run synth` / `npm run build` do). */
export function buildStack(root: string): void {
  const env = { ...process.env, CHECKPOINT_DISABLE: '1' };
  for (const script of ['build', 'synth']) {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    if (!pkg.scripts?.[script]) continue;
    const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run ${script} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  }
}
