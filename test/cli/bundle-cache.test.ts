// bin/xcli.js runs dist/cli.cjs from V8's code cache (bin/load-bundle.js). A missing, corrupt or
// foreign cache must only cost speed: the command still works and the cache is written afresh.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '../..');

/** A copy of the installed package (bin, the bundle, package.json) whose cache the test may spoil. */
function packageCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xcli-bundle-'));
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  for (const file of ['cli.cjs', 'cli.cjs.cache', 'root-help.txt']) cpSync(join(root, 'dist', file), join(dir, 'dist', file));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function run(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'xcli.js'), ...args], { env: cleanEnv(env), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the bundle and its code cache', () => {
  const dryRun = ['/2/tweets/20', '--dry-run'];
  const env = { X_BEARER_TOKEN: 'cache-test-token', XCLI_CONFIG_DIR: '/nonexistent/xcli-cache-test' };

  it('runs with the cache the build wrote, and leaves it alone', () => {
    const dir = packageCopy();
    dirs.push(dir);
    const before = readFileSync(join(dir, 'dist', 'cli.cjs.cache'));
    const r = run(dir, dryRun, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('GET http');
    expect(readFileSync(join(dir, 'dist', 'cli.cjs.cache')).equals(before)).toBe(true);
  });

  it('runs without a cache or with a corrupt one, and writes a good one', () => {
    const dir = packageCopy();
    dirs.push(dir);
    const cache = join(dir, 'dist', 'cli.cjs.cache');
    const expected = run(dir, dryRun, env).stdout;
    for (const spoil of [() => rmSync(cache), () => writeFileSync(cache, 'not a V8 code cache')]) {
      spoil();
      const r = run(dir, dryRun, env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(expected);
      expect(existsSync(cache) && readFileSync(cache).length).toBeGreaterThan(10_000);
    }
  });

  it('loads the packages left out of the bundle (conf for the store) from cached code', () => {
    const dir = packageCopy();
    dirs.push(dir);
    const config = join(dir, 'config');
    const saved = run(dir, ['auth', 'app', '--bearer-token', 'stored-token'], { XCLI_CONFIG_DIR: config });
    expect(saved.stderr).toMatch(/^Saved the bearer token to app 'default'/);
    expect(saved.code).toBe(0);
    expect(JSON.parse(readFileSync(join(config, 'config.json'), 'utf8')).apps.default.bearerToken).toBe('stored-token');
  });

  it('says in one line when the build is missing or broken', () => {
    const dir = packageCopy();
    dirs.push(dir);
    rmSync(join(dir, 'dist', 'cli.cjs'));
    const missing = run(dir, dryRun, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^xcli: not built \(.*cli\.cjs is missing\): run \.\/install\.sh or npm run build\n$/);
    writeFileSync(join(dir, 'dist', 'cli.cjs'), 'this is not JavaScript(');
    const broken = run(dir, dryRun, env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^xcli: cannot start: .*\(set XCLI_DEBUG=1 for details\)\n$/);
  });
});
