/**
 * Typed builders for Amazon States Language in JSONPath mode (no JSONata, no Assign: the local
 * executor used by the tests cannot run them).
 *
 * A machine is built from small pieces (states, chains, conditions) that validate while being
 * built and render to ASL. Each Task declares the IAM statements the STATE MACHINE role needs to
 * run it; `StateMachineDefinition.policyStatements()` collects them so the role policy is
 * generated from the definition itself.
 */
import type { IamStatement } from '../core/contracts/iam';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** ASL limit on state names. */
export const MAX_STATE_NAME_LENGTH = 80;
/** Longest an EXPRESS execution may run. */
export const EXPRESS_MAX_SECONDS = 300;

export type StateMachineType = 'EXPRESS' | 'STANDARD';

/** Values only known when rendering (Terraform expressions such as the partition). */
export interface RenderContext {
  partition: string;
}

// ---------------------------------------------------------------------------------------------
// References inside payload templates

/** A JSONPath or intrinsic function: rendered under a key ending in `.$`. */
export class Reference {
  private constructor(readonly expression: string) {}

  /** `$.field`, `$` or a context path `$$.Execution.Name`. */
  static path(expression: string): Reference {
    if (!/^\$/.test(expression)) throw new Error(`"${expression}" is not a JSONPath (must start with $)`);
    return new Reference(expression);
  }

  /** An intrinsic function, e.g. `States.ArrayLength($.findings)`. */
  static intrinsic(expression: string): Reference {
    if (!/^States\.[A-Za-z]+\(.*\)$/.test(expression)) throw new Error(`"${expression}" is not an intrinsic function call (States.Xxx(...))`);
    return new Reference(expression);
  }
}

/** Shorthand for `Reference.path`. */
export const path = (expression: string): Reference => Reference.path(expression);
/** Shorthand for `Reference.intrinsic`. */
export const intrinsic = (expression: string): Reference => Reference.intrinsic(expression);

/** A payload template: literals, references (→ `key.$`) and nested templates. Arrays hold literals only (ASL). */
export type TemplateValue = Json | Reference | Template;
export interface Template {
  [key: string]: TemplateValue;
}

/** Renders a template to ASL `Parameters` / `ItemSelector` / `ResultSelector` JSON. */
export function renderTemplate(template: Template, where: string): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) throw new Error(`${where}: key "${key}" ends in ".$"; pass a Reference (path()/intrinsic()) under the plain key instead`);
    if (value instanceof Reference) out[`${key}.$`] = value.expression;
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) out[key] = renderTemplate(value as Template, `${where}.${key}`);
    else out[key] = value as Json;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Conditions of a Choice

/** A Choice rule, typed; renders to ASL comparison objects. */
export class Condition {
  private constructor(private readonly rule: JsonObject) {}

  static stringEquals(variable: string, value: string): Condition {
    return new Condition({ Variable: checkVariable(variable), StringEquals: value });
  }
  static booleanEquals(variable: string, value: boolean): Condition {
    return new Condition({ Variable: checkVariable(variable), BooleanEquals: value });
  }
  static numberEquals(variable: string, value: number): Condition {
    return new Condition({ Variable: checkVariable(variable), NumericEquals: value });
  }
  static numberGreaterThan(variable: string, value: number): Condition {
    return new Condition({ Variable: checkVariable(variable), NumericGreaterThan: value });
  }
  /** `present = false` renders as `Not IsPresent: true` (aws-local-stepfunctions never matches `IsPresent: false`). */
  static isPresent(variable: string, present = true): Condition {
    const rule = { Variable: checkVariable(variable), IsPresent: true };
    return new Condition(present ? rule : { Not: rule });
  }
  static and(...conditions: Condition[]): Condition {
    if (conditions.length < 1) throw new Error('Condition.and needs at least one condition');
    return new Condition({ And: conditions.map((c) => c.render()) });
  }
  static or(...conditions: Condition[]): Condition {
    if (conditions.length < 1) throw new Error('Condition.or needs at least one condition');
    return new Condition({ Or: conditions.map((c) => c.render()) });
  }
  static not(condition: Condition): Condition {
    return new Condition({ Not: condition.render() });
  }

