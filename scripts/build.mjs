#!/usr/bin/env node
// Builds dist/ from src/ with tsc. tsc writes to a fresh temporary folder that then replaces dist/
// in two renames, so removed sources leave no stale modules and a bin/xcli.js started during a
// build never finds dist/ half written or missing.
//
// Then esbuild bundles what bin/xcli.js runs (cli.js, io.js and all they import, with commander and
// undici) into one CommonJS file, dist/cli.cjs: resolving and reading ~50 modules of ours plus ~100
// CommonJS files of those packages cost more start-up time than running them. dist/load-bundle.cjs
// runs it with a per-user code cache (src/startup/README.md); a warm-up run here renders the root
// help and fills that cache. The library (package.json "exports") is copied from tsc's output to
// dist/lib; the package ships bin/, dist/cli.cjs, dist/load-bundle.cjs, dist/root-help.txt, dist/lib.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import Module, { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinStandIns, checkNoImport, onlyBundle } from '../src/startup/bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist');
const fresh = resolve(root, `.dist-build-${process.pid}`);
const old = resolve(root, `.dist-old-${process.pid}`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The bundle's entry: what bin/xcli.js and the warm-up below call. */
const BUNDLE_ENTRY = `
export { main } from './cli.js';
export { systemIO, testIO } from './io.js';
export { setImporter } from './startup/external.js';
`;

const PLAIN = process.env.XCLI_BUILD_PLAIN === '1';

async function bundleCli(outdir) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: root,
    stdin: { contents: BUNDLE_ENTRY, resolveDir: outdir, sourcefile: 'bundle-entry.js', loader: 'js' },
    outfile: join(outdir, 'cli.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [builtinStandIns(), onlyBundle()],
    // src/version.ts finds package.json relative to its module: the bundle sits in dist/ as tsc's did.
    define: { 'import.meta.url': '__xcliModuleUrl' },
    banner: { js: "const __xcliModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    // Less source for V8 to read and scan (~20 ms less without a cache). Names stay as written:
    // error names and stack traces read as in the source, and keepNames would wrap every closure
    // created per request in a defineProperty call (measured: 1.3 µs of each CRC answer).
    // XCLI_BUILD_PLAIN=1 leaves the whitespace too, for reading profiles.
    minifyWhitespace: !PLAIN,
    minifySyntax: !PLAIN,
    logLevel: 'warning',
  });
  // A plain build keeps comments that mention import(), so only the minified one is checked.
  if (!PLAIN) checkNoImport(readFileSync(join(outdir, 'cli.cjs'), 'utf8'));
  copyFileSync(join(root, 'src', 'startup', 'load-bundle.cjs'), join(outdir, 'load-bundle.cjs'));
}

/**
 * Runs the bundle once as bin/xcli.js would and writes two things from that run:
 * - root-help.txt: `xcli --help` is the same text on every run, so it is rendered here (by the real
 *   program, at 80 columns) and bin/xcli.js prints it without loading the CLI, as for --version;
 * - the Node 20 code cache (per user, src/startup/load-bundle.cjs), holding what the help, a
 *   rehearsed request and a real one (to a server of this build on 127.0.0.1) compiled.
 */
async function warmUp(outdir) {
  const { loadBundle } = createRequire(import.meta.url)('../src/startup/load-bundle.cjs');
  // The Node 20 path, whatever Node builds: its cache is named after the bundle's final path, so
  // the first run after a build starts warm (Node 22's compile cache fills on first run instead).
  const { exports: cli, saveCache } = loadBundle(join(outdir, 'cli.cjs'), {
    filename: join(dist, 'cli.cjs'),
    compileCache: false,
  });
  cli.setImporter((specifier) => import(specifier));
  const help = cli.testIO();
  const wasTTY = process.stdout.isTTY;
  process.stdout.isTTY = false; // commander wraps to the terminal's width only on a TTY
  try {
    if ((await cli.main(['--help'], help, {})) !== 0) throw new Error(help.err().trim());
  } finally {
    process.stdout.isTTY = wasTTY;
  }
  writeFileSync(join(outdir, 'root-help.txt'), help.out());
  await writeManPage(cli, outdir);
  // The path of `xcli /2/…`: route table, auth, undici's modules (a dry run sends nothing).
  const request = cli.testIO();
  const env = { X_BEARER_TOKEN: 'warm-up', XCLI_CONFIG_DIR: join(outdir, 'no-config') };
  if ((await cli.main(['/2/tweets/20', '--dry-run'], request, env)) !== 0) throw new Error(request.err().trim());
  // And one sent: undici's sending and response parsing then start compiled too (~10 ms of each
  // request). No rate-limit headers in the answer, so nothing is written to the state file.
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'));
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  try {
    const sent = cli.testIO();
    const base = { ...env, XCLI_API_BASE_URL: `http://127.0.0.1:${server.address().port}` };
    if ((await cli.main(['/2/tweets/20'], sent, base)) !== 0) throw new Error(sent.err().trim());
  } finally {
    server.closeAllConnections();
    server.close();
  }
  if (typeof Module.enableCompileCache !== 'function') saveCache(true);
}

/** The entries of the library (package.json "exports"), as tsc emits them. */
const LIBRARY_ENTRIES = ['index.js', 'webhooks.js', 'webhook/fetch.js'];

/**
 * Copies the library entries and every module they import (relative specifiers in the .js and the
 * .d.ts files) to dist/lib: what the package ships of tsc's output. The rest of it is bundled into
 * cli.cjs, or only used by tests.
 */
function copyLibrary(outdir) {
  const pending = [...LIBRARY_ENTRIES];
  const copied = new Set();
  while (pending.length) {
    const file = pending.pop();
    if (copied.has(file)) continue;
    copied.add(file);
    for (const emitted of [file, file.replace(/\.js$/, '.d.ts')]) {
      const source = join(outdir, emitted);
      if (!existsSync(source)) continue;
      mkdirSync(dirname(join(outdir, 'lib', emitted)), { recursive: true });
      copyFileSync(source, join(outdir, 'lib', emitted));
      for (const [, specifier] of readFileSync(source, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.\.?\/[^'"]+)['"]/g)) {
        pending.push(join(dirname(file), specifier));
      }
    }
  }
}

/** xcli.1, the manual page, from the command tree (`xcli help --man`); install.sh puts it where man looks. */
async function writeManPage(cli, outdir) {
  const man = cli.testIO();
  if ((await cli.main(['help', '--man'], man, {})) !== 0) throw new Error(man.err().trim());
  writeFileSync(join(outdir, 'xcli.1'), man.out());
}

rmSync(fresh, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', resolve(root, 'tsconfig.json'), '--outDir', fresh], { stdio: 'inherit' });
try {
  await bundleCli(fresh);
} catch (error) {
  rmSync(fresh, { recursive: true, force: true });
  process.stderr.write(`build: bundling failed: ${error.message}\n`);
  process.exit(1);
}
copyLibrary(fresh);
try {
  await warmUp(fresh);
} catch (error) {
  process.stderr.write(`build: warm-up run failed (${error.message}); xcli renders --help and compiles at run time\n`);
}
try {
  renameSync(dist, old);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
renameSync(fresh, dist);
rmSync(old, { recursive: true, force: true });
process.exit(result.status ?? 1);
