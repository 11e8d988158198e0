// A broken credential store (issue 7, faults): corrupt, truncated, of the wrong types, or unreadable.
// Every command that reads or writes it stops with exit 3 and one line naming the file, and the
// file is left exactly as it was (bytes and mtime). And several processes refreshing the same
// expired OAuth2 token at once leave a valid store whose token works.
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';

const GOOD = JSON.stringify(
  {
    defaultApp: 'sb',
    apps: { sb: { bearerToken: 'AAAAstoredBearer', oauth1: { consumerKey: 'ck', consumerSecret: 'cs-secret-value' } } },
  },
  null,
  2,
);

/** chmod 000 only blocks reads for an unprivileged user; as root (CAP_DAC_OVERRIDE) it blocks nothing. */
function chmodBlocksReads(dir: string): boolean {
  const probe = join(dir, 'probe');
  writeFileSync(probe, 'x');
  chmodSync(probe, 0o000);
  try {
    readFileSync(probe);
    return false;
  } catch {
    return true;
  }
}

interface Broken {
  name: string;
  make(file: string): void;
  /** What the message must say beyond the file name. */
  says: RegExp;
}

const variants: Broken[] = [
  { name: 'corrupt', make: (f) => writeFileSync(f, '{"apps": {"sb": ,,, garbage \u0000'), says: /JSON|parse|corrupt|invalid/i },
  {
    name: 'truncated',
    make: (f) => writeFileSync(f, GOOD.slice(0, Math.floor(GOOD.length / 2))),
    says: /JSON|parse|corrupt|invalid|truncated/i,
  },
  { name: 'empty', make: (f) => writeFileSync(f, ''), says: /empty|JSON|corrupt|invalid/i },
  {
    name: 'wrong types (apps is a list)',
    make: (f) => writeFileSync(f, JSON.stringify({ defaultApp: 'sb', apps: [1, 2] })),
    says: /apps/,
  },
  {
    name: 'wrong types (bearer is a number)',
    make: (f) => writeFileSync(f, JSON.stringify({ defaultApp: 'sb', apps: { sb: { bearerToken: 42 } } })),
    says: /bearerToken/,
  },
  { name: 'a directory', make: (f) => mkdirSync(f), says: /directory|EISDIR|read/i },
  { name: 'a symlink loop', make: (f) => symlinkSync(f, f), says: /read|ELOOP|symbolic|link/i },
];

/** Commands that read or write the store; none may get past it. */
const COMMANDS: string[][] = [
  ['auth', 'status'],
  ['auth', 'app', '--bearer-token', 'AAAAnewBearer'],
  ['auth', 'apps', 'add', 'other', '--client-id', 'cid'],
  ['/2/users/me'],
  ['webhook', 'crc', 'helloWorld'],
];

// As root (CAP_DAC_OVERRIDE) chmod 000 blocks nothing, so "unreadable" is then covered by the
// directory and symlink-loop variants only; as a normal user the chmod 000 variant runs too.
describe('a broken config file', () => {
  const temp = tempConfigDir();
  beforeAll(() => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    if (chmodBlocksReads(join(temp.dir, '..')))
      variants.push({
        name: 'unreadable (chmod 000)',
        make: (f) => (writeFileSync(f, GOOD), chmodSync(f, 0o000)),
        says: /permission|EACCES|read/i,
      });
  });
  afterAll(() => temp.cleanup());

  it('stops every command with exit 3 and one line naming the file, and never touches it', async () => {
    const jobs: Array<Promise<string[]>> = [];
    variants.forEach((variant, v) => {
      const dir = join(temp.dir, `v${v}`);
      mkdirSync(dir, { mode: 0o700 });
      const file = join(dir, 'config.json');
      variant.make(file);
      const past = new Date(Date.now() - 3_600_000);
      if (!lstatSync(file).isSymbolicLink()) utimesSync(file, past, past);
      const before = snapshot(file);
      for (const argv of COMMANDS) {
        jobs.push(
          runCli(argv, { env: { XCLI_CONFIG_DIR: dir, XCLI_API_BASE_URL: 'http://127.0.0.1:9' } }).then((r) => {
            const where = `${variant.name}: xcli ${argv.join(' ')}`;
            const problems: string[] = [];
            const lines = r.stderr.trim().split('\n');
            if (r.code !== 3) problems.push(`${where}: exit ${r.code} (${r.stderr.trim()})`);
            if (lines.length !== 1 || !lines[0]!.startsWith('xcli: '))
              problems.push(`${where}: not one line: ${JSON.stringify(r.stderr)}`);
            if (!r.stderr.includes(file)) problems.push(`${where}: does not name ${file}: ${r.stderr.trim()}`);
            if (!variant.says.test(r.stderr)) problems.push(`${where}: does not say why (${variant.says}): ${r.stderr.trim()}`);
            if (r.stdout !== '') problems.push(`${where}: stdout ${JSON.stringify(r.stdout.slice(0, 100))}`);
            return problems;
          }),
        );
      }
      jobs.push(
        Promise.all(jobs.slice()).then(() =>
          snapshot(file) === before ? [] : [`${variant.name}: the file changed: ${before} → ${snapshot(file)}`],
        ),
      );
    });
    expect((await Promise.all(jobs)).flat()).toEqual([]);
  }, 60_000);
});

