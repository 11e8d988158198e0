// Runs dist/cli.cjs, the bundled CLI, with its compiled code cached per user (see README.md here):
// compiling the ~750 KB bundle on every start cost more than running it (docs/performance.md).
// - Node >= 22.1: Node's own compile cache (module.enableCompileCache) and a plain require().
// - Node 20: V8's code cache by hand, through vm.Script, since Node 20 has no compile cache and the
//   v8-compile-cache package cannot run code that calls import().
// The cache is made on this machine, by this Node, on first run: a published package ships none.
'use strict';
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const Module = require('node:module');
const { setFlagsFromString } = require('node:v8');

/** Where caches go: XCLI_CACHE_DIR, else the platform's per-user cache folder. */
function cacheDirOf(env = process.env, platform = process.platform) {
  if (env.XCLI_CACHE_DIR) return env.XCLI_CACHE_DIR;
  const home = env.HOME || homedir();
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'xcli', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'xcli');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'xcli');
}

/** FNV-1a: a cache file name per bundle without loading node:crypto at start-up. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * Runs the bundle and returns its exports, with saveCache(force) for the Node 20 path: it writes
 * the code cache when `force`, or when the cache was missing or rejected. `filename` is the bundle's
 * final path when `file` is a build's temporary copy (the cache is named after the final one).
 * `compileCache: false` keeps to the Node 20 path (the build's warm-up run).
 */
function loadBundle(file, { cacheDir = cacheDirOf(), filename = file, compileCache = true } = {}) {
  // undici parses HTTP with llhttp compiled to WebAssembly; V8 recompiles it with TurboFan in the
  // background and a short command waits for that at exit. Liftoff alone reads as fast. It is set
  // before compiling because a code cache is only accepted under the flags it was made with.
  setFlagsFromString('--liftoff-only');
  if (compileCache && typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(join(cacheDir, 'compile-cache'));
    return { exports: require(file), saveCache() {} };
  }
  return loadWithCodeCache(file, cacheDir, filename);
}

function loadWithCodeCache(file, cacheDir, filename) {
  const vm = require('node:vm');
  const loaded = statSync(file);
  // V8 checks a cache against the source's length only: the name holds the bundle's path, its
  // identity on disk and the Node version, so a rebuilt bundle or another Node never reads it.
  const prefix = `bundle-${hash(filename)}-`;
  const cacheFile = join(
    cacheDir,
    `${prefix}${hash(`${loaded.size}:${loaded.mtimeMs}:${loaded.ino}:${process.version}:${process.arch}`)}.cache`,
  );
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: compile from source.
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;

  function saveCache(force = false) {
    if (!force && !stale) return;
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      // Never write a cache for a bundle that a build has replaced since it was loaded.
      const now = statSync(file);
      if (now.ino !== loaded.ino || now.mtimeMs !== loaded.mtimeMs || now.size !== loaded.size) return;
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
      // The caches of this bundle's earlier builds are of no more use.
      for (const name of readdirSync(cacheDir)) {
        if (name.startsWith(prefix) && name.endsWith('.cache') && join(cacheDir, name) !== cacheFile)
          rmSync(join(cacheDir, name), { force: true });
      }
    } catch (error) {
      if (force) throw error;
      // An unwritable cache folder: run without a cache, as before.
      try {
        rmSync(temp, { force: true });
      } catch {
        // Not even a folder there.
      }
    }
  }
  return { exports: module.exports, saveCache };
}

module.exports = { cacheDirOf, loadBundle };
