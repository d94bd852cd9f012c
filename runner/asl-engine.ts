/**
 * aws-local-stepfunctions, adapted to simulated time. The library stamps `$$.Execution.StartTime`
 * with the real clock and sleeps Waits and Retry intervals in real time; the runner needs the
 * simulated clock for both. Four small, documented adaptations, all outside the definitions:
 *  1. StartTime: the first argument-less `new Date()` of an execution (the library's StartTime
 *     stamp) returns the simulated start instead; only during that execution's synchronous start.
 *  2. A synchronous hook on every StateEntered (state name, type, input).
 *  3. A Wait state waits in simulated time: the runner overrides every Wait to a real sleep of
 *     `WAIT_SLEEP_MS`, and the library calls `setTimeout(resume, WAIT_SLEEP_MS)` synchronously
 *     right after the Wait's StateEntered; that one call is taken over and `resume` runs when the
 *     promise the `onWait` hook returned resolves (the runner's timer at the wait's end), not
 *     after a real millisecond. The real clock plays no part; the execution stays in its Wait
 *     while other executions run and the simulated clock moves.
 *  4. The library's own `States.Timeout` error class, so a simulated task timeout is the same
 *     error a real one would be (not matched by `States.TaskFailed`).
 */
import './polyfills';
import { StateMachine, ExecutionError } from 'aws-local-stepfunctions';

export { StateMachine, ExecutionError };

/** Hooks of one execution (and its Map/Parallel iterations). */
export interface ExecutionHooks {
  /** Simulated StartTime (epoch ms) stamped into `$$.Execution.StartTime`. */
  startTimeMs: number;
  onStateEntered(stateName: string, type: string, input: unknown): void;
  /** A Wait state was entered: it ends when the returned promise resolves. */
  onWait?(stateName: string, input: unknown): Promise<void>;
}

/** The real sleep every Wait state is overridden to (`waitTimeOverrides`); adaptation 3 takes it over. */
export const WAIT_SLEEP_MS = 1;

/** Hooks by the context object passed in `run(..., { context })` (shared with nested iterations). */
const hooksByContext = new WeakMap<object, ExecutionHooks>();

interface RunOptionsLike {
  context?: object;
}
interface ExecuteOptions {
  runOptions?: RunOptionsLike;
  eventLogger: { dispatchStateEnteredEvent(name: string, type: string, input: unknown): void };
}
type ExecuteFn = (this: unknown, input: unknown, options: ExecuteOptions, cleanup: () => void) => Promise<unknown>;

let installed = false;

/** Installs the adaptations once per process. */
export function installSimulatedTime(): void {
  if (installed) return;
  installed = true;
  const proto = StateMachine.prototype as unknown as { execute: ExecuteFn };
  const original = proto.execute;
  proto.execute = function execute(this: unknown, input, options, cleanup) {
    const ctx = options.runOptions?.context;
    const hooks = ctx ? hooksByContext.get(ctx) : undefined;
    if (!hooks) return original.call(this, input, options, cleanup);
    const logger = options.eventLogger;
    const dispatch = logger.dispatchStateEnteredEvent.bind(logger);
    logger.dispatchStateEnteredEvent = (name, type, stateInput) => {
      hooks.onStateEntered(name, type, stateInput);
      if (type === 'Wait' && hooks.onWait) takeOverNextSleep(name, hooks.onWait(name, stateInput));
      dispatch(name, type, stateInput);
    };
    const RealDate = globalThis.Date;
    let stamped = false;
    globalThis.Date = new Proxy(RealDate, {
      construct(target, args, newTarget) {
        if (args.length === 0 && !stamped) {
          stamped = true;
          return new RealDate(hooks.startTimeMs);
        }
        return Reflect.construct(target, args, newTarget);
      },
    });
    try {
      return original.call(this, input, options, cleanup);
    } finally {
      globalThis.Date = RealDate;
    }
  };
}

/**
 * Takes over the library's next `setTimeout(resume, WAIT_SLEEP_MS)` (the sleep of the Wait state
 * just entered, called synchronously after its StateEntered): `resume` runs when `done` resolves.
 * The handle returned is inert: on abort the library clears it (a no-op) and resolves the sleep
 * itself. Should a library version ever sleep otherwise, the next microtask says so loudly.
 */
function takeOverNextSleep(stateName: string, done: Promise<void>): void {
  const previous = globalThis.setTimeout;
  let taken = false;
  const intercept = function setTimeout(fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) {
    if (taken || ms !== WAIT_SLEEP_MS) return previous(fn, ms, ...args);
    taken = true;
    globalThis.setTimeout = previous;
    void done.then(() => fn(...args));
    return { simulatedWait: stateName } as unknown as ReturnType<typeof previous>;
  };
  globalThis.setTimeout = intercept as unknown as typeof globalThis.setTimeout;
  queueMicrotask(() => {
    if (globalThis.setTimeout === (intercept as unknown)) globalThis.setTimeout = previous;
    if (!taken) {
      throw new Error(`aws-local-stepfunctions: Wait state ${stateName} did not sleep through setTimeout(fn, ${WAIT_SLEEP_MS}); runner/asl-engine.ts adaptation 3 does not fit this library version`);
    }
  });
}

/** Registers the hooks of one execution under its context object. */
export function attachHooks(context: object, hooks: ExecutionHooks): void {
  hooksByContext.set(context, hooks);
}

let timeoutErrorClass: (new () => Error) | undefined;

/**
 * The library's `States.Timeout` error class, obtained once from a 1 ms task timeout
 * (the class is not exported; an error of another class would be caught by `States.TaskFailed`).
 */
export async function statesTimeoutErrorClass(): Promise<new () => Error> {
  if (timeoutErrorClass) return timeoutErrorClass;
  const probe = new StateMachine(
    { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:probe', TimeoutSeconds: 0.001, End: true } } } as never,
    { validationOptions: { noValidate: true } },
  );
  const never = new Promise<never>(() => undefined);
  try {
    await probe.run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => never as never } } }).result;
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    if (cause?.name === 'States.Timeout') timeoutErrorClass = cause.constructor as new () => Error;
  }
  if (!timeoutErrorClass) throw new Error('aws-local-stepfunctions: could not obtain its States.Timeout error class');
  return timeoutErrorClass;
}

/** Every state of a definition, nested Map/Parallel states included, by name. */
export function allStates(definition: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const visit = (def: Record<string, unknown> | undefined) => {
    const states = (def?.States ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, state] of Object.entries(states)) {
      if (out.has(name)) throw new Error(`state name "${name}" is used twice in one definition (Step Functions rejects that)`);
      out.set(name, state);
      visit((state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined);
      for (const branch of (state.Branches ?? []) as Record<string, unknown>[]) visit(branch);
    }
  };
  visit(definition);
  return out;
}