  /** ASL JSON of this rule (without `Next`). */
  render(): JsonObject {
    return structuredClone(this.rule);
  }
}

function checkVariable(variable: string): string {
  if (!/^\$\.?/.test(variable)) throw new Error(`choice variable "${variable}" must be a JSONPath starting with $`);
  return variable;
}

// ---------------------------------------------------------------------------------------------
// States and chains

/** Something a state can transition to: a state or a chain of states. */
export interface Chainable {
  readonly startState: State;
  /** States whose `Next` is still open (the chain continues from them). */
  readonly ends: readonly NextableState[];
}

export interface RetryRule {
  errors: string[];
  intervalSeconds?: number;
  maxAttempts?: number;
  backoffRate?: number;
  maxDelaySeconds?: number;
  jitter?: 'FULL' | 'NONE';
}

export interface CatchOptions {
  /** Default `States.ALL`. */
  errors?: string[];
  /** Where the error object goes; default `$` (replaces the input). */
  resultPath?: string | null;
}

/** Base of every state. */
export abstract class State implements Chainable {
  constructor(
    readonly name: string,
    readonly comment?: string,
  ) {
    if (name.length === 0 || name.length > MAX_STATE_NAME_LENGTH) throw new Error(`state name "${name}" must be 1-${MAX_STATE_NAME_LENGTH} characters`);
    if (/[\u0000-\u001f"<>{}[\]?*`$#%\\^|~]/.test(name)) throw new Error(`state name "${name}" contains a character ASL does not allow`);
  }

  get startState(): State {
    return this;
  }
  abstract get ends(): readonly NextableState[];
  /** States this one can transition to in its own scope (Next, Choices, Default, Catch). */
  abstract transitions(): State[];
  /** Sub-machines this state runs (Map iterations). */
  subGraphs(): State[] {
    return [];
  }
  /** IAM statements the state machine role needs to run this state. */
  policyStatements(): IamStatement[] {
    return [];
  }
  /** This state's ASL JSON (without its name). */
  abstract render(ctx: RenderContext): JsonObject;

  protected base(type: string): JsonObject {
    return this.comment ? { Type: type, Comment: this.comment } : { Type: type };
  }
}

/** A state with a single `Next` (or `End`). */
export abstract class NextableState extends State {
  private nextState?: State;

  get ends(): readonly NextableState[] {
    return this.nextState ? [] : [this];
  }

  /** Continues with `next`; returns the chain so calls can be strung together. */
  next(next: Chainable): Chain {
    return Chain.start(this).next(next);
  }

  /** @internal used by Chain. */
  setNext(state: State): void {
    if (this.nextState) throw new Error(`state "${this.name}" already continues with "${this.nextState.name}"; cannot also continue with "${state.name}"`);
    this.nextState = state;
  }

  transitions(): State[] {
    return this.nextState ? [this.nextState] : [];
  }

  protected withTransition(rendered: JsonObject): JsonObject {
    if (this.nextState) rendered.Next = this.nextState.name;
    else rendered.End = true;
    return rendered;
  }
}

/** A sequence of states: `Chain.start(a).next(b).next(c)`. */
export class Chain implements Chainable {
  private constructor(
    readonly startState: State,
    readonly ends: readonly NextableState[],
  ) {}

  static start(first: Chainable): Chain {
    return new Chain(first.startState, first.ends);
  }

  /** Every open end of this chain continues with `next`. */
  next(next: Chainable): Chain {
    if (this.ends.length === 0) throw new Error(`chain starting at "${this.startState.name}" has no open end to continue with "${next.startState.name}"`);
    for (const end of this.ends) end.setNext(next.startState);
    return new Chain(this.startState, next.ends);
  }
}

interface Catcher {
  errors: string[];
  handler: State;
  resultPath?: string | null;
}

/** Retry/Catch/ResultPath handling shared by Task and Map. */
abstract class FallibleState extends NextableState {
  private readonly catchers: Catcher[] = [];

  /** Routes the given errors (default `States.ALL`) to `handler`. */
  addCatch(handler: Chainable, options: CatchOptions = {}): this {
    const errors = options.errors ?? ['States.ALL'];
    if (this.catchers.some((c) => c.errors.includes('States.ALL'))) throw new Error(`state "${this.name}": a catcher after States.ALL is never used`);
    if (errors.includes('States.ALL') && errors.length > 1) throw new Error(`state "${this.name}": States.ALL must stand alone in ErrorEquals`);
    this.catchers.push({ errors, handler: handler.startState, resultPath: options.resultPath });
    return this;
  }

  transitions(): State[] {
    return [...super.transitions(), ...this.catchers.map((c) => c.handler)];
  }

  protected renderCatch(rendered: JsonObject): void {
    if (this.catchers.length === 0) return;
    rendered.Catch = this.catchers.map((c) => {
      const out: JsonObject = { ErrorEquals: c.errors, Next: c.handler.name };
      if (c.resultPath !== undefined) out.ResultPath = c.resultPath;
      return out;
    });
  }
}

function renderRetry(rules: RetryRule[]): JsonObject[] {
  return rules.map((r) => {
    const out: JsonObject = { ErrorEquals: r.errors };
    if (r.intervalSeconds !== undefined) out.IntervalSeconds = r.intervalSeconds;
    if (r.maxAttempts !== undefined) out.MaxAttempts = r.maxAttempts;
    if (r.backoffRate !== undefined) out.BackoffRate = r.backoffRate;
    if (r.maxDelaySeconds !== undefined) out.MaxDelaySeconds = r.maxDelaySeconds;
    if (r.jitter !== undefined) out.JitterStrategy = r.jitter;
    return out;
  });
}

export interface IoOptions {
  inputPath?: string;
  /** `null` discards the result (the input passes on). */
  resultPath?: string | null;
  outputPath?: string;
}

function renderIo(rendered: JsonObject, io: IoOptions): void {
  if (io.inputPath !== undefined) rendered.InputPath = io.inputPath;
  if (io.resultPath !== undefined) rendered.ResultPath = io.resultPath;
  if (io.outputPath !== undefined) rendered.OutputPath = io.outputPath;
}

export interface TaskOptions extends IoOptions {
  comment?: string;
  /** Integration after `arn:<partition>:states:::`, e.g. `lambda:invoke`, `sns:publish`. */
  integration: string;
  parameters: Template;
  resultSelector?: Template;
  timeoutSeconds?: number;
  retry?: RetryRule[];
  /** What the state machine role needs to run this task. */
  policyStatements: IamStatement[];
}

/** A service-integration Task. Use the factories below (`lambdaInvoke`, `snsPublish`, ...). */
export class Task extends FallibleState {
  constructor(
    name: string,
    private readonly options: TaskOptions,
  ) {
    super(name, options.comment);
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+(\.(sync(:2)?|waitForTaskToken))?$/.test(options.integration)) {
      throw new Error(`task "${name}": integration "${options.integration}" is not of the form service:action[.sync|.waitForTaskToken]`);
    }
    if (options.policyStatements.length === 0) throw new Error(`task "${name}" declares no IAM statement for the state machine role`);
    if (options.timeoutSeconds !== undefined && (!Number.isInteger(options.timeoutSeconds) || options.timeoutSeconds < 1)) {
      throw new Error(`task "${name}": TimeoutSeconds must be a positive whole number`);
    }
  }

  /** `lambda:invoke`, `sns:publish`, ... */
  get integration(): string {
    return this.options.integration;
  }

  policyStatements(): IamStatement[] {
    return this.options.policyStatements;
  }

  render(ctx: RenderContext): JsonObject {
    const out = this.base('Task');
    out.Resource = `arn:${ctx.partition}:states:::${this.options.integration}`;
    out.Parameters = renderTemplate(this.options.parameters, `${this.name}.Parameters`);
    if (this.options.resultSelector) out.ResultSelector = renderTemplate(this.options.resultSelector, `${this.name}.ResultSelector`);
    renderIo(out, this.options);
    if (this.options.timeoutSeconds !== undefined) out.TimeoutSeconds = this.options.timeoutSeconds;
    if (this.options.retry?.length) out.Retry = renderRetry(this.options.retry);
    this.renderCatch(out);
    return this.withTransition(out);
  }
}

export interface PassOptions extends IoOptions {
  comment?: string;
  /** Builds the output from the input (preferred). */
  parameters?: Template;
  /** A fixed output. Must not be falsy: aws-local-stepfunctions then returns the input. */
  result?: Json;
}

/** Reshapes data without calling anything. */
export class Pass extends NextableState {
  constructor(
    name: string,
    private readonly options: PassOptions = {},
  ) {
    super(name, options.comment);
    if ('result' in options && !options.result) throw new Error(`pass "${name}": a falsy Result is not executed faithfully by the local executor; use parameters`);
    if (options.parameters && 'result' in options) throw new Error(`pass "${name}": give parameters or result, not both`);
  }

