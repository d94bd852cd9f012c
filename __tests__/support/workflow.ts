/**
 * Executes a state machine definition taken from cdk.tf.json with aws-local-stepfunctions:
 * every Lambda Task runs the REAL handler of its task (imported in-process, so
 * aws-sdk-client-mock mocks apply), every service-integration Task runs a recorder supplied by
 * the test. A Task that cannot be bound fails before anything runs.
 *
 * Fidelity notes: a handler error reaches the machine as Step Functions reports it (Error = the
 * error name, Cause = the JSON `{errorType, errorMessage, trace}`); the result is JSON round-tripped
 * like a real invoke; retries wait 0 ms. Calls are recorded by the bindings themselves, not read
 * from the tool's event log (which drops the events of nested Maps).
 */
import * as path from 'node:path';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { TASKS } from '../../tasks/registry';
import type { TaskSpec } from '../../tasks/shared/task-spec';
import { block, resolveReferences, resourcesOf, type TfJson } from './terraform';
import { allStates } from '../../runner/asl-engine';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Answers one service-integration call (`sns:publish`, `events:putEvents`, ...). Throw an error with `name` set to fail the Task. */
export type ServiceRecorder = (parameters: any, call: { state: string }) => unknown;

export interface RecordedCall {
  state: string;
  /** e.g. `sns:publish` */
  integration: string;
  parameters: any;
}

export interface LambdaCall {
  state: string;
  task: string;
  payload: unknown;
  result?: unknown;
  error?: { name: string; message: string };
}

export interface RunWorkflowOptions {
  tf: TfJson;
  /** `name` of the aws_sfn_state_machine. */
  stateMachineName: string;
  input: unknown;
  /** Recorder per integration, e.g. `{ 'sns:publish': () => ({ MessageId: 'm-1' }) }`. */
  services?: Record<string, ServiceRecorder>;
  executionName?: string;
  /** `$$.Execution.StartTime` (Date is frozen at it during the run; timers stay real). */
  startTime?: string;
}

export interface WorkflowResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: any;
  error?: string;
  cause?: string;
  calls: RecordedCall[];
  lambdaCalls: LambdaCall[];
}

