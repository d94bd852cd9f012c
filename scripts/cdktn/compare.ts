/**
 * `npm run compare:cdktn`: does the stack build under CDK Terrain (cdktn, the maintained fork of
 * the archived CDKTF) without changing one source line?
 *
 * 1. Copies the product sources (main.ts, config/, core/, infra/, tasks/, workflows/,
 *    tsconfig.json, package.json, package-lock.json, cdktf.json, the example config) into two
 *    scratch trees under os.tmpdir(): `baseline/` and `cdktn/`.
 * 2. Installs both with the same trimmed package.json (only what synth needs; pinned by the
 *    repo's lock). In `cdktn/` the seam is the PACKAGE NAME, through npm aliases:
 *      "cdktf": "npm:cdktn@0.24.0", "@cdktf/provider-aws": "npm:@cdktn/provider-aws@25.7.0"
 *    so `import ... from 'cdktf'` and the deep `@cdktf/provider-aws/lib/<resource>` imports
 *    resolve to the fork. constructs goes to the newest version inside cdktn's peer range.
 * 3. Checks every imported name of every cdktf / provider module resolves in the fork, and
 *    type-checks the product sources against each tree (tsc --noEmit).
 * 4. Synthesizes both trees with personalize-monitor.config.example.json (PM_* environment
 *    ignored, CHECKPOINT_DISABLE=1, separate outdirs) and compares the two cdk.tf.json
 *    (scripts/cdktn/diff.ts).
 * Exit code 0 when the only differences are listed version ones (and masked ones), 1 otherwise,
 * 2 when the run itself failed (install, synth). Reports: <scratch>/report.json and report.md,
 * and copies in --report-dir when given.
 *
 * Options: --cdktn <ver> --provider <ver> --constructs <ver> --keep (keep node_modules)
 *          --no-typecheck --report-dir <dir> --scratch <dir> (reuse a scratch root)
 *          --git <rev>: take the sources from a commit (read-only `git archive`) instead of the
 *          working tree, e.g. while files are mid-edit.
 * Not part of `npm test`: it needs the npm registry and takes minutes.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareSynth, renderMarkdown, renderSummary, type Json } from './diff';

const REPO = path.resolve(__dirname, '..', '..');
const DEFAULTS = {
  cdktn: '0.24.0',
  provider: '25.7.0',
  // cdktn 0.24.0 and @cdktn/provider-aws 25.7.0 declare peer constructs ">=10.6.0 <10.8.0";
  // the repo pins 10.8.1, which npm refuses (ERESOLVE) without --legacy-peer-deps.
  constructs: '10.7.2',
};
/** What synthesize() needs, and nothing else (no tests, sim, runner, bench, demo). */
const COPY = [
  'main.ts',
  'config',
  'core',
  'infra',
  'tasks',
  'workflows',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'cdktf.json',
  'personalize-monitor.config.example.json',
];
/** devDependencies synth needs (esbuild bundles the Lambda code at synth time; tsx runs it; tsc checks it). */
const SYNTH_DEV_DEPS = ['esbuild', 'tsx', 'typescript', '@types/node'];
const CONFIG_FILE = 'personalize-monitor.config.example.json';
/** Product sources scanned for framework imports. */
const PRODUCT_DIRS = ['main.ts', 'config', 'core', 'infra', 'tasks', 'workflows'];

interface Options {
  cdktn: string;
  provider: string;
  constructs: string;
  keep: boolean;
  typecheck: boolean;
  reportDir?: string;
  scratch?: string;
  gitRev?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { ...DEFAULTS, keep: false, typecheck: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--cdktn') o.cdktn = value();
    else if (a === '--provider') o.provider = value();
    else if (a === '--constructs') o.constructs = value();
    else if (a === '--keep') o.keep = true;
    else if (a === '--no-typecheck') o.typecheck = false;
    else if (a === '--report-dir') o.reportDir = path.resolve(value());
    else if (a === '--scratch') o.scratch = path.resolve(value());
    else if (a === '--git') o.gitRev = value();
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

type PackageJson = { dependencies: Record<string, string>; devDependencies?: Record<string, string>; [k: string]: unknown };

/** The repo's package.json trimmed to synth's needs; `seam` replaces dependency specs. */
export function scratchPackageJson(pkg: PackageJson, seam: Record<string, string> = {}): PackageJson {
  const dev = Object.fromEntries(Object.entries(pkg.devDependencies ?? {}).filter(([name]) => SYNTH_DEV_DEPS.includes(name)));
  return { ...pkg, dependencies: { ...pkg.dependencies, ...seam }, devDependencies: dev };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs a command; resolves with its output, rejects with it when it fails. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ ms: number; out: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Date.now() - started;
      if (code === 0) resolve({ ms, out });
      else reject(new Error(`${cmd} ${args.join(' ')} in ${cwd} exited ${code}:\n${out.slice(-4000)}`));
    });
  });
}

