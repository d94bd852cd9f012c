/**
 * Lambda bundles: every task of tasks/registry.ts bundled exactly as synth and `npm run build`
 * do (infra/nodejs-function.ts `bundleTask`), its minified size, and its module load time in a
 * fresh Node process (what a cold start pays for our code; the runtime's SDK is resolved from
 * node_modules as the runtime would provide it).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { bundleTask } from '../infra/nodejs-function';
import { TASKS } from '../tasks/registry';

/** Budget per bundle (DESIGN.md: each ≤ 250 KB minified; the same figure as scripts/bundle.ts). */
export const BUNDLE_BUDGET_BYTES = 250 * 1024;
/** Loads per bundle; the median is reported (the first load of a process warms the disk cache). */
export const LOAD_SAMPLES = 3;

export interface BundleMeasure {
  task: string;
  bytes: number;
  /** Median module load time (ms) over LOAD_SAMPLES fresh processes. */
  loadMs: number;
  withinBudget: boolean;
}

/** Milliseconds to require `file` in a new Node process. */
function loadMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

/** Bundles every task into `outRoot` and measures it. */
export function measureBundles(outRoot: string): BundleMeasure[] {
  return TASKS.map((spec) => {
    const bundle = bundleTask(spec, outRoot);
    const file = path.join(bundle.dir, 'index.js');
    const samples = Array.from({ length: LOAD_SAMPLES }, () => loadMs(file)).sort((a, b) => a - b);
    return { task: spec.name, bytes: bundle.bytes, loadMs: samples[Math.floor(samples.length / 2)], withinBudget: bundle.bytes <= BUNDLE_BUDGET_BYTES };
  });
}
