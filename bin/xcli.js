#!/usr/bin/env node
// Entry point: the only file that touches the process. `--version` and `--help` are answered here,
// before any module of the CLI loads (the build pre-renders the root help), so they cost little
// more than starting Node.
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : undefined;

function preRenderedHelp() {
  try {
    return readFileSync(new URL('../dist/root-help.txt', import.meta.url));
  } catch {
    return undefined; // an older build: render it at run time
  }
}

const help = only === '--help' || only === '-h' ? preRenderedHelp() : undefined;
if (only === '--version' || only === 'version') {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`xcli ${version}\n`);
} else if (help) {
  process.stdout.write(help);
} else {
  // A closed pipe (`xcli … | head`) is a normal end, not an error.
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const { main } = await import('../dist/cli.js');
  const { systemIO } = await import('../dist/io.js');
  process.exitCode = await main(argv, systemIO(process.env), process.env);
}