function copyTree(dest: string, gitRev?: string): void {
  fs.mkdirSync(dest, { recursive: true });
  if (gitRev) {
    const tar = execFileSync('git', ['-C', REPO, 'archive', '--format=tar', gitRev, '--', ...COPY], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dest], { input: tar });
    return;
  }
  for (const entry of COPY) {
    const from = path.join(REPO, entry);
    if (!fs.existsSync(from)) throw new Error(`${from} is missing`);
    fs.cpSync(from, path.join(dest, entry), { recursive: true });
  }
}

/** Synth driver written into each tree (not a source change): same config, no PM_* environment. */
const DRIVER = `import * as path from 'node:path';
import { loadDeployConfig } from './config/load';
import { synthesize } from './main';
const [configFile, outdir, bundleDir] = process.argv.slice(2);
synthesize(loadDeployConfig({ file: path.resolve(configFile), env: {} }), { outdir, bundleDir });
`;

/** Type-checks the product sources only (tests are not copied; jest types are not installed). */
const TSCONFIG_CHECK = JSON.stringify({ extends: './tsconfig.json', compilerOptions: { types: ['node'] }, include: ['main.ts', 'config', 'core', 'infra', 'tasks', 'workflows'] }, null, 2);

/** Imports of cdktf and @cdktf/* in the product sources: specifier → value names (type-only imports excluded). */
export function frameworkImports(sources: Record<string, string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const re = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*'((?:cdktf|@cdktf\/[^']+)(?:\/[^']*)?)'/g;
  for (const text of Object.values(sources)) {
    for (const m of text.matchAll(re)) {
      if (m[1]) continue;
      const names = m[2]
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s && !s.startsWith('type '))
        .map((s) => s.split(/\s+as\s+/)[0]);
      const set = out.get(m[3]) ?? new Set<string>();
      names.forEach((n) => set.add(n));
      out.set(m[3], set);
    }
  }
  return out;
}

function readSources(root: string, dirs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string): void => {
    const st = fs.statSync(p);
    if (st.isDirectory()) fs.readdirSync(p).forEach((f) => walk(path.join(p, f)));
    else if (p.endsWith('.ts')) out[path.relative(root, p)] = fs.readFileSync(p, 'utf8');
  };
  dirs.forEach((d) => walk(path.join(root, d)));
  return out;
}

/** In `tree`, requires each specifier and checks each name exists; returns problems. Also: where each package really resolves. */
function checkImports(tree: string, imports: Map<string, Set<string>>): { problems: string[]; resolved: Record<string, string> } {
  const script = `
const imports = ${JSON.stringify([...imports].map(([s, n]) => [s, [...n]]))};
const problems = [];
for (const [spec, names] of imports) {
  let mod;
  try { mod = require(spec); } catch (e) { problems.push(spec + ': cannot be required (' + e.message.split('\\n')[0] + ')'); continue; }
  for (const n of names) if (mod[n] === undefined) problems.push(spec + ': no export ' + n);
}
const fs = require('fs'), path = require('path');
const real = (p) => path.relative(process.cwd(), fs.realpathSync(p));
const resolved = {};
resolved["'cdktf' (the sources' import)"] = real(require.resolve('cdktf'));
const providerFile = require.resolve('@cdktf/provider-aws/lib/provider');
const providerText = fs.readFileSync(providerFile, 'utf8');
const core = ['cdktn', 'cdktf'].find((name) => providerText.includes('require("' + name + '")'));
if (core) resolved["'" + core + "' (the provider's import)"] = real(require.resolve(core, { paths: [path.dirname(providerFile)] }));
resolved['core module instances loaded'] = String(new Set(Object.keys(require.cache).filter((f) => ['cdktf', 'cdktn'].some((name) => f.endsWith(path.join('node_modules', name, 'lib', 'index.js')))).map((f) => fs.realpathSync(f))).size);
process.stdout.write(JSON.stringify({ problems, resolved }));
`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: tree, encoding: 'utf8' }));
}

function installedVersions(tree: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['cdktf', 'cdktn', '@cdktf/provider-aws', 'constructs', 'esbuild', 'zod']) {
    const file = path.join(tree, 'node_modules', name, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    out[name] = pkg.name === name ? pkg.version : `${pkg.name}@${pkg.version}`;
  }
  return out;
}

function findStackJson(outdir: string): string {
  const stacks = path.join(outdir, 'stacks');
  const names = fs.readdirSync(stacks);
  if (names.length !== 1) throw new Error(`expected one stack in ${stacks}, found ${names.join(', ')}`);
  return path.join(stacks, names[0], 'cdk.tf.json');
}

