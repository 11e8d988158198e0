// The OAuth2 user flow end to end: bin/xcli.js against the sandbox's authorize and token endpoints,
// with a fake browser (BROWSER) that follows the authorize redirect to xcli's callback server.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli, type CliResult } from '../helpers/run-cli.js';
import { useConfigDir, useSandbox } from './setup.js';

const FAKE_BROWSER = `"${process.execPath}" "${resolve(import.meta.dirname, 'fake-browser.mjs')}"`;

const config = useConfigDir();
const fake = useSandbox();

const baseEnv = (): Record<string, string> => ({
  XCLI_CONFIG_DIR: config.dir,
  XCLI_AUTH_URL: `${fake.current.url}/i/oauth2/authorize`,
  BROWSER: FAKE_BROWSER,
});
const xcli = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
  runCli(args, { input: opts.input, env: { ...baseEnv(), ...opts.env }, timeoutMs: 20_000 });
const stored = () => JSON.parse(readFileSync(config.file, 'utf8'));

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function addSandboxApp(redirectUri: string, opts: { publicClient?: boolean } = {}): Promise<void> {
  const args = [
    'auth',
    'apps',
    'add',
    'sb',
    '--client-id',
    fake.current.credentials.clientId,
    '--redirect-uri',
    redirectUri,
    '--api-base-url',
    fake.current.url,
  ];
  if (!opts.publicClient) args.push('--client-secret', fake.current.credentials.clientSecret);
  const r = await xcli(args);
  expect(r.code).toBe(0);
}

function ipv6Loopback(): Promise<boolean> {
  const server = createServer();
  return new Promise((ok) => {
    server.once('error', () => ok(false));
    server.listen(0, '::1', () => server.close(() => ok(true)));
  });
}

/** GET without following redirects. */
function getNoFollow(url: string): Promise<{ status: number; location?: string }> {
  return new Promise((ok, fail) => {
    request(url, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode ?? 0, location: res.headers.location }));
    })
      .on('error', fail)
      .end();
  });
}

function tokenRequests(grant: string) {
  return fake.current.requests.filter(
    (r) => r.method === 'POST' && r.path === '/2/oauth2/token' && new URLSearchParams(r.body).get('grant_type') === grant,
  );
}

function expectNoSecretsIn(r: CliResult, secrets: string[]): void {
  for (const s of secrets) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

async function pasting(
  paste: (authorizeUrl: string) => Promise<string>,
  args = ['auth', 'oauth2', '--headless'],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const child = spawnCli(args, { env: { ...baseEnv(), ...env } });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  const url = await new Promise<string>((ok, fail) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c;
      const m = /(http:\/\/\S+\/i\/oauth2\/authorize\?\S+)/.exec(stderr);
      if (m) ok(m[1]!);
    });
    child.on('close', () => fail(new Error(`exited early: ${stderr}`)));
  });
  child.stdin!.end(`${await paste(url)}\n`);
  const code = await exited;
  return { code, signal: null, stdout, stderr, stdoutBytes: Buffer.from(stdout) };
}

