/**
 * `npm run demo -- [options]`: the offline demo. Bad options print the usage and exit with 2;
 * a failure of the demo itself exits with 1 and says what failed.
 */
import '../runner/polyfills';
import { parseOptions, USAGE, UsageError } from './options';
import { runDemo } from './run';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`demo: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  await runDemo(options, { line: (s = '') => process.stdout.write(`${s}\n`) });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`demo failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
