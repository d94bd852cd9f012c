/**
 * The deployment configuration: file, then PM_* environment variables, then defaults; a bad value
 * fails with a message naming the field, where it came from and what is allowed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_KEYS, ConfigError, envVarName, loadDeployConfig } from '../config/load';
import { DEFAULT_BEHAVIOUR, DEFAULT_DEPLOY } from '../config/schema';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-config-'));
function configFile(content: unknown): string {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
const noFile = { PM_CONFIG_FILE: configFile({}) };
/** The default approval modes mail their links: every valid configuration below names an endpoint. */
const withEndpoint = { ...noFile, PM_NOTIFICATION_ENDPOINT: 'ops@example.com' };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('sources and precedence', () => {
  it('fills defaults; home region from AWS_REGION, regions from the home region', () => {
    const cfg = loadDeployConfig({ env: { ...withEndpoint, AWS_REGION: 'eu-west-1' } });
    expect(cfg).toMatchObject({
      ...DEFAULT_DEPLOY,
      ...DEFAULT_BEHAVIOUR,
      notificationEndpoint: 'ops@example.com',
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1'],
    });
  });

  it('the bare defaults are rejected: their approval mode needs an endpoint to mail links to', () => {
    expect(errorOf(() => loadDeployConfig({ env: { ...noFile } })).message).toContain(
      'capacityActionMode: is approval while autoAdjustMinTps is true: approval links are sent by email to notificationEndpoint',
    );
  });

  it('falls back to AWS_DEFAULT_REGION, then us-east-1', () => {
    expect(loadDeployConfig({ env: { ...withEndpoint, AWS_DEFAULT_REGION: 'ap-south-1' } }).homeRegion).toBe('ap-south-1');
    expect(loadDeployConfig({ env: { ...withEndpoint } }).homeRegion).toBe('us-east-1');
  });

  it('reads the file and lets PM_* environment variables win over it', () => {
    const file = configFile({ idleThresholdHours: 12, dryRun: true, regions: ['us-east-1', 'eu-west-1'], notificationEndpoint: 'ops@example.com' });
    const cfg = loadDeployConfig({ file, env: { PM_IDLE_THRESHOLD_HOURS: '48', PM_CAMPAIGN_ARNS: 'all' } });
    expect(cfg).toMatchObject({ idleThresholdHours: 48, dryRun: true, regions: ['us-east-1', 'eu-west-1'], campaignArns: 'all' });
  });

  it('parses CSV lists and the original Yes/No booleans from the environment', () => {
    const cfg = loadDeployConfig({
      env: { ...withEndpoint, PM_REGIONS: 'us-east-1, eu-west-1', PM_AUTO_DELETE_OR_STOP_IDLE_RESOURCES: 'Yes', PM_SCHEDULE_ENABLED: 'no' },
    });
    expect(cfg).toMatchObject({ regions: ['us-east-1', 'eu-west-1'], autoDeleteOrStopIdleResources: true, scheduleEnabled: false });
  });

  it('names variables after the keys in UPPER_SNAKE_CASE', () => {
    expect(envVarName('idleThresholdHours')).toBe('PM_IDLE_THRESHOLD_HOURS');
    expect(envVarName('autoAdjustMinTps')).toBe('PM_AUTO_ADJUST_MIN_TPS');
    expect(envVarName('maxMinCapacity')).toBe('PM_MAX_MIN_CAPACITY');
    expect(envVarName('requestSenders')).toBe('PM_REQUEST_SENDERS');
  });

  it('ships an example file that holds every key and loads as is', () => {
    const example = path.resolve(__dirname, '..', 'personalize-monitor.config.example.json');
    expect(Object.keys(JSON.parse(fs.readFileSync(example, 'utf8'))).sort()).toEqual([...CONFIG_KEYS].sort());
    expect(loadDeployConfig({ file: example, env: {} })).toMatchObject({ ...DEFAULT_DEPLOY, notificationEndpoint: 'ops@example.com' });
  });
});

describe('errors name the field, the source and the allowed values', () => {
  it('lists every bad field at once, each with its source', () => {
    const file = configFile({ lambdaMemoryMb: 64 });
    const err = errorOf(() => loadDeployConfig({ file, env: { PM_IDLE_THRESHOLD_HOURS: '500', PM_SCHEDULE_ENABLED: 'maybe', PM_NOTIFICATION_ENDPOINT: 'ops@example.com' } }));
    expect(err.message).toContain(`idleThresholdHours: expected a whole number from 2 to 168 (from env PM_IDLE_THRESHOLD_HOURS="500")`);
    expect(err.message).toContain(`scheduleEnabled: expected Yes, No, true or false, got "maybe" (from env PM_SCHEDULE_ENABLED="maybe")`);
    expect(err.message).toContain(`lambdaMemoryMb: expected a whole number from 128 to 10240 (from file ${file})`);
  });

  it('rejects an unknown key in the file and an unknown PM_ variable, naming them', () => {
    const file = configFile({ idleThresholdHour: 12 });
    const err = errorOf(() => loadDeployConfig({ file, env: { PM_DRYRUN: 'yes' } }));
    expect(err.message).toMatch(/idleThresholdHour \(file .*\): unknown field/);
    expect(err.message).toMatch(/PM_DRYRUN \(environment\): unknown variable; known: .*PM_DRY_RUN/);
  });

  it('explains ARNs outside the monitored regions and a bad home region', () => {
    const err = errorOf(() =>
      loadDeployConfig({ env: { ...withEndpoint, AWS_REGION: 'moon-1', PM_REGIONS: 'us-east-1', PM_CAMPAIGN_ARNS: 'arn:aws:personalize:eu-west-1:123456789012:campaign/shop' } }),
    );
    expect(err.message).toContain('homeRegion: expected an AWS region such as us-east-1 (from AWS_REGION / AWS_DEFAULT_REGION)');
    expect(err.message).toContain('campaignArns.0: ARN is in region eu-west-1, which is not in regions (us-east-1)');
  });

  it('names a config file that is not JSON, or missing when asked for', () => {
    expect(errorOf(() => loadDeployConfig({ file: configFile('{ nope'), env: {} })).message).toMatch(/is not valid JSON/);
    expect(errorOf(() => loadDeployConfig({ env: { PM_CONFIG_FILE: path.join(dir, 'missing.json') } })).message).toMatch(/does not exist \(named by PM_CONFIG_FILE\)/);
  });

  it('makes a real synth fail with that message and no stack trace', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-badsynth-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, ...withEndpoint, CDKTF_OUTDIR: out, PM_IDLE_THRESHOLD_HOURS: '0' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('idleThresholdHours: expected a whole number from 2 to 168 (from env PM_IDLE_THRESHOLD_HOURS="0")');
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(fs.existsSync(path.join(out, 'stacks'))).toBe(false);
  });
});