  render(): JsonObject {
    const out = this.base('Pass');
    if (this.options.parameters) out.Parameters = renderTemplate(this.options.parameters, `${this.name}.Parameters`);
    if (this.options.result !== undefined) out.Result = this.options.result;
    renderIo(out, this.options);
    return this.withTransition(out);
  }
}

/** Ends the execution (or a Map iteration) successfully. */
export class Succeed extends State {
  get ends(): readonly NextableState[] {
    return [];
  }
  transitions(): State[] {
    return [];
  }
  render(): JsonObject {
    return this.base('Succeed');
  }
}

export interface FailOptions {
  comment?: string;
  /** A fixed error name; or `errorPath`. */
  error?: string;
  /** A fixed cause; or `causePath`. */
  cause?: string;
  /** Error name read from the state input at run time (a JSONPath or intrinsic function); excludes `error`. */
  errorPath?: string;
  /** Cause read from the state input at run time (a JSONPath or intrinsic function, a string); excludes `cause`. */
  causePath?: string;
}

/** A Fail `ErrorPath` / `CausePath`: a reference path (`$.x`, `$$.Execution.Name`) or an intrinsic function. */
function checkFailPath(name: string, field: string, value: string): string {
  if (!/^\$/.test(value) && !/^States\.[A-Za-z]+\(.*\)$/.test(value)) {
    throw new Error(`fail "${name}": ${field} "${value}" must be a JSONPath (starting with $) or an intrinsic function (States.Xxx(...))`);
  }
  return value;
}

/**
 * Ends the execution with an error. Error and cause are fixed (`error`, `cause`) or read from the
 * state input (`errorPath`, `causePath`: JSONPath mode only), never both for the same field.
 */
export class Fail extends State {
  constructor(
    name: string,
    private readonly options: FailOptions,
  ) {
    super(name, options.comment);
    if (options.error !== undefined && options.errorPath !== undefined) throw new Error(`fail "${name}": give error or errorPath, not both`);
    if (options.cause !== undefined && options.causePath !== undefined) throw new Error(`fail "${name}": give cause or causePath, not both`);
    if (!options.error && options.errorPath === undefined) throw new Error(`fail "${name}" needs an Error name (error or errorPath)`);
    if (options.errorPath !== undefined) checkFailPath(name, 'errorPath', options.errorPath);
    if (options.causePath !== undefined) checkFailPath(name, 'causePath', options.causePath);
  }
  get ends(): readonly NextableState[] {
    return [];
  }
  transitions(): State[] {
    return [];
  }
  render(): JsonObject {
    const out = this.base('Fail');
    if (this.options.error !== undefined) out.Error = this.options.error;
    if (this.options.errorPath !== undefined) out.ErrorPath = this.options.errorPath;
    if (this.options.cause !== undefined) out.Cause = this.options.cause;
    if (this.options.causePath !== undefined) out.CausePath = this.options.causePath;
    return out;
  }
}

/** Branches on typed conditions; the first match wins. */
export class Choice extends State {
  private readonly choices: { condition: Condition; next: State }[] = [];
  private defaultState?: State;

