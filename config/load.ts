/**
 * Loads the deployment configuration at synth time: config file, then `PM_*` environment
 * variables (which win), then defaults; validated by the one schema in `config/schema.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import {
  CONFIG_KEY_SPECS,
  DEFAULT_BEHAVIOUR,
  DEFAULT_DEPLOY,
  behaviourShape,
  deployConfigSchema,
  deployShape,
  describeIssues,
  type ConfigKey,
  type DeployConfig,
} from './schema';

/** File read when neither `file` nor `PM_CONFIG_FILE` names another one. */
export const DEFAULT_CONFIG_FILE = path.resolve(__dirname, '..', 'personalize-monitor.config.json');
/** Prefix of every configuration environment variable. */
export const ENV_PREFIX = 'PM_';
/** Environment variable that points at another config file. */
export const CONFIG_FILE_ENV = 'PM_CONFIG_FILE';
/** Home region when neither the config nor AWS_REGION / AWS_DEFAULT_REGION says. */
export const FALLBACK_REGION = 'us-east-1';

/** Every key the config file and the environment may set. */
export const CONFIG_KEYS = [...Object.keys(deployShape), ...Object.keys(behaviourShape)] as readonly ConfigKey[];

/** A number in an environment variable: a plain decimal literal (no exponent, hex, Infinity, blanks inside). */
export const ENV_DECIMAL = /^-?\d+(\.\d+)?$/;

/** The configuration is invalid; the message lists every bad field and where it came from. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `idleThresholdHours` → `PM_IDLE_THRESHOLD_HOURS`. */
export function envVarName(key: string): string {
  return ENV_PREFIX + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export interface LoadOptions {
  /** Config file path; default `PM_CONFIG_FILE` or `personalize-monitor.config.json` at the repo root. */
  file?: string;
  env: Record<string, string | undefined>;
}

/**
 * Reads, merges and validates the deployment configuration.
 * @throws ConfigError naming every bad field, its source (file or env var) and the allowed values.
 */
export function loadDeployConfig({ file, env }: LoadOptions): DeployConfig {
  const explicitFile = file ?? env[CONFIG_FILE_ENV];
  const filePath = path.resolve(explicitFile ?? DEFAULT_CONFIG_FILE);
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  const problems: string[] = [];

  if (fs.existsSync(filePath)) {
    const fromFile = readConfigFile(filePath);
    for (const [key, value] of Object.entries(fromFile)) {
      if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
        problems.push(`${key} (file ${filePath}): unknown field; known fields: ${CONFIG_KEYS.join(', ')}`);
        continue;
      }
      values[key] = value;
      sources[key] = `file ${filePath}`;
    }
  } else if (explicitFile !== undefined) {
    throw new ConfigError(`config file ${filePath} does not exist (named by ${file !== undefined ? 'the caller' : CONFIG_FILE_ENV})`);
  }

  const byEnvName = new Map(CONFIG_KEYS.map((k) => [envVarName(k), k]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV || value === undefined) continue;
    const key = byEnvName.get(name);
    if (!key) {
      problems.push(`${name} (environment): unknown variable; known: ${[...byEnvName.keys()].join(', ')}, ${CONFIG_FILE_ENV}`);
      continue;
    }
    const source = `env ${name}=${JSON.stringify(value)}`;
    const converted = fromEnv(name, key, value);
    if ('problem' in converted) {
      problems.push(`${key}: ${converted.problem} (from ${source})`);
      continue;
    }
    values[key] = converted.value;
    sources[key] = source;
  }

  const homeRegion = values.homeRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? FALLBACK_REGION;
  const merged = {
    ...DEFAULT_DEPLOY,
    ...DEFAULT_BEHAVIOUR,
    regions: [homeRegion],
    ...values,
    homeRegion,
  };
  const sourceOf = (key: string) => sources[key] ?? (key === 'homeRegion' ? 'AWS_REGION / AWS_DEFAULT_REGION' : 'default');
  const parsed = deployConfigSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const related = issue.code === z.ZodIssueCode.custom && Array.isArray(issue.params?.related) ? (issue.params.related as string[]) : [];
      const from = [sourceOf(key), ...related.map((k) => `${k} from ${sourceOf(k)}`)].join('; ');
      problems.push(`${describeIssues(new z.ZodError([issue]))} (from ${from})`);
    }
  }
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`invalid deployment configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}

/**
 * Turns a `PM_` variable into the value the schema validates, by the kind of its key: a number key
 * needs a decimal literal; booleans and lists stay strings (the schema reads Yes/No, JSON or CSV).
 * An empty or blank variable is always an error: it must not silently mean 0, false or "none".
 */
function fromEnv(name: string, key: ConfigKey, raw: string): { value: unknown } | { problem: string } {
  const { kind, expected } = CONFIG_KEY_SPECS[key];
  const trimmed = raw.trim();
  if (trimmed === '') return { problem: `${name} is empty: unset it or give ${expected}` };
  if (kind === 'number') {
    if (!ENV_DECIMAL.test(trimmed)) return { problem: `expected ${expected} written as a decimal number (e.g. 12 or 0.5), got ${JSON.stringify(raw)}` };
    return { value: Number(trimmed) };
  }
  return { value: raw };
}

function readConfigFile(filePath: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(filePath, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${filePath} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${filePath} must hold a JSON object of settings`);
  }
  return parsed as Record<string, unknown>;
}
