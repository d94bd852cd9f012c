/**
 * A configuration value can never silently switch a safety setting off: numbers are numbers,
 * booleans are booleans, empty variables are errors, lists and schedules follow their grammar,
 * and approval modes need somewhere to send the approval links.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_KEYS, ConfigError, envVarName, loadDeployConfig } from '../config/load';
import {
  CONFIG_KEY_SPECS,
  DEFAULT_ACTION_LIMITS,
  DEFAULT_BEHAVIOUR,
  DEFAULT_DEPLOY,
  PERSONALIZE_MAX_CAPACITY,
  PERSONALIZE_MIN_CAPACITY,
  actionLimitsSchema,
  behaviourShape,
  checkScheduleExpression,
  configShape,
  deployConfigSchema,
  deployShape,
  describeIssues,
} from '../config/schema';
import { InvalidRunInputError } from '../tasks/shared/errors';
import { resolveRun } from '../tasks/validate-input/validate';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-strict-'));
function configFile(content: Record<string, unknown>): string {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}
const ENDPOINT = 'ops@example.com';
const emptyFile = configFile({});

/** Loads with an empty config file plus `env` (an endpoint unless `env` says otherwise). */
function load(env: Record<string, string> = {}, file = emptyFile) {
  return loadDeployConfig({ file, env: { PM_NOTIFICATION_ENDPOINT: ENDPOINT, ...env } });
}
function loadError(env: Record<string, string> = {}, file = emptyFile): string {
  try {
    load(env, file);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
function fileError(content: Record<string, unknown>): { message: string; file: string } {
  const file = configFile(content);
  return { message: loadError({}, file), file };
}

const runBase = { defaults: { ...DEFAULT_BEHAVIOUR, regions: ['us-east-1'] }, startedAt: '2026-11-22T10:07:31.123Z', executionName: 'exec-1' };
function runInputError(input: unknown): string {
  try {
    resolveRun({ ...runBase, input });
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRunInputError);
    return (err as Error).message;
  }
  throw new Error('expected the run input to be rejected');
}

const validDeploy = { ...DEFAULT_DEPLOY, ...DEFAULT_BEHAVIOUR, homeRegion: 'us-east-1', regions: ['us-east-1'], notificationEndpoint: ENDPOINT };
function schemaIssues(patch: Record<string, unknown>): string | undefined {
  const r = deployConfigSchema.safeParse({ ...validDeploy, ...patch });
  return r.success ? undefined : describeIssues(r.error);
}

describe('numbers in the config file are JSON numbers, nothing else', () => {
  it.each([
    ['null', null],
    ['true', true],
    ['[]', []],
    ['""', ''],
    ['"24"', '24'],
  ])('"coolDownHours": %s is rejected naming the field, the file and the allowed values', (shown, value) => {
    const { message, file } = fileError({ coolDownHours: value });
    expect(message).toContain(`coolDownHours: expected a whole number from 0 to 720, got ${shown} (from file ${file})`);
  });

  it('"maxStepPercent": true is not 1', () => {
    const { message, file } = fileError({ maxStepPercent: true });
    expect(message).toContain(`maxStepPercent: expected a whole number from 1 to 100, got true (from file ${file})`);
  });

  it('fractions where whole numbers are asked, and numbers as objects, are rejected', () => {
    expect(fileError({ lookBackDays: 1.5 }).message).toContain('lookBackDays: expected a whole number from 1 to 60');
    expect(fileError({ campaignTpsHourPrice: { usd: 1 } }).message).toContain('campaignTpsHourPrice: expected a number from 0 to 1000, got {"usd":1}');
  });

  it('logRetentionDays is a JSON number too', () => {
    expect(fileError({ logRetentionDays: '30' }).message).toContain('logRetentionDays: expected one of 1, 3, 5, 7, 14, 30');
    expect(load({}, configFile({ logRetentionDays: 90 })).logRetentionDays).toBe(90);
  });

  it('a real number loads', () => {
    expect(load({}, configFile({ coolDownHours: 12, campaignTpsHourPrice: 0.25 }))).toMatchObject({ coolDownHours: 12, campaignTpsHourPrice: 0.25 });
  });
});

describe('booleans are true/false or Yes/No, nothing else', () => {
  it.each([
    [1, '1'],
    [0, '0'],
    [null, 'null'],
    ['', '""'],
    ['on', '"on"'],
  ])('"dryRun": %j is rejected', (value, shown) => {
    expect(fileError({ dryRun: value }).message).toContain(`dryRun: expected Yes, No, true or false, got ${shown}`);
  });

  it('Yes/No in any case and true/false, as booleans or strings, load', () => {
    const cfg = load({ PM_DRY_RUN: 'YES', PM_SCHEDULE_ENABLED: ' false ' }, configFile({ autoCreateIdleAlarms: 'No', autoCreateUtilizationAlarms: false }));
    expect(cfg).toMatchObject({ dryRun: true, scheduleEnabled: false, autoCreateIdleAlarms: false, autoCreateUtilizationAlarms: false });
  });

  it('PM_DRY_RUN=1 is rejected naming the variable', () => {
    expect(loadError({ PM_DRY_RUN: '1' })).toContain('dryRun: expected Yes, No, true or false, got "1" (from env PM_DRY_RUN="1")');
  });
});

describe('environment variables are converted by the kind of their key', () => {
  it('PM_COOL_DOWN_HOURS= (empty) is an error naming the variable, not 0', () => {
    expect(loadError({ PM_COOL_DOWN_HOURS: '' })).toContain(
      'coolDownHours: PM_COOL_DOWN_HOURS is empty: unset it or give a whole number from 0 to 720 (from env PM_COOL_DOWN_HOURS="")',
    );
  });

  it('an empty or blank variable is an error for every key, whatever its kind', () => {
    for (const key of CONFIG_KEYS) {
      const name = envVarName(key);
      for (const blank of ['', '  ']) {
        expect(loadError({ [name]: blank })).toContain(`${key}: ${name} is empty: unset it or give ${CONFIG_KEY_SPECS[key].expected}`);
      }
    }
  });

  it('PM_COOL_DOWN_HOURS=12 is the number 12 (surrounding blanks trimmed)', () => {
    expect(load({ PM_COOL_DOWN_HOURS: '12' }).coolDownHours).toBe(12);
    expect(load({ PM_COOL_DOWN_HOURS: ' 12 ' }).coolDownHours).toBe(12);
    expect(load({ PM_CAMPAIGN_TPS_HOUR_PRICE: '0.35' }).campaignTpsHourPrice).toBe(0.35);
    expect(load({ PM_LOG_RETENTION_DAYS: '14' }).logRetentionDays).toBe(14);
  });

  it.each(['1e1', '0x10', '12h', 'Infinity', 'NaN', '1,5', '+5', '.5', 'true', '[12]'])('PM_COOL_DOWN_HOURS=%s is not a decimal literal', (raw) => {
    expect(loadError({ PM_COOL_DOWN_HOURS: raw })).toContain(
      `coolDownHours: expected a whole number from 0 to 720 written as a decimal number (e.g. 12 or 0.5), got ${JSON.stringify(raw)} (from env PM_COOL_DOWN_HOURS=${JSON.stringify(raw)})`,
    );
  });

  it('a decimal out of range is reported with the range', () => {
    expect(loadError({ PM_COOL_DOWN_HOURS: '-1' })).toContain('coolDownHours: expected a whole number from 0 to 720 (from env PM_COOL_DOWN_HOURS="-1")');
    expect(loadError({ PM_COOL_DOWN_HOURS: '1.5' })).toContain('coolDownHours: expected a whole number from 0 to 720 (from env PM_COOL_DOWN_HOURS="1.5")');
  });
});

describe('every key has a value kind, derived from its schema', () => {
  const keys = [...Object.keys(deployShape), ...Object.keys(behaviourShape)];

  it('covers every key of deployShape and behaviourShape, and nothing else', () => {
    expect(Object.keys(CONFIG_KEY_SPECS).sort()).toEqual([...keys].sort());
    expect([...CONFIG_KEYS].sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const spec = CONFIG_KEY_SPECS[key as keyof typeof CONFIG_KEY_SPECS];
      expect(['number', 'boolean', 'list', 'string', 'object']).toContain(spec.kind);
      expect(spec.expected.length).toBeGreaterThan(0);
    }
  });

  it('the kinds tell the truth: numbers refuse strings, booleans take Yes, lists read JSON, strings refuse numbers', () => {
    for (const [key, schema] of Object.entries(configShape)) {
      const { kind } = CONFIG_KEY_SPECS[key as keyof typeof CONFIG_KEY_SPECS];
      const fail = (value: unknown) => {
        const r = schema.safeParse(value);
        return r.success ? undefined : describeIssues(r.error);
      };
      if (kind === 'number') {
        const good = (validDeploy as Record<string, unknown>)[key];
        expect([key, fail(good)]).toEqual([key, undefined]);
        expect([key, fail(String(good))]).toEqual([key, expect.stringContaining('got "')]);
      } else if (kind === 'boolean') {
        expect([key, schema.safeParse('Yes').data, fail(1)]).toEqual([key, true, expect.stringContaining('expected Yes, No, true or false')]);
      } else if (kind === 'list') {
        expect([key, fail('[oops')]).toEqual([key, expect.stringContaining('not a valid JSON array')]);
      } else {
        expect([key, fail(5)]).toEqual([key, expect.stringContaining('got 5')]);
      }
    }
  });
});

describe('lists accept JSON arrays and CSV', () => {
  it('PM_REGIONS as a JSON array and as CSV give the two regions', () => {
    expect(load({ PM_REGIONS: '["us-east-1","eu-west-1"]' }).regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(load({ PM_REGIONS: ' [ "us-east-1", "eu-west-1" ] ' }).regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(load({ PM_REGIONS: 'us-east-1,eu-west-1' }).regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('an invalid JSON array is an error naming PM_REGIONS', () => {
    const raw = '["us-east-1","eu-west-1"';
    expect(loadError({ PM_REGIONS: raw })).toMatch(/regions: starts with \[ but is not a valid JSON array \(.*\); expected at least one AWS region.* \(from env PM_REGIONS=/);
  });

  it('a JSON array of non-strings names the bad item', () => {
    expect(loadError({ PM_REGIONS: '["us-east-1", 5]' })).toContain('regions.1: expected an AWS region such as us-east-1, got 5');
  });

  it('campaign and recommender ARNs: JSON array, CSV or all', () => {
    const a = 'arn:aws:personalize:us-east-1:123456789012:campaign/a';
    const b = 'arn:aws:personalize:us-east-1:123456789012:campaign/b';
    const r = 'arn:aws:personalize:us-east-1:123456789012:recommender/r';
    expect(load({ PM_CAMPAIGN_ARNS: JSON.stringify([a, b]), PM_RECOMMENDER_ARNS: r })).toMatchObject({ campaignArns: [a, b], recommenderArns: [r] });
    expect(load({ PM_CAMPAIGN_ARNS: `${a}, ${b}`, PM_RECOMMENDER_ARNS: 'All' })).toMatchObject({ campaignArns: [a, b], recommenderArns: 'all' });
    expect(loadError({ PM_CAMPAIGN_ARNS: `["${a}"` })).toMatch(/campaignArns: starts with \[ but is not a valid JSON array .* \(from env PM_CAMPAIGN_ARNS=/);
  });

  it('request senders: JSON array or CSV', () => {
    const ops = 'arn:aws:iam::123456789012:role/ops';
    const dev = 'arn:aws:iam::123456789012:user/team/dev';
    expect(load({ PM_REQUEST_SENDERS: JSON.stringify([ops, dev]) }).requestSenders).toEqual([ops, dev]);
    expect(load({ PM_REQUEST_SENDERS: `${ops},${dev}` }).requestSenders).toEqual([ops, dev]);
    expect(load({ PM_REQUEST_SENDERS: '[]' }).requestSenders).toEqual([]);
  });
});

describe('the MONITOR run input is as strict as the config file', () => {
  it('{"coolDownHours": null} is rejected naming the field', () => {
    expect(runInputError({ coolDownHours: null })).toBe('invalid run input: coolDownHours: expected a whole number from 0 to 720, got null');
  });

  it('{"idleThresholdHours": "48"} is rejected naming the field', () => {
    expect(runInputError({ idleThresholdHours: '48' })).toBe('invalid run input: idleThresholdHours: expected a whole number from 2 to 168, got "48"');
  });

  it.each([{ maxMinCapacity: 5 }, { maxAutoRaiseFactor: 1000 }, { requestSenders: [] }, { acceptDefaultBusRequests: true }])(
    'deployment-only %j is an unknown field',
    (input) => {
      const [key] = Object.keys(input);
      expect(runInputError(input)).toContain(`unknown field(s) "${key}"; ${key}: deployment-only`);
    },
  );

  it('numbers and Yes/No that are valid still run', () => {
    expect(resolveRun({ ...runBase, input: { idleThresholdHours: 48, dryRun: 'yes' } }).run).toMatchObject({ idleThresholdHours: 48, dryRun: true });
  });
});

describe('schedule expressions follow the EventBridge Scheduler grammar', () => {
  it.each([
    ['cron(garbage)', /has 1 field\(s\); expected 6/],
    ['cron(0 12 * * ? *)', undefined],
    ['cron(0 12 * * * *)', /exactly one of day-of-month \("\*"\) and day-of-week \("\*"\) must be \?/],
    ['cron(0 12 ? * ? *)', /exactly one of day-of-month/],
    ['cron(0 12 * * ?)', /has 5 field\(s\); expected 6: minutes hours day-of-month month day-of-week year/],
    ['cron(0 12 * * ? * *)', /has 7 field\(s\)/],
    ['cron(0/15 8-17 ? * MON-FRI *)', undefined],
    ['cron(0 10 L * ? 2026-2030)', undefined],
    ['cron(0 10 15W JAN,jul ? *)', undefined],
    ['cron(0 10 ? * 6L *)', undefined],
    ['cron(0 10 ? * 3#2 *)', undefined],
    ['cron(0 10 ? * 3#2,4#1 *)', /day-of-week "3#2,4#1": expected <day>#<1-5>/],
    ['cron(60 12 * * ? *)', /minutes "60".*allowed: 0-59/],
    ['cron(0 24 * * ? *)', /hours "24".*allowed: 0-23/],
    ['cron(0 12 32 * ? *)', /day-of-month "32".*allowed: 1-31/],
    ['cron(0 12 * 13 ? *)', /month "13".*allowed: 1-12 or JAN-DEC/],
    ['cron(0 12 ? * 8 *)', /day-of-week "8".*allowed: 1-7 or SUN-SAT/],
    ['cron(0 12 * * ? 1969)', /year "1969".*allowed: 1970-2199/],
    ['cron(0 12 W * ? *)', /day-of-month "W"/],
    ['cron(0 12 ? * MON/2 *)', /\/ is not allowed in day-of-week/],
    ['cron(L 12 * * ? *)', /minutes "L"/],
    ['rate(1 day)', undefined],
    ['rate(1 minute)', undefined],
    ['rate(5 minutes)', undefined],
    ['rate(12 hours)', undefined],
    ['rate(0 minutes)', /the value must be a whole number of at least 1, got "0"/],
    ['rate(-5 minutes)', /the value must be a whole number of at least 1/],
    ['rate(1.5 hours)', /the value must be a whole number of at least 1/],
    ['rate(5 weeks)', /the unit must be one of minute, minutes, hour, hours, day, days, got "weeks"/],
    ['rate(5)', /expected rate\(value unit\)/],
    ['at(2027-01-01T00:00:00)', undefined],
    ['at(2028-02-29T23:59:59)', undefined],
    ['at(2027-13-01T00:00:00)', /month 13 is not 01-12/],
    ['at(2027-02-29T00:00:00)', /day 29 is not in 2027-02/],
    ['at(2027-01-01T24:00:00)', /hour 24/],
    ['at(2027-01-01 00:00:00)', /expected at\(yyyy-mm-ddThh:mm:ss\)/],
    ['every 5 minutes', /expected rate\(value unit\), cron\(.*\) or at\(yyyy-mm-ddThh:mm:ss\), got "every 5 minutes"/],
    [' rate(5 minutes)', /expected rate\(value unit\)/],
    ['', /expected rate\(value unit\)/],
  ])('%s → %s', (expr, problem) => {
    const got = checkScheduleExpression(expr);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });

  it('the config rejects a bad schedule naming the field and its source', () => {
    const { message, file } = fileError({ scheduleExpression: 'cron(0 12 * * * *)' });
    expect(message).toContain(`scheduleExpression: cron(0 12 * * * *): exactly one of day-of-month`);
    expect(message).toContain(`(from file ${file})`);
    expect(load({ PM_SCHEDULE_EXPRESSION: 'cron(0 12 * * ? *)' }).scheduleExpression).toBe('cron(0 12 * * ? *)');
  });
});

describe('approval modes need a notification endpoint', () => {
  const WHY = 'approval links are sent by email to notificationEndpoint, which is empty; set notificationEndpoint or choose auto/report';
  /** Everything that could ask for approval is off, so no endpoint is needed. */
  const quiet = { autoDeleteOrStopIdleResources: false, autoAdjustMinTps: false, eventActionMode: 'auto', acceptDefaultBusRequests: false };

  it('with everything that could ask switched off, an empty endpoint is fine', () => {
    expect(schemaIssues({ ...quiet, notificationEndpoint: '' })).toBeUndefined();
  });

  it.each([
    [{ autoDeleteOrStopIdleResources: true, idleActionMode: 'approval' }, `idleActionMode: is approval while autoDeleteOrStopIdleResources is true: ${WHY}`],
    [{ autoAdjustMinTps: true, capacityActionMode: 'approval' }, `capacityActionMode: is approval while autoAdjustMinTps is true: ${WHY}`],
    [{ eventActionMode: 'approval' }, `eventActionMode: is approval: ${WHY}`],
    [{ acceptDefaultBusRequests: true }, 'acceptDefaultBusRequests: is true, and requests from the default event bus always need approval for delete/stop'],
  ])('%j without an endpoint is rejected', (trigger, message) => {
    expect(schemaIssues({ ...quiet, ...trigger, notificationEndpoint: '' })).toContain(message);
    expect(schemaIssues({ ...quiet, ...trigger, notificationEndpoint: ENDPOINT })).toBeUndefined();
  });

  it.each(['auto', 'report'])('mode %s needs no endpoint', (mode) => {
    expect(
      schemaIssues({
        ...quiet,
        autoDeleteOrStopIdleResources: true,
        autoAdjustMinTps: true,
        idleActionMode: mode,
        capacityActionMode: mode,
        eventActionMode: mode,
        notificationEndpoint: '',
      }),
    ).toBeUndefined();
  });

  it('the loader names the sources of the mode, its switch and the endpoint', () => {
    const file = configFile({ notificationEndpoint: '', eventActionMode: 'approval', autoAdjustMinTps: false });
    const message = loadErrorWithoutEndpoint(file, { PM_AUTO_DELETE_OR_STOP_IDLE_RESOURCES: 'yes' });
    expect(message).toContain(`eventActionMode: is approval: ${WHY} (from file ${file}; notificationEndpoint from file ${file})`);
    expect(message).toContain(
      `idleActionMode: is approval while autoDeleteOrStopIdleResources is true: ${WHY} (from default; autoDeleteOrStopIdleResources from env PM_AUTO_DELETE_OR_STOP_IDLE_RESOURCES="yes"; notificationEndpoint from file ${file})`,
    );
  });

  function loadErrorWithoutEndpoint(file: string, env: Record<string, string>): string {
    try {
      loadDeployConfig({ file, env });
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    throw new Error('expected a ConfigError');
  }
});

describe('deployment-only action limits and request senders', () => {
  it('Personalize capacity bounds: 1 to the 32-bit signed integer maximum', () => {
    expect(PERSONALIZE_MIN_CAPACITY).toBe(1);
    expect(PERSONALIZE_MAX_CAPACITY).toBe(2 ** 31 - 1);
  });

  it('a config without them gets the defaults', () => {
    expect(DEFAULT_ACTION_LIMITS).toEqual({ maxMinCapacity: 100, maxAutoRaiseFactor: 10 });
    expect(load()).toMatchObject({ maxMinCapacity: 100, maxAutoRaiseFactor: 10, requestSenders: [], acceptDefaultBusRequests: false });
    expect(actionLimitsSchema.parse(DEFAULT_ACTION_LIMITS)).toEqual(DEFAULT_ACTION_LIMITS);
    expect(actionLimitsSchema.safeParse({ ...DEFAULT_ACTION_LIMITS, extra: 1 }).success).toBe(false);
  });

  it('they are not behaviour: a run cannot override them', () => {
    for (const key of ['maxMinCapacity', 'maxAutoRaiseFactor', 'requestSenders', 'acceptDefaultBusRequests']) {
      expect(Object.keys(deployShape)).toContain(key);
      expect(Object.keys(behaviourShape)).not.toContain(key);
    }
  });

  it.each([[0], [2147483648], [1.5], ['100']])('"maxMinCapacity": %j in the file is rejected', (value: unknown) => {
    const { message, file } = fileError({ maxMinCapacity: value });
    expect(message).toContain(`maxMinCapacity: expected a whole number from 1 to 2147483647`);
    expect(message).toContain(`(from file ${file})`);
  });

  it('maxMinCapacity takes the bounds themselves; PM_MAX_MIN_CAPACITY=500 is 500', () => {
    expect(load({}, configFile({ maxMinCapacity: 1 })).maxMinCapacity).toBe(1);
    expect(load({}, configFile({ maxMinCapacity: 2147483647 })).maxMinCapacity).toBe(2147483647);
    expect(load({ PM_MAX_MIN_CAPACITY: '500' }).maxMinCapacity).toBe(500);
  });

  it('maxAutoRaiseFactor is a whole number from 1 to 1000', () => {
    expect(load({ PM_MAX_AUTO_RAISE_FACTOR: '1000' }).maxAutoRaiseFactor).toBe(1000);
    for (const raw of ['0', '1001', '2.5']) {
      expect(loadError({ PM_MAX_AUTO_RAISE_FACTOR: raw })).toContain('maxAutoRaiseFactor: expected a whole number from 1 to 1000');
    }
  });

  it('acceptDefaultBusRequests is Yes/No', () => {
    expect(load({ PM_ACCEPT_DEFAULT_BUS_REQUESTS: 'Yes' }).acceptDefaultBusRequests).toBe(true);
    expect(loadError({ PM_ACCEPT_DEFAULT_BUS_REQUESTS: '1' })).toContain('acceptDefaultBusRequests: expected Yes, No, true or false, got "1"');
  });

  it.each([
    'arn:aws:iam::123456789012:role/ops',
    'arn:aws:iam::123456789012:role/service-role/team/Ops+Admin=1,x.y@z-w_v',
    'arn:aws:iam::123456789012:user/dev',
    'arn:aws-cn:iam::123456789012:role/ops',
    'arn:aws-us-gov:iam::123456789012:user/path/dev',
    'arn:aws-iso-b:iam::123456789012:role/ops',
  ])('request sender %s is accepted', (arn) => {
    // IAM names may hold commas: a JSON array always works, CSV only without commas.
    expect(load({ PM_REQUEST_SENDERS: JSON.stringify([arn]) }).requestSenders).toEqual([arn]);
    expect(load({}, configFile({ requestSenders: [arn] })).requestSenders).toEqual([arn]);
  });

  it.each([
    ['arn:aws:iam::123456789012:root', /is the account root, which is not accepted/],
    ['arn:aws:iam::123456789012:role/*', /contains a wildcard, which is not accepted/],
    ['arn:aws:iam::123456789012:role/ops?', /contains a wildcard/],
    ['arn:aws:sts::123456789012:assumed-role/ops/session', /is an STS session, which is not accepted; name its role instead/],
    ['arn:aws:iam::12345678901:role/ops', /expected an IAM role or user ARN/],
    ['arn:aws:iam::123456789012:group/ops', /expected an IAM role or user ARN/],
    ['arn:aws:iam::123456789012:role/', /expected an IAM role or user ARN/],
    ['arn:awsx:iam::123456789012:role/ops', /expected an IAM role or user ARN/],
    ['arn:aws:iam:us-east-1:123456789012:role/ops', /expected an IAM role or user ARN/],
    [`arn:aws:iam::123456789012:role/${'x'.repeat(65)}`, /expected an IAM role or user ARN/],
    ['123456789012', /expected an IAM role or user ARN/],
  ])('request sender %s is rejected', (arn, problem) => {
    const message = loadError({ PM_REQUEST_SENDERS: JSON.stringify(['arn:aws:iam::123456789012:role/ok', arn]) });
    expect(message).toMatch(/requestSenders\.1: /);
    expect(message).toMatch(problem);
    expect(message).toContain('(from env PM_REQUEST_SENDERS=');
  });

  it('request senders must be a list of strings', () => {
    expect(fileError({ requestSenders: null }).message).toContain('requestSenders: expected IAM role or user ARNs as a JSON array or CSV ([] for none), got null');
    expect(fileError({ requestSenders: [7] }).message).toContain('requestSenders.0: expected an IAM role or user ARN');
  });
});