  constructor(name: string, options: { comment?: string } = {}) {
    super(name, options.comment);
  }

  /** Goes to `next` when `condition` holds (rules are tried in the order added). */
  when(condition: Condition, next: Chainable): this {
    this.choices.push({ condition, next: next.startState });
    return this;
  }

  /** Goes to `next` when no rule matches. */
  otherwise(next: Chainable): this {
    if (this.defaultState) throw new Error(`choice "${this.name}" already has a default ("${this.defaultState.name}")`);
    this.defaultState = next.startState;
    return this;
  }

  get ends(): readonly NextableState[] {
    return [];
  }

  transitions(): State[] {
    return [...this.choices.map((c) => c.next), ...(this.defaultState ? [this.defaultState] : [])];
  }

  render(): JsonObject {
    if (this.choices.length === 0) throw new Error(`choice "${this.name}" has no rule`);
    const out = this.base('Choice');
    out.Choices = this.choices.map((c) => ({ ...c.condition.render(), Next: c.next.name }));
    if (this.defaultState) out.Default = this.defaultState.name;
    return out;
  }
}

export interface MapOptions extends IoOptions {
  comment?: string;
  itemsPath: string;
  /** Input of each iteration; `path('$$.Map.Item.Value')` is the item. */
  itemSelector?: Template;
  resultSelector?: Template;
  /** 0 = as many as possible (inline Map: at most 40 at once). */
  maxConcurrency?: number;
  retry?: RetryRule[];
}

/** Runs a sub-machine for every item of an array (inline mode). */
export class MapState extends FallibleState {
  private processor?: State;

