/**
 * Every synthesized state machine definition is plain JSON that passes asl-validator (paths and
 * ARNs checked) once Terraform references are replaced by valid fake ARNs; the MONITOR reads like
 * its runbook.
 */
import { validateDefinition } from '../workflows/asl';
import { definitions, statesOfDefinition } from './support/deploy-trap-checks';
import { synth } from './support/synth';
import { resourcesOf } from './support/terraform';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (definition: unknown, options: { checkPaths: boolean; checkArn: boolean }) => { isValid: boolean; errorsText: (sep?: string) => string } = require('asl-validator');

const { tf, config } = synth();
const machines = definitions(tf);
const monitor = machines.find((m) => m.address === resourcesOf(tf, 'aws_sfn_state_machine').find((r) => r.body.name === `${config.stackName}-monitor`)!.address)!;
const states = Object.fromEntries(statesOfDefinition(monitor.definition)) as Record<string, Record<string, any>>;

describe('every state machine definition', () => {
  it.each(resourcesOf(tf, 'aws_sfn_state_machine').map((r) => [r.body.name as string, r] as const))('%s is JSON text with references only inside strings', (_, r) => {
    expect(typeof r.body.definition).toBe('string');
    expect(() => JSON.parse(String(r.body.definition))).not.toThrow();
  });

  it.each(machines.map((m) => [m.address, m] as const))('%s passes asl-validator with checkPaths and checkArn', (_, m) => {
    const result = aslValidator(structuredClone(m.definition), { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it.each(machines.map((m) => [m.address, m] as const))('%s passes the structural checks (unique names, targets, reachability)', (_, m) => {
    expect(validateDefinition(m.definition as never, m.type as 'EXPRESS' | 'STANDARD')).toEqual([]);
  });

  it('would fail asl-validator on a broken JSONPath (the check can fail)', () => {
    const broken = structuredClone(monitor.definition) as Record<string, any>;
    broken.States.ValidateRunInput.Parameters.Payload['input.$'] = '$$$[';
    expect(aslValidator(broken, { checkPaths: true, checkArn: true }).isValid).toBe(false);
  });
});

describe('the MONITOR reads like a runbook', () => {
  it('validates the run input first, with the deployed defaults and the execution start as "now"', () => {
    expect(monitor.definition.StartAt).toBe('ValidateRunInput');
    expect(states.ValidateRunInput.Parameters.Payload).toMatchObject({
      'input.$': '$',
      'startedAt.$': '$$.Execution.StartTime',
      'executionName.$': '$$.Execution.Name',
      defaults: expect.objectContaining({ dryRun: config.dryRun }),
    });
    // An invalid input must fail the execution with the task's own error.
    expect(states.ValidateRunInput.Catch).toBeUndefined();
    expect(states.ValidateRunInput.OutputPath).toBe('$.Payload');
  });

  it('collects every region in a Map, turning a failed region into a result instead of a failed run', () => {
    expect(states.CollectEachRegion).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.regions',
      ItemSelector: { 'region.$': '$$.Map.Item.Value', 'run.$': '$.run' },
      ResultPath: '$.regionResults',
    });
    expect(states.CollectRegion.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'RecordRegionFailure', ResultPath: '$.failure' }]);
    expect(states.CollectRegion.Retry[0].ErrorEquals).toEqual([
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ]);
    expect(states.RecordRegionFailure.Parameters).toEqual({ 'region.$': '$.region', ok: false, 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause' });
  });

  it('routes each finding: act only when enabled and not a dry run, notify, or only report', () => {
    expect(states.DecideEachFinding).toMatchObject({ Type: 'Map', ItemsPath: '$.findings', ResultPath: null });
    const choices = states.RouteFinding.Choices;
    expect(choices.map((c: { Next: string }) => c.Next)).toEqual(['StartIdleAction', 'StartCapacityChange', 'NotifyFinding']);
    expect(choices[0].And).toEqual([
      { Variable: '$.kind', StringEquals: 'idle' },
      { Variable: '$.actionEnabled', BooleanEquals: true },
      { Variable: '$.dryRun', BooleanEquals: false },
    ]);
    expect(states.RouteFinding.Default).toBe('ReportOnly');
    expect(states.ReportOnly.Type).toBe('Succeed');
    for (const start of ['StartIdleAction', 'StartCapacityChange']) {
      // The ACTION input is the original request event in the MONITOR's envelope; the name makes a repeated finding harmless.
      expect(states[start].Resource).toBe('arn:aws:states:::states:startExecution');
      expect(states[start].Parameters).toEqual({
        StateMachineArn: `arn:aws:states:${config.homeRegion}:123456789012:stateMachine:${config.stackName}-action`,
        'Name.$': '$.actionName',
        Input: { finding: { 'detail-type.$': '$.event.detailType', 'detail.$': '$.event.detail' } },
      });
      expect(states[start].Retry).toBeUndefined();
      expect(states[start].Catch[0]).toMatchObject({ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], Next: `${start}AlreadyRequested` });
      expect(states[`${start}AlreadyRequested`].Type).toBe('Succeed');
      expect(states[start].End).toBe(true);
    }
    expect(states.NotifyFinding.Parameters).toEqual({
      TopicArn: `arn:aws:sns:${config.homeRegion}:123456789012:${config.stackName}-notifications`,
      'Subject.$': '$.notification.subject',
      'Message.$': '$.notification.message',
    });
  });

  it('keeps a region summary small: counts, not findings', () => {
    expect(states.SummarizeRegion.Parameters['findings.$']).toBe('States.ArrayLength($.findings)');
    expect(Object.keys(states.SummarizeRegion.Parameters).sort()).toEqual(
      ['alarms', 'apiCalls', 'carriedOver', 'deferredFindings', 'findings', 'fleetFingerprint', 'metricsWritten', 'ok', 'problems', 'region', 'resources', 'wouldWrite'].map((k) => `${k}.$`).sort(),
    );
  });

  it('sums up the run and fails it, after every region ran, when a region failed', () => {
    expect(states.SummarizeRun.Parameters.Payload).toEqual({ 'run.$': '$.run', 'regionResults.$': '$.regionResults', 'dataFeedResults.$': '$.dataFeedResults' });
    expect(states.AnyRegionFailed.Choices).toEqual([{ Variable: '$.anyRegionFailed', BooleanEquals: true, Next: 'RegionsFailed' }]);
    expect(states.RegionsFailed).toMatchObject({ Type: 'Fail', Error: 'RegionsFailed', CausePath: '$.failureCause' });
    expect(states.AnyRegionFailed.Default).toBe('RunSucceeded');
  });
});

describe('regression', () => {
  it('renders the MONITOR as before (defaults left out: the config schema owns them)', () => {
    const def = structuredClone(monitor.definition) as Record<string, any>;
    const payload = def.States.ValidateRunInput.Parameters.Payload;
    payload.defaults = '<every behaviour key; see stack-resources.test.ts>';
    expect(def).toMatchSnapshot();
  });
});
