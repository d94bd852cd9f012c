/**
 * Simulated SNS (Publish and a few topic calls, query protocol), EventBridge (PutEvents, and
 * ListRules over rules registered through the model: rules are listed, never applied) and
 * Step Functions (StartExecution / DescribeExecution with idempotent names, task-token
 * callbacks). Everything is recorded; hooks let a local runner act on executions and results.
 */
import { SimError } from './errors';
import type { OperationTable } from './operations';
import { deterministicUuid, optionalInt, optionalString, paginate, parseArn, partitionOf, requireString, toEpochSeconds } from './util';

// ---------------- SNS ----------------

/** Limits of SNS Publish. */
export const SNS_LIMITS = { maxSubjectChars: 100, maxMessageBytes: 262_144 } as const;

const snsInvalid = (m: string) => new SimError('InvalidParameter', m, { queryCode: 'InvalidParameter' });
const snsNotFound = (m: string) => new SimError('NotFound', m, { status: 404, queryCode: 'NotFound' });

export interface PublishedMessage {
  time: number;
  region: string;
  topicArn: string;
  messageId: string;
  subject?: string;
  /**
   * What an email subscriber receives: the Message as published, or with `MessageStructure:
   * 'json'` its `email` entry (else `default`), like SNS delivers it.
   */
  message: string;
  /** With `MessageStructure: 'json'`: the per-protocol texts as published (`default` always present). */
  structured?: Record<string, string>;
  messageAttributes: Record<string, { DataType: string; StringValue?: string }>;
  caller: string;
}

export interface SnsTopic {
  arn: string;
  name: string;
  region: string;
  subscriptions: { arn: string; protocol: string; endpoint: string }[];
}

/** SNS of one account. Topics must exist before Publish (like the real service). */
export class SnsModel {
  readonly topics = new Map<string, SnsTopic>();
  readonly published: PublishedMessage[] = [];
  private counter = 0;

  constructor(private readonly accountId: string, private readonly seed: number) {}

  /** Create (or return) a topic; returns its ARN. */
  createTopic(region: string, name: string): string {
    if (!/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(name)) throw snsInvalid(`Invalid parameter: Topic Name ${name}`);
    const arn = `arn:${partitionOf(region)}:sns:${region}:${this.accountId}:${name}`;
    if (!this.topics.has(arn)) this.topics.set(arn, { arn, name, region, subscriptions: [] });
    return arn;
  }

  /** Messages published (optionally to one topic). */
  messages(topicArn?: string): PublishedMessage[] {
    return this.published.filter((m) => !topicArn || m.topicArn === topicArn);
  }

  nextId(): string {
    return deterministicUuid(this.seed, this.counter++);
  }
}

