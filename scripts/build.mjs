#!/usr/bin/env node
// Builds dist/ from src/ with tsc. tsc writes to a fresh temporary folder that then replaces dist/
// in two renames, so removed sources leave no stale modules and a bin/xcli.js started during a
// build never finds dist/ half written or missing.
//
// Then esbuild bundles what bin/xcli.js runs (cli.js, io.js and all they import, with commander and
// undici) into one CommonJS file, dist/cli.cjs: resolving and reading ~50 modules of ours plus ~100
// CommonJS files of those packages cost more start-up time than running them. bin/load-bundle.js
// runs it through V8's code cache, dist/cli.cjs.cache, written here after a warm-up run.
// Everything else in dist/ is tsc's output: the library entry dist/index.js and its .d.ts files.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist');
const fresh = resolve(root, `.dist-build-${process.pid}`);
const old = resolve(root, `.dist-old-${process.pid}`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * The packages on every request's path. The others stay in node_modules and load when a command
 * needs them, through importExternal (src/external.ts): conf (with ajv) and proper-lockfile only
 * when the store is written, yaml for import-xurl, and @ngrok/ngrok, a native addon.
 */
const BUNDLED_PACKAGES = new Set(['commander', 'undici']);
// Terminal output (io.ts, tables, progress): chalk and string-width with its small dependencies.
for (const name of ['chalk', 'string-width', 'strip-ansi', 'ansi-regex', 'get-east-asian-width']) BUNDLED_PACKAGES.add(name);

function onlyBundle(packages) {
  return {
    name: 'only-bundle',
    setup(build) {
      build.onResolve({ filter: /^[^./#]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return packages.has(name) ? undefined : { external: true };
      });
    },
  };
}

/**
 * Built-in modules that bundled packages load at start-up but xcli never uses on a request's path
 * (~15 ms of start-up, docs/performance.md), replaced inside the bundle only:
 * - commander requires node:child_process (and with it net and dgram) for executable subcommands,
 *   which xcli has none of: a proxy that loads the real module on first use.
 * - undici's HTTP/2 client requires node:http2 (and tls) when it loads; xcli's Agent never offers
 *   h2 (allowH2 stays off), so connectH2 cannot run. undici itself runs with `{ constants: {} }` where
 *   http2 is missing; the stand-in does the same, and says so if it is ever reached.
 */
const BUILTIN_STAND_INS = [
  {
    builtin: 'node:child_process',
    importer: /node_modules[\\/]commander[\\/]/,
    code: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
  },
  {
    builtin: 'node:http2',
    importer: /node_modules[\\/]undici[\\/]/,
    code: "module.exports = { constants: {}, connect() { throw new Error('xcli: HTTP/2 is not built in (undici allowH2 is off)'); } };",
  },
];

function builtinStandIns() {
  return {
    name: 'builtin-stand-ins',
    setup(build) {
      for (const [index, { builtin, importer }] of BUILTIN_STAND_INS.entries()) {
        const filter = new RegExp(`^${builtin}$`);
        build.onResolve({ filter }, (args) =>
          importer.test(args.importer) && args.kind === 'require-call' ? { path: String(index), namespace: 'stand-in' } : undefined,
        );
      }
      build.onLoad({ filter: /.*/, namespace: 'stand-in' }, (args) => ({ contents: BUILTIN_STAND_INS[Number(args.path)].code, loader: 'js' }));
    },
  };
}

/** The bundle's entry: what bin/xcli.js and the warm-up below call. */
const BUNDLE_ENTRY = `
export { main } from './cli.js';
export { systemIO, testIO } from './io.js';
export { setImporter } from './external.js';
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
    plugins: [builtinStandIns(), onlyBundle(BUNDLED_PACKAGES)],
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
  // Code restored from V8's cache cannot call import() (src/external.ts): the only import() left
  // must be importExternal's default, which bin/xcli.js replaces. (A plain build keeps comments
  // that mention import(), so only the minified one is counted.)
  const imports = readFileSync(join(outdir, 'cli.cjs'), 'utf8').match(/\bimport\(/g) ?? [];
  if (!PLAIN && imports.length !== 1) throw new Error(`dist/cli.cjs has ${imports.length} import() calls; load external modules with importExternal (src/external.ts)`);
}

/**
 * Runs the bundle once as bin/xcli.js would and writes two things from that run:
 * - root-help.txt: `xcli --help` is the same text on every run, so it is rendered here (by the real
 *   program, at 80 columns) and bin/xcli.js prints it without loading the CLI, as for --version;
 * - cli.cjs.cache: V8's code cache, holding what the help and a rehearsed request compiled.
 */
async function warmUp(outdir) {
  const { loadBundle } = createRequire(import.meta.url)('../bin/load-bundle.js');
  const { exports: cli, saveCache } = loadBundle(join(outdir, 'cli.cjs'), join(outdir, 'cli.cjs.cache'), join(dist, 'cli.cjs'));
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
  saveCache(true);
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
