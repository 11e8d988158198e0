// The layering of xcli, checked in CI (`npm run lint:deps`). docs/architecture.md explains it.
//   bin → cli/program → commands/ → area modules (webhook, sandbox, activity, media, shortcuts, mcp,
//   completion) → http/ → auth/ → net/ (the wire: dispatcher, exchange) → context, io, errors, paths,
//   startup/external, version.
// A lower layer never imports a higher one; the sandbox's emulator imports no CLI code.
const AREAS = '^src/(webhook|sandbox|activity|media|shortcuts|mcp|completion)/';
const BASE = '^src/(api-options|context|io|errors|paths|version|terminal-text)[.]ts$|^src/startup/external[.]ts$';
// What the CLI is made of, as the sandbox's emulator sees it: the wiring, the sandbox command (launch,
// admin client, tables), the Context with its IO and terminal, printing, tables and the credential store.
const CLI_CODE =
  '^src/(cli|program|context|io|terminal-text)[.]ts$|^src/(commands|help|terminal|sandbox/command)/|^src/http/output[.]ts$|^src/webhook/table[.]ts$|^src/auth/store[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'import cycles make load order and layering fragile', from: {}, to: { circular: true } },
    {
      name: 'only-commands-wire-the-cli',
      severity: 'error',
      comment: 'program.ts and src/commands/ are the CLI wiring; work modules never reach back into them',
      from: { path: '^src/', pathNot: '^src/(cli|program)[.]ts$|^src/commands/' },
      to: { path: '^src/(cli|program)[.]ts$|^src/commands/' },
    },
    {
      name: 'http-and-auth-below-areas',
      severity: 'error',
      comment: 'the request pipeline and credentials serve every area and know none of them',
      from: { path: '^src/(http|auth)/' },
      to: { path: AREAS },
    },
    {
      name: 'sandbox-emulator-imports-no-cli-code',
      severity: 'error',
      comment:
        'the emulator (store, services, routes) runs in tests, `xcli sandbox` and library users alike: it reaches protocol and base modules only, never CLI code, not even through another module',
      from: { path: '^src/sandbox/emulator/' },
      to: { path: CLI_CODE, reachable: true },
    },
    {
      name: 'auth-below-http',
      severity: 'error',
      comment: 'the request pipeline uses the credentials, never the reverse: OAuth2 token calls go through src/net/',
      from: { path: '^src/auth/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'net-below-http-and-auth',
      severity: 'error',
      comment: 'the wire (dispatcher, exchange helper) serves the request pipeline, credentials and every area, and knows none of them',
      from: { path: '^src/net/' },
      to: { path: '^src/', pathNot: `^src/net/|${BASE}` },
    },
    {
      name: 'base-below-everything',
      severity: 'error',
      comment: 'context, io and errors are the floor; the context loads its lazy services by dynamic import only',
      from: { path: BASE },
      to: { path: '^src/', pathNot: `${BASE}|^src/auth/(store|browser|types)[.]ts$` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    exclude: { path: '^src/http/routes[.]generated[.]ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
  },
};
