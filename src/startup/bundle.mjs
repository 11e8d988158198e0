// How scripts/build.mjs bundles the CLI into dist/cli.cjs (see README.md here): which packages go
// in, the stand-ins for built-ins the CLI never uses, and the check that no import() is left.

/**
 * The packages on every request's path. The others stay in node_modules and load when a command
 * needs them, through importExternal (external.ts): conf (with ajv) and proper-lockfile only when
 * the store is written, yaml for import-xurl, ioredis for --dedupe, and @ngrok/ngrok, a native addon.
 */
export const BUNDLED_PACKAGES = new Set([
  'commander',
  'undici',
  // Terminal output (io.ts, tables, progress): chalk and string-width with its small dependencies.
  'chalk',
  'string-width',
  'strip-ansi',
  'ansi-regex',
  'get-east-asian-width',
]);

/**
 * undici has no exports map, so src/net/ imports these files by path (loading only the Agent,
 * request() and, with a proxy set, the proxy agent, not undici's whole web stack). package.json pins
 * undici's exact version; test/library/startup.test.ts fails if a path moves or a new one is added
 * without being listed here.
 */
export const UNDICI_DEEP_PATHS = [
  'undici/lib/dispatcher/agent.js',
  'undici/lib/api/api-request.js',
  'undici/lib/dispatcher/env-http-proxy-agent.js',
  'undici/lib/dispatcher/dispatcher.js',
  'undici/lib/api/api-connect.js',
];

export function onlyBundle(packages = BUNDLED_PACKAGES) {
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
 * Modules that bundled packages load at start-up but xcli never uses on a request's path (~15 ms of
 * start-up, docs/performance.md), replaced inside the bundle only:
 * - commander requires node:child_process (and with it net and dgram) for executable subcommands,
 *   which xcli has none of: a proxy that loads the real module on first use.
 * - undici's HTTP/2 client requires node:http2 (and tls) when it loads; xcli's Agent never offers
 *   h2 (allowH2 stays off), so connectH2 cannot run. undici itself runs with `{ constants: {} }` where
 *   http2 is missing; the stand-in does the same, and says so if it is ever reached.
 * - chalk's colour detection (its vendored supports-color) loads node:tty and node:os and probes
 *   the terminal when chalk loads, for chalk's default instances; xcli makes every instance with the
 *   level src/io.ts decides (colorLevel), so the stand-in reports no colour support, as chalk's own
 *   browser build does without a browser.
 * - xcli's own modules import node:crypto (and with it OpenSSL's bindings, ~10 ms) for signing,
 *   multipart boundaries and the `{me}` cache key, and node:fs/promises for files that a plain
 *   request never opens: each loads on first use. esbuild reaches an import's exports through the
 *   stand-in's prototype, a proxy that loads the module when one is first read.
 */
export const BUILTIN_STAND_INS = [
  {
    specifier: 'node:child_process',
    importer: /node_modules[\\/]commander[\\/]/,
    code: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
  },
  {
    specifier: 'node:http2',
    importer: /node_modules[\\/]undici[\\/]/,
    code: "module.exports = { constants: {}, connect() { throw new Error('xcli: HTTP/2 is not built in (undici allowH2 is off)'); } };",
  },
  {
    specifier: '#supports-color',
    importer: /node_modules[\\/]chalk[\\/]/,
    kind: 'import-statement',
    code: 'export default { stdout: false, stderr: false };',
  },
  ...['node:crypto', 'node:fs/promises'].map((specifier) => ({
    specifier,
    importer: /[\\/]\.dist-build-\d+[\\/]/,
    kind: 'import-statement',
    code: `module.exports = Object.create(new Proxy({}, { get: (_, key) => require('${specifier}')[key] }));`,
  })),
];

export function builtinStandIns() {
  return {
    name: 'builtin-stand-ins',
    setup(build) {
      for (const [index, { specifier, importer, kind = 'require-call' }] of BUILTIN_STAND_INS.entries()) {
        const filter = new RegExp(`^${specifier}$`);
        build.onResolve({ filter }, (args) =>
          importer.test(args.importer) && args.kind === kind ? { path: String(index), namespace: 'stand-in' } : undefined,
        );
      }
      build.onLoad({ filter: /.*/, namespace: 'stand-in' }, (args) => ({
        contents: BUILTIN_STAND_INS[Number(args.path)].code,
        loader: 'js',
      }));
    },
  };
}

/**
 * Code restored from V8's code cache (the Node 20 path) cannot call import(): the only import()
 * left in the minified bundle must be importExternal's default, which bin/xcli.js replaces.
 */
export function checkNoImport(minifiedBundle) {
  const imports = minifiedBundle.match(/\bimport\(/g) ?? [];
  if (imports.length !== 1)
    throw new Error(
      `dist/cli.cjs has ${imports.length} import() calls; load external modules with importExternal (src/startup/external.ts)`,
    );
}
