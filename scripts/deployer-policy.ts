/**
 * Prints the deployer's least-privilege IAM policy (infra/deployer-policy.ts) for a synthesized stack.
 *
 *   npm run deployer-policy -- [--stack <dir or cdk.tf.json>] [--account <12 digits>] [--partition aws]
 *
 * Default stack: the only directory under cdktf.out/stacks (run `npm run synth` first).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployerPolicy, type TfArtifact } from '../infra/deployer-policy';

function fail(message: string): never {
  process.stderr.write(`deployer-policy: ${message}\n`);
  process.exit(1);
}

function args(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!['--stack', '--account', '--partition'].includes(flag)) fail(`unknown argument ${JSON.stringify(flag)}; expected --stack, --account or --partition`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) fail(`${flag} needs a value`);
    out[flag.slice(2)] = value;
  }
  return out;
}

function stackFile(given: string | undefined): string {
  if (given) {
    const p = path.resolve(given);
    const file = fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'cdk.tf.json') : p;
    if (!fs.existsSync(file)) fail(`${file} does not exist (run npm run synth first)`);
    return file;
  }
  const root = path.resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out', 'stacks');
  const stacks = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'cdk.tf.json'))) : [];
  if (stacks.length === 0) fail(`no synthesized stack under ${root}: run npm run synth first`);
  if (stacks.length > 1) fail(`several stacks under ${root} (${stacks.join(', ')}): choose one with --stack`);
  return path.join(root, stacks[0], 'cdk.tf.json');
}

const opts = args(process.argv.slice(2));
const file = stackFile(opts.stack);
let tf: TfArtifact;
try {
  tf = JSON.parse(fs.readFileSync(file, 'utf8')) as TfArtifact;
} catch (err) {
  fail(`${file} is not valid JSON: ${(err as Error).message}`);
}
try {
  process.stdout.write(`${JSON.stringify(deployerPolicy(tf, { account: opts.account, partition: opts.partition }), null, 2)}\n`);
} catch (err) {
  fail((err as Error).message);
}
