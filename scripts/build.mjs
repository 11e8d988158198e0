#!/usr/bin/env node
// Builds dist/ from src/ with tsc. tsc writes to a fresh temporary folder that then replaces dist/
// in two renames, so removed sources leave no stale modules and a bin/xcli.js started during a
// build never finds dist/ half written or missing.
//
// Then esbuild bundles what bin/xcli.js loads (cli.js, io.js) into a few files, replacing tsc's
// cli.js and io.js in the same temporary folder: resolving and reading ~50 modules of ours plus
// commander and undici (~100 CommonJS files) cost more start-up time than running them. Dynamic
// imports stay lazy (split into chunks loaded on first use). Everything else in dist/ is tsc's
// output as before: the library entry dist/index.js and its .d.ts files.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist');
const fresh = resolve(root, `.dist-build-${process.pid}`);
const old = resolve(root, `.dist-old-${process.pid}`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * The packages on every request's path, imported statically only. The others load lazily and stay
 * in node_modules: esbuild gives a dynamically imported CommonJS module only a default export
 * (`(await import('proper-lockfile')).lock` would be undefined), and @ngrok/ngrok is a native addon.
 */
const BUNDLED_PACKAGES = new Set(['commander', 'undici']);

function onlyBundle(packages) {
  return {
    name: 'only-bundle',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return packages.has(name) ? undefined : { external: true };
      });
    },
  };
}

async function bundleCli(outdir) {
  const esbuild = await import('esbuild');
  const { metafile } = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(outdir, 'cli.js'), join(outdir, 'io.js')],
    outdir,
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Chunks sit next to the entries: src/version.ts finds package.json at '../package.json'
    // relative to its own module, which must stay one level below the package root.
    chunkNames: 'bundle-[name]-[hash]',
    plugins: [onlyBundle(BUNDLED_PACKAGES)],
    metafile: true,
    logLevel: 'warning',
  });
  // Bundled CommonJS (undici, commander) calls require() for Node's built-in modules; ESM has no
  // require, so the chunk holding esbuild's require shim gets one from createRequire. (Metafile
  // paths are relative to absWorkingDir.)
  for (const file of Object.keys(metafile.outputs)) {
    const path = resolve(root, file);
    const code = readFileSync(path, 'utf8');
    if (code.includes('Dynamic require of "')) {
      writeFileSync(path, `import { createRequire as __xcliCreateRequire } from 'node:module';\nconst require = __xcliCreateRequire(import.meta.url);\n${code}`);
    }
  }
}

/**
 * `xcli --help` is the same text on every run, so it is rendered once here (by the real program,
 * at 80 columns) and bin/xcli.js prints it without loading the CLI, as it does for --version.
 */
async function writeRootHelp(outdir) {
  const { main } = await import(pathToFileURL(join(outdir, 'cli.js')).href);
  const { testIO } = await import(pathToFileURL(join(outdir, 'io.js')).href);
  const io = testIO();
  const wasTTY = process.stdout.isTTY;
  process.stdout.isTTY = false; // commander wraps to the terminal's width only on a TTY
  try {
    if ((await main(['--help'], io, {})) !== 0) throw new Error(io.err().trim());
  } finally {
    process.stdout.isTTY = wasTTY;
  }
  writeFileSync(join(outdir, 'root-help.txt'), io.out());
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
  await writeRootHelp(fresh);
} catch (error) {
  process.stderr.write(`build: could not pre-render the root help (${error.message}); xcli --help renders it at run time\n`);
}
try {
  renameSync(dist, old);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
renameSync(fresh, dist);
rmSync(old, { recursive: true, force: true });
process.exit(result.status ?? 1);
