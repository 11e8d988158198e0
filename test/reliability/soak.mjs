#!/usr/bin/env node
// `npm run soak`: the reliability checks of test/reliability at large counts (200,000 events from
// 64 connections, 60,000 events around a kill -9, 25,000 hostile requests, 30,000 command lines,
// stalled clients held until the server's own timeouts close them, 800 stalled 1 MiB bodies beside a
// 20,000-event burst with a CRC probe throughout), then the figures each test
// reported: events/s, p50/p99 latency, peak memory of the server.
// Extra arguments go to vitest, e.g. `npm run soak -- load` for the load test alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'xcli-soak-'));
const report = join(scratch, 'figures.jsonl');
const filters = process.argv.slice(2);

const started = Date.now();
const run = spawnSync(
  process.execPath,
  [vitest, 'run', ...(filters.length ? filters.map((f) => `test/reliability/${f}`) : ['test/reliability']), '--maxWorkers', '1'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, XCLI_SOAK: '1', XCLI_SOAK_REPORT: report },
  },
);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);

const figures = existsSync(report)
  ? readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
rmSync(scratch, { recursive: true, force: true });
process.stdout.write(`\nxcli soak: ${run.status === 0 ? 'all checks passed' : 'FAILED'} in ${minutes} min\n`);
for (const { name, ...values } of figures) {
  process.stdout.write(
    `  ${name}: ${Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}\n`,
  );
}
const load = figures.find((f) => f.name === 'load');
if (load)
  process.stdout.write(
    `\n  ${load.events} signed events from ${load.connections} connections: ${load.eventsPerSecond} events/s, p99 ${load.p99Ms} ms\n`,
  );
process.exit(run.status ?? 1);