  constructor(
    name: string,
    private readonly options: MapOptions,
  ) {
    super(name, options.comment);
    const c = options.maxConcurrency;
    if (c !== undefined && (!Number.isInteger(c) || c < 0)) throw new Error(`map "${name}": MaxConcurrency must be a whole number ≥ 0`);
  }

  /** What each iteration runs. */
  itemProcessor(chain: Chainable): this {
    if (this.processor) throw new Error(`map "${this.name}" already has an item processor`);
    this.processor = chain.startState;
    return this;
  }

  subGraphs(): State[] {
    if (!this.processor) throw new Error(`map "${this.name}" has no item processor`);
    return [this.processor];
  }

  render(ctx: RenderContext): JsonObject {
    const out = this.base('Map');
    out.ItemsPath = this.options.itemsPath;
    if (this.options.itemSelector) out.ItemSelector = renderTemplate(this.options.itemSelector, `${this.name}.ItemSelector`);
    if (this.options.maxConcurrency !== undefined) out.MaxConcurrency = this.options.maxConcurrency;
    out.ItemProcessor = { ProcessorConfig: { Mode: 'INLINE' }, ...renderGraph(this.subGraphs()[0], ctx) };
    if (this.options.resultSelector) out.ResultSelector = renderTemplate(this.options.resultSelector, `${this.name}.ResultSelector`);
    renderIo(out, this.options);
    if (this.options.retry?.length) out.Retry = renderRetry(this.options.retry);
    this.renderCatch(out);
    return this.withTransition(out);
  }
}

// ---------------------------------------------------------------------------------------------
// Task factories

/** Errors worth retrying on every Lambda invoke (AWS's recommended set). */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/** Default retry of Lambda tasks: short, so an EXPRESS run stays well within 5 minutes. */
export const LAMBDA_DEFAULT_RETRY: RetryRule = { errors: LAMBDA_TRANSIENT_ERRORS, intervalSeconds: 1, maxAttempts: 3, backoffRate: 2, jitter: 'FULL' };

/** A Lambda function as a Task sees it. */
export interface LambdaTarget {
  arn: string;
  timeoutSeconds: number;
}

/** Seconds a Lambda Task waits beyond the function's own timeout before giving up. */
export const LAMBDA_TASK_TIMEOUT_MARGIN_SECONDS = 5;

export interface LambdaInvokeOptions extends Omit<IoOptions, 'outputPath'> {
  comment?: string;
  /** Function ARN (a Terraform reference in practice). */
  functionArn: string;
  /** Event passed to the handler; default: the state input. */
  payload?: Template;
  timeoutSeconds?: number;
  /** Default `[LAMBDA_DEFAULT_RETRY]`. */
  retry?: RetryRule[];
  /**
   * Fields of the handler's return value to keep (ResultSelector), e.g. `['decision', 'reason']`:
   * with a ResultPath they land at `<resultPath>.<field>`. Without `select`, the output is the
   * whole return value, or, with a ResultPath, `<resultPath>.Payload` (OutputPath runs after
   * ResultPath, so the payload cannot be unwrapped there).
   */
  select?: string[];
  /**
   * `Event`: fire and forget (the function runs after the state has moved on; its result is
   * not awaited). Requires `resultPath: null`: there is no handler output to keep.
   */
  invocationType?: 'Event';
}

/** Invokes a Lambda function; see `select` and `invocationType` for where its result goes. */
export function lambdaInvoke(name: string, options: LambdaInvokeOptions): Task {
  const async = options.invocationType === 'Event';
  if (async && options.resultPath !== null) {
    throw new Error(`state ${name}: an Event (asynchronous) invoke has no result to keep; set resultPath: null`);
  }
  const keepsResult = typeof options.resultPath === 'string';
  const resultSelector: Template | undefined = options.select
    ? Object.fromEntries(options.select.map((field) => [field, path(`$.Payload.${field}`)]))
    : keepsResult
      ? { Payload: path('$.Payload') }
      : undefined;
  return new Task(name, {
    comment: options.comment,
    integration: 'lambda:invoke',
    parameters: { FunctionName: options.functionArn, Payload: options.payload ?? path('$'), ...(async ? { InvocationType: 'Event' } : {}) },
    inputPath: options.inputPath,
    resultPath: options.resultPath,
    resultSelector,
    outputPath: async || resultSelector || options.resultPath === null ? undefined : '$.Payload',
    timeoutSeconds: options.timeoutSeconds,
    retry: options.retry ?? [LAMBDA_DEFAULT_RETRY],
    policyStatements: [
      { actions: ['lambda:InvokeFunction'], resources: [options.functionArn, `${options.functionArn}:*`] },
    ],
  });
}

/** `lambdaInvoke` of a deployed task: its ARN, and its timeout plus a margin as the state timeout. */
export function lambdaTask(name: string, target: LambdaTarget, options: Omit<LambdaInvokeOptions, 'functionArn' | 'timeoutSeconds'>): Task {
  return lambdaInvoke(name, { ...options, functionArn: target.arn, timeoutSeconds: target.timeoutSeconds + LAMBDA_TASK_TIMEOUT_MARGIN_SECONDS });
}

/** Waits a fixed number of seconds. */
export class Wait extends NextableState {
  constructor(
    name: string,
    private readonly seconds: number,
    comment?: string,
  ) {
    super(name, comment);
    if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`wait "${name}": Seconds must be a positive whole number`);
  }

