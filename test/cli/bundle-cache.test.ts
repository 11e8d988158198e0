// bin/xcli.js runs dist/cli.cjs with a per-user code cache (src/startup/load-bundle.cjs): on Node 20
// V8's code cache by hand, on Node >= 22.1 Node's compile cache. A missing, corrupt or foreign cache
// must only cost speed: the command still works and the cache is written afresh.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
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
  for (const file of ['cli.cjs', 'load-bundle.cjs', 'root-help.txt']) cpSync(join(root, 'dist', file), join(dir, 'dist', file));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** The per-user cache folder of a package copy (XCLI_CACHE_DIR). */
const cacheDirOf = (dir: string): string => join(dir, 'user-cache');
const codeCaches = (dir: string): string[] => {
  try {
    return readdirSync(cacheDirOf(dir)).filter((f) => f.endsWith('.cache'));
  } catch {
    return [];
  }
};
const NODE_20_PATH = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache !== 'function';

function run(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'xcli.js'), ...args], {
    env: cleanEnv({ XCLI_CACHE_DIR: cacheDirOf(dir), ...env }),
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the bundle and its code cache', () => {
  const dryRun = ['/2/tweets/20', '--dry-run'];
  const env = { X_BEARER_TOKEN: 'cache-test-token', XCLI_CONFIG_DIR: '/nonexistent/xcli-cache-test' };

  it('makes its cache on first run in the per-user folder, then runs from it and leaves it alone', () => {
    const dir = packageCopy();
    dirs.push(dir);
    const first = run(dir, dryRun, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('GET http');
    if (!NODE_20_PATH) {
      expect(readdirSync(join(cacheDirOf(dir), 'compile-cache')).length).toBeGreaterThan(0);
      return;
    }
    const [cache] = codeCaches(dir);
    expect(cache).toMatch(/^bundle-[0-9a-f]{8}-[0-9a-f]{8}\.cache$/);
    const before = readFileSync(join(cacheDirOf(dir), cache!));
    expect(run(dir, dryRun, env).stdout).toBe(first.stdout);
    expect(readFileSync(join(cacheDirOf(dir), cache!)).equals(before)).toBe(true);
  });

  it.runIf(NODE_20_PATH)('runs with a corrupt cache, or one of an earlier build, and writes a good one in its place', () => {
    const dir = packageCopy();
    dirs.push(dir);
    const expected = run(dir, dryRun, env).stdout;
    const [cache] = codeCaches(dir);
    writeFileSync(join(cacheDirOf(dir), cache!), 'not a V8 code cache');
    const r = run(dir, dryRun, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(readFileSync(join(cacheDirOf(dir), cache!)).length).toBeGreaterThan(10_000);
    // A rebuilt bundle (another identity on disk) gets its own cache; the old one is removed.
    const bundle = join(dir, 'dist', 'cli.cjs');
    writeFileSync(bundle, readFileSync(bundle));
    expect(run(dir, dryRun, env).stdout).toBe(expected);
    expect(codeCaches(dir)).toHaveLength(1);
    expect(codeCaches(dir)[0]).not.toBe(cache);
  });

  it('runs when the cache folder cannot be written', () => {
    const dir = packageCopy();
    dirs.push(dir);
    writeFileSync(join(dir, 'not-a-folder'), '');
    const r = run(dir, dryRun, { ...env, XCLI_CACHE_DIR: join(dir, 'not-a-folder', 'cache') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
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
