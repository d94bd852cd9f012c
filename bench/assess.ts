/**
 * Measures `assess` (real runs, not estimates): wall time and API calls of one cold assessment
 * (fresh discovery caches, as on a laptop) of a simulated fleet served over HTTP on 127.0.0.1.
 * Calls are counted twice: commands assess sent, and requests the simulator's call log recorded
 * (retries included). The decisions are made by the MONITOR's code (see assess/assess.ts).
 */
import { assess } from '../assess/assess';
import { DEFAULT_BEHAVIOUR } from '../config/schema';
import { demoFleet, MINUTE_MS, simClientConfig, startSimServer } from '../sim';
import { cachingClients, type Clients } from '../tasks/aws/clients';
import { resetCaches } from '../tasks/collect/discovery';
import { resolveRun } from '../tasks/validate-input/validate';

export interface AssessMeasureOptions {
  label: string;
  resources: number;
  regions: string[];
  seed: number;
}

export interface AssessMeasure extends AssessMeasureOptions {
  wallMs: number;
  /** Commands assess sent (one per operation call; the SDK's retries not counted). */
  apiCalls: number;
  /** Requests the simulator answered for assess (retries included). */
  simCalls: number;
  byOperation: Record<string, number>;
  /** Writes in the simulator's call log during the run (must be 0). */
  writes: number;
  actions: { delete: number; stop: number; setMinimum: number; none: number };
  monthlyWasteUsd: number;
}

/** The demo's fleet (demo/options.ts defaults) and the bench's largest one. */
export const ASSESS_FLEETS: readonly AssessMeasureOptions[] = [
  { label: 'demo fleet', resources: 12, regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], seed: 42 },
  { label: '1,000 resources', resources: 1000, regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], seed: 7 },
];

/** SDK clients on the simulator, labelled `assess` in its call log (assess may use only Personalize and CloudWatch). */
function simClients(url: string): Clients {
  const unused = () => {
    throw new Error('assess uses only Personalize and CloudWatch');
  };
  const sim = cachingClients((region) => simClientConfig(url, region ?? 'us-east-1', { caller: 'assess' }));
  return { ...sim, sns: unused, events: unused, sfn: unused, dynamodb: unused, cloudformation: unused };
}

/** One cold assessment of a fresh fleet of `resources` over `regions` (created 30 days earlier). */
export async function measureAssess(opts: AssessMeasureOptions): Promise<AssessMeasure> {
  const { account } = demoFleet({ regions: opts.regions, resources: opts.resources, seed: opts.seed });
  account.clock.advance(10 * MINUTE_MS);
  const server = await startSimServer(account, { port: 0 });
  try {
    resetCaches();
    const now = account.clock.now();
    const { run, regions } = resolveRun({ defaults: { ...DEFAULT_BEHAVIOUR, regions: opts.regions }, input: {}, startedAt: new Date(now).toISOString(), executionName: 'bench-assess' });
    const t = performance.now();
    const report = await assess({ regions, run }, { clients: simClients(server.url), now });
    const wallMs = performance.now() - t;
    if (report.fatal.length > 0 || report.regions.some((g) => g.error)) throw new Error(`assess failed in the bench: ${JSON.stringify(report.fatal)}`);
    const calls = account.calls({ caller: 'assess' });
    return {
      ...opts,
      wallMs,
      apiCalls: report.apiCalls,
      simCalls: calls.length,
      byOperation: report.apiCallsByOperation,
      writes: calls.filter((c) => !/^(List|Describe|Get)[A-Z]/.test(c.operation)).length,
      actions: report.totals.actions,
      monthlyWasteUsd: report.totals.monthlyWasteUsd,
    };
  } finally {
    await server.close();
  }
}

/** Every fleet of ASSESS_FLEETS, one after the other. */
export async function measureAssessFleets(fleets: readonly AssessMeasureOptions[] = ASSESS_FLEETS): Promise<AssessMeasure[]> {
  const out: AssessMeasure[] = [];
  for (const f of fleets) out.push(await measureAssess(f));
  return out;
}

if (require.main === module) {
  measureAssessFleets().then(
    (ms) => console.log(JSON.stringify(ms, null, 1)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
