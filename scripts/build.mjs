#!/usr/bin/env node
// Builds dist/ from src/ with tsc. tsc writes to a fresh temporary folder that then replaces dist/
// in two renames, so removed sources leave no stale modules and a bin/xcli.js started during a
// build never finds dist/ half written or missing.
import { renameSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist');
const fresh = resolve(root, `.dist-build-${process.pid}`);
const old = resolve(root, `.dist-old-${process.pid}`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(fresh, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', resolve(root, 'tsconfig.json'), '--outDir', fresh], { stdio: 'inherit' });
try {
  renameSync(dist, old);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
renameSync(fresh, dist);
rmSync(old, { recursive: true, force: true });
process.exit(result.status ?? 1);
