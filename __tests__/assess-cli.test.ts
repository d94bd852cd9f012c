/**
 * The assess command line: flags and config (every bad one named, exit 2), the policy it
 * prints, the `bin` entry run as a user runs it, and missing credentials (exit 1).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliWorld } from '../assess/cli';
import { BEHAVIOUR_FLAGS, parseArgs, resolveAssess, UsageError } from '../assess/options';
import { assessActions, assessPolicy } from '../assess/policy';
import { behaviourShape } from '../config/schema';
import { demoFleet, MINUTE_MS, SIM_CREDENTIALS, startSimServer } from '../sim';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'personalize-monitor.js');

async function cli(args: string[], env: Record<string, string | undefined> = { AWS_REGION: 'us-east-1' }): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const world: CliWorld = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, now: () => Date.parse('2025-06-02T00:10:00Z') };
  return { code: await main(args, world), stdout, stderr };
}

/** Runs the bin as a child process (asynchronously: a simulator may be serving in this process). */
function bin(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** An environment without any AWS credential source (no keys, no profile files, no instance metadata). */
function noCredentialsEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'assess-home-'));
  const keep = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('PM_')));
  return { ...keep, HOME: home, AWS_CONFIG_FILE: path.join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'), AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

describe('assess flags', () => {
  it('has a flag for every behaviour key but regions (its own flag), and the --idle-hours alias', () => {
    const keys = new Set(Object.values(BEHAVIOUR_FLAGS));
    for (const key of Object.keys(behaviourShape)) if (key !== 'regions') expect(keys).toContain(key);
    expect(BEHAVIOUR_FLAGS['idle-hours']).toBe('idleThresholdHours');
    expect(BEHAVIOUR_FLAGS['look-back-days']).toBe('lookBackDays');
  });

  it('parses values, = forms, booleans and lists', () => {
    const o = parseArgs(['--regions', 'us-east-1, eu-west-1', '--idle-hours=48', '--max-step-percent', '50', '--dry-run', '--json', 'a.json', '--no-progress']);
    expect(o.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(o.overrides).toEqual({ idleThresholdHours: 48, maxStepPercent: 50, dryRun: 'true' });
    expect(o.json).toBe('a.json');
    expect(o.progress).toBe(false);
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['us-east-1'], /unexpected argument "us-east-1"/],
    [['--idle-hours', '1'], /--idle-hours "1": expected a whole number from 2 to 168/],
    [['--idle-hours', 'soon'], /--idle-hours "soon": expected a whole number from 2 to 168/],
    [['--look-back-days', '1e3'], /--look-back-days "1e3"/],
    [['--regions', 'mars-1'], /--regions "mars-1": .*expected an AWS region/],
    [['--regions'], /--regions needs a value/],
    [['--json', '--html', 'x'], /--json needs a value/],
    [['--now', 'yesterday'], /--now "yesterday": expected an ISO-8601 time/],
    [['--dry-run', 'maybe'], /--dry-run "maybe": expected Yes, No, true or false/],
    [['--idle-hours', '24', '--idle-threshold-hours', '30'], /given twice/],
    [['--help=yes'], /--help takes no value/],
  ])('%j → a usage error naming it', (args, message) => {
    expect(() => parseArgs(args)).toThrow(UsageError);
    expect(() => parseArgs(args)).toThrow(message);
  });

  it('a bad flag exits 2 with the message and the usage on stderr, nothing on stdout', async () => {
    const out = await cli(['--idle-hours', '500']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^assess: --idle-hours "500": expected a whole number from 2 to 168\n/);
    expect(out.stderr).toContain('usage: personalize-monitor assess');
    expect(out.stdout).toBe('');
  });

  it('--help exits 0 and lists the behaviour flags', async () => {
    const out = await cli(['--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('--idle-hours N');
    expect(out.stdout).toContain('--cool-down-hours <a whole number from 0 to 720>');
  });
});

describe('assess configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assess-config-'));
  const file = (name: string, body: unknown) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, JSON.stringify(body));
    return p;
  };

  it('defaults work without any config file (the approval-email check is a deployment concern)', () => {
    const r = resolveAssess(parseArgs([]), { AWS_REGION: 'eu-west-1' }, 1_000);
    expect(r.regions).toEqual(['eu-west-1']);
    expect(r.run.idleThresholdHours).toBe(24);
    expect(r.run.now).toBe(new Date(1_000).toISOString());
  });

  it('reads the config file and PM_* variables; flags win; --regions replaces the config regions', () => {
    const cfg = file('c1.json', { regions: ['us-east-1', 'eu-west-1'], idleThresholdHours: 48, lookBackDays: 7 });
    const fromFile = resolveAssess(parseArgs(['--config', cfg]), { PM_COOL_DOWN_HOURS: '12' }, 0);
    expect(fromFile.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(fromFile.run).toMatchObject({ idleThresholdHours: 48, lookBackDays: 7, coolDownHours: 12 });
    const flagged = resolveAssess(parseArgs(['--config', cfg, '--idle-hours', '6', '--regions', 'ap-southeast-2', '--now', '2025-06-02T00:10:00Z']), {}, 0);
    expect(flagged.regions).toEqual(['ap-southeast-2']);
    expect(flagged.run.idleThresholdHours).toBe(6);
    expect(flagged.now).toBe(Date.parse('2025-06-02T00:10:00Z'));
  });

  it('a bad config file or variable is a usage error naming the field and its source', () => {
    const bad = file('c2.json', { idleThresholdHours: 'many' });
    expect(() => resolveAssess(parseArgs(['--config', bad]), {}, 0)).toThrow(/idleThresholdHours: expected a whole number from 2 to 168.*c2\.json/);
    expect(() => resolveAssess(parseArgs([]), { PM_LOOK_BACK_DAYS: 'x' }, 0)).toThrow(/lookBackDays: .*PM_LOOK_BACK_DAYS/);
    expect(() => resolveAssess(parseArgs(['--config', path.join(dir, 'missing.json')]), {}, 0)).toThrow(/does not exist/);
  });

  it("a configured notificationEndpoint is the user's own: a bad one is reported, not replaced by the placeholder", () => {
    const bad = file('c3.json', { notificationEndpoint: 'not-an-email' });
    expect(() => resolveAssess(parseArgs(['--config', bad]), {}, 0)).toThrow(/notificationEndpoint/);
    expect(() => resolveAssess(parseArgs([]), { PM_NOTIFICATION_ENDPOINT: 'nope' }, 0)).toThrow(/notificationEndpoint.*PM_NOTIFICATION_ENDPOINT/);
    const good = file('c4.json', { notificationEndpoint: 'ops@example.com', regions: ['us-east-1'] });
    expect(resolveAssess(parseArgs(['--config', good]), {}, 0).regions).toEqual(['us-east-1']);
  });

  it('listed ARNs outside --regions are refused, naming both', () => {
    const cfg = file('c3.json', { regions: ['us-east-1'], campaignArns: ['arn:aws:personalize:us-east-1:123456789012:campaign/shop'] });
    expect(() => resolveAssess(parseArgs(['--config', cfg, '--regions', 'eu-west-1']), {}, 0)).toThrow(/--regions with the config: campaignArns\.0: ARN is in region us-east-1, which is not in regions \(eu-west-1\)/);
  });
});

