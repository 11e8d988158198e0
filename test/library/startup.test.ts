// Issue 15 item 7: the start-up machinery's promises that a version bump could silently break.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without declarations
import { UNDICI_DEEP_PATHS } from '../../src/startup/bundle.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(join(ROOT, 'package.json'));

describe('start-up machinery', () => {
  it('imports undici by deep paths that exist in the exact version package.json pins', () => {
    const pinned = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies.undici as string;
    expect(pinned, 'undici must be pinned to an exact version: src/net/ imports files inside it').toMatch(/^\d+\.\d+\.\d+$/);
    expect(require('undici/package.json').version).toBe(pinned);
    const imported = new Set<string>();
    for (const dir of ['src/http', 'src/net'])
      for (const file of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
        for (const m of readFileSync(join(ROOT, dir, file), 'utf8').matchAll(/(?:from |import\()'(undici\/[^']+)'/g))
          imported.add(m[1]!);
      }
    expect([...imported].sort()).toEqual([...UNDICI_DEEP_PATHS].sort());
    for (const path of UNDICI_DEEP_PATHS as string[]) {
      let loaded: unknown;
      try {
        loaded = require(path);
      } catch (error) {
        throw new Error(
          `undici ${pinned} has no ${path} (${(error as Error).message}): undici moved its files; update src/net/ and UNDICI_DEEP_PATHS`,
        );
      }
      expect(['function', 'object']).toContain(typeof loaded); // a class, request(), or a module object
    }
  });

  it('on a Node with module.enableCompileCache, runs the bundle through it in the per-user folder', () => {
    // Node 20 has no compile cache: give it one that records its folder, as Node >= 22.1 would use it.
    const script = `
      const Module = require('node:module');
      let folder;
      Module.enableCompileCache = (dir) => { folder = dir; };
      const { loadBundle } = require(${JSON.stringify(join(ROOT, 'dist/load-bundle.cjs'))});
      const { exports: cli } = loadBundle(${JSON.stringify(join(ROOT, 'dist/cli.cjs'))}, { cacheDir: '/tmp/xcli-cache-test' });
      console.log(folder, typeof cli.main, require.cache[${JSON.stringify(join(ROOT, 'dist/cli.cjs'))}] !== undefined);
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('/tmp/xcli-cache-test/compile-cache function true\n');
  });
});