  render(): JsonObject {
    return this.withTransition({ ...this.base('Wait'), Seconds: this.seconds });
  }
}

export interface PutEventsEntry {
  source: string;
  detailType: string | Reference;
  /** An object template or a reference to one. */
  detail: Template | Reference;
  resources?: Reference | string[];
}

export interface PutEventsOptions extends IoOptions {
  comment?: string;
  /** ARN of the bus (also its name for PutEvents). */
  eventBusArn: string;
  entries: PutEventsEntry[];
  retry?: RetryRule[];
}

/** Publishes events to an EventBridge bus. */
export function eventBridgePutEvents(name: string, options: PutEventsOptions): Task {
  if (options.entries.length === 0 || options.entries.length > 10) throw new Error(`task "${name}": PutEvents takes 1-10 entries`);
  return new Task(name, {
    comment: options.comment,
    integration: 'events:putEvents',
    parameters: {
      Entries: options.entries.map((e) => {
        const entry: Template = { Source: e.source, DetailType: e.detailType, Detail: e.detail, EventBusName: options.eventBusArn };
        if (e.resources !== undefined) entry.Resources = e.resources;
        return renderTemplate(entry, `${name}.Entries`);
      }),
    },
    inputPath: options.inputPath,
    resultPath: options.resultPath,
    outputPath: options.outputPath,
    retry: options.retry,
    policyStatements: [{ actions: ['events:PutEvents'], resources: [options.eventBusArn] }],
  });
}

export interface SnsPublishOptions extends IoOptions {
  comment?: string;
  topicArn: string;
  subject?: string | Reference;
  message: string | Reference;
  retry?: RetryRule[];
}