/** SNS operations (query protocol: flat form input, XML output). */
export function snsOperations(model: SnsModel): OperationTable {
  return {
    CreateTopic: ({ region }, input) => ({ TopicArn: model.createTopic(region, requireString(input, 'Name', snsInvalid)) }),
    ListTopics: ({ region }) => ({ Topics: [...model.topics.values()].filter((t) => t.region === region).map((t) => ({ TopicArn: t.arn })) }),
    Subscribe: ({ region }, input) => {
      const topic = topicIn(model, region, requireString(input, 'TopicArn', snsInvalid));
      const protocol = requireString(input, 'Protocol', snsInvalid);
      const endpoint = typeof input.Endpoint === 'string' ? input.Endpoint : '';
      const arn = `${topic.arn}:${model.nextId()}`;
      topic.subscriptions.push({ arn, protocol, endpoint });
      // Email subscriptions wait for the recipient's confirmation.
      return { SubscriptionArn: protocol === 'email' || protocol === 'email-json' ? 'pending confirmation' : arn };
    },
    Publish: ({ region, now, caller }, input) => {
      const target = (input.TopicArn ?? input.TargetArn) as string | undefined;
      if (typeof input.PhoneNumber === 'string') throw snsInvalid('Invalid parameter: PhoneNumber (SMS is not simulated)');
      if (!target) throw snsInvalid('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
      const topic = topicIn(model, region, target);
      const message = input.Message;
      if (typeof message !== 'string' || message.length === 0) throw snsInvalid('Invalid parameter: Empty message');
      if (Buffer.byteLength(message) > SNS_LIMITS.maxMessageBytes) throw snsInvalid(`Invalid parameter: Message too long (max ${SNS_LIMITS.maxMessageBytes} bytes)`);
      const subject = input.Subject as string | undefined;
      if (subject !== undefined) {
        // eslint-disable-next-line no-control-regex
        if (subject.length === 0 || subject.length > SNS_LIMITS.maxSubjectChars || /[\r\n]/.test(subject) || /[^\x20-\x7e]/.test(subject)) {
          throw snsInvalid(`Invalid parameter: Subject must be 1-${SNS_LIMITS.maxSubjectChars} printable ASCII characters without line breaks, got ${JSON.stringify(subject.slice(0, 120))}`);
        }
      }
      let structured: Record<string, string> | undefined;
      if (input.MessageStructure === 'json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(message);
        } catch {
          throw snsInvalid('Invalid parameter: Message Structure - JSON message body failed to parse');
        }
        if (typeof (parsed as { default?: unknown })?.default !== 'string') throw snsInvalid('Invalid parameter: Message Structure - No default entry in JSON message body');
        structured = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
      } else if (input.MessageStructure !== undefined) {
        throw snsInvalid(`Invalid parameter: MessageStructure must be "json", got ${JSON.stringify(input.MessageStructure)}`);
      }
      const messageId = model.nextId();
      model.published.push({
        time: now,
        region,
        topicArn: topic.arn,
        messageId,
        subject,
        message: structured ? deliveredText(structured, 'email') : message,
        ...(structured ? { structured } : {}),
        messageAttributes: (input.MessageAttributes ?? {}) as PublishedMessage['messageAttributes'],
        caller,
      });
      return { MessageId: messageId };
    },
  };
}

/** The text SNS sends a subscriber of `protocol` for a json message structure: its entry, else `default`. */
export function deliveredText(structured: Record<string, string>, protocol: string): string {
  return structured[protocol] ?? structured.default;
}

/** What a subscriber of `protocol` receives for a published message (e.g. `https` for AWS Chatbot). */
export function deliveredTo(message: PublishedMessage, protocol: string): string {
  return message.structured ? deliveredText(message.structured, protocol) : message.message;
}

function topicIn(model: SnsModel, region: string, arn: string): SnsTopic {
  const topic = model.topics.get(arn);
  if (!topic || topic.region !== region) throw snsNotFound('Topic does not exist');
  return topic;
}

// ---------------- EventBridge ----------------

export const EVENTS_LIMITS = { maxEntriesPerPutEvents: 10, maxEntryBytes: 262_144 } as const;

export interface RecordedEvent {
  id: string;
  time: number;
  region: string;
  eventBusName: string;
  source: string;
  detailType: string;
  detail: unknown;
  resources: string[];
  caller: string;
}

/** A rule as ListRules shows it (registered with `putRule`; the simulator does not apply rules). */
export interface SimRule {
  name: string;
  arn: string;
  region: string;
  eventBusName: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
}

/** EventBridge of one account: every accepted PutEvents entry is recorded. */
export class EventsModel {
  readonly events: RecordedEvent[] = [];
  /** Rules by `region|bus|name`. */
  readonly rules = new Map<string, SimRule>();
  /** Called for each accepted event (e.g. a local rule that starts an execution). */
  onEvent?: (event: RecordedEvent) => unknown;
  private counter = 0;

  constructor(private readonly seed: number, private readonly accountId = '123456789012') {}