describe('assess policy', () => {
  it('--print-policy prints the policy document of the operations list, all reads', async () => {
    const out = await cli(['--print-policy']);
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc).toEqual(assessPolicy());
    expect(doc.Statement[0].Action).toEqual(assessActions());
    expect(doc.Statement[0].Action).toContain('personalize:ListCampaigns');
    expect(doc.Statement[0].Action).toContain('cloudwatch:GetMetricData');
    for (const action of doc.Statement[0].Action as string[]) expect(action).toMatch(/^[a-z]+:(List|Describe|Get)[A-Z]/);
  });
});

describe('the personalize-monitor bin', () => {
  it('runs assess --help and rejects an unknown command with exit 2', async () => {
    const help = await bin(['assess', '--help'], process.env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: personalize-monitor assess');
    const unknown = await bin(['asess'], process.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "asess"');
  }, 60_000);

  it('assesses the simulator through AWS_ENDPOINT_URL and the default credential chain (env keys)', async () => {
    const { account } = demoFleet({ regions: ['us-east-1'], seed: 3 });
    account.clock.advance(10 * MINUTE_MS);
    const server = await startSimServer(account);
    try {
      const env = noCredentialsEnv({ AWS_ENDPOINT_URL: server.url, AWS_ACCESS_KEY_ID: SIM_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: SIM_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1', AWS_SDK_UA_APP_ID: 'assess-bin' });
      const out = await bin(['assess', '--now', new Date(account.clock.now()).toISOString()], env);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('Region us-east-1');
      expect(out.stdout).toMatch(/All regions: 8 resources/);
      // Not a TTY: no progress bar drawn.
      expect(out.stderr).not.toContain('assess [');
      // Only the bin called the simulator (its label carries the tracer's user-agent suffix).
      const calls = account.calls();
      expect(calls.every((c) => c.caller.startsWith('assess-bin'))).toBe(true);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((c) => /^(List|Describe|Get)/.test(c.operation))).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('without credentials: exit 1 with a clear message, and nothing reached the account', async () => {
    const { account } = demoFleet({ regions: ['us-east-1'], seed: 3 });
    const server = await startSimServer(account);
    try {
      const out = await bin(['assess'], noCredentialsEnv({ AWS_ENDPOINT_URL: server.url, AWS_REGION: 'us-east-1' }));
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('assess: no usable AWS credentials');
      expect(out.stdout).toBe('');
      expect(account.calls()).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
