/**
 * Command line of `assess`: flags → options, the behaviour resolved exactly as a MONITOR run
 * resolves it (config file + PM_* variables via `loadDeployConfig`, then the flags as per-run
 * overrides through `resolveRun`). Every bad flag or value is a `UsageError` naming it (exit 2).
 */
import { ConfigError, ENV_DECIMAL, loadDeployConfig } from '../config/load';
import { behaviourSchema, behaviourShape, CONFIG_KEY_SPECS, describeIssues, type Behaviour } from '../config/schema';
import type { RunContext } from '../core/contracts/run';
import { resolveRun } from '../tasks/validate-input/validate';
import { z } from 'zod';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type BehaviourKey = keyof typeof behaviourShape;

/** `idleThresholdHours` → `idle-threshold-hours`. */
export function flagName(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Short aliases of behaviour flags. */
export const FLAG_ALIASES: Readonly<Record<string, BehaviourKey>> = { 'idle-hours': 'idleThresholdHours' };

/** Behaviour keys that are no flags: regions has its own flag. */
const NOT_FLAGS = new Set<string>(['regions']);

/** Every behaviour flag (derived from the schema, never listed twice). */
export const BEHAVIOUR_FLAGS: Readonly<Record<string, BehaviourKey>> = {
  ...Object.fromEntries((Object.keys(behaviourShape) as BehaviourKey[]).filter((k) => !NOT_FLAGS.has(k)).map((k) => [flagName(k), k])),
  ...FLAG_ALIASES,
};

export interface CliOptions {
  help: boolean;
  printPolicy: boolean;
  regions?: string[];
  config?: string;
  json?: string;
  html?: string;
  /** Evaluation instant (ISO-8601); default now. */
  now?: string;
  /** false: no progress bar even on a TTY. */
  progress: boolean;
  /** Behaviour overrides from flags, as the schema takes them (numbers converted). */
  overrides: Partial<Record<BehaviourKey, unknown>>;
}

const VALUE_FLAGS = new Set(['regions', 'config', 'json', 'html', 'now']);

export function usage(): string {
  const behaviour = Object.entries(BEHAVIOUR_FLAGS)
    .filter(([flag]) => !(flag in FLAG_ALIASES))
    .map(([flag, key]) => `  --${flag} <${CONFIG_KEY_SPECS[key].expected}>`);
  return [
    'usage: personalize-monitor assess [options]      (npm run assess -- [options])',
    '',
    'Read-only assessment of the Personalize campaigns and recommenders of an account, with the',
    "MONITOR's own decisions. Uses the default AWS credential chain; sends only List*, Describe* and Get* calls.",
    '',
    '  --regions a,b          regions to assess (default: the config\'s regions)',
    '  --config FILE          config file (default: PM_CONFIG_FILE or personalize-monitor.config.json)',
    '  --json FILE            also write the report as JSON',
    '  --html FILE            also write an HTML report with a utilization chart per resource',
    '  --now ISO-8601         evaluate as of this instant (default: now)',
    '  --no-progress          no progress bar on stderr',
    '  --print-policy         print the minimal IAM policy assess needs, and exit',
    '  --help                 this text',
    '',
    'Behaviour (default: the config file and PM_* variables):',
    '  --idle-hours N         alias of --idle-threshold-hours',
    ...behaviour,
    '',
    'Exit: 0 done; 1 credentials, permission or throttling problem; 2 bad flag or value.',
  ].join('\n');
}

/** Parses `argv` (the arguments after `assess`). @throws UsageError */
export function parseArgs(argv: readonly string[]): CliOptions {
  const out: CliOptions = { help: false, printPolicy: false, progress: true, overrides: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: options start with --`);
    const eq = arg.indexOf('=');
    const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).trim();
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (optional = false): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        if (optional) return undefined;
        throw new UsageError(`--${name} needs a value`);
      }
      i++;
      return next;
    };
    if (name === 'help' || name === 'print-policy' || name === 'no-progress') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      if (name === 'help') out.help = true;
      else if (name === 'print-policy') out.printPolicy = true;
      else out.progress = false;
      continue;
    }
    if (VALUE_FLAGS.has(name)) {
      const value = takeValue()!;
      if (value.trim() === '') throw new UsageError(`--${name} needs a value, got an empty one`);
      if (name === 'regions') {
        const parsed = behaviourShape.regions.safeParse(value);
        if (!parsed.success) throw new UsageError(`--regions ${JSON.stringify(value)}: ${issues(parsed.error)}`);
        out.regions = parsed.data;
      } else if (name === 'now') {
        if (!Number.isFinite(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw new UsageError(`--now ${JSON.stringify(value)}: expected an ISO-8601 time such as 2025-06-02T00:10:00Z`);
        out.now = new Date(Date.parse(value)).toISOString();
      } else {
        out[name as 'config' | 'json' | 'html'] = value;
      }
      continue;
    }
    const key = BEHAVIOUR_FLAGS[name];
    if (!key) throw new UsageError(`unknown option --${name}; see --help`);
    const spec = CONFIG_KEY_SPECS[key];
    const raw = spec.kind === 'boolean' ? (takeValue(true) ?? 'true') : takeValue()!;
    let value: unknown = raw;
    if (spec.kind === 'number') {
      if (!ENV_DECIMAL.test(raw.trim())) throw new UsageError(`--${name} ${JSON.stringify(raw)}: expected ${spec.expected}`);
      value = Number(raw.trim());
    }
    const checked = (behaviourShape[key] as z.ZodTypeAny).safeParse(value);
    if (!checked.success) throw new UsageError(`--${name} ${JSON.stringify(raw)}: ${issues(checked.error)}`);
    if (key in out.overrides) throw new UsageError(`--${name} given twice (or with its alias)`);
    out.overrides[key] = value;
  }
  return out;
}

function issues(error: z.ZodError): string {
  // describeIssues names the field `(input)` for a bare value: drop that prefix.
  return describeIssues(error).replace(/^\(input\): /, '').replace(/; \(input\): /g, '; ');
}

/**
 * A placeholder for notificationEndpoint while loading the config: assess sends no email, and
 * the deployment's check "approval modes need an endpoint" must not stop a read-only look.
 */
export const ASSESS_NOTIFICATION_PLACEHOLDER = 'assess-sends-no-email@example.com';

/**
 * The deploy config as the deployment would load it. Only when it fails for the one reason that
 * does not matter to a read-only look (approval modes without a notificationEndpoint) is it
 * loaded again with the placeholder endpoint; a configured endpoint is kept (and checked).
 */
function loadAssessConfig(file: string | undefined, env: Record<string, string | undefined>) {
  try {
    return loadDeployConfig({ file, env });
  } catch (err) {
    const onlyEndpointMissing = err instanceof ConfigError && err.message.includes('notificationEndpoint, which is empty') && env.PM_NOTIFICATION_ENDPOINT === undefined;
    if (!onlyEndpointMissing) throw err;
    return loadDeployConfig({ file, env: { ...env, PM_NOTIFICATION_ENDPOINT: ASSESS_NOTIFICATION_PLACEHOLDER } });
  }
}

export interface ResolvedAssess {
  regions: string[];
  run: RunContext;
  now: number;
}

/**
 * The behaviour of the assessment: the config (file + PM_* variables, `loadDeployConfig`),
 * `--regions` instead of the config's regions, the flags as run overrides (`resolveRun`).
 * @throws UsageError for a bad config or value.
 */
export function resolveAssess(options: CliOptions, env: Record<string, string | undefined>, clockNow: number): ResolvedAssess {
  let config;
  try {
    config = loadAssessConfig(options.config, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const behaviour = Object.fromEntries(Object.keys(behaviourShape).map((k) => [k, (config as Record<string, unknown>)[k]])) as Behaviour;
  const defaults = { ...behaviour, regions: options.regions ?? behaviour.regions };
  const checked = behaviourSchema.safeParse(defaults);
  if (!checked.success) throw new UsageError(`${options.regions ? '--regions with the config' : 'config'}: ${describeIssues(checked.error)}`);
  const now = options.now ? Date.parse(options.now) : clockNow;
  try {
    const { run, regions } = resolveRun({ defaults: checked.data, input: options.overrides, startedAt: new Date(now).toISOString(), executionName: 'assess' });
    return { run, regions, now };
  } catch (err) {
    const message = (err as Error).message.replace(/\b([a-z][A-Za-z]+):/g, (m, key: string) => (key in behaviourShape ? `--${flagName(key)}:` : m));
    throw new UsageError(message);
  }
}
