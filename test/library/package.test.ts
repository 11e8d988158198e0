// Issue 18 item 1 and 2: the package as npm would publish it. It is packed from this checkout (the
// build is current: `npm test` builds first), installed globally into a temp prefix and into a temp
// consumer project, offline, from npm's cache (.ci/run warms it; without it the tests say so and skip).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/emulator/index.js';
import { cleanEnv } from '../helpers/run-cli.js';
import { writeConfig } from '../http/local-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'xcli-pack-'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
};
let tarball = '';
let files: string[] = [];

function npm(args: string[], cwd: string): { code: number | null; out: string } {
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: cleanEnv({ npm_config_update_notifier: 'false' }),
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** An offline install; undefined when npm's cache lacks what it needs (the reason is printed once). */
function installOffline(args: string[], cwd: string): boolean {
  const r = npm([...args, '--offline'], cwd);
  if (r.code === 0) return true;
  if (/ENOTCACHED/.test(r.out)) {
    console.warn(
      "skipped: npm's cache lacks the registry metadata of xcli's dependencies; warm it as .ci/run does (npm install --global --dry-run of the dependencies)",
    );
    return false;
  }
  throw new Error(`npm ${args.join(' ')} failed:\n${r.out}`);
}

beforeAll(() => {
  // --ignore-scripts: prepack would build again; the build is current (`npm test` ran it).
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed[0]!.filename);
  files = packed[0]!.files.map((f) => f.path);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the published package (#18)', () => {
  it('builds when packed, is MIT licensed, and ships only what runs', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    for (const needed of [
      'LICENSE',
      'package.json',
      'bin/xcli.js',
      'dist/cli.cjs',
      'dist/load-bundle.cjs',
      'dist/root-help.txt',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/webhooks.js',
      'dist/lib/webhooks.d.ts',
      'dist/lib/webhook/fetch.js',
      'dist/lib/webhook/fetch.d.ts',
    ]) {
      expect(files).toContain(needed);
    }
    // No tests, bench, sources, tsc output the CLI never loads, nor a code cache tied to one Node.
    const shipped = files.filter((f) =>
      /^(test|bench|src|scripts)\/|\.cache$|^dist\/(?!lib\/|cli\.cjs$|load-bundle\.cjs$|root-help\.txt$|xcli\.1$)/.test(f),
    );
    expect(shipped).toEqual([]);
  });

  it('depends at run time only on packages the CLI loads; bundled ones are devDependencies', () => {
    // '@scope/name/sub/path.js' → '@scope/name'; 'name/sub' → 'name'.
    const packageOf = (specifier: string): string =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
    const loaded = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.ts'))
          for (const m of readFileSync(join(dir, entry.name), 'utf8').matchAll(/importExternal(?:<.*?>)?\('([^']+)'\)/g))
            loaded.add(packageOf(m[1]!));
      }
    };
    walk(join(ROOT, 'src'));
    expect(Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).sort()).toEqual([...loaded].sort());
    // undici is bundled for requests and also loaded whole by `xcli mcp` (fetch for the MCP SDK).
    expect(pkg.devDependencies.commander).toBeDefined();
  });

  it('installs globally from the tarball and runs from a fresh PATH: --version and a sandbox request', async () => {
    const prefix = join(work, 'prefix');
    if (!installOffline(['install', '--global', '--prefix', prefix, tarball], work)) return;
    const home = join(work, 'home');
    const config = join(work, 'config');
    const sandbox = await startSandbox();
    try {
      writeConfig(config, { apiBaseUrl: sandbox.url, bearerToken: sandbox.credentials.bearerToken });
      // Only the install's bin and node: nothing of this checkout is reachable.
      const env = { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`, HOME: home, XCLI_CONFIG_DIR: config };
      // Asynchronous: the sandbox answers from this process.
      const run = (args: string[]) =>
        promisify(execFile)('xcli', args, { env, encoding: 'utf8', cwd: work }).then(
          (r) => ({ status: 0, ...r }),
          (e: { code: number; stdout: string; stderr: string }) => ({ status: e.code, stdout: e.stdout, stderr: e.stderr }),
        );
      const version = await run(['--version']);
      expect(version.stdout).toBe(`xcli ${pkg.version}\n`);
      const hooks = await run(['/2/webhooks']);
      expect(hooks.status, hooks.stderr).toBe(0);
      expect(JSON.parse(hooks.stdout)).toHaveProperty('meta');
      expect(sandbox.requests.at(-1)).toMatchObject({ method: 'GET', authKind: 'bearer' });
      // The first run made the code cache in the per-user cache folder, not in the package.
      expect(readdirSync(join(home, '.cache', 'xcli')).length).toBeGreaterThan(0);
      // conf (the credential store) loads from the installed dependencies.
      const saved = await run(['auth', 'app', '--bearer-token', 'installed-token']);
      expect(saved.status, saved.stderr).toBe(0);
    } finally {
      await sandbox.close();
    }
  }, 120_000);

  describe('in a consumer project', () => {
    const consumer = join(work, 'consumer');
    let installed = false;
    beforeAll(() => {
      mkdirSync(consumer, { recursive: true });
      writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      installed = installOffline(['install', '--omit=optional', tarball], consumer);
    }, 120_000);

    it('type-checks an import of the library with tsc (and its types are real, not any)', () => {
      if (!installed) return;
      writeFileSync(
        join(consumer, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            strict: true,
            noEmit: true,
            typeRoots: [join(ROOT, 'node_modules/@types')],
            types: ['node'],
          },
          include: ['app.ts'],
        }),
      );
      const app = `import { createServer } from 'node:http';
import { createWebhookHandler, createMemoryDedupeStore, handleWebhookFetch, type ReceivedEvent } from 'xcli/webhooks';
import { handleWebhookFetch as fetchOnly } from 'xcli/webhooks/fetch';
import { crcResponse } from 'xcli';
const handler = createWebhookHandler({ consumerSecret: ['new', 'old'], dedupe: createMemoryDedupeStore({ max: 10 }), onEvent(event: ReceivedEvent) {
  if (event.product === 'activity') console.log(event.body.data.event_type, event.rawBody.toString('utf8'));
} });
createServer(handler);
const token: string = crcResponse('s', 'helloWorld').response_token;
const answer: Promise<Response> = handleWebhookFetch(new Request('http://x/'), { consumerSecret: 's', onEvent() {} });
void fetchOnly; void token; void answer;
// @ts-expect-error: the types are real (were crcResponse any, this line would be an unused directive)
const wrong: number = crcResponse('s', 'helloWorld');
void wrong;
`;
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      writeFileSync(join(consumer, 'app.ts'), app);
      const good = spawnSync(process.execPath, [tsc, '-p', consumer], { encoding: 'utf8' });
      expect(good.stdout + good.stderr).toBe('');
      expect(good.status).toBe(0);
    }, 180_000);

    it('xcli/webhooks and xcli/webhooks/fetch load only node: built-ins and the library (#18 item 2)', () => {
      if (!installed) return;
      const library = pathToFileURL(join(consumer, 'node_modules/xcli/dist/lib')).href;
      const register = pathToFileURL(join(ROOT, 'test/library/fixtures/register-record-loads.mjs')).href;
      for (const [entry, allowed] of [
        ['xcli/webhooks', /^node:/],
        ['xcli/webhooks/fetch', /^$/], // not even node: built-ins: it runs on Workers
        ['xcli', /^node:/],
      ] as const) {
        const log = join(work, `loads-${entry.replace(/\//g, '-')}.txt`);
        writeFileSync(log, '');
        const r = spawnSync(
          process.execPath,
          [
            '--import',
            register,
            '--input-type=module',
            '-e',
            `const m = await import('${entry}'); console.log(Object.keys(m).length)`,
          ],
          {
            cwd: consumer,
            encoding: 'utf8',
            env: { ...cleanEnv(), XCLI_LOADS_FILE: log },
          },
        );
        expect(r.stderr).toBe('');
        expect(Number(r.stdout)).toBeGreaterThan(1);
        const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
        expect(urls.some((u) => u.startsWith(library))).toBe(true);
        const others = urls.filter((u) => !u.startsWith(`${library}/`) && !(allowed.source !== '^$' && allowed.test(u)));
        expect(others, entry).toEqual([]);
      }
    });
  });
});