/** Type, mode, size, mtime and bytes (or link target) of the store path. */
function snapshot(file: string): string {
  const st = lstatSync(file);
  const content = st.isSymbolicLink()
    ? `-> ${readlinkSync(file)}`
    : st.isDirectory()
      ? 'dir'
      : readFileSync(file, { flag: 'r' }).toString('base64');
  return JSON.stringify([st.mode, st.size, st.mtimeMs, content]);
}

describe('concurrent OAuth2 refresh', () => {
  let fake: FakeX;
  beforeAll(async () => {
    fake = await startFakeX();
  });
  afterAll(() => fake.close());

  it('six processes using one expired token at once: one refresh, every request served, a valid store', async () => {
    const temp = tempConfigDir();
    try {
      const minted = fake.sandbox.mintUserToken();
      const c = fake.sandbox.credentials;
      mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
      const file = join(temp.dir, 'config.json');
      writeFileSync(
        file,
        JSON.stringify({
          defaultApp: 'sb',
          apps: {
            sb: {
              clientId: c.clientId,
              clientSecret: c.clientSecret,
              apiBaseUrl: fake.url,
              defaultUser: 'dev',
              oauth2Tokens: {
                dev: {
                  accessToken: minted.access_token,
                  refreshToken: minted.refresh_token,
                  expiresAt: Date.now() - 1000,
                  scopes: minted.scope.split(' '),
                },
              },
            },
          },
        }),
        { mode: 0o600 },
      );
      const env = { XCLI_CONFIG_DIR: temp.dir, XCLI_TOKEN_URL: `${fake.url}/2/oauth2/token` };
      const refreshes = (): number =>
        fake.sandbox.requests.filter(
          (q) => q.path === '/2/oauth2/token' && new URLSearchParams(q.body).get('refresh_token') === minted.refresh_token,
        ).length;

      const commands = [['token'], ['/2/users/me'], ['token'], ['/2/users/me', '-u', 'dev'], ['whoami'], ['token']];
      const results = await Promise.all(commands.map((argv) => runCli(argv, { env })));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      expect(refreshes()).toBe(1);

      const stored = JSON.parse(readFileSync(file, 'utf8')) as {
        apps: { sb: { oauth2Tokens: { dev: { accessToken: string; refreshToken: string; expiresAt: number } } } };
      };
      const token = stored.apps.sb.oauth2Tokens.dev;
      expect(token.accessToken).not.toBe(minted.access_token);
      expect(token.expiresAt).toBeGreaterThan(Date.now());
      expect((lstatSync(file).mode & 0o777).toString(8)).toBe('600');
      for (const [i, r] of results.entries()) if (commands[i]![0] === 'token') expect(r.stdout).toBe(`${token.accessToken}\n`);
      // The stored token is the one the fake X accepts now.
      const again = await runCli(['/2/users/me'], { env });
      expect(again.code, again.stderr).toBe(0);
      expect(fake.sandbox.requests.at(-1)!.headers.authorization).toBe(`Bearer ${token.accessToken}`);
    } finally {
      temp.cleanup();
    }
  });
});
