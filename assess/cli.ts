/**
 * `npm run assess -- [options]` / `personalize-monitor assess [options]`: a read-only look at an
 * account before anything is deployed. Exit 0 done, 1 credentials/permission/throttling (or a
 * region that could not be listed), 2 bad flag or value. `main` takes its world injected.
 */
import * as fs from 'node:fs';
import { cachingClients, type Clients } from '../tasks/aws/clients';
import { readOnlyClients } from '../tasks/aws/read-only';
import { assess, reportJson } from './assess';
import { parseArgs, resolveAssess, usage, UsageError } from './options';
import { assessPolicyText } from './policy';
import { ProgressBar, type ProgressStream } from './progress';
import { reportHtml, reportText } from './render';

export interface CliWorld {
  stdout: ProgressStream;
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
  /** Wall clock (epoch ms); `--now` overrides it. */
  now(): number;
  /** Default: read-only caching clients on the default credential chain. */
  clients?: Clients;
  writeFile?: (file: string, text: string) => void;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export async function main(argv: readonly string[], world: CliWorld): Promise<number> {
  const out = (s: string) => world.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  const err = (s: string) => world.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
  let options;
  let resolved;
  try {
    options = parseArgs(argv);
    if (options.help) {
      out(usage());
      return EXIT.ok;
    }
    if (options.printPolicy) {
      out(assessPolicyText());
      return EXIT.ok;
    }
    resolved = resolveAssess(options, world.env, world.now());
  } catch (e) {
    if (e instanceof UsageError) {
      err(`assess: ${e.message}\n\n${usage()}`);
      return EXIT.usage;
    }
    throw e;
  }

  const bar = new ProgressBar(world.stderr, resolved.regions, options.progress && !!world.stderr.isTTY);
  const report = await assess(
    { regions: resolved.regions, run: resolved.run },
    { clients: world.clients ?? readOnlyClients(cachingClients()), now: resolved.now, onProgress: (e) => bar.update(e) },
  );
  bar.finish();

  if (report.fatal.length > 0) {
    for (const p of report.fatal) err(`assess: ${p.message}`);
    return EXIT.failed;
  }
  const write = world.writeFile ?? ((file: string, text: string) => fs.writeFileSync(file, text));
  try {
    if (options.json) write(options.json, JSON.stringify(reportJson(report), null, 2) + '\n');
    if (options.html) write(options.html, reportHtml(report));
  } catch (e) {
    err(`assess: could not write the report: ${(e as Error).message}`);
    return EXIT.failed;
  }
  out(reportText(report));
  if (options.json) out(`JSON report: ${options.json}`);
  if (options.html) out(`HTML report: ${options.html}`);
  const failedRegions = report.regions.filter((g) => g.error);
  for (const g of failedRegions) err(`assess: region ${g.region} could not be listed: ${g.error}`);
  return failedRegions.length > 0 ? EXIT.failed : EXIT.ok;
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => Date.now() }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`assess: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