/** Answers that make every integration succeed, for tests that only look at the calls. */
export const OK_SERVICES: Record<string, ServiceRecorder> = {
  'sns:publish': () => ({ MessageId: 'message-1' }),
  'events:putEvents': (p) => ({ FailedEntryCount: 0, Entries: p.Entries.map((_: unknown, i: number) => ({ EventId: `event-${i + 1}` })) }),
  'states:startExecution': () => ({ ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:x:y', StartDate: new Date(0).toISOString() }),
};

type AslState = Record<string, any>;

/** Every state of a definition, nested ones included, as [name, state] (the runner's walker). */
function statesOf(scope: AslState): [string, AslState][] {
  return [...allStates(scope)];
}

/** The task spec whose function a raw `${aws_lambda_function.<x>.arn}` FunctionName designates. */
function taskForFunction(tf: TfJson, functionName: unknown, state: string): { spec: TaskSpec; env: Record<string, string> } {
  const m = /^\$\{aws_lambda_function\.([\w-]+)\.arn\}$/.exec(String(functionName));
  if (!m) throw new Error(`Task ${state}: FunctionName ${JSON.stringify(functionName)} is not a reference to an aws_lambda_function`);
  const fn = tf.resource.aws_lambda_function?.[m[1]];
  if (!fn) throw new Error(`Task ${state}: aws_lambda_function.${m[1]} does not exist`);
  const env = Object.fromEntries(
    Object.entries((fn.environment ? block(fn.environment).variables : {}) as Record<string, string>).map(([k, v]) => [k, resolveReferences(v, tf)]),
  );
  // Functions are named `<stackName>-<task>`; the longest matching task name wins (`action-validate` over `validate`).
  const spec = TASKS.filter((t) => String(fn.function_name).endsWith(`-${t.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
  if (!spec) throw new Error(`Task ${state}: function ${fn.function_name} is not a task of tasks/registry.ts`);
  return { spec, env };
}

/** The error a real Lambda invoke Task reports for a handler that threw. */
function lambdaTaskError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const reported = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] }));
  reported.name = e.name;
  return reported;
}

/** Runs the machine to its end; never throws for a failed execution (see `status`). */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
  const { tf } = options;
  const machine = resourcesOf(tf, 'aws_sfn_state_machine').find((r) => r.body.name === options.stateMachineName);
  if (!machine) throw new Error(`no aws_sfn_state_machine named ${options.stateMachineName}`);
  const rawText = String(machine.body.definition);
  const raw = JSON.parse(rawText) as AslState;
  const definition = JSON.parse(resolveReferences(rawText, tf)) as AslState;
  const resolvedStates = new Map(statesOf(definition));

  const calls: RecordedCall[] = [];
  const lambdaCalls: LambdaCall[] = [];
  const handlers: Record<string, (input: any) => Promise<any>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  const env: Record<string, string> = {};
  const unbound: string[] = [];

  for (const [name, state] of statesOf(raw)) {
    if (resolvedStates.get(name)?.Retry) retryIntervalOverrides[name] = 0;
    if (state.Type !== 'Task') continue;
    const integration = /^arn:[^:]+:states:::(.+)$/.exec(resolveReferences(String(state.Resource), tf))?.[1];
    if (!integration) {
      unbound.push(`${name}: resource ${state.Resource} is not a service integration`);
      continue;
    }
    if (integration === 'lambda:invoke') {
      const { spec, env: fnEnv } = taskForFunction(tf, state.Parameters?.FunctionName, name);
      for (const [k, v] of Object.entries(fnEnv)) {
        if (k in env && env[k] !== v) throw new Error(`functions disagree on environment ${k}; the harness runs them in one process`);
        env[k] = v;
      }
      const module = require(path.join(REPO_ROOT, spec.entry)) as { handler?: (event: unknown, context: unknown) => Promise<unknown> };
      if (typeof module.handler !== 'function') throw new Error(`Task ${name}: ${spec.entry} exports no handler`);
      handlers[name] = async (input: { FunctionName: string; Payload: unknown }) => {
        const call: LambdaCall = { state: name, task: spec.name, payload: input.Payload };
        lambdaCalls.push(call);
        try {
          const result = await module.handler!(structuredClone(input.Payload), lambdaContext(input.FunctionName, spec));
          call.result = result === undefined ? null : JSON.parse(JSON.stringify(result));
          return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: call.result };
        } catch (err) {
          call.error = { name: (err as Error).name, message: (err as Error).message };
          throw lambdaTaskError(err);
        }
      };
    } else {
      const recorder = options.services?.[integration.replace(/\.(sync(:2)?|waitForTaskToken)$/, '')];
      if (!recorder) {
        unbound.push(`${name}: no recorder for ${integration} (pass services['${integration}'])`);
        continue;
      }
      handlers[name] = async (parameters: unknown) => {
        calls.push({ state: name, integration, parameters });
        return (await recorder(parameters, { state: name })) ?? {};
      };
    }
  }
  if (unbound.length) throw new Error(`cannot bind every Task of ${options.stateMachineName}:\n  - ${unbound.join('\n  - ')}`);

  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  if (options.startTime) {
    jest.useFakeTimers({
      now: new Date(options.startTime),
      doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'],
    });
  }
  try {
    const sm = new StateMachine(definition as StateMachineDefinition);
    const executionName = options.executionName ?? 'local-execution';
    const execution = sm.run(options.input as never, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
      context: {
        Execution: {
          Id: `arn:aws:states:us-east-1:123456789012:execution:${options.stateMachineName}:${executionName}`,
          Name: executionName,
          RoleArn: 'arn:aws:iam::123456789012:role/local',
        },
        StateMachine: { Id: `arn:aws:states:us-east-1:123456789012:stateMachine:${options.stateMachineName}`, Name: options.stateMachineName },
      },
    });
    try {
      return { status: 'SUCCEEDED', output: await execution.result, calls, lambdaCalls };
    } catch (err) {
      if (!(err instanceof ExecutionError)) throw err;
      const cause = (err as Error & { cause?: Error }).cause;
      return { status: 'FAILED', error: cause?.name, cause: cause?.message, calls, lambdaCalls };
    }
  } finally {
    if (options.startTime) jest.useRealTimers();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The parts of the Lambda context object handlers may read. */
function lambdaContext(functionArn: string, spec: TaskSpec) {
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  return {
    functionName: functionArn.split(':').pop(),
    invokedFunctionArn: functionArn,
    awsRequestId: `local-${Math.random().toString(16).slice(2)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
