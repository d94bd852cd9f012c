/** The ASL builders validate while building, render JSONPath ASL and generate the role's IAM. */
import {
  Chain,
  Choice,
  Condition,
  Fail,
  MapState,
  Pass,
  StateMachineDefinition,
  Succeed,
  Task,
  Wait,
  eventBridgePutEvents,
  intrinsic,
  lambdaInvoke,
  lambdaTask,
  path,
  snsPublish,
  startExecution,
  validateDefinition,
} from '../workflows/asl';
import { StateMachine } from 'aws-local-stepfunctions';

const ctx = { partition: 'aws' };
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:f';

describe('rendering', () => {
  it('renders a Lambda task with FunctionName + Payload, OutputPath $.Payload and the default retry', () => {
    const def = new StateMachineDefinition(lambdaInvoke('Work', { functionArn: FN, payload: { region: path('$.region'), fixed: 1 } }), { type: 'EXPRESS' });
    expect(def.render(ctx)).toEqual({
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: FN, Payload: { 'region.$': '$.region', fixed: 1 } },
          OutputPath: '$.Payload',
          Retry: [
            {
              ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
              IntervalSeconds: 1,
              MaxAttempts: 3,
              BackoffRate: 2,
              JitterStrategy: 'FULL',
            },
          ],
          End: true,
        },
      },
    });
  });

  it('uses the partition it is given in integration ARNs', () => {
    const def = new StateMachineDefinition(snsPublish('Tell', { topicArn: 't', message: 'm' }), { type: 'STANDARD' });
    expect((def.render({ partition: 'aws-cn' }).States as any).Tell.Resource).toBe('arn:aws-cn:states:::sns:publish');
  });

  it('renders IsPresent: false as Not IsPresent: true (the local executor never matches IsPresent: false)', () => {
    expect(Condition.isPresent('$.x', false).render()).toEqual({ Not: { Variable: '$.x', IsPresent: true } });
  });

  it('chains states with Next and ends the last one', () => {
    const a = new Pass('A', { parameters: { v: 1 } });
    const b = new Pass('B', { parameters: { v: path('$.v') } });
    const out = new StateMachineDefinition(Chain.start(a).next(b), { type: 'EXPRESS' }).render(ctx) as any;
    expect(out.States.A.Next).toBe('B');
    expect(out.States.B.End).toBe(true);
  });

  it('renders a Map with ItemsPath, ItemSelector, MaxConcurrency and an inline ItemProcessor', () => {
    const map = new MapState('Each', { itemsPath: '$.items', itemSelector: { item: path('$$.Map.Item.Value') }, maxConcurrency: 3, resultPath: null }).itemProcessor(
      new Succeed('Done'),
    );
    const out = new StateMachineDefinition(map, { type: 'EXPRESS' }).render(ctx) as any;
    expect(out.States.Each).toEqual({
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: { 'item.$': '$$.Map.Item.Value' },
      MaxConcurrency: 3,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
      ResultPath: null,
      End: true,
    });
  });
});

describe('where a Lambda result goes', () => {
  const render = (task: Task) => new StateMachineDefinition(task, { type: 'EXPRESS' }).render(ctx).States as Record<string, Record<string, unknown>>;

  it('select keeps named fields of the handler result at the ResultPath, without OutputPath', () => {
    const state = render(lambdaInvoke('Check', { functionArn: FN, resultPath: '$.check', select: ['decision', 'reason'] })).Check;
    expect(state).toMatchObject({ ResultPath: '$.check', ResultSelector: { 'decision.$': '$.Payload.decision', 'reason.$': '$.Payload.reason' } });
    expect(state.OutputPath).toBeUndefined();
  });

  it('a ResultPath without select keeps the whole payload under Payload (OutputPath would run after ResultPath)', () => {
    const state = render(lambdaInvoke('Sum', { functionArn: FN, resultPath: '$.summary' })).Sum;
    expect(state).toMatchObject({ ResultPath: '$.summary', ResultSelector: { 'Payload.$': '$.Payload' } });
    expect(state.OutputPath).toBeUndefined();
  });

  it('ResultPath null keeps the input and sets no OutputPath', () => {
    const state = render(lambdaInvoke('Notify', { functionArn: FN, resultPath: null })).Notify;
    expect(state.ResultPath).toBeNull();
    expect(state.OutputPath).toBeUndefined();
  });

  it('an Event invoke is fire and forget and must drop its result', () => {
    const state = render(lambdaInvoke('Later', { functionArn: FN, resultPath: null, invocationType: 'Event' })).Later;
    expect(state.Parameters).toMatchObject({ InvocationType: 'Event' });
    expect(() => lambdaInvoke('Bad', { functionArn: FN, invocationType: 'Event' })).toThrow(/set resultPath: null/);
  });

  it('lambdaTask waits the function timeout plus a margin', () => {
    expect(render(lambdaTask('T', { arn: FN, timeoutSeconds: 30 }, {})).T.TimeoutSeconds).toBe(35);
  });

  it('Wait renders Seconds and refuses anything but a positive whole number', () => {
    const def = new StateMachineDefinition(new Wait('Pause', 60).next(new Succeed('End')), { type: 'STANDARD' }).render(ctx);
    expect((def.States as Record<string, unknown>).Pause).toMatchObject({ Type: 'Wait', Seconds: 60, Next: 'End' });
    expect(() => new Wait('Bad', 0)).toThrow(/positive whole number/);
  });
});