  /** Register (or replace) a rule on a bus (default: the default bus); returns its ARN. */
  putRule(region: string, spec: { name: string; eventBusName?: string; eventPattern?: unknown; scheduleExpression?: string; state?: 'ENABLED' | 'DISABLED'; description?: string }): string {
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(spec.name)) throw new RangeError(`rule name ${JSON.stringify(spec.name)}: 1-64 letters, digits, '.', '-' or '_'`);
    if (spec.eventPattern === undefined && spec.scheduleExpression === undefined) throw new RangeError(`rule ${spec.name} needs an event pattern or a schedule expression`);
    const bus = spec.eventBusName ?? 'default';
    const arn = `arn:${partitionOf(region)}:events:${region}:${this.accountId}:rule/${bus === 'default' ? '' : `${bus}/`}${spec.name}`;
    const eventPattern = spec.eventPattern === undefined ? undefined : typeof spec.eventPattern === 'string' ? spec.eventPattern : JSON.stringify(spec.eventPattern);
    this.rules.set(`${region}|${bus}|${spec.name}`, { name: spec.name, arn, region, eventBusName: bus, eventPattern, scheduleExpression: spec.scheduleExpression, state: spec.state ?? 'ENABLED', description: spec.description });
    return arn;
  }

  /** Recorded events, optionally filtered. */
  list(filter: { source?: string; detailType?: string } = {}): RecordedEvent[] {
    return this.events.filter((e) => (!filter.source || e.source === filter.source) && (!filter.detailType || e.detailType === filter.detailType));
  }

  nextId(): string {
    return deterministicUuid(this.seed ^ 0x5e11, this.counter++);
  }
}

