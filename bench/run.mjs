#!/usr/bin/env node
// `npm run bench`: each case against a baseline measured in the same run; prints one table and
// writes bench/results.json. Usage: node bench/run.mjs [case-name ...] [--runs N]
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMarkdown, formatTable } from './lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CASES = ['startup', 'request', 'pages', 'crc', 'events', 'stream', 'memory', 'dedupe'];

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args.splice(runsFlag, 2)[1]) : 5;
const chosen = args.length ? args : CASES;

const env = { ...process.env };
for (const key of Object.keys(env)) if (/^(X_|XCLI_|NGROK_)/.test(key)) delete env[key];

const rows = [];
for (const caseName of chosen) {
  const mod = await import(`./cases/${caseName}.mjs`);
  process.stderr.write(`bench: ${caseName}…\n`);
  try {
    rows.push(...(await mod.run({ xcliBin: resolve(here, '../bin/xcli.js'), env, runs })));
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

const results = { node: process.version, date: new Date().toISOString(), runs, rows };
writeFileSync(resolve(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${formatTable(rows)}\n`);
if (process.env.BENCH_MARKDOWN) process.stdout.write(`\n${formatMarkdown(rows)}\n`);
