/**
 * `npm run bench`: measures the monitor (API calls per run, payload sizes, bundle sizes and load
 * times, a simulated month of savings, cold-start convergence under realistic limits), prices it,
 * prints a summary and writes .bench/report/REPORT.md and report.json (git-ignored); with
 * `--update-committed` also the committed bench/REPORT.md and bench/report.json. Scratch
 * (bundles) goes to .bench/ too.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureBundles } from './bundles';
import { LIST_THROTTLE_RETRY_MS } from '../tasks/collect/discovery';
import { measureConvergence, type ConvergenceMeasure } from './convergence';
import { measureAssessFleets } from './assess';
import { measureDataFeedFleets } from './data-feed';
import { originalUsage, ourUsage } from './monitor-cost';
import { measureFleet, type FleetMeasure, type MetricsMode } from './monitor-runs';
import { monthlyCost } from './pricing';
import { headline, renderReport, type BenchData, type CostComparison } from './report';
import { simulateMonth } from './savings';

const REPO_ROOT = path.resolve(__dirname, '..');
const SCRATCH_DIR = path.join(REPO_ROOT, '.bench');
/** Every run writes here (ignored by git)… */
const OUT_DIR = path.join(SCRATCH_DIR, 'report');
/** …and, with `--update-committed`, also the committed report (bench/REPORT.md, bench/report.json). */
const COMMITTED_DIR = __dirname;
const UPDATE_FLAG = '--update-committed';
/** Re-measures only the cold-start convergence (section 7) into the last report of the same folder. */
const ONLY_CONVERGENCE_FLAG = '--only-convergence';

/** Fleets of the API-call and cost benchmark: 10, 100, 1,000 and 10,000 resources in 3 regions. */
const FLEET_SIZES = [10, 100, 1000, 10000];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
/** Lean (the default deploy) and parity (publishUtilizationMetrics: true). */
const METRICS_MODES: MetricsMode[] = ['lean', 'parity'];
/** Runs after the cold one: one simulated hour, so every decision slot comes once. */
const STEADY_RUNS = 12;
/** One unmeasured hour after the cold run (first tag reads, first decision-slot reads). */
const WARMUP_RUNS = 12;
const FLEET_SEED = 7;
/**
 * Cold-start convergence under realistic latency and rate limits (bench/convergence.ts):
 * fleets, time compression, and the most runs tried before giving up.
 */
