/**
 * Hosts a Lambda function in long-lived child processes, like warm containers: each runs the
 * real bundle (`runner/lambda-worker.js`), keeps its module-level caches between invocations and
 * serves one invocation at a time; more containers start only when all are busy. The
 * function's timeout is enforced (the container is killed, as Lambda does).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalFunction } from './stack-model';

/** The worker script: plain JS so it starts with bare node. */
export const WORKER_SCRIPT = path.join(__dirname, 'lambda-worker.js');
/** Containers of one function at most (Lambda would scale further; a local run needs few). */
export const DEFAULT_MAX_CONTAINERS = 8;
/**
 * Modules the Lambda Node.js runtime provides beside the bundle (AWS SDK for JavaScript v3):
 * exposed to containers through NODE_PATH, and nothing else, so a dependency a bundle forgot
 * fails here as it would on Lambda.
 */
export const RUNTIME_PROVIDED_SCOPES = ['@aws-sdk'] as const;

/** A folder whose node_modules holds only the runtime-provided scopes (links into this repo's node_modules). */
export function lambdaRuntimeModules(repoRoot: string = path.resolve(__dirname, '..')): string {
  const dir = path.join(repoRoot, '.gen', 'lambda-runtime', 'node_modules');
  fs.mkdirSync(dir, { recursive: true });
  for (const scope of RUNTIME_PROVIDED_SCOPES) {
    const link = path.join(dir, scope);
    const target = path.join(repoRoot, 'node_modules', scope);
    if (!fs.existsSync(target)) throw new Error(`the Lambda runtime modules ${scope} are not installed in ${repoRoot}/node_modules (run npm ci)`);
    if (!fs.existsSync(link)) {
      try {
        fs.symlinkSync(target, link, 'dir');
      } catch (err) {
        // Two runners may race to create the same link.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
  return dir;
}

/** Throws a RangeError naming `field` unless `k` is absent or a finite number >= 1. */
export function checkTimeScale(k: unknown, field: string): void {
  if (k !== undefined && !(typeof k === 'number' && Number.isFinite(k) && k >= 1)) throw new RangeError(`${field} must be a finite number >= 1, got ${String(k)}`);
}

/** Fake credentials: the simulated endpoint accepts any signature. */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIALOCALSIMULATED00', AWS_SECRET_ACCESS_KEY: 'local-simulated-secret' } as const;

/** A function error as Lambda reports it. */
export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type InvokeOutcome = { ok: true; result: unknown; durationMs: number } | { ok: false; error: LambdaError; durationMs: number };

export interface LambdaHostOptions {
  /** Simulated AWS endpoint every SDK client of the function talks to. */
  endpointUrl: string;
  /** Extra environment (e.g. LOG_LEVEL) added after the function's own. */
  extraEnv?: Record<string, string>;
  /** Receives each line the function writes (its CloudWatch Logs). */
  onLog?: (functionName: string, line: string) => void;
  maxContainers?: number;
  /** Simulated now (epoch ms): the containers' wall clock (Date) follows it. Default: real time. */
  clock?: () => number;
  /**
   * k ≥ 1 (default 1): the function's timeout is divided by k (a run k times faster, see
   * `SimLimits.timeScale`); `context.getRemainingTimeInMillis()` counts down the scaled timeout.
   */
  timeScale?: number;
}

interface Container {
  child: ChildProcess;
  ready: Promise<number>;
  busy: boolean;
  dead: boolean;
  initMs?: number;
}

interface Pending {
  resolve: (o: InvokeOutcome) => void;
  started: number;
  timer: NodeJS.Timeout;
  container: Container;
}

/** One function's containers. */
export class LambdaHost {
  private readonly containers: Container[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly queue: (() => void)[] = [];
  private closed = false;
  /** Invocations served, and cold starts among them. */
  readonly stats = { invocations: 0, coldStarts: 0, errors: 0, initMs: [] as number[] };

  private readonly runtimeModules: string;

  constructor(
    readonly fn: LocalFunction,
    private readonly options: LambdaHostOptions,
  ) {
    checkTimeScale(options.timeScale, 'LambdaHostOptions.timeScale');
    this.runtimeModules = lambdaRuntimeModules();
  }

  /** The function's timeout in wall-clock ms: its configured timeout divided by the time scale. */
  get timeoutMs(): number {
    return (this.fn.timeoutSeconds * 1000) / (this.options.timeScale ?? 1);
  }

  /** Environment of a container: the function's own, then the local AWS wiring, as Lambda sets it. */
  environment(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: 'UTC',
      ...this.fn.environment,
      ...(this.options.extraEnv ?? {}),
      AWS_ENDPOINT_URL: this.options.endpointUrl,
      AWS_REGION: this.fn.region,
      AWS_DEFAULT_REGION: this.fn.region,
      ...LOCAL_CREDENTIALS,
      // Never read a developer's ~/.aws: the container has no profile.
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: this.fn.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.fn.functionName}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: this.fn.codeDir,
      _HANDLER: this.fn.handler,
      PM_LOCAL_FUNCTION_ARN: this.fn.arn,
      // The SDK warns on Node < 22 at every cold start; Lambda runs nodejs22.x, so the warning is noise here.
      NODE_NO_WARNINGS: '1',
      NODE_PATH: this.runtimeModules,
    };
  }

  /** Invokes the function once (RequestResponse) and reports its result or error; never throws. */
  async invoke(event: unknown): Promise<InvokeOutcome> {
    if (this.closed) throw new Error(`function ${this.fn.functionName}: host is closed`);
    const container = await this.acquire();
    const id = randomUUID();
    const timeoutMs = this.timeoutMs;
    this.stats.invocations += 1;
    return new Promise<InvokeOutcome>((resolve) => {
      const started = Date.now();
      const timer = setTimeout(() => {
        this.finish(id, { ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds` }, durationMs: timeoutMs });
        this.kill(container);
      }, timeoutMs);
      this.pending.set(id, { resolve, started, timer, container });
      container.child.send({ type: 'invoke', id, requestId: id, event: event ?? null, deadlineMs: started + timeoutMs, clockMs: this.options.clock?.() });
    });
  }

  /** Stops every container. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.containers) this.kill(c);
    this.containers.length = 0;
  }

  private async acquire(): Promise<Container> {
    for (;;) {
      const idle = this.containers.find((c) => !c.busy && !c.dead);
      if (idle) {
        idle.busy = true;
        await idle.ready;
        return idle;
      }
      if (this.containers.length < (this.options.maxContainers ?? DEFAULT_MAX_CONTAINERS)) {
        const c = this.spawn();
        c.busy = true;
        await c.ready;
        return c;
      }
      await new Promise<void>((r) => this.queue.push(r));
    }
  }

  private release(container: Container): void {
    container.busy = false;
    this.queue.shift()?.();
  }

  private spawn(): Container {
    const child = fork(WORKER_SCRIPT, [], {
      env: this.environment(),
      cwd: this.fn.codeDir,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.stats.coldStarts += 1;
    const container: Container = { child, busy: false, dead: false, ready: Promise.resolve(0) };
    container.ready = new Promise<number>((resolve, reject) => {
      child.once('message', (m: { type?: string; initMs?: number }) => {
        if (m?.type === 'ready') {
          container.initMs = m.initMs ?? 0;
          this.stats.initMs.push(container.initMs);
          resolve(container.initMs);
        }
      });
      child.once('exit', (code) => reject(new Error(`function ${this.fn.functionName}: container exited (code ${code}) before it was ready`)));
    });
    container.ready.catch(() => undefined);
    const forward = (stream: NodeJS.ReadableStream | null) => {
      if (!stream) return;
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) this.options.onLog?.(this.fn.functionName, line);
        }
      });
    };
    forward(child.stdout);
    forward(child.stderr);
    child.on('message', (m: { type?: string; id?: string; ok?: boolean; result?: unknown; error?: LambdaError }) => {
      if (m?.type !== 'result' || !m.id) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      const durationMs = Date.now() - p.started;
      this.finish(m.id, m.ok ? { ok: true, result: m.result, durationMs } : { ok: false, error: m.error as LambdaError, durationMs });
    });
    child.on('exit', (code, signal) => {
      container.dead = true;
      const idx = this.containers.indexOf(container);
      if (idx >= 0) this.containers.splice(idx, 1);
      for (const [id, p] of this.pending) {
        if (p.container === container) {
          this.finish(id, {
            ok: false,
            error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${id} Error: Runtime exited with error: ${signal ?? `exit status ${code}`}` },
            durationMs: Date.now() - p.started,
          });
        }
      }
      this.queue.shift()?.();
    });
    this.containers.push(container);
    return container;
  }

  private finish(id: string, outcome: InvokeOutcome): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (!outcome.ok) this.stats.errors += 1;
    this.release(p.container);
    p.resolve(outcome);
  }

  private kill(container: Container): void {
    container.dead = true;
    if (container.child.exitCode === null && !container.child.killed) container.child.kill('SIGKILL');
  }
}
