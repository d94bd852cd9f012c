/**
 * assess against the simulated account: the same findings as the MONITOR on the same fleet (the
 * demo's), no write in the simulator's call log, exactly the operations of the policy, and exit 1
 * naming the missing permission, the missing credentials or the throttling that did not clear.
 */
import { main, type CliWorld } from '../assess/cli';
import { ASSESS_OPERATIONS, assessActions } from '../assess/policy';
import { DEFAULT_BEHAVIOUR } from '../config/schema';
import { defaultAlarmPrefix } from '../core/contracts/ownership';
import type { Finding } from '../core/types';
import { DEFAULT_OPTIONS } from '../demo/options';
import { demoFleet, MINUTE_MS, simClientConfig, startSimServer, type SimAccount, type SimServer } from '../sim';
import { cachingClients, type Clients } from '../tasks/aws/clients';
import { isReadOperation } from '../tasks/aws/read-only';
import { collectRegion } from '../tasks/collect/collect';
import { resetCaches } from '../tasks/collect/discovery';
import { Logger } from '../tasks/shared/logger';
import { resolveRun } from '../tasks/validate-input/validate';

const REGIONS = DEFAULT_OPTIONS.regions;
/** 00:10:02 on the sim's first day: the MONITOR's next hour of runs (every slot once) shares one hourly window. */
const AFTER_START_MS = 10 * MINUTE_MS + 2_000;
const RUNS_PER_HOUR = 12;

/** SDK clients on the simulator, labelled `caller` in its call log (assess may use only Personalize and CloudWatch). */
function simClients(url: string, caller: string, maxAttempts = 3): Clients {
  const unused = () => {
    throw new Error('assess uses only Personalize and CloudWatch');
  };
  const sim = cachingClients((region) => simClientConfig(url, region ?? 'us-east-1', { caller, maxAttempts }));
  return { ...sim, sns: unused, events: unused, sfn: unused, dynamodb: unused, cloudformation: unused };
}

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  files: Map<string, string>;
}

async function runAssess(args: string[], clients: Clients, now: number, env: Record<string, string> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const files = new Map<string, string>();
  const world: CliWorld = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { AWS_REGION: 'us-east-1', ...env },
    now: () => now,
    clients,
    writeFile: (f, t) => void files.set(f, t),
  };
  const code = await main(args, world);
  return { code, stdout, stderr, files };
}

type Key = string;
const keyOf = (f: Pick<Finding, 'resourceArn' | 'kind' | 'evidence'>): Key => `${f.resourceArn} ${f.kind} ${f.evidence.newMin ?? ''}`;

/** The MONITOR's collect task over one simulated hour (12 runs, 5 minutes apart): every resource meets its decision slot once. */
async function monitorHour(account: SimAccount, url: string, overrides: Record<string, unknown>): Promise<Key[]> {
  resetCaches();
  const clients = simClients(url, 'monitor');
  const logger = new Logger('collect', {}, 'OFF');
  const keys: Key[] = [];
  for (let i = 0; i < RUNS_PER_HOUR; i++) {
    const { run, regions } = resolveRun({ defaults: { ...DEFAULT_BEHAVIOUR, regions: REGIONS }, input: overrides, startedAt: new Date(account.clock.now()).toISOString(), executionName: `monitor-${i}` });
    for (const region of regions) {
      const result = await collectRegion(
        { region, run },
        { personalize: clients.personalize(region), cloudwatch: clients.cloudwatch(region), logger, ownership: { prefix: defaultAlarmPrefix('personalize-monitor'), stackName: 'personalize-monitor' } },
      );
      expect(result.deferredFindings).toBe(0);
      keys.push(...result.findings.map(keyOf));
    }
    account.clock.advance(5 * MINUTE_MS);
  }
  return keys.sort();
}