const CONVERGENCE = {
  /** Fleet size → most runs tried (the bench's wall time grows with both; a cap is reported as "not converged"). */
  sizes: [
    { size: 1000, maxRuns: 40 },
    { size: 5000, maxRuns: 60 },
    { size: 10000, maxRuns: 40 },
  ],
  timeScale: 10,
  steadyRuns: 1,
  seed: 5,
};
/** The month: demo fleet size, regions, seed. */
const SAVINGS = { regions: ['us-east-1', 'eu-west-1'], demoResources: 60, seed: 11, days: 30 };

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== UPDATE_FLAG && a !== ONLY_CONVERGENCE_FLAG);
  if (unknown.length) {
    console.error(`npm run bench: unknown argument ${unknown.join(' ')}; usage: npm run bench [-- ${UPDATE_FLAG}] [${ONLY_CONVERGENCE_FLAG}]`);
    process.exit(2);
  }
  const updateCommitted = args.includes(UPDATE_FLAG);
  if (args.includes(ONLY_CONVERGENCE_FLAG)) return onlyConvergence(updateCommitted);
  const started = performance.now();
  const step = (what: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`);

  step('bundles');
  const bundles = measureBundles(path.join(SCRATCH_DIR, 'dist'));

  const fleets: FleetMeasure[] = [];
  for (const size of FLEET_SIZES) {
    for (const metrics of METRICS_MODES) {
      step(`monitor runs: ${size} resources, ${metrics}`);
      fleets.push(await measureFleet({ size, regions: REGIONS, mode: 'shared', metrics, warmupRuns: WARMUP_RUNS, steadyRuns: STEADY_RUNS, seed: FLEET_SEED }));
    }
  }

  const convergence = await measureAllConvergence(step);

  // assess (read-only CLI): one cold run per fleet, measured on its own (bench/assess.ts).
  step('assess runs');
  const assess = await measureAssessFleets();

  step('data-feed checks');
  const dataFeed = await measureDataFeedFleets();

  step('cost model');
  const costs: CostComparison[] = FLEET_SIZES.map((size) => {
    const lean = fleets.find((f) => f.size === size && f.metrics === 'lean')!;
    const parity = fleets.find((f) => f.size === size && f.metrics === 'parity')!;
    // The original is priced on the same fleet (its facts from the lean runs; the fleet is the same).
    return { size, ours: monthlyCost(ourUsage(lean, bundles)), parity: monthlyCost(ourUsage(parity, bundles)), original: monthlyCost(originalUsage(lean)) };
  });

  step('simulated month');
  const savings = simulateMonth(SAVINGS);

  const data: BenchData = {
    environment: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
      cpuCount: os.cpus().length,
      memoryGb: os.totalmem() / 1024 ** 3,
      commit: commit(),
      benchSeconds: (performance.now() - started) / 1000,
    },
    fleets,
    bundles,
    costs,
    savings,
    assess,
    convergence,
    dataFeed,
    listThrottleRetries: LIST_THROTTLE_RETRY_MS.length,
  };
  const dirs = [OUT_DIR, ...(updateCommitted ? [COMMITTED_DIR] : [])];
  for (const dir of dirs) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'REPORT.md'), renderReport(data));
    fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(data, null, 1) + '\n');
  }
  console.log(headline(data).join('\n'));
  for (const dir of dirs) console.log(`report: ${path.relative(REPO_ROOT, path.join(dir, 'REPORT.md'))}, data: ${path.relative(REPO_ROOT, path.join(dir, 'report.json'))}`);
  if (!updateCommitted) console.log(`(the committed bench/REPORT.md is unchanged; run \`npm run bench -- ${UPDATE_FLAG}\` to refresh it)`);
}

/** Measures section 7 again and writes it into the last full report (which keeps its own date and commit). */
async function onlyConvergence(updateCommitted: boolean): Promise<void> {
  const dir = updateCommitted ? COMMITTED_DIR : OUT_DIR;
  const file = path.join(dir, 'report.json');
  if (!fs.existsSync(file)) {
    console.error(`npm run bench -- ${ONLY_CONVERGENCE_FLAG}: no earlier report at ${path.relative(REPO_ROOT, file)}; run the whole bench first`);
    process.exit(2);
  }
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchData;
  const started = performance.now();
  data.convergence = await measureAllConvergence((what) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`));
  data.listThrottleRetries = LIST_THROTTLE_RETRY_MS.length;
  data.convergenceRun = { date: new Date().toISOString(), commit: commit(), benchSeconds: (performance.now() - started) / 1000 };
  fs.writeFileSync(path.join(dir, 'REPORT.md'), renderReport(data));
  fs.writeFileSync(file, JSON.stringify(data, null, 1) + '\n');
  console.log(headline(data).join('\n'));
}

async function measureAllConvergence(step: (what: string) => void): Promise<ConvergenceMeasure[]> {
  const convergence: ConvergenceMeasure[] = [];
  for (const { size, maxRuns } of CONVERGENCE.sizes) {
    step(`cold-start convergence: ${size} resources, realistic latency and rate limits (time ×${CONVERGENCE.timeScale})`);
    convergence.push(await measureConvergence({ size, regions: REGIONS, timeScale: CONVERGENCE.timeScale, maxRuns, steadyRuns: CONVERGENCE.steadyRuns, seed: CONVERGENCE.seed }));
  }
  return convergence;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
