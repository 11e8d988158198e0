// Loads dist/cli.cjs, the bundled CLI, the way Node loads a CommonJS file, but through V8's code cache
// (dist/cli.cjs.cache, written by the build): compiling the ~750 KB bundle on every start cost more
// than running it (docs/performance.md). Node 20 has no compile cache of its own (22 has
// module.enableCompileCache), and the v8-compile-cache package cannot run code that calls import().
'use strict';
const { readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const Module = require('node:module');
const { setFlagsFromString } = require('node:v8');
const vm = require('node:vm');

/**
 * Runs the bundle and returns its exports, with saveCache(force) to write the code cache: when
 * `force`, or when the cache was missing or rejected (another Node version, other V8 flags).
 * `filename` is the name stack traces show; a cache keeps the name it was made under (the build
 * makes it in a temporary folder and passes the final path).
 */
function loadBundle(file, cacheFile, filename = file) {
  // undici parses HTTP with llhttp compiled to WebAssembly; V8 recompiles it with TurboFan in the
  // background and a short command waits for that at exit. Liftoff alone reads as fast. It is set
  // before compiling because a code cache is only accepted under the flags it was made with.
  setFlagsFromString('--liftoff-only');
  const loaded = statSync(file);
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
      // V8 checks a cache against the source's length only: never write one for a bundle that a
      // build has replaced since it was loaded.
      const now = statSync(file);
      if (now.ino !== loaded.ino || now.mtimeMs !== loaded.mtimeMs || now.size !== loaded.size) return;
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
    } catch (error) {
      rmSync(temp, { force: true });
      if (force) throw error;
      // A read-only install runs without a cache, as before.
    }
  }
  return { exports: module.exports, saveCache };
}

module.exports = { loadBundle };