describe('assess on the demo fleet in the simulator', () => {
  let account: SimAccount;
  let server: SimServer;
  let start: number;

  beforeEach(async () => {
    resetCaches();
    account = demoFleet({ regions: REGIONS, resources: DEFAULT_OPTIONS.resources, seed: DEFAULT_OPTIONS.seed }).account;
    account.clock.advance(AFTER_START_MS);
    start = account.clock.now();
    server = await startSimServer(account);
  });
  afterEach(async () => {
    await server.close();
  });

  it.each([
    ['the default behaviour', [] as string[], {}],
    ['idle actions enabled (an idle resource then gets only its idle finding)', ['--auto-delete-or-stop-idle-resources', 'yes'], { autoDeleteOrStopIdleResources: true }],
  ])('finds what the MONITOR finds over an hour, with %s, and writes nothing', async (_what, flags, overrides) => {
    const now = new Date(start).toISOString();
    const out = await runAssess(['--regions', REGIONS.join(','), '--now', now, '--json', 'report.json', ...flags], simClients(server.url, 'assess'), Date.now());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.files.get('report.json')!) as { regions: { region: string; resources: { arn: string; findings: Finding[]; action: { kind: string } }[] }[]; totals: { resources: number } };
    expect(report.totals.resources).toBe(DEFAULT_OPTIONS.resources);
    const assessed = report.regions.flatMap((g) => g.resources.flatMap((r) => r.findings.map(keyOf))).sort();

    const assessCalls = account.calls({ caller: 'assess' });
    expect(assessCalls.length).toBeGreaterThan(0);
    // No write, no failure; exactly the operations of the policy (the demo fleet needs each of them).
    expect(assessCalls.filter((c) => !isReadOperation(c.operation))).toEqual([]);
    expect(assessCalls.filter((c) => c.outcome !== 'ok')).toEqual([]);
    const used = [...new Set(assessCalls.map((c) => `${c.service}:${c.operation}`))].sort();
    expect(used).toEqual(assessActions());
    expect(assessCalls.every((c) => (ASSESS_OPERATIONS as Record<string, readonly string[]>)[c.service]?.includes(c.operation))).toBe(true);

    const monitored = await monitorHour(account, server.url, overrides);
    expect(assessed.length).toBeGreaterThan(3);
    expect(assessed).toEqual(monitored);
    // Every kind of proposal the demo fleet calls for shows up.
    const kinds = new Set(report.regions.flatMap((g) => g.resources.map((r) => r.action.kind)));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['delete', 'none', 'setMinimum']));
    // The table names them, with totals.
    expect(out.stdout).toMatch(/new minimum \d+/);
    expect(out.stdout).toMatch(/none \(exempt\)/);
    expect(out.stdout).toMatch(/none \(updating\)/);
    expect(out.stdout).toMatch(/All regions: 12 resources/);
  }, 120_000);

  it('writes an HTML report with a chart per resource and the totals', async () => {
    const out = await runAssess(['--regions', REGIONS.join(','), '--now', new Date(start).toISOString(), '--html', 'r.html'], simClients(server.url, 'assess'), Date.now());
    expect(out.code).toBe(0);
    const html = out.files.get('r.html')!;
    expect(html.match(/<svg /g)?.length).toBe(DEFAULT_OPTIONS.resources);
    expect(html).toContain('All regions: 12 resources');
    expect(html).not.toMatch(/<script/i);
  }, 60_000);

  it.each([
    ['personalize', 'ListCampaigns', undefined, 'personalize:ListCampaigns'],
    ['cloudwatch', 'GetMetricData', undefined, 'cloudwatch:GetMetricData'],
    // A message without the action: the permission is derived from service and operation.
    ['personalize', 'ListTagsForResource', 'Access denied', 'personalize:ListTagsForResource'],
    ['cloudwatch', 'GetMetricData', 'Access Denied', 'cloudwatch:GetMetricData'],
  ] as const)('access denied on %s %s (message %s) → exit 1 naming %s', async (service, operation, message, permission) => {
    account.injectFault({ kind: 'accessDenied', service, operation, ...(message ? { message } : {}) });
    const out = await runAssess(['--regions', 'us-east-1', '--now', new Date(start).toISOString()], simClients(server.url, 'assess'), Date.now());
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`needs the IAM permission ${permission}`);
    expect(out.stdout).toBe('');
    expect(account.calls({ caller: 'assess' }).filter((c) => !isReadOperation(c.operation))).toEqual([]);
  }, 60_000);

  it('throttling that does not clear after the retries → exit 1 saying so', async () => {
    account.injectFault({ kind: 'throttle', service: 'personalize', operation: 'DescribeCampaign' });
    const out = await runAssess(['--regions', 'us-east-1', '--now', new Date(start).toISOString()], simClients(server.url, 'assess', 2), Date.now());
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/throttled: DescribeCampaign in us-east-1 was still throttled after the SDK's retries/);
  }, 60_000);

  it('throttling that clears within the retries is no problem', async () => {
    account.injectFault({ kind: 'throttle', service: 'personalize', operation: 'ListCampaigns', count: 1 });
    const out = await runAssess(['--regions', 'us-east-1', '--now', new Date(start).toISOString()], simClients(server.url, 'assess', 3), Date.now());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
  }, 60_000);
});