describe('auth oauth2 with a browser', () => {
  it('logs in through the callback server, looks up the username and stores the token', async () => {
    const port = await freePort();
    await addSandboxApp(`http://127.0.0.1:${port}/callback`);
    const log = join(config.dir, '..', 'browser.log');
    const before = tokenRequests('authorization_code').length;
    const r = await xcli(['auth', 'oauth2'], { env: { FAKE_BROWSER_LOG: log } });
    expect(r.stderr).toContain("Logged in as @sandbox_dev; saved the OAuth2 token to app 'sb'.");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');

    const visits = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const authorize = new URL(visits[0].url);
    expect(authorize.origin + authorize.pathname).toBe(`${fake.current.url}/i/oauth2/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe(fake.current.credentials.clientId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/callback`);
    expect(authorize.searchParams.get('scope')?.split(' ')).toContain('offline.access');
    expect(visits[1]).toMatchObject({ status: 200 });

    // Confidential client: HTTP Basic, no client_id in the form.
    const exchange = tokenRequests('authorization_code').slice(before)[0]!;
    expect(String(exchange.headers.authorization)).toMatch(/^Basic /);
    expect(new URLSearchParams(exchange.body).get('client_id')).toBeNull();
    expect(new URLSearchParams(exchange.body).get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const app = stored().apps.sb;
    expect(app.defaultUser).toBe('sandbox_dev');
    const token = app.oauth2Tokens.sandbox_dev;
    expect(token.accessToken).toBeTruthy();
    expect(token.refreshToken).toBeTruthy();
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 7000_000);
    expect(token.scopes).toContain('tweet.read');
    expectNoSecretsIn(r, [token.accessToken, token.refreshToken, fake.current.credentials.clientSecret]);

    const printed = await xcli(['token']);
    expect(printed.stdout).toBe(`${token.accessToken}\n`);
    expect(printed.code).toBe(0);
  });

  it('binds localhost on both loopback addresses, sends client_id as a public client, and honours USERNAME and --scopes', async () => {
    const port = await freePort();
    await addSandboxApp(`http://localhost:${port}/cb`, { publicClient: true });
    const meBefore = fake.current.requests.filter((q) => q.path === '/2/users/me').length;
    const log = join(config.dir, '..', 'browser.log');
    const r = await xcli(['auth', 'oauth2', '@someone', '--scopes', 'tweet.read users.read', '--scopes', 'offline.access'], {
      env: { XCLI_TOKEN_URL: `${fake.current.url}/2/oauth2/token`, FAKE_BROWSER_LOG: log, FAKE_BROWSER_PROBE: '1' },
    });
    expect(r.stderr).toContain('Logged in as @someone');
    expect(r.code).toBe(0);
    const probe = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((e) => e.probe)?.probe;
    // ::1 only where the machine has IPv6; xcli then listens on 127.0.0.1 alone.
    expect(probe).toEqual({ '127.0.0.1': true, '::1': await ipv6Loopback() });
    expect(fake.current.requests.filter((q) => q.path === '/2/users/me').length).toBe(meBefore);
    const exchange = tokenRequests('authorization_code').at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(new URLSearchParams(exchange.body).get('client_id')).toBe(fake.current.credentials.clientId);
    expect(stored().apps.sb.oauth2Tokens.someone.scopes).toEqual(['tweet.read', 'users.read', 'offline.access']);
  });

  it('says clearly when the callback port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await addSandboxApp(`http://127.0.0.1:${port}/callback`);
      const before = readFileSync(config.file);
      const r = await xcli(['auth', 'oauth2']);
      expect(r.stderr).toMatch(
        /^xcli: cannot listen for the OAuth2 callback on 127\.0\.0\.1 port \d+ \(the port is in use\); .*--headless\n$/,
      );
      expect(r.code).toBe(1);
      expect(readFileSync(config.file)).toEqual(before);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('without a usable browser, prints the URL and times out when nothing comes', async () => {
    const port = await freePort();
    await addSandboxApp(`http://127.0.0.1:${port}/callback`);
    const before = readFileSync(config.file);
    const r = await xcli(['auth', 'oauth2', '--timeout', '1'], { env: { BROWSER: 'false' } });
    expect(r.stderr).toContain('could not open a browser');
    expect(r.stderr).toContain(`${fake.current.url}/i/oauth2/authorize?`);
    expect(r.stderr).toMatch(/xcli: timed out after 1 s waiting for the authorization/);
    expect(r.code).toBe(1);
    expect(readFileSync(config.file)).toEqual(before);
  });

  it('without a usable browser, also accepts the bare code pasted on stdin', async () => {
    const port = await freePort();
    await addSandboxApp(`http://127.0.0.1:${port}/callback`);
    const r = await pasting(
      async (url) => new URL((await getNoFollow(url)).location!).searchParams.get('code')!,
      ['auth', 'oauth2'],
      { BROWSER: 'false' },
    );
    expect(r.stderr).toContain('Logged in as @sandbox_dev');
    expect(r.code).toBe(0);
  });

  it('refuses an app without a client id, naming the apps that have one', async () => {
    mkdirSync(config.dir, { recursive: true });
    writeFileSync(config.file, JSON.stringify({ defaultApp: 'empty', apps: { empty: {}, good: { clientId: 'x' } } }));
    const r = await xcli(['auth', 'oauth2']);
    expect(r.stderr).toBe(
      "xcli: app 'empty' has no OAuth2 client id: run 'xcli auth apps update empty --client-id ID' or set X_CLIENT_ID; apps with a client id: good (use --app NAME)\n",
    );
    expect(r.code).toBe(3);
  });
});

describe('auth oauth2 --headless', () => {
  it('accepts the pasted redirect URL', async () => {
    await addSandboxApp('https://example.com/never-reached');
    const r = await pasting(async (url) => (await getNoFollow(url)).location!);
    expect(r.stderr).toContain('Paste that full URL');
    expect(r.stderr).toContain('Logged in as @sandbox_dev');
    expect(r.code).toBe(0);
    expect(stored().apps.sb.oauth2Tokens.sandbox_dev.accessToken).toBeTruthy();
  });

  it('rejects a redirect carrying another state, leaving the store as it was', async () => {
    await addSandboxApp('https://example.com/never-reached');
    const before = readFileSync(config.file);
    const r = await pasting(async (url) => {
      const location = new URL((await getNoFollow(url)).location!);
      location.searchParams.set('state', 'forged');
      return location.toString();
    });
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^xcli: the state in the redirect does not match this login/);
    expect(r.code).toBe(3);
    expect(readFileSync(config.file)).toEqual(before);
  });

  it('reports empty input as a usage error', async () => {
    await addSandboxApp('https://example.com/never-reached');
    const r = await xcli(['auth', 'oauth2', '--headless'], { input: '' });
    expect(r.stderr.trim().split('\n').at(-1)).toBe('xcli: no redirect URL or code on stdin');
    expect(r.code).toBe(2);
  });
});