/** Publishes a message to an SNS topic. */
export function snsPublish(name: string, options: SnsPublishOptions): Task {
  const parameters: Template = { TopicArn: options.topicArn, Message: options.message };
  if (options.subject !== undefined) parameters.Subject = options.subject;
  return new Task(name, {
    comment: options.comment,
    integration: 'sns:publish',
    parameters,
    inputPath: options.inputPath,
    resultPath: options.resultPath,
    outputPath: options.outputPath,
    retry: options.retry,
    policyStatements: [{ actions: ['sns:Publish'], resources: [options.topicArn] }],
  });
}

export interface StartExecutionOptions extends IoOptions {
  comment?: string;
  stateMachineArn: string;
  /** Execution name: deterministic names make repeated starts harmless (ExecutionAlreadyExists). */
  executionName?: string | Reference;
  input: Template | Reference;
  retry?: RetryRule[];
}

/** Starts another state machine and moves on (fire and forget; no `.sync`, allowed in EXPRESS). */
export function startExecution(name: string, options: StartExecutionOptions): Task {
  const parameters: Template = { StateMachineArn: options.stateMachineArn, Input: options.input };
  if (options.executionName !== undefined) parameters.Name = options.executionName;
  return new Task(name, {
    comment: options.comment,
    integration: 'states:startExecution',
    parameters,
    inputPath: options.inputPath,
    resultPath: options.resultPath,
    outputPath: options.outputPath,
    retry: options.retry,
    policyStatements: [{ actions: ['states:StartExecution'], resources: [options.stateMachineArn] }],
  });
}

// ---------------------------------------------------------------------------------------------
// The whole machine

export interface DefinitionOptions {
  type: StateMachineType;
  comment?: string;
  /** Whole-execution timeout; EXPRESS is capped at 300 s by the service. */
  timeoutSeconds?: number;
}

/** A complete state machine: validates its graph and renders ASL. */
export class StateMachineDefinition {
  constructor(
    private readonly start: Chainable,
    readonly options: DefinitionOptions,
  ) {
    const t = options.timeoutSeconds;
    if (t !== undefined && (!Number.isInteger(t) || t < 1)) throw new Error('TimeoutSeconds must be a positive whole number');
    if (options.type === 'EXPRESS' && t !== undefined && t > EXPRESS_MAX_SECONDS) throw new Error(`an EXPRESS machine runs at most ${EXPRESS_MAX_SECONDS} s; TimeoutSeconds ${t} is too long`);
    allStates(start.startState); // validates scopes and names while building
  }

  /** Every state of the machine, Map iterations included. */
  states(): State[] {
    return allStates(this.start.startState);
  }

  /** ASL JSON; throws when the graph breaks an ASL rule (see `validateDefinition`). */
  render(ctx: RenderContext): JsonObject {
    const out: JsonObject = {};
    if (this.options.comment) out.Comment = this.options.comment;
    Object.assign(out, renderGraph(this.start.startState, ctx));
    if (this.options.timeoutSeconds !== undefined) out.TimeoutSeconds = this.options.timeoutSeconds;
    const problems = validateDefinition(out, this.options.type);
    if (problems.length) throw new Error(`invalid state machine definition:\n  - ${problems.join('\n  - ')}`);
    return out;
  }

  /** IAM statements the state machine role needs, merged by identical actions and conditions. */
  policyStatements(): IamStatement[] {
    const merged = new Map<string, IamStatement>();
    for (const st of this.states().flatMap((s) => s.policyStatements())) {
      const key = JSON.stringify([[...st.actions].sort(), st.conditions ?? null]);
      const seen = merged.get(key);
      if (seen) seen.resources = [...new Set([...seen.resources, ...st.resources])];
      else merged.set(key, { ...st, actions: [...st.actions], resources: [...st.resources] });
    }
    return [...merged.values()];
  }
}

/** States of one scope (the main flow or one Map iteration), in discovery order. */
function scopeStates(start: State): State[] {
  const seen = new Set<State>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const next of queue[i].transitions()) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return queue;
}

