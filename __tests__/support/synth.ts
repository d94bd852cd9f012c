/**
 * Synthesizes the real app (main.ts) into a temp dir and returns the parsed cdk.tf.json.
 * Once per test file and configuration: the result is cached in this module.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDeployConfig } from '../../config/load';
import type { DeployConfig } from '../../config/schema';
import { synthesize } from '../../main';
import type { TfJson } from './terraform';

/** What the tests deploy unless told otherwise: two regions and an email, to exercise every branch. */
export const TEST_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  PM_STACK_NAME: 'pm-test',
  PM_REGIONS: 'us-east-1,eu-west-1',
  PM_NOTIFICATION_ENDPOINT: 'ops@example.com',
};

export interface Synthesized {
  tf: TfJson;
  config: DeployConfig;
  outdir: string;
  /** The cdk.tf.json text as written. */
  text: string;
}

const cache = new Map<string, Synthesized>();

/** Synthesizes with `TEST_ENV` plus `env` (PM_* variables; `undefined` unsets one of TEST_ENV), independent of any local config file. */
export function synth(env: Record<string, string | undefined> = {}): Synthesized {
  const merged = { ...TEST_ENV, ...env };
  const key = JSON.stringify(merged);
  const hit = cache.get(key);
  if (hit) return hit;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-synth-'));
  const emptyConfig = path.join(outdir, 'empty.config.json');
  fs.writeFileSync(emptyConfig, '{}');
  const config = loadDeployConfig({ env: { PM_CONFIG_FILE: emptyConfig, ...merged } });
  synthesize(config, { outdir: path.join(outdir, 'cdktf.out'), bundleDir: path.join(outdir, 'dist') });
  const file = path.join(outdir, 'cdktf.out', 'stacks', config.stackName, 'cdk.tf.json');
  const text = fs.readFileSync(file, 'utf8');
  const result = { tf: JSON.parse(text) as TfJson, config, outdir, text };
  cache.set(key, result);
  return result;
}
