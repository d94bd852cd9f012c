/**
 * assess against the DEPLOYED MONITOR: the synthesized stack of the demo configuration, run by the
 * local runner (state machine definition from cdk.tf.json, real Lambda bundles) on the simulated
 * demo fleet for an hour, so that every resource meets its decision slot once. The findings of the
 * MONITOR's CollectRegion tasks over that hour are exactly the findings assess reports for the same
 * fleet at the hour's start (resource, kind, proposed minimum), and assess's calls are all reads.
 */
import * as path from 'node:path';
import { main, type CliWorld } from '../assess/cli';
import type { Finding } from '../core/types';
import { demoConfig, REPO_ROOT, Session, synthStack, TICK_MS } from '../demo/session';
import { DEFAULT_OPTIONS } from '../demo/options';
import { demoFleet, HOUR_MS, MINUTE_MS, simClientConfig } from '../sim';
import { cachingClients, type Clients } from '../tasks/aws/clients';
import { isReadOperation } from '../tasks/aws/read-only';

const REGIONS = DEFAULT_OPTIONS.regions;
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'assess-vs-monitor-stack');
/** Idle actions on (approval mode: nothing changes within the hour), so idle findings are routed too. */
const BEHAVIOUR = { autoDeleteOrStopIdleResources: true };

let stackFile: string;
beforeAll(() => {
  stackFile = synthStack(demoConfig({ regions: REGIONS, ...BEHAVIOUR }), STACK_DIR);
}, 180_000);

const keyOf = (f: Pick<Finding, 'resourceArn' | 'kind' | 'evidence'>): string => `${f.resourceArn} ${f.kind} ${f.evidence.newMin ?? ''}`;

/** SDK clients on the simulator, labelled `assess` in its call log (assess may use only Personalize and CloudWatch). */
function assessClients(url: string): Clients {
  const unused = () => {
    throw new Error('assess uses only Personalize and CloudWatch');
  };
  const sim = cachingClients((region) => simClientConfig(url, region ?? REGIONS[0], { caller: 'assess', maxAttempts: 3 }));
  return { ...sim, sns: unused, events: unused, sfn: unused, dynamodb: unused, cloudformation: unused };
}

describe('assess and the deployed MONITOR on the simulated demo fleet', () => {
  it('an hour of MONITOR executions finds exactly what assess reports at its start', async () => {
    const account = demoFleet({ regions: REGIONS, resources: DEFAULT_OPTIONS.resources, seed: DEFAULT_OPTIONS.seed }).account;
    // Past the first hour boundary, so the hour of runs below shares one hourly window.
    account.clock.advance(10 * MINUTE_MS + 2_000);
    const s = await Session.start({ account, stackFile });
    try {
      const start = s.now();
      let stdout = '';
      let stderr = '';
      const files = new Map<string, string>();
      const world: CliWorld = {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        env: { AWS_REGION: REGIONS[0] },
        now: () => start,
        clients: assessClients(s.server.url),
        writeFile: (f, t) => void files.set(f, t),
      };
      const code = await main(['--regions', REGIONS.join(','), '--now', new Date(start).toISOString(), '--auto-delete-or-stop-idle-resources', 'yes', '--json', 'r.json'], world);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(files.get('r.json')!) as { regions: { resources: { findings: Finding[] }[] }[] };
      const assessed = report.regions.flatMap((g) => g.resources.flatMap((r) => r.findings.map(keyOf))).sort();
      const assessCalls = account.calls({ caller: 'assess' });
      expect(assessCalls.length).toBeGreaterThan(0);
      expect(assessCalls.filter((c) => !isReadOperation(c.operation))).toEqual([]);

      const monitorRuns: { status: string; tasks: { state: string; output?: unknown }[] }[] = [];
      await s.runUntil(start + HOUR_MS - TICK_MS / 2, (runs) => void monitorRuns.push(...runs));
      expect(monitorRuns.length).toBe(12);
      expect(monitorRuns.map((r) => r.status)).toEqual(Array(12).fill('SUCCEEDED'));
      const monitored = monitorRuns
        .flatMap((r) => r.tasks.filter((t) => t.state === 'CollectRegion'))
        .flatMap((t) => ((t.output as { Payload?: { findings?: Finding[] } }).Payload?.findings ?? []).map(keyOf))
        .sort();

      expect(assessed.length).toBeGreaterThanOrEqual(7);
      expect(monitored).toEqual(assessed);
      expect(stdout).toMatch(/All regions: 12 resources/);
    } finally {
      await s.close();
    }
  }, 240_000);
});
