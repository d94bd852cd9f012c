/**
 * `npm run bench`: measures the monitor (API calls per run, payload sizes, bundle sizes and load
 * times, a simulated month of savings), prices it, prints a summary and writes bench/REPORT.md and
 * bench/report.json. Scratch (bundles) goes to .bench/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureBundles } from './bundles';
import { measureAssessFleets } from './assess';
import { originalUsage, ourUsage } from './monitor-cost';
import { measureFleet, type ContainerMode, type FleetMeasure } from './monitor-runs';
import { monthlyCost } from './pricing';
import { headline, renderReport, type BenchData, type CostComparison } from './report';
import { simulateMonth } from './savings';

const REPO_ROOT = path.resolve(__dirname, '..');
const SCRATCH_DIR = path.join(REPO_ROOT, '.bench');
const REPORT_MD = path.join(__dirname, 'REPORT.md');
const REPORT_JSON = path.join(__dirname, 'report.json');

/** Fleets of the API-call benchmark (DESIGN.md: 10, 100, 1,000 resources in 3 regions). */
const FLEET_SIZES = [10, 100, 1000];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const CONTAINER_MODES: ContainerMode[] = ['shared', 'perRegion'];
/** Runs after the cold one: one simulated hour, so every decision slot comes once. */
const STEADY_RUNS = 12;
/** One unmeasured hour after the cold run (first tag reads, first decision-slot reads). */
const WARMUP_RUNS = 12;
const FLEET_SEED = 7;
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
  const started = performance.now();
  const step = (what: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`);

  step('bundles');
  const bundles = measureBundles(path.join(SCRATCH_DIR, 'dist'));

  const fleets: FleetMeasure[] = [];
  for (const size of FLEET_SIZES) {
    for (const mode of CONTAINER_MODES) {
      step(`monitor runs: ${size} resources, ${mode}`);
      fleets.push(await measureFleet({ size, regions: REGIONS, mode, warmupRuns: WARMUP_RUNS, steadyRuns: STEADY_RUNS, seed: FLEET_SEED }));
    }
  }

  // assess (read-only CLI): one cold run per fleet, measured on its own (bench/assess.ts).
  step('assess runs');
  const assess = await measureAssessFleets();

  step('cost model');
  const costs: CostComparison[] = FLEET_SIZES.map((size) => {
    // Priced on the worst case: one container collecting every region.
    const fleet = fleets.find((f) => f.size === size && f.mode === 'shared')!;
    return { size, ours: monthlyCost(ourUsage(fleet, bundles)), original: monthlyCost(originalUsage(fleet)) };
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
  };
  fs.writeFileSync(REPORT_MD, renderReport(data));
  fs.writeFileSync(REPORT_JSON, JSON.stringify(data, null, 1) + '\n');
  console.log(headline(data).join('\n'));
  console.log(`report: ${path.relative(REPO_ROOT, REPORT_MD)}, data: ${path.relative(REPO_ROOT, REPORT_JSON)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
