/**
 * Synthesizes the product for the demo's configuration into the demo's own folder (the user's
 * `cdktf.out/` and `dist/` are left alone). Run as a child process: `tsx demo/synth.ts <json>`
 * with `{ outdir, bundleDir, config }`; the config is validated by the one schema.
 */
import { synthesize } from '../main';
import { deployConfigSchema, describeIssues } from '../config/schema';

const arg = process.argv[2];
if (!arg) {
  process.stderr.write('usage: tsx demo/synth.ts \'{"outdir": "...", "bundleDir": "...", "config": {...}}\'\n');
  process.exit(2);
}
const { outdir, bundleDir, config } = JSON.parse(arg) as { outdir: string; bundleDir: string; config: unknown };
const parsed = deployConfigSchema.safeParse(config);
if (!parsed.success) {
  process.stderr.write(`demo config is invalid: ${describeIssues(parsed.error)}\n`);
  process.exit(1);
}
synthesize(parsed.data, { outdir, bundleDir });