describe('validation while building', () => {
  it('rejects two different states with the same name anywhere in the machine', () => {
    const inner = new MapState('Each', { itemsPath: '$.items' }).itemProcessor(new Succeed('Same'));
    expect(() => new StateMachineDefinition(inner.next(new Succeed('Same')), { type: 'EXPRESS' })).toThrow(/two different states are named "Same"/);
  });

  it('rejects a transition that crosses a Map boundary', () => {
    const shared = new Succeed('Shared');
    const map = new MapState('Each', { itemsPath: '$.items' }).itemProcessor(new Pass('Inner').next(shared));
    expect(() => new StateMachineDefinition(map.next(shared), { type: 'EXPRESS' })).toThrow(/cannot cross a Map boundary/);
  });

  it('rejects continuing a state twice and chaining after a terminal state', () => {
    const a = new Pass('A');
    const stale = Chain.start(a);
    a.next(new Succeed('B'));
    expect(() => stale.next(new Succeed('C'))).toThrow(/already continues with "B"/);
    expect(() => a.next(new Succeed('D'))).toThrow(/no open end/);
    expect(() => Chain.start(new Fail('F', { error: 'E', cause: 'c' })).next(new Succeed('S'))).toThrow(/no open end/);
  });

  it('rejects a falsy Pass Result (executed wrongly by the local tool) and a ".$" key written by hand', () => {
    expect(() => new Pass('P', { result: false })).toThrow(/falsy Result/);
    expect(() => new StateMachineDefinition(new Pass('P', { parameters: { 'x.$': '$.y' } }), { type: 'EXPRESS' }).render(ctx)).toThrow(/ends in "\.\$"/);
  });

  it('rejects .waitForTaskToken in an EXPRESS machine and an EXPRESS timeout above 5 minutes', () => {
    const wait = new Task('Wait', {
      integration: 'lambda:invoke.waitForTaskToken',
      parameters: { FunctionName: FN },
      policyStatements: [{ actions: ['lambda:InvokeFunction'], resources: [FN] }],
    });
    expect(() => new StateMachineDefinition(wait, { type: 'EXPRESS' }).render(ctx)).toThrow(/not allowed in an EXPRESS machine/);
    expect(() => new StateMachineDefinition(new Succeed('S'), { type: 'EXPRESS', timeoutSeconds: 301 })).toThrow(/at most 300/);
  });

  it('rejects malformed paths and intrinsic calls', () => {
    expect(() => path('x')).toThrow(/not a JSONPath/);
    expect(() => intrinsic('Array($.x)')).toThrow(/not an intrinsic/);
    expect(() => Condition.stringEquals('kind', 'idle')).toThrow(/must be a JSONPath/);
  });
});

