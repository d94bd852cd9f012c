import { DEFAULT_BEHAVIOUR } from '../config/schema';
import { InvalidRunInputError } from '../tasks/shared/errors';
import { resolveRun } from '../tasks/validate-input/validate';

const defaults = { ...DEFAULT_BEHAVIOUR, regions: ['us-east-1', 'eu-west-1'] };
const base = { defaults, startedAt: '2026-11-22T10:07:31.123Z', executionName: 'exec-1' };

function rejectMessage(input: unknown): string {
  try {
    resolveRun({ ...base, input });
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRunInputError);
    return (err as Error).message;
  }
  throw new Error('expected the input to be rejected');
}

describe('MONITOR run input', () => {
  it('an empty input runs with the deployment defaults and the execution start as now', () => {
    const out = resolveRun({ ...base, input: {} });
    expect(out.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(out.run.dryRun).toBe(false);
    expect(out.run.idleThresholdHours).toBe(24);
    expect(out.run.now).toBe('2026-11-22T10:07:31.123Z');
    expect(out.run.executionName).toBe('exec-1');
  });

  it('overrides win, Yes/No strings are real booleans (original bug 5)', () => {
    const out = resolveRun({ ...base, input: { dryRun: 'Yes', autoAdjustMinTps: 'No', regions: ['eu-west-1'], idleThresholdHours: 48 } });
    expect(out.run.dryRun).toBe(true);
    expect(out.run.autoAdjustMinTps).toBe(false);
    expect(out.regions).toEqual(['eu-west-1']);
    expect(out.run.idleThresholdHours).toBe(48);
  });

  it('a dry-run deployment stays one: dryRun false (or No) is refused naming why; dryRun true is accepted', () => {
    const dry = { ...base, defaults: { ...defaults, dryRun: true } };
    for (const input of [{ dryRun: false }, { dryRun: 'No' }]) {
      expect(() => resolveRun({ ...dry, input })).toThrow(InvalidRunInputError);
      expect(() => resolveRun({ ...dry, input })).toThrow(/dryRun: false is refused: this deployment is a dry run/);
    }
    expect(resolveRun({ ...dry, input: { dryRun: true } }).run.dryRun).toBe(true);
    expect(resolveRun({ ...dry, input: {} }).run.dryRun).toBe(true);
    expect(resolveRun({ ...base, input: { dryRun: false } }).run.dryRun).toBe(false);
  });

  it('lists may be JSON arrays in a string, as in the config', () => {
    expect(resolveRun({ ...base, input: { regions: '["eu-west-1"]' } }).regions).toEqual(['eu-west-1']);
  });

  it('null input counts as no overrides', () => {
    expect(resolveRun({ ...base, input: null }).run.dryRun).toBe(false);
  });

  it.each([
    [{ dryRun: 'maybe' }, /dryRun: expected Yes, No, true or false, got "maybe"/],
    [{ idleThresholdHours: 1 }, /idleThresholdHours: expected a whole number from 2 to 168/],
    [{ idleThresholdHours: 2.5 }, /idleThresholdHours: expected a whole number/],
    [{ Comment: 'Insert your JSON here' }, /unknown field\(s\) "Comment"/],
    [{ regions: ['ap-south-1'] }, /regions: ap-south-1 not monitored by this deployment \(configured: us-east-1, eu-west-1\)/],
    [{ regions: ['not a region'] }, /regions.0: expected an AWS region/],
    [{ campaignArns: ['arn:aws:personalize:us-east-1:123456789012:recommender/r1'] }, /campaignArns.0: expected a campaign ARN/],
    [{ campaignArns: ['arn:aws:personalize:ap-south-1:123456789012:campaign/c1'] }, /campaignArns.0: ARN is in region ap-south-1, which is not in regions/],
    [{ maxStepPercent: 0 }, /maxStepPercent/],
    [{ idleThresholdHours: '48' }, /idleThresholdHours: expected a whole number from 2 to 168, got "48"/],
    [{ coolDownHours: null }, /coolDownHours: expected a whole number from 0 to 720, got null/],
    [{ maxStepPercent: true }, /maxStepPercent: expected a whole number from 1 to 100, got true/],
    [{ dryRun: 1 }, /dryRun: expected Yes, No, true or false, got 1/],
    [{ dryRun: null }, /dryRun: expected Yes, No, true or false, got null/],
    [{ regions: '["eu-west-1"' }, /regions: starts with \[ but is not a valid JSON array/],
    [{ maxMinCapacity: 5 }, /unknown field\(s\) "maxMinCapacity"; maxMinCapacity: deployment-only/],
    [{ notificationEndpoint: '' }, /unknown field\(s\) "notificationEndpoint"/],
    [[1, 2], /must be a JSON object/],
    ['dryRun', /must be a JSON object/],
  ])('rejects %j naming the problem', (input, pattern) => {
    expect(rejectMessage(input)).toMatch(pattern);
  });

  it('rejects an oversized input', () => {
    expect(rejectMessage({ campaignArns: Array.from({ length: 600 }, (_, i) => `arn:aws:personalize:us-east-1:123456789012:campaign/c${i}`) })).toMatch(
      /bytes; at most 32768/,
    );
  });

  it('accepts `all` in any case and listed ARNs of monitored regions', () => {
    const out = resolveRun({
      ...base,
      input: { campaignArns: 'ALL', recommenderArns: 'arn:aws:personalize:eu-west-1:123456789012:recommender/r1' },
    });
    expect(out.run.campaignArns).toBe('all');
    expect(out.run.recommenderArns).toEqual(['arn:aws:personalize:eu-west-1:123456789012:recommender/r1']);
  });

  it('edited (invalid) defaults are a deployment error, not an input error', () => {
    expect(() => resolveRun({ ...base, defaults: { ...defaults, idleThresholdHours: 0 }, input: {} })).toThrow(/state machine defaults are invalid/);
  });
});
