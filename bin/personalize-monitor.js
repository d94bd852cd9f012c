#!/usr/bin/env node
/**
 * `personalize-monitor <command>` (package.json "bin"): runs the TypeScript sources through the
 * repository's own tsx (the package is private and not built for publishing).
 * Commands: assess, migrate.
 */
'use strict';
const path = require('node:path');

const COMMANDS = {
  assess: path.join(__dirname, '..', 'assess', 'cli.ts'),
  migrate: path.join(__dirname, '..', 'migrate', 'cli.ts'),
};
const [command, ...args] = process.argv.slice(2);

if (!command || command === '--help' || command === 'help' || !COMMANDS[command]) {
  const known = Object.keys(COMMANDS).join(', ');
  const text = `usage: personalize-monitor <command> [options]\ncommands: ${known} (personalize-monitor <command> --help)\n`;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(text);
    process.exit(0);
  }
  process.stderr.write(`personalize-monitor: unknown command ${JSON.stringify(command)}\n${text}`);
  process.exit(2);
}

require('tsx/cjs/api').register();
const { main } = require(COMMANDS[command]);
main(args, { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => Date.now() }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`personalize-monitor ${command}: unexpected error: ${(err && err.stack) || String(err)}\n`);
    process.exitCode = 1;
  },
);