/** EventBridge operations (AWS JSON 1.1, `AWSEvents.<Op>`). */
export function eventsOperations(model: EventsModel, runHook: (fn: () => unknown) => void): OperationTable {
  return {
    PutEvents: ({ region, now, caller }, input) => {
      const entries = input.Entries;
      if (!Array.isArray(entries) || entries.length === 0) throw new SimError('ValidationException', "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
      if (entries.length > EVENTS_LIMITS.maxEntriesPerPutEvents) {
        throw new SimError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${EVENTS_LIMITS.maxEntriesPerPutEvents}`);
      }
      let failed = 0;
      const results = entries.map((raw) => {
        const e = (raw ?? {}) as Record<string, unknown>;
        const fail = (code: string, message: string) => {
          failed++;
          return { ErrorCode: code, ErrorMessage: message };
        };
        for (const field of ['Source', 'DetailType', 'Detail'] as const) {
          if (typeof e[field] !== 'string' || (e[field] as string).length === 0) return fail('InvalidArgument', `Parameter ${field} is not valid. Reason: ${field} is a required argument.`);
        }
        let detail: unknown;
        try {
          detail = JSON.parse(e.Detail as string);
        } catch {
          return fail('MalformedDetail', 'Detail is malformed.');
        }
        if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return fail('MalformedDetail', 'Detail is malformed: expected a JSON object.');
        if (Buffer.byteLength(JSON.stringify(e)) > EVENTS_LIMITS.maxEntryBytes) return fail('InvalidArgument', `Entry is larger than ${EVENTS_LIMITS.maxEntryBytes} bytes.`);
        const event: RecordedEvent = {
          id: model.nextId(),
          time: typeof e.Time === 'number' ? e.Time * 1000 : now,
          region,
          eventBusName: typeof e.EventBusName === 'string' ? e.EventBusName : 'default',
          source: e.Source as string,
          detailType: e.DetailType as string,
          detail,
          resources: Array.isArray(e.Resources) ? e.Resources.map(String) : [],
          caller,
        };
        model.events.push(event);
        const hook = model.onEvent;
        if (hook) runHook(() => hook(event));
        return { EventId: event.id };
      });
      return { FailedEntryCount: failed, Entries: results };
    },
    ListRules: ({ region }, input) => {
      const invalid = (m: string) => new SimError('ValidationException', m);
      const busInput = optionalString(input, 'EventBusName', invalid) ?? 'default';
      // A bus is named by name or ARN (arn:…:event-bus/<name>).
      const bus = busInput.startsWith('arn:') ? busInput.slice(busInput.indexOf(':event-bus/') + ':event-bus/'.length) : busInput;
      const prefix = optionalString(input, 'NamePrefix', invalid) ?? '';
      const limit = optionalInt(input, 'Limit', 1, 100, invalid) ?? 100;
      const rules = [...model.rules.values()].filter((r) => r.region === region && r.eventBusName === bus && r.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
      const { page, nextToken } = paginate(rules, limit, optionalString(input, 'NextToken', invalid), `rules|${region}|${bus}|${prefix}|${limit}`, invalid);
      return {
        Rules: page.map((r) => ({ Name: r.name, Arn: r.arn, EventPattern: r.eventPattern, ScheduleExpression: r.scheduleExpression, State: r.state, Description: r.description, EventBusName: r.eventBusName })),
        NextToken: nextToken,
      };
    },
  };
}

// ---------------- Step Functions ----------------

export const SFN_LIMITS = { maxInputBytes: 262_144, maxTaskTokenChars: 2048, maxNameChars: 80 } as const;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface SimExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  region: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  caller: string;
}

export interface TaskResult {
  time: number;
  token: string;
  kind: 'success' | 'failure';
  output?: string;
  error?: string;
  cause?: string;
  executionArn?: string;
  caller: string;
}

interface TokenRecord {
  token: string;
  executionArn?: string;
  expiresAt?: number;
  used: boolean;
  heartbeats: number;
}

const sfnError = (code: string, m: string) => new SimError(code, m);

/** Step Functions of one account: executions are recorded, not run (a hook may run them). */
export class SfnModel {
  readonly executions = new Map<string, SimExecution>();
  readonly taskResults: TaskResult[] = [];
  private readonly tokens = new Map<string, TokenRecord>();
  private counter = 0;
  /** Called after a new execution is recorded. */
  onStartExecution?: (execution: SimExecution) => unknown;
  /** Called after SendTaskSuccess / SendTaskFailure was accepted. */
  onTaskResult?: (result: TaskResult) => unknown;

  constructor(private readonly seed: number, private readonly now: () => number) {}

  /** Register a task token a waiting state handed out; it can be answered once, before `expiresAt`. */
  registerTaskToken(token: string, opts: { executionArn?: string; expiresAt?: number } = {}): void {
    if (token.length === 0 || token.length > SFN_LIMITS.maxTaskTokenChars) throw new RangeError(`task token must be 1-${SFN_LIMITS.maxTaskTokenChars} characters`);
    this.tokens.set(token, { token, executionArn: opts.executionArn, expiresAt: opts.expiresAt, used: false, heartbeats: 0 });
  }

  /** Whether a token is still open (registered, unused, not expired). */
  tokenOpen(token: string): boolean {
    const t = this.tokens.get(token);
    return !!t && !t.used && (t.expiresAt === undefined || this.now() < t.expiresAt);
  }

  /** Close an execution (what a local runner calls when it finished). */
  completeExecution(executionArn: string, result: { status: Exclude<ExecutionStatus, 'RUNNING'>; output?: unknown; error?: string; cause?: string }): void {
    const e = this.executions.get(executionArn);
    if (!e) throw new Error(`completeExecution: unknown execution ${executionArn}`);
    e.status = result.status;
    e.stopDate = this.now();
    if (result.output !== undefined) e.output = typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
    e.error = result.error;
    e.cause = result.cause;
  }

  /** Executions, optionally of one state machine. */
  list(stateMachineArn?: string): SimExecution[] {
    return [...this.executions.values()].filter((e) => !stateMachineArn || e.stateMachineArn === stateMachineArn);
  }

  nextId(): string {
    return deterministicUuid(this.seed ^ 0x5f11, this.counter++);
  }

  /** Token record for an answer: unknown → InvalidToken; used or expired → TaskTimedOut. */
  claimable(token: unknown): TokenRecord {
    if (typeof token !== 'string' || token.length === 0 || token.length > SFN_LIMITS.maxTaskTokenChars) throw sfnError('InvalidToken', 'Invalid Token: taskToken must be 1-2048 characters');
    const t = this.tokens.get(token);
    if (!t) throw sfnError('InvalidToken', 'Invalid Token');
    if (t.used || (t.expiresAt !== undefined && this.now() >= t.expiresAt)) throw sfnError('TaskTimedOut', 'Task Timed Out');
    return t;
  }
}

const STATE_MACHINE_ARN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:([A-Za-z0-9_-]{1,80})$/;

/** Step Functions operations (AWS JSON 1.0, `AWSStepFunctions.<Op>`). */
export function sfnOperations(model: SfnModel, runHook: (fn: () => unknown) => void): OperationTable {
  const answer = (kind: TaskResult['kind']) => ({ now, caller }: { now: number; caller: string }, input: Record<string, unknown>) => {
    const t = model.claimable(input.taskToken);
    let output: string | undefined;
    if (kind === 'success') {
      output = requireString(input, 'output', (m) => sfnError('InvalidOutput', m));
      try {
        JSON.parse(output);
      } catch {
        throw sfnError('InvalidOutput', 'Invalid output: not valid JSON');
      }
      if (Buffer.byteLength(output) > SFN_LIMITS.maxInputBytes) throw sfnError('InvalidOutput', `output exceeds ${SFN_LIMITS.maxInputBytes} bytes`);
    }
    t.used = true;
    const result: TaskResult = { time: now, token: t.token, kind, output, error: input.error as string | undefined, cause: input.cause as string | undefined, executionArn: t.executionArn, caller };
    model.taskResults.push(result);
    const hook = model.onTaskResult;
    if (hook) runHook(() => hook(result));
    return {};
  };
  return {
    StartExecution: ({ now, region, caller }, input) => {
      const smArn = requireString(input, 'stateMachineArn', (m) => sfnError('InvalidArn', m));
      const match = STATE_MACHINE_ARN.exec(smArn);
      const parsed = parseArn(smArn);
      if (!match || !parsed) throw sfnError('InvalidArn', `Invalid Arn: '${smArn}'`);
      if (parsed.region !== region) throw sfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${smArn}' (region ${parsed.region}, called in ${region})`);
      const name = input.name === undefined ? model.nextId() : String(input.name);
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw sfnError('InvalidName', `Invalid Name: '${name}' (1-80 letters, digits, - or _)`);
      const execInput = input.input === undefined ? '{}' : String(input.input);
      try {
        JSON.parse(execInput);
      } catch {
        throw sfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
      }
      if (Buffer.byteLength(execInput) > SFN_LIMITS.maxInputBytes) throw sfnError('InvalidExecutionInput', `input exceeds ${SFN_LIMITS.maxInputBytes} bytes`);
      const executionArn = `arn:${parsed.partition}:states:${region}:${parsed.account}:execution:${match[1]}:${name}`;
      const existing = model.executions.get(executionArn);
      if (existing) {
        // Same name + same input while running: the original answer. Otherwise a conflict.
        if (existing.input === execInput && existing.status === 'RUNNING') return { executionArn, startDate: toEpochSeconds(existing.startDate) };
        throw sfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const execution: SimExecution = { executionArn, stateMachineArn: smArn, name, region, input: execInput, status: 'RUNNING', startDate: now, caller };
      model.executions.set(executionArn, execution);
      const hook = model.onStartExecution;
      if (hook) runHook(() => hook(execution));
      return { executionArn, startDate: toEpochSeconds(now) };
    },
    DescribeExecution: ({ region }, input) => {
      const arn = requireString(input, 'executionArn', (m) => sfnError('InvalidArn', m));
      const e = model.executions.get(arn);
      if (!e || e.region !== region) throw sfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      return {
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: toEpochSeconds(e.startDate),
        stopDate: e.stopDate === undefined ? undefined : toEpochSeconds(e.stopDate),
        input: e.input,
        output: e.output,
        error: e.error,
        cause: e.cause,
      };
    },
    StopExecution: ({ now, region }, input) => {
      const arn = requireString(input, 'executionArn', (m) => sfnError('InvalidArn', m));
      const e = model.executions.get(arn);
      if (!e || e.region !== region) throw sfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      if (e.status === 'RUNNING') {
        e.status = 'ABORTED';
        e.stopDate = now;
        e.error = input.error as string | undefined;
        e.cause = input.cause as string | undefined;
      }
      return { stopDate: toEpochSeconds(e.stopDate ?? now) };
    },
    SendTaskSuccess: answer('success'),
    SendTaskFailure: answer('failure'),
    SendTaskHeartbeat: (_ctx, input) => {
      model.claimable(input.taskToken).heartbeats++;
      return {};
    },
  };
}
