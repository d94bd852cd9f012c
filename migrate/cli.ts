/**
 * `npm run migrate -- --dry-run [--regions r1,r2] [--json FILE] [--config FILE] [--stack NAME]`:
 * lists what the original sample (aws-samples/amazon-personalize-monitor) left in the account –
 * its CloudFormation stack, functions, rules, topics, alarms and dashboard – and what replaces
 * each in our deployment. Read only by construction (tasks/aws/read-only.ts refuses every
 * operation that is not List*, Describe* or Get* before it is sent); it never deletes anything:
 * without --dry-run it refuses before making a single call.
 *
 * Exit codes: 0 listed; 1 config invalid, credentials missing, a read denied (the listing is
 * printed, marked incomplete) or another AWS error; 2 usage (bad option, or no --dry-run).
 */
import * as fs from 'node:fs';
import { ConfigError, loadDeployConfig } from '../config/load';
import { REGION_PATTERN, type DeployConfig } from '../config/schema';
import { readOnly, readOnlyClients } from '../tasks/aws/read-only';
import { describeError } from '../tasks/aws/errors';
import { ORIGINAL_NAMES } from './original';
import { renderReport } from './render';
import { CredentialsError, scan, type MigrateClients } from './scan';

export const USAGE = `usage: npm run migrate -- --dry-run [--regions r1,r2] [--json FILE] [--config FILE] [--stack NAME]...
  --dry-run        required: list the original's resources and what replaces them (nothing is changed)
  --regions r1,r2  regions to scan (default: homeRegion and regions of the deploy config)
  --json FILE      also write the listing as JSON to FILE
  --config FILE    deploy config file (default: PM_CONFIG_FILE or personalize-monitor.config.json)
  --stack NAME     also examine this stack (repeatable), e.g. one deployed from an edited template
`;

export const REFUSAL =
  `migrate only lists; remove the original stack with \`aws cloudformation delete-stack --region <its region> --stack-name <its name, often ${ORIGINAL_NAMES.sarStackName}>\` ` +
  '(or delete the application in the Lambda console, Applications), then remove what it leaves behind as `npm run migrate -- --dry-run` lists. See MIGRATING.md.\n';

export interface CliOptions {
  dryRun: boolean;
  regions?: string[];
  json?: string;
  config?: string;
  stacks: string[];
}

/** Thrown for a bad command line (exit 2 with the usage). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses the arguments after `--`. @throws UsageError naming the problem. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { dryRun: false, stacks: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--dry-run':
        if (inline !== undefined) throw new UsageError('--dry-run takes no value');
        options.dryRun = true;
        break;
      case '--regions': {
        if (options.regions) throw new UsageError('--regions given twice');
        const regions = value().split(',').map((r) => r.trim()).filter(Boolean);
        const bad = regions.filter((r) => !REGION_PATTERN.test(r));
        if (regions.length === 0 || bad.length) throw new UsageError(`--regions: expected AWS regions such as us-east-1,eu-west-1${bad.length ? `, got ${bad.map((b) => JSON.stringify(b)).join(', ')}` : ''}`);
        options.regions = [...new Set(regions)];
        break;
      }
      case '--json':
        if (options.json) throw new UsageError('--json given twice');
        options.json = value();
        break;
      case '--config':
        if (options.config) throw new UsageError('--config given twice');
        options.config = value();
        break;
      case '--stack': {
        const name = value();
        if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) throw new UsageError(`--stack: ${JSON.stringify(name)} is not a stack name (a letter, then letters, digits or hyphens)`);
        options.stacks.push(name);
        break;
      }
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return options;
}

/** Where text goes: a function, or a stream such as process.stdout (bin/personalize-monitor.js passes streams). */
export type Output = ((text: string) => void) | { write(text: string): unknown };

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: Output;
  stderr: Output;
  /** The clients to read with (default: read-only clients of the SDK's default credentials and endpoint). */
  clients?: () => MigrateClients;
}

const writer = (out: Output) => (text: string) => {
  if (typeof out === 'function') out(text);
  else out.write(text);
};

/** Runs the command; resolves with the exit code. */
export async function main(argv: readonly string[], cli: CliIo): Promise<number> {
  const io = { ...cli, stdout: writer(cli.stdout), stderr: writer(cli.stderr) };
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`migrate: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (!options.dryRun) {
    io.stderr(REFUSAL);
    return 2;
  }
  let config: DeployConfig;
  try {
    config = loadDeployConfig({ file: options.config, env: io.env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`migrate: the deploy config is needed to name what replaces the original's resources: ${err.message}\n`);
    return 1;
  }
  const regions = options.regions ?? [...new Set([config.homeRegion, ...config.regions])];
  // Whatever clients it is given (tests inject their own), migrate reads through the guard.
  const given = io.clients?.();
  const clients: MigrateClients = given
    ? { cloudformation: (r) => readOnly(given.cloudformation(r)), cloudwatch: (r) => readOnly(given.cloudwatch(r)), events: (r) => readOnly(given.events(r)), sns: (r) => readOnly(given.sns(r)) }
    : readOnlyClients();
  let report;
  try {
    report = await scan(clients, { regions, config, stackNames: options.stacks });
  } catch (err) {
    if (err instanceof CredentialsError) io.stderr(`migrate: ${err.message}\n`);
    else io.stderr(`migrate failed, nothing was changed: ${describeError(err)}\n`);
    return 1;
  }
  io.stdout(renderReport(report));
  if (options.json) {
    try {
      fs.writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    } catch (err) {
      io.stderr(`migrate: cannot write ${options.json}: ${(err as Error).message}\n`);
      return 1;
    }
  }
  if (report.problems.length) {
    io.stderr(`migrate: access denied for ${[...new Set(report.problems.map((p) => p.permission))].join(', ')}; the listing is incomplete\n`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`migrate failed, nothing was changed: ${describeError(err)}\n`);
      process.exitCode = 1;
    },
  );
}