/** npm's warnings, each multi-line one joined on one line. */
function npmWarnings(out: string): string[] {
  const warnings: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^npm warn (\S+)\s?(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, code, text] = m;
    const last = warnings[warnings.length - 1];
    if (last?.startsWith(`${code}:`) && !/^Unsupported|^deprecated/.test(text)) warnings[warnings.length - 1] = `${last} ${text.trim()}`;
    else warnings.push(`${code}: ${text.trim()}`);
  }
  return [...new Set(warnings)];
}

interface TreeResult {
  name: string;
  dir: string;
  seam: Record<string, string>;
  installMs: number;
  npmWarnings: string[];
  versions: Record<string, string>;
  imports?: { problems: string[]; resolved: Record<string, string> };
  typecheck?: { ok: boolean; ms: number; output: string };
  synthMs: number;
  outdir: string;
  cdkTfJson: string;
}

async function prepareTree(root: string, name: string, seam: Record<string, string>, options: Options): Promise<Omit<TreeResult, 'synthMs' | 'outdir' | 'cdkTfJson'>> {
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  copyTree(dir, options.gitRev);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(scratchPackageJson(pkg, seam), null, 2)}\n`);
  fs.writeFileSync(path.join(dir, '.compare-synth.ts'), DRIVER);
  fs.writeFileSync(path.join(dir, 'tsconfig.compare.json'), TSCONFIG_CHECK);
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn'], dir);
  const result: Omit<TreeResult, 'synthMs' | 'outdir' | 'cdkTfJson'> = {
    name,
    dir,
    seam,
    installMs: install.ms,
    npmWarnings: npmWarnings(install.out),
    versions: installedVersions(dir),
  };
  result.imports = checkImports(dir, frameworkImports(readSources(dir, PRODUCT_DIRS)));
  if (options.typecheck) {
    const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const started = Date.now();
    try {
      const r = await run(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.compare.json'], dir);
      result.typecheck = { ok: true, ms: r.ms, output: r.out.trim() };
    } catch (err) {
      result.typecheck = { ok: false, ms: Date.now() - started, output: String((err as Error).message).slice(0, 6000) };
    }
  }
  return result;
}

async function synthTree(tree: Omit<TreeResult, 'synthMs' | 'outdir' | 'cdkTfJson'>): Promise<TreeResult> {
  const outdir = path.join(tree.dir, 'cdktf.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PM_') && !k.startsWith('CDKTF_')));
  const tsx = path.join(tree.dir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = await run(process.execPath, [tsx, '.compare-synth.ts', CONFIG_FILE, outdir, path.join(tree.dir, 'dist')], tree.dir, { ...env, CHECKPOINT_DISABLE: '1' });
  return { ...tree, synthMs: r.ms, outdir, cdkTfJson: findStackJson(outdir) };
}

function gitCommit(rev: string): string {
  return execFileSync('git', ['-C', REPO, 'rev-parse', '--short', rev], { encoding: 'utf8' }).trim();
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const root = options.scratch ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pm-cdktn-compare-'));
  fs.mkdirSync(root, { recursive: true });
  try {
    return await compareIn(root, options);
  } finally {
    // ~1 GB per tree; the sources, synth outputs and reports stay.
    if (!options.keep) for (const tree of ['baseline', 'cdktn']) fs.rmSync(path.join(root, tree, 'node_modules'), { recursive: true, force: true });
  }
}

async function compareIn(root: string, options: Options): Promise<number> {
  const startedAt = new Date();
  console.log(`scratch: ${root}`);
  const seam = {
    cdktf: `npm:cdktn@${options.cdktn}`,
    '@cdktf/provider-aws': `npm:@cdktn/provider-aws@${options.provider}`,
    constructs: options.constructs,
  };
  const t0 = Date.now();
  console.log('installing both trees (in parallel) ...');
  const [baseline, candidate] = await Promise.all([prepareTree(root, 'baseline', {}, options), prepareTree(root, 'cdktn', seam, options)]);
  const prepareMs = Date.now() - t0;
  console.log(`  baseline install ${seconds(baseline.installMs)}, cdktn install ${seconds(candidate.installMs)} (wall ${seconds(prepareMs)} incl. type-checks)`);
  const t1 = Date.now();
  const b = await synthTree(baseline).catch((err: Error) => {
    throw new Error(`the BASELINE (cdktf) synth failed, so the sources do not synth as they are (mid-edit? try --git HEAD):\n${err.message}`);
  });
  const c = await synthTree(candidate).catch((err: Error) => {
    throw new Error(`the cdktn synth failed while the cdktf one passed:\n${err.message}`);
  });
  const synthWallMs = Date.now() - t1;
  console.log(`  synth: baseline ${seconds(b.synthMs)}, cdktn ${seconds(c.synthMs)}`);

  const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as Json;
  const report = compareSynth(read(b.cdkTfJson), read(c.cdkTfJson), { roots: { baseline: b.dir, candidate: c.dir } });
  const importProblems = c.imports?.problems ?? [];
  const imported = frameworkImports(readSources(c.dir, PRODUCT_DIRS));
  const importModules = imported.size;
  const importCount = [...imported.values()].reduce((n, names) => n + names.size, 0);
  const typecheckFailed = options.typecheck && !c.typecheck?.ok && b.typecheck?.ok;
  const ok = report.ok && importProblems.length === 0 && !typecheckFailed;

  const trees = [b, c].map((t) => ({
    name: t.name,
    dir: t.dir,
    seam: t.seam,
    versions: t.versions,
    installSeconds: t.installMs / 1000,
    synthSeconds: t.synthMs / 1000,
    npmWarnings: t.npmWarnings,
    imports: t.imports,
    typecheck: t.typecheck && { ok: t.typecheck.ok, seconds: t.typecheck.ms / 1000, output: t.typecheck.output },
    cdkTfJson: t.cdkTfJson,
  }));
  const totalMs = Date.now() - t0;
  const json = {
    date: startedAt.toISOString(),
    node: process.version,
    sources: options.gitRev ? `git ${options.gitRev} (${gitCommit(options.gitRev)})` : 'working tree',
    ok,
    totalSeconds: totalMs / 1000,
    prepareWallSeconds: prepareMs / 1000,
    synthWallSeconds: synthWallMs / 1000,
    trees,
    comparison: report,
  };
  const facts: Record<string, string> = {
    date: startedAt.toISOString(),
    node: process.version,
    sources: options.gitRev ? `git ${options.gitRev} (${gitCommit(options.gitRev)})` : `working tree of ${REPO}`,
    'seam (cdktn tree package.json)': Object.entries(seam).map(([k, v]) => `"${k}": "${v}"`).join(', '),
    'baseline versions': Object.entries(b.versions).map(([k, v]) => `${k} ${v}`).join(', '),
    'cdktn versions': Object.entries(c.versions).map(([k, v]) => `${k} ${v}`).join(', '),
    'module resolution (cdktn tree)': Object.entries(c.imports?.resolved ?? {}).map(([k, v]) => `${k} → ${v}`).join('; '),
    'install (npm install, parallel)': `baseline ${seconds(b.installMs)}, cdktn ${seconds(c.installMs)}`,
    'type-check (tsc --noEmit)': options.typecheck ? `baseline ${b.typecheck?.ok ? 'ok' : 'FAILED'} ${seconds(b.typecheck?.ms ?? 0)}, cdktn ${c.typecheck?.ok ? 'ok' : 'FAILED'} ${seconds(c.typecheck?.ms ?? 0)}` : 'skipped',
    'synth (tsx)': `baseline ${seconds(b.synthMs)}, cdktn ${seconds(c.synthMs)}`,
    total: seconds(totalMs),
    'deep-import check (cdktn tree)': importProblems.length ? importProblems.join('; ') : `all ${importCount} names of ${importModules} modules resolve`,
    'npm warnings (cdktn tree)': c.npmWarnings.join(' / ') || 'none',
  };
  const md = renderMarkdown(report, { title: 'cdktf vs cdktn synth comparison', facts });
  fs.writeFileSync(path.join(root, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(root, 'report.md'), `${md}\n`);
  if (options.reportDir) {
    fs.mkdirSync(options.reportDir, { recursive: true });
    fs.copyFileSync(path.join(root, 'report.json'), path.join(options.reportDir, 'report.json'));
    fs.copyFileSync(path.join(root, 'report.md'), path.join(options.reportDir, 'report.md'));
  }

  console.log('');
  console.log(`versions: baseline ${JSON.stringify(b.versions)}\n          cdktn    ${JSON.stringify(c.versions)}`);
  console.log(`resolution in the cdktn tree: ${JSON.stringify(c.imports?.resolved)}`);
  if (c.npmWarnings.length) console.log(`npm warnings (cdktn tree):\n  ${c.npmWarnings.join('\n  ')}`);
  console.log(`deep imports: ${importProblems.length ? importProblems.join('; ') : 'every imported name resolves in the fork'}`);
  if (options.typecheck) {
    console.log(`type-check: baseline ${b.typecheck?.ok ? 'ok' : 'FAILED'}, cdktn ${c.typecheck?.ok ? 'ok' : 'FAILED'}`);
    if (!c.typecheck?.ok) console.log(c.typecheck?.output);
  }
  console.log(renderSummary(report));
  console.log(`overall: ${ok ? 'PASS' : 'FAIL'} in ${seconds(totalMs)}`);
  console.log(`reports: ${path.join(root, 'report.md')}, ${path.join(root, 'report.json')}${options.reportDir ? ` (copied to ${options.reportDir})` : ''}`);
  return ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`compare:cdktn failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
