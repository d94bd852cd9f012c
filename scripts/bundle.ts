/**
 * `npm run build`: bundles every task of tasks/registry.ts to dist/<task>/index.js (exactly as
 * synth does) and reports each bundle's minified size and its module load time in a fresh Node
 * process. Fails when a bundle exceeds the 250 KB budget.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { DEFAULT_BUNDLE_DIR, bundleTask } from '../infra/nodejs-function';
import { TASKS } from '../tasks/registry';

/** Budget per bundle (DESIGN.md: each ≤ 250 KB minified). */
export const MAX_BUNDLE_BYTES = 250 * 1024;

/** Milliseconds to require a bundle in a new process (what a cold start pays for our code). */
function loadMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

function main(): void {
  const rows = TASKS.map((spec) => {
    const bundle = bundleTask(spec, DEFAULT_BUNDLE_DIR);
    return { task: spec.name, kb: bundle.bytes / 1024, loadMs: loadMs(path.join(bundle.dir, 'index.js')) };
  });
  const width = Math.max(...rows.map((r) => r.task.length));
  for (const r of rows) {
    const flag = r.kb * 1024 > MAX_BUNDLE_BYTES ? '  OVER BUDGET' : '';
    console.log(`${r.task.padEnd(width)}  ${r.kb.toFixed(1).padStart(7)} KB  load ${r.loadMs.toFixed(0).padStart(4)} ms${flag}`);
  }
  const over = rows.filter((r) => r.kb * 1024 > MAX_BUNDLE_BYTES);
  if (over.length) {
    console.error(`${over.length} bundle(s) over ${MAX_BUNDLE_BYTES / 1024} KB: ${over.map((r) => r.task).join(', ')}`);
    process.exit(1);
  }
}

main();
