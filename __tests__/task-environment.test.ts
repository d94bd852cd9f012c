/**
 * Each function gets only the environment its task declares (spec.ts `environment`), the code
 * reads nothing undeclared, declares nothing it does not read, and reads it one way
 * (tasks/shared/task-env.ts `taskEnv`, or build-dashboard's injected map of declared names).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '../tasks/shared/errors';
import { TASKS } from '../tasks/registry';
import { TASK_ENV, taskEnv } from '../tasks/shared/task-env';
import { synth } from './support/synth';
import { resourcesOf } from './support/terraform';

const REPO = path.resolve(__dirname, '..');
// healthCheck on: every task of the registry is deployed (the canary only then).
const { tf, outdir, config } = synth({ PM_CAMPAIGN_ARNS: 'arn:aws:personalize:us-east-1:123456789012:campaign/c', PM_HEALTH_CHECK: 'on' });

/** The PM_ names in a task's bundle. */
function bundleNames(task: string): Set<string> {
  const dir = path.join(outdir, 'dist', task);
  const code = fs.readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  return new Set([...code.matchAll(/\bPM_[A-Z][A-Z0-9_]*\b/g)].map((m) => m[0]));
}

/** The task's own sources except its spec. */
function ownSources(task: string): string {
  const dir = path.join(REPO, 'tasks', task);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'spec.ts').map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

describe('per-function environment', () => {
  it.each(TASKS.map((t) => [t.name, t] as const))('%s: its function gets only what it declares, its code reads only that, and uses every declared one', (name, spec) => {
    for (const n of bundleNames(name)) expect(spec.environment).toContain(n);
    const sources = ownSources(name);
    for (const n of spec.environment) expect(sources).toContain(`'${n}'`);
    const fn = resourcesOf(tf, 'aws_lambda_function').find((f) => f.body.function_name === `${config.stackName}-${name}`)!;
    const vars = Object.keys((fn.body.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}).filter((k) => k.startsWith('PM_'));
    // Set only when there is a value: recommenderArns is "all" here, and nobody sets the MONITOR ARN.
    expect(vars.sort()).toEqual(spec.environment.filter((v) => v !== 'PM_RECOMMENDER_ARNS' && v !== 'PM_MONITOR_STATE_MACHINE_ARN').sort());
  });

  it('no task reads process.env for a PM_ variable directly', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /process\.env(\.PM_|\[['"]PM_)/.test(fs.readFileSync(p, 'utf8'))) offenders.push(path.relative(REPO, p));
      }
    };
    walk(path.join(REPO, 'tasks'));
    expect(offenders).toEqual([]);
  });

  it('every variable of the catalogue is declared by some task', () => {
    const used = new Set(TASKS.flatMap((t) => t.environment));
    expect(Object.keys(TASK_ENV).filter((k) => !used.has(k as never))).toEqual([]);
  });

  it('taskEnv refuses an undeclared variable and names a missing required one', () => {
    const env = taskEnv({ name: 'collect', environment: ['PM_ALARM_TOPIC_ARNS'] }, { PM_ALARM_TOPIC_ARNS: ' {} ', PM_HOME_REGION: 'us-east-1' });
    expect(env.optional('PM_ALARM_TOPIC_ARNS')).toBe('{}');
    expect(() => env.optional('PM_HOME_REGION')).toThrow(/task collect reads PM_HOME_REGION, which its spec.ts does not declare/);
    const empty = taskEnv({ name: 'approval', environment: ['PM_APPROVALS_TABLE'] }, { PM_APPROVALS_TABLE: '  ' });
    expect(() => empty.required('PM_APPROVALS_TABLE')).toThrow(ConfigurationError);
    expect(() => empty.required('PM_APPROVALS_TABLE')).toThrow('environment variable PM_APPROVALS_TABLE is not set');
  });
});
