#!/usr/bin/env node
// Entry point: the only file that touches the process. `--version` and `--help` are answered here,
// before any module of the CLI loads (the build pre-renders the root help), so they cost no more
// than starting Node. This file is CommonJS (bin/package.json): Node starts a CommonJS entry without
// setting up its ESM loader, which neither the fast paths nor the bundled CLI (dist/cli.cjs) need.
'use strict';
const { existsSync, readFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : undefined;

function preRenderedHelp() {
  try {
    return readFileSync(join(root, 'dist', 'root-help.txt'));
  } catch {
    return undefined; // an older build: render it at run time
  }
}

async function run() {
  // A closed pipe (`xcli … | head`) is a normal end, not an error.
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    // A command watching stdout (webhook start) stops cleanly itself; otherwise one line, no stack.
    if (process.stdout.listenerCount('error') > 1) return;
    process.stderr.write(`xcli: cannot write to stdout (${error.code || error.message})\n`);
    process.exit(1);
  });
  const bundle = join(root, 'dist', 'cli.cjs');
  if (!existsSync(bundle)) {
    process.stderr.write(`xcli: not built (${bundle} is missing): run ./install.sh or npm run build\n`);
    process.exitCode = 1;
    return;
  }
  // The start-up machinery and its contract: src/startup/README.md.
  const { loadBundle } = require(join(root, 'dist', 'load-bundle.cjs'));
  const { exports: cli, saveCache } = loadBundle(bundle);
  // Packages outside the bundle load through this file's import() (see src/startup/external.ts).
  cli.setImporter((specifier) => import(specifier));
  process.exitCode = await cli.main(argv, cli.systemIO(process.env), process.env);
  saveCache();
}

const help = only === '--help' || only === '-h' || only === 'help' ? preRenderedHelp() : undefined;
if (only === '--version' || only === 'version') {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // One write to fd 1: creating process.stdout (a stream, and its modules) cost more than the rest
  // of --version. A closed pipe ends quietly; a non-blocking stdout that is full takes the stream.
  try {
    writeSync(1, `xcli ${version}\n`);
  } catch (error) {
    if (error.code !== 'EPIPE') process.stdout.write(`xcli ${version}\n`);
  }
} else if (help) {
  process.stdout.write(help);
} else {
  // main() reports every error itself; this is for a broken install (one line, the stack on request).
  run().catch((error) => {
    process.stderr.write(
      `xcli: cannot start: ${error.message.split('\n')[0]}${process.env.XCLI_DEBUG ? `\n${error.stack}` : ' (set XCLI_DEBUG=1 for details)'}\n`,
    );
    process.exitCode = 1;
  });
}