/** All states, checking that names are unique machine-wide and no transition crosses a Map boundary. */
function allStates(start: State): State[] {
  const scopeOf = new Map<State, State>();
  const byName = new Map<string, State>();
  const all: State[] = [];
  const visit = (scopeStart: State) => {
    for (const s of scopeStates(scopeStart)) {
      const otherScope = scopeOf.get(s);
      if (otherScope && otherScope !== scopeStart) {
        throw new Error(`state "${s.name}" is reached from two scopes (started by "${otherScope.name}" and "${scopeStart.name}"): a transition cannot cross a Map boundary`);
      }
      if (otherScope) continue;
      const sameName = byName.get(s.name);
      if (sameName && sameName !== s) throw new Error(`two different states are named "${s.name}": state names must be unique in the whole machine`);
      scopeOf.set(s, scopeStart);
      byName.set(s.name, s);
      all.push(s);
    }
    for (const s of scopeStates(scopeStart)) for (const sub of s.subGraphs()) visit(sub);
  };
  visit(start);
  return all;
}

function renderGraph(start: State, ctx: RenderContext): JsonObject {
  const states: JsonObject = {};
  for (const s of scopeStates(start)) states[s.name] = s.render(ctx);
  return { StartAt: start.name, States: states };
}

/**
 * Structural checks on rendered ASL (also usable on a definition read back from cdk.tf.json):
 * unique names across the machine, existing targets, no unreachable state, a terminal state in
 * every scope, EXPRESS restrictions. Returns the problems found (empty = fine).
 */
export function validateDefinition(definition: JsonObject, type: StateMachineType): string[] {
  const problems: string[] = [];
  const names = new Map<string, string>();
  const checkScope = (scope: JsonObject, where: string) => {
    const states = scope.States as Record<string, JsonObject> | undefined;
    const startAt = scope.StartAt as string | undefined;
    if (!states || typeof states !== 'object') return void problems.push(`${where}: no States`);
    if (!startAt || !(startAt in states)) problems.push(`${where}: StartAt "${startAt}" is not a state`);
    const targets = (s: JsonObject): string[] => [
      ...(typeof s.Next === 'string' ? [s.Next] : []),
      ...(typeof s.Default === 'string' ? [s.Default] : []),
      ...((s.Choices as JsonObject[] | undefined) ?? []).map((c) => c.Next as string),
      ...((s.Catch as JsonObject[] | undefined) ?? []).map((c) => c.Next as string),
    ];
    let terminal = false;
    for (const [name, s] of Object.entries(states)) {
      if (names.has(name)) problems.push(`state name "${name}" is used in ${names.get(name)} and in ${where}`);
      names.set(name, where);
      if (name.length > MAX_STATE_NAME_LENGTH) problems.push(`state name "${name}" is longer than ${MAX_STATE_NAME_LENGTH}`);
      for (const t of targets(s)) if (!(t in states)) problems.push(`${where}: "${name}" goes to "${t}", which is not a state of this scope`);
      if (s.End === true || s.Type === 'Succeed' || s.Type === 'Fail') terminal = true;
      if (s.Type !== 'Choice' && s.Type !== 'Succeed' && s.Type !== 'Fail' && s.End !== true && typeof s.Next !== 'string') {
        problems.push(`${where}: "${name}" has neither Next nor End`);
      }
      if (type === 'EXPRESS' && typeof s.Resource === 'string' && /\.(sync(:2)?|waitForTaskToken)$/.test(s.Resource)) {
        problems.push(`"${name}": ${s.Resource} is not allowed in an EXPRESS machine`);
      }
      const processor = (s.ItemProcessor ?? s.Iterator) as JsonObject | undefined;
      if (processor) checkScope(processor, `Map "${name}"`);
      for (const [i, branch] of ((s.Branches as JsonObject[] | undefined) ?? []).entries()) checkScope(branch, `Parallel "${name}" branch ${i}`);
    }
    if (!terminal) problems.push(`${where}: no terminal state (End, Succeed or Fail)`);
    const reached = new Set<string>(startAt ? [startAt] : []);
    const queue = [...reached];
    while (queue.length) {
      const s: JsonObject | undefined = states[queue.shift()!];
      for (const t of s ? targets(s) : []) {
        if (!reached.has(t) && t in states) {
          reached.add(t);
          queue.push(t);
        }
      }
    }
    for (const name of Object.keys(states)) if (!reached.has(name)) problems.push(`${where}: "${name}" is unreachable`);
  };
  checkScope(definition, 'the main flow');
  return problems;
}
