/**
 * Command-line options of `npm run demo`. Parsing is pure: a bad option is a `UsageError`
 * (the CLI prints the usage and exits with code 2).
 */
import { REGION_PATTERN } from '../config/schema';
import type { SimLimits } from '../sim/limits';

export type ApprovalChoice = 'approve' | 'reject' | 'ignore';

export interface DemoOptions {
  days: number;
  resources: number;
  regions: string[];
  seed: number;
  interactive: boolean;
  approval: ApprovalChoice;
  outDir: string;
  /** Port of the approval page in --interactive mode (0 = any free port). */
  port: number;
  /** Print every Lambda log line (debugging). */
  verbose: boolean;
  /**
   * Latency and API rate limits of the simulated account (sim/limits.ts); absent: none, the sim
   * answers at once (the default). `--realistic-aws` sets the realistic tables.
   */
  limits?: SimLimits;
  /** k ≥ 1: run k times faster (sim latencies ÷ k, rates × k, function and Task timeouts ÷ k); default 1. */
  timeScale?: number;
}

export const DEFAULT_OPTIONS: DemoOptions = {
  days: 2,
  resources: 12,
  regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  seed: 42,
  interactive: false,
  approval: 'approve',
  outDir: 'demo-out',
  port: 0,
  verbose: false,
};

/** Limits that keep the demo a demo (and inside the Lambda concurrency a real account starts with). */
export const LIMITS = { maxDays: 30, maxResources: 200, maxRegions: 10, maxTimeScale: 1000 } as const;

export const USAGE = `Usage: npm run demo -- [options]

Runs Personalize Monitor end to end on a simulated AWS account (offline, no credentials):
the synthesized state machines with the real Lambda bundles, MONITOR every 5 simulated minutes.

Options:
  --days N            simulated days to run (default ${DEFAULT_OPTIONS.days}, at most ${LIMITS.maxDays})
  --resources N       campaigns and recommenders in the simulated fleet (default ${DEFAULT_OPTIONS.resources}, at most ${LIMITS.maxResources})
  --regions a,b       monitored regions, the first is the home region (default ${DEFAULT_OPTIONS.regions.join(',')})
  --seed N            seed of the simulated fleet and traffic (default ${DEFAULT_OPTIONS.seed})
  --approve           approve every approval request (default)
  --reject            reject every approval request
  --ignore            ignore approval requests (they expire)
  --interactive       serve the approval page on http://127.0.0.1:<port> and wait for your click
  --port N            port of the approval page with --interactive (default: any free port)
  --out DIR           where to write the artifacts (default ${DEFAULT_OPTIONS.outDir}/)
  --verbose           print every Lambda log line
  --realistic-aws     real AWS latencies (30-80 ms a call) and API rate limits (CloudWatch's
                      published quotas, a model for Personalize); throttled calls are retried by the SDK
  --time-scale N      run N times faster with the same shape: latencies / N, rates x N, function
                      and Task timeouts / N (a number from 1 to ${LIMITS.maxTimeScale}, default 1)
  -h, --help          this text
`;

/** A bad command line; the message says which option and why. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses argv (without node and script). Returns 'help' for -h/--help. */
export function parseOptions(argv: readonly string[]): DemoOptions | 'help' {
  const o: DemoOptions = { ...DEFAULT_OPTIONS, regions: [...DEFAULT_OPTIONS.regions] };
  const approvalFlags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.indexOf('=');
    const name = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
      i += 1;
      return v;
    };
    const int = (min: number, max: number): number => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${name}: expected a whole number from ${min} to ${max}, got "${v}"`);
      return Number(v);
    };
    switch (name) {
      case '--realistic-aws':
        o.limits = { latency: 'realistic', rateLimits: 'realistic' };
        break;
      case '--time-scale': {
        const v = value();
        const k = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || !(k >= 1 && k <= LIMITS.maxTimeScale)) throw new UsageError(`--time-scale: expected a number from 1 to ${LIMITS.maxTimeScale}, got "${v}"`);
        o.timeScale = k;
        break;
      }
      case '-h':
      case '--help':
        return 'help';
      case '--days':
        o.days = int(1, LIMITS.maxDays);
        break;
      case '--resources':
        o.resources = int(1, LIMITS.maxResources);
        break;
      case '--seed':
        o.seed = int(0, 2 ** 31 - 1);
        break;
      case '--port':
        o.port = int(1, 65535);
        break;
      case '--regions': {
        const list = value().split(',').map((r) => r.trim()).filter(Boolean);
        const bad = list.filter((r) => !REGION_PATTERN.test(r));
        if (list.length === 0 || bad.length > 0) throw new UsageError(`--regions: expected AWS regions such as us-east-1,eu-west-1${bad.length ? `, got "${bad.join('", "')}"` : ''}`);
        if (list.length > LIMITS.maxRegions) throw new UsageError(`--regions: at most ${LIMITS.maxRegions} regions`);
        if (new Set(list).size !== list.length) throw new UsageError('--regions: a region is listed twice');
        o.regions = list;
        break;
      }
      case '--out':
        o.outDir = value();
        break;
      case '--interactive':
        o.interactive = true;
        break;
      case '--verbose':
        o.verbose = true;
        break;
      case '--approve':
      case '--reject':
      case '--ignore':
        approvalFlags.push(name);
        o.approval = name.slice(2) as ApprovalChoice;
        break;
      default:
        throw new UsageError(`unknown option "${raw}"`);
    }
    if (inline !== undefined && ['--interactive', '--verbose', '--approve', '--reject', '--ignore', '--realistic-aws'].includes(name)) {
      throw new UsageError(`${name} takes no value`);
    }
  }
  if (approvalFlags.length > 1) throw new UsageError(`choose one of --approve, --reject, --ignore (got ${approvalFlags.join(' ')})`);
  if (o.interactive && approvalFlags.length > 0) throw new UsageError('--interactive lets you decide in the browser; drop --approve/--reject/--ignore');
  return o;
}