describe('Fail', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aslValidator: (d: unknown, o: { checkPaths: boolean; checkArn: boolean }) => { isValid: boolean; errorsText: (s?: string) => string } = require('asl-validator');
  const failing = (fail: Fail) => new StateMachineDefinition(new Pass('Shape', { parameters: { why: path('$.why'), code: path('$.code') } }).next(fail), { type: 'EXPRESS' });

  it('renders a fixed Error and Cause', () => {
    expect(new Fail('F', { error: 'E', cause: 'c', comment: 'why' }).render()).toEqual({ Type: 'Fail', Comment: 'why', Error: 'E', Cause: 'c' });
    expect(new Fail('F', { error: 'E' }).render()).toEqual({ Type: 'Fail', Error: 'E' });
  });

  it('renders CausePath and ErrorPath, which asl-validator accepts', () => {
    const def = failing(new Fail('F', { error: 'E', causePath: '$.why' })).render(ctx);
    expect((def.States as any).F).toEqual({ Type: 'Fail', Error: 'E', CausePath: '$.why' });
    expect(aslValidator(structuredClone(def), { checkPaths: true, checkArn: true }).errorsText('\n')).toBe('');
    const both = failing(new Fail('G', { errorPath: '$.code', causePath: "States.Format('because {}', $.why)" })).render(ctx);
    expect((both.States as any).G).toEqual({ Type: 'Fail', ErrorPath: '$.code', CausePath: "States.Format('because {}', $.why)" });
    expect(aslValidator(structuredClone(both), { checkPaths: true, checkArn: true }).isValid).toBe(true);
    // asl-validator itself refuses Cause together with CausePath: the builder refuses it earlier.
    expect(aslValidator({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c', CausePath: '$.why' } } }, { checkPaths: true, checkArn: true }).isValid).toBe(false);
  });

  it('fails the execution with the cause and error read from the state input (aws-local-stepfunctions)', async () => {
    const def = failing(new Fail('F', { errorPath: '$.code', causePath: '$.why' })).render(ctx);
    const run = new StateMachine(def as never).run({ why: '2 of 3 regions failed: eu-west-1: AccessDenied', code: 'RegionsFailed' });
    const err = await run.result.then(
      () => undefined,
      (e: Error & { cause?: Error }) => e.cause,
    );
    expect(err).toMatchObject({ name: 'RegionsFailed', message: '2 of 3 regions failed: eu-west-1: AccessDenied' });
  });

  it('refuses cause with causePath, error with errorPath, no error at all, and a causePath that is no path', () => {
    expect(() => new Fail('F', { error: 'E', cause: 'c', causePath: '$.why' })).toThrow(/cause or causePath, not both/);
    expect(() => new Fail('F', { error: 'E', errorPath: '$.code' })).toThrow(/error or errorPath, not both/);
    expect(() => new Fail('F', { cause: 'c' })).toThrow(/needs an Error name/);
    expect(() => new Fail('F', { error: 'E', causePath: 'why' })).toThrow(/causePath "why" must be a JSONPath/);
    expect(() => new Fail('F', { errorPath: 'Format($.x)' })).toThrow(/errorPath "Format\(\$\.x\)" must be a JSONPath/);
  });
});

describe('validateDefinition on rendered ASL', () => {
  it('finds missing targets, unreachable states and duplicate names across scopes', () => {
    const problems = validateDefinition(
      {
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Next: 'Missing' },
          Orphan: { Type: 'Succeed' },
          M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Succeed' } } } },
        },
      },
      'EXPRESS',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"A" goes to "Missing"'),
        expect.stringContaining('"Orphan" is unreachable'),
        expect.stringContaining('state name "A" is used in'),
      ]),
    );
  });
});

describe('IAM generated from the definition', () => {
  it('collects what each task needs, merging resources of the same actions', () => {
    const other = 'arn:aws:lambda:us-east-1:123456789012:function:g';
    const bus = 'arn:aws:events:us-east-1:123456789012:event-bus/default';
    const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:action';
    const choice = new Choice('Route')
      .when(Condition.booleanEquals('$.x', true), lambdaInvoke('G', { functionArn: other }))
      .otherwise(
        eventBridgePutEvents('Emit', { eventBusArn: bus, entries: [{ source: 's', detailType: 'd', detail: path('$.detail') }] }).next(
          startExecution('StartAction', { stateMachineArn: machine, input: path('$'), executionName: path('$.name') }),
        ),
      );
    const def = new StateMachineDefinition(lambdaInvoke('F', { functionArn: FN }).next(choice), { type: 'EXPRESS' });
    expect(def.policyStatements()).toEqual([
      { actions: ['lambda:InvokeFunction'], resources: [FN, `${FN}:*`, other, `${other}:*`] },
      { actions: ['events:PutEvents'], resources: [bus] },
      { actions: ['states:StartExecution'], resources: [machine] },
    ]);
  });

  it('requires every task to declare what the role needs', () => {
    expect(() => new Task('Bare', { integration: 'sns:publish', parameters: {}, policyStatements: [] })).toThrow(/declares no IAM statement/);
  });
});
