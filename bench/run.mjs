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

const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));
const rows = [];
for (const caseName of chosen) {
  const mod = await import(`./cases/${caseName}.mjs`);
  process.stderr.write(`bench: ${caseName}…\n`);
  try {
    rows.push(...(await mod.run({ xcliBin: resolve(here, '../bin/xcli.js'), node, env, runs })));
  } catch (error) {
    process.stderr.write(`bench: ${caseName} failed: ${error.message}\n`);
    rows.push({
      case: caseName,
      unit: '',
      xcli: null,
      baseline: null,
      ratio: null,
      target: '–',
      pass: false,
      note: error.message,
    });
  }
}

// The load averages (1, 5, 15 min) say how busy the shared machine was while the figures were taken.
const load = loadavg().map((l) => Number(l.toFixed(2)));
const results = {
  node: nodeVersion,
  date: new Date().toISOString(),
  runs,
  loadAverage: { start: loadAtStart, end: load },
  rows,
};
// One entry per Node major (`v20`, `v22`): a run replaces its own Node's entry and keeps the others.
const resultsFile = resolve(here, 'results.json');
let byNode = {};
try {
  byNode = JSON.parse(readFileSync(resultsFile, 'utf8'));
} catch {
  // No results yet.
}
byNode[nodeVersion.split('.')[0]] = results;
writeFileSync(resultsFile, `${JSON.stringify(byNode, null, 2)}\n`);
process.stdout.write(
  `${formatTable(rows)}\nNode ${nodeVersion}; load average ${loadAtStart[0]} at the start, ${load[0]} at the end\n`,
);
if (process.env.BENCH_MARKDOWN) process.stdout.write(`\n${formatMarkdown(rows)}\n`);