describe('OAuth2 token refresh', () => {
  function storeExpiredToken(): { accessToken: string; refreshToken: string } {
    const minted = fake.current.mintUserToken();
    mkdirSync(config.dir, { recursive: true });
    const token = {
      accessToken: minted.access_token,
      refreshToken: minted.refresh_token!,
      expiresAt: Date.now() - 1000,
      scopes: minted.scope.split(' '),
    };
    writeFileSync(
      config.file,
      JSON.stringify({
        defaultApp: 'sb',
        apps: {
          sb: {
            clientId: fake.current.credentials.clientId,
            clientSecret: fake.current.credentials.clientSecret,
            apiBaseUrl: fake.current.url,
            oauth2Tokens: { dev: token },
          },
        },
      }),
    );
    return token;
  }

  it('refreshes an expired token, saves the rotated pair and keeps the scopes', async () => {
    const old = storeExpiredToken();
    const r = await xcli(['token']);
    expect(r.code).toBe(0);
    const saved = stored().apps.sb.oauth2Tokens.dev;
    expect(r.stdout).toBe(`${saved.accessToken}\n`);
    expect(saved.accessToken).not.toBe(old.accessToken);
    expect(saved.refreshToken).not.toBe(old.refreshToken);
    expect(saved.expiresAt).toBeGreaterThan(Date.now() + 7000_000);
    expect(r.stderr).toBe('');
    // The fresh token is used as it is next time.
    const count = tokenRequests('refresh_token').length;
    expect((await xcli(['token'])).stdout).toBe(`${saved.accessToken}\n`);
    expect(tokenRequests('refresh_token').length).toBe(count);
  });

  it('two processes refreshing at once spend the refresh token exactly once and agree on the result', async () => {
    const old = storeExpiredToken();
    const spentBefore = tokenRequests('refresh_token').filter(
      (q) => new URLSearchParams(q.body).get('refresh_token') === old.refreshToken,
    ).length;
    expect(spentBefore).toBe(0);
    const results = await Promise.all([xcli(['token']), xcli(['token']), xcli(['token'])]);
    for (const r of results) expect(r.code).toBe(0);
    const saved = stored().apps.sb.oauth2Tokens.dev;
    for (const r of results) expect(r.stdout).toBe(`${saved.accessToken}\n`);
    const spent = tokenRequests('refresh_token').filter(
      (q) => new URLSearchParams(q.body).get('refresh_token') === old.refreshToken,
    );
    expect(spent).toHaveLength(1);
    // The saved pair still works: the sandbox would have revoked the family on a reuse.
    saved.expiresAt = 0;
    writeFileSync(
      config.file,
      JSON.stringify({ ...stored(), apps: { sb: { ...stored().apps.sb, oauth2Tokens: { dev: saved } } } }),
    );
    expect((await xcli(['token'])).code).toBe(0);
  });

  it('a refused refresh is exit 3 with the fix, and the stored token stays', async () => {
    storeExpiredToken();
    const data = stored();
    data.apps.sb.oauth2Tokens.dev.refreshToken = 'not-a-real-refresh-token';
    writeFileSync(config.file, JSON.stringify(data));
    const before = readFileSync(config.file);
    const r = await xcli(['token']);
    expect(r.stderr).toMatch(
      /^xcli: cannot refresh the OAuth2 token of dev \(app 'sb'\): token endpoint http:\/\/127\.0\.0\.1:\d+\/2\/oauth2\/token refused the request: invalid_request: .*; run 'xcli auth oauth2 --app sb'\n$/,
    );
    expect(r.stderr).not.toContain('not-a-real-refresh-token');
    expect(r.code).toBe(3);
    expect(readFileSync(config.file)).toEqual(before);
  });
});
