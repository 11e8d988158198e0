#!/usr/bin/env node
// Entry point: the only file that touches the process. `--version` is answered here, before any
// module of the CLI loads, so a version check costs no more than starting Node.
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`xcli ${version}\n`);
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
