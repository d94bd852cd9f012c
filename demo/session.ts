/**
 * A local session of the product: the stack synthesized for a given configuration, a simulated
 * account on 127.0.0.1, and the runner executing the stack against it in simulated time. The
 * demo and the end-to-end tests drive the same session.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BEHAVIOUR, DEFAULT_DEPLOY, type DeployConfig } from '../config/schema';
import { SimAccount, startSimServer, type SimServer } from '../sim';
import { LocalRunner, type ExecutionRecord, type RunnerOptions } from '../runner/runner';
import { linkSimAccount } from '../runner/sim-link';
import { findStackFile } from '../runner/terraform';
import { linksIn } from './person';

/** Repository root (this file lives in demo/). */
export const REPO_ROOT = path.resolve(__dirname, '..');
/** The MONITOR's schedule in the synthesized stack (rate(5 minutes)): one run per grid point. */
export const TICK_MS = 5 * 60 * 1000;

/** Deploy configuration as the demo wants it: defaults, then the given values. */
export function demoConfig(overrides: Partial<DeployConfig> & { regions: string[] }): Record<string, unknown> {
  return {
    ...DEFAULT_DEPLOY,
    ...DEFAULT_BEHAVIOUR,
    homeRegion: overrides.regions[0],
    notificationEndpoint: 'ops@example.com',
    ...overrides,
  };
}

/**
 * Synthesizes the stack for `config` into `stackDir` (cdktf.out + bundles), in a child process
 * (`demo/synth.ts`). Returns the stack file. Reuses an existing synth of the same config.
 */
export function synthStack(config: Record<string, unknown>, stackDir: string): string {
  const outdir = path.join(stackDir, 'cdktf.out');
  const bundleDir = path.join(stackDir, 'dist');
  const stamp = path.join(stackDir, 'config.json');
  const wanted = JSON.stringify(config);
  const existing = findStackFile(stackDir);
  if (existing && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted && fs.existsSync(bundleDir) && newerThanSources(stamp)) return existing;
  fs.rmSync(stackDir, { recursive: true, force: true });
  fs.mkdirSync(stackDir, { recursive: true });
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [path.join(REPO_ROOT, 'demo', 'synth.ts'), JSON.stringify({ outdir, bundleDir, config })], {
    cwd: REPO_ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`synth for the demo failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  fs.writeFileSync(stamp, wanted);
  const file = findStackFile(stackDir);
  if (!file) throw new Error(`synth wrote no stack under ${outdir}`);
  return file;
}

/** True when no source file of the product changed since `stamp` was written. */
function newerThanSources(stamp: string): boolean {
  const t = fs.statSync(stamp).mtimeMs;
  const dirs = ['tasks', 'core', 'workflows', 'infra', 'config'].map((d) => path.join(REPO_ROOT, d));
  const stack = [...dirs, path.join(REPO_ROOT, 'main.ts')];
  while (stack.length) {
    const p = stack.pop() as string;
    if (!fs.existsSync(p)) continue;
    const st = fs.statSync(p);
    if (st.isDirectory()) stack.push(...fs.readdirSync(p).map((n) => path.join(p, n)));
    else if (st.mtimeMs > t) return false;
  }
  return true;
}

export interface SessionOptions {
  account: SimAccount;
  stackFile: string;
  runner?: Partial<RunnerOptions>;
}

/** A running session. Close it when done. */
export class Session {
  private constructor(
    readonly account: SimAccount,
    readonly server: SimServer,
    readonly runner: LocalRunner,
  ) {}

  /** Serves `account` and loads the stack into a runner bound to it. */
  static async start(options: SessionOptions): Promise<Session> {
    const server = await startSimServer(options.account);
    try {
      const stackDir = path.dirname(path.dirname(path.dirname(path.dirname(options.stackFile))));
      const runner = await LocalRunner.start({
        buildIfMissing: false,
        distDir: path.join(stackDir, 'dist'),
        ...options.runner,
        stackFile: options.stackFile,
        sim: linkSimAccount(options.account, server.url),
      });
      return new Session(options.account, server, runner);
    } catch (err) {
      await server.close();
      throw err;
    }
  }

  /** Simulated now (epoch ms). */
  now(): number {
    return this.account.clock.now();
  }

  /** The links in `text` that point at one of the stack's function URLs (approval links). */
  approvalLinksIn(text: string): string[] {
    const bases = this.runner.model.functionUrls.map((u) => this.runner.functionUrl(u.tfName));
    return linksIn(text).filter((l) => bases.some((b) => l.startsWith(b)));
  }

  /** Approval links of every SNS message published so far, in order. */
  approvalLinks(): string[] {
    return this.account.sns.messages().flatMap((m) => this.approvalLinksIn(m.message));
  }

  /**
   * Moves simulated time to `at` (inclusive): the schedules fire at every point of their grids
   * on the way (started on the first call), every other timer at its own instant, and everything
   * runs until it ends or waits (for a later timer or a person). Returns the runs the schedules
   * started.
   */
  async tick(at: number): Promise<ExecutionRecord[]> {
    const runs: ExecutionRecord[] = [];
    this.runner.startSchedules();
    await this.runner.advanceTo(at, {
      settle: () => this.settle(),
      onInstant: async () => void runs.push(...(await this.runner.takeScheduledRuns())),
    });
    return runs;
  }

  /** Lets everything started run until it ends or waits for a timer or a person. */
  async settle(): Promise<void> {
    await this.runner.settle();
    await this.account.settleHooks();
    await this.runner.settle();
  }

  /**
   * Runs the stack from now to `until` (exclusive: [now, until)), the clock then at `until`.
   * The schedules fire at every point of their grids (the MONITOR every 5 minutes), whatever
   * other executions do meanwhile: an ACTION waiting for an approval or polling in its settle
   * loop runs concurrently, each of its Waits and timeouts firing at its own instant. After each
   * instant at which something fired, once everything settled, `onTick` sees the runs the
   * schedules started at that instant (often none: a Wait ended) – a person reading mail then
   * answers before time moves on.
   */
  async runUntil(until: number, onTick?: (runs: ExecutionRecord[], at: number) => Promise<void> | void): Promise<void> {
    this.runner.startSchedules();
    await this.runner.advanceTo(until, {
      exclusive: true,
      settle: () => this.settle(),
      onInstant: async (at) => {
        const runs = await this.runner.takeScheduledRuns();
        await onTick?.(runs, at);
      },
    });
  }

  async close(): Promise<void> {
    await this.runner.close();
    await this.server.close();
  }
}
