#!/usr/bin/env node
// `npm run bench`: each case against a baseline measured in the same run; prints one table and
// writes bench/results.json. Usage: node bench/run.mjs [case-name ...] [--runs N] [--node PATH]
// `--node PATH` (or XCLI_BENCH_NODE=PATH) runs xcli and the Node baselines with that Node binary
// (default: the Node running this script); the fake X API and load generators stay on this one.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMarkdown, formatTable } from './lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CASES = ['startup', 'request', 'pages', 'crc', 'events', 'stream', 'memory', 'dedupe'];

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args.splice(runsFlag, 2)[1]) : 5;
const nodeFlag = args.indexOf('--node');
const node = nodeFlag >= 0 ? args.splice(nodeFlag, 2)[1] : process.env.XCLI_BENCH_NODE || process.execPath;
const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
const chosen = args.length ? args : CASES;

const env = { ...process.env };
for (const key of Object.keys(env)) if (/^(X_|XCLI_|NGROK_)/.test(key)) delete env[key];

/** The load averages (1, 5, 15 min): how busy the shared machine was while the figures were taken. */
const loadAverage = () => loadavg().map((l) => Number(l.toFixed(2)));
const loadAtStart = loadAverage();
const rows = [];
/** Per case: its rows, when and under what load they were measured. */
const measured = {};
for (const caseName of chosen) {
  const mod = await import(`./cases/${caseName}.mjs`);
  process.stderr.write(`bench: ${caseName}…\n`);
  const before = loadAverage();
  let caseRows;
  try {
    caseRows = await mod.run({ xcliBin: resolve(here, '../bin/xcli.js'), node, env, runs });
  } catch (error) {
    process.stderr.write(`bench: ${caseName} failed: ${error.message}\n`);
    caseRows = [
      { case: caseName, unit: '', xcli: null, baseline: null, ratio: null, target: '–', pass: false, note: error.message },
    ];
  }
  rows.push(...caseRows);
  measured[caseName] = {
    node: nodeVersion,
    date: new Date().toISOString(),
    runs,
    loadAverage: { start: before, end: loadAverage() },
    rows: caseRows,
  };
}
const load = loadAverage();

// Per Node major (`v20`, `v22`), per case: a run replaces the cases it ran and keeps the others.
const resultsFile = resolve(here, 'results.json');
let byNode = {};
try {
  byNode = JSON.parse(readFileSync(resultsFile, 'utf8'));
} catch {
  // No results yet.
}
const major = nodeVersion.split('.')[0];
byNode[major] = { ...byNode[major], ...measured };
writeFileSync(resultsFile, `${JSON.stringify(byNode, null, 2)}\n`);
process.stdout.write(
  `${formatTable(rows)}\nNode ${nodeVersion}; load average ${loadAtStart[0]} at the start, ${load[0]} at the end\n`,
);
if (process.env.BENCH_MARKDOWN) process.stdout.write(`\n${formatMarkdown(rows)}\n`);
