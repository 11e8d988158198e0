// End to end through bin/xcli.js: every auth command, its output streams, exit codes and the file it leaves.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { useConfigDir } from './setup.js';

const config = useConfigDir();

const xcli = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
  runCli(args, { input: opts.input, env: { XCLI_CONFIG_DIR: config.dir, ...opts.env } });

const stored = () => JSON.parse(readFileSync(config.file, 'utf8'));
const writeStore = (data: unknown) => {
  mkdirSync(config.dir, { recursive: true });
  writeFileSync(config.file, JSON.stringify(data), { mode: 0o600 });
};

function expectOk(r: CliResult): void {
  expect(r.stderr).not.toMatch(/xcli: (?!note|warning)/);
  expect(r.code).toBe(0);
}

/** One clear line on stderr, nothing on stdout, the documented exit code. */
function expectFailure(r: CliResult, code: number, message: RegExp): void {
  expect(r.stderr).toMatch(/^xcli: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(code);
}

const SECRETS = {
  bearer: 'AAAAbearer-secret-value-123',
  consumerSecret: 'consumer-secret-value-456',
  accessToken: '1234-access-token-value-789',
  tokenSecret: 'token-secret-value-abc',
  clientSecret: 'client-secret-value-def',
  oauth2Access: 'oauth2-access-token-value',
  oauth2Refresh: 'oauth2-refresh-token-value',
  ngrok: 'ngrok-authtoken-value-xyz',
};

function expectNoSecrets(r: CliResult): void {
  for (const secret of Object.values(SECRETS)) {
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
  }
}

const FULL_STORE = {
  version: 1,
  defaultApp: 'main',
  ngrokAuthtoken: SECRETS.ngrok,
  apps: {
    main: {
      clientId: 'main-client-id',
      clientSecret: SECRETS.clientSecret,
      bearerToken: SECRETS.bearer,
      oauth1: {
        consumerKey: 'ck',
        consumerSecret: SECRETS.consumerSecret,
        accessToken: SECRETS.accessToken,
        tokenSecret: SECRETS.tokenSecret,
      },
      defaultUser: 'alice',
      oauth2Tokens: {
        alice: {
          accessToken: SECRETS.oauth2Access,
          refreshToken: SECRETS.oauth2Refresh,
          expiresAt: Date.now() + 3_600_000,
          scopes: ['tweet.read', 'offline.access'],
        },
        bob: { accessToken: 'bob-access-token-value', expiresAt: 1_000 },
      },
    },
    spare: {},
  },
};

describe('auth app (bearer)', () => {
  it('creates app "default" on an empty store, with a 0600 file in a 0700 dir, and prints nothing on stdout', async () => {
    const r = await xcli(['auth', 'app', SECRETS.bearer]);
    expectOk(r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("Saved the bearer token to app 'default' (created app 'default'");
    expectNoSecrets(r);
    expect(stored()).toEqual({ apps: { default: { bearerToken: SECRETS.bearer } }, defaultApp: 'default', version: 1 });
    expect(statSync(config.file).mode & 0o777).toBe(0o600);
    expect(statSync(config.dir).mode & 0o777).toBe(0o700);
  });

  it('reads the token from stdin with -, and accepts --bearer-token and the aliases', async () => {
    expectOk(await xcli(['auth', 'app', '-'], { input: `${SECRETS.bearer}\n` }));
    expect(stored().apps.default.bearerToken).toBe(SECRETS.bearer);
    expectOk(await xcli(['auth', 'bearer', '--bearer-token', 'second-token']));
    expect(stored().apps.default.bearerToken).toBe('second-token');
    expectOk(await xcli(['auth', 'app-only', 'third-token']));
    expect(stored().apps.default.bearerToken).toBe('third-token');
  });

  it('writes to --app NAME, and refuses an unknown one without touching the file', async () => {
    writeStore(FULL_STORE);
    expectOk(await xcli(['auth', 'app', '--app', 'spare', 'spare-token']));
    expect(stored().apps.spare.bearerToken).toBe('spare-token');
    expect(stored().apps.main.bearerToken).toBe(SECRETS.bearer);
    const before = readFileSync(config.file);
    expectFailure(
      await xcli(['auth', 'app', '--app', 'typo', 'x']),
      3,
      /unknown app 'typo'; known apps: main, spare \(add one with 'xcli auth apps add typo'\)/,
    );
    expect(readFileSync(config.file)).toEqual(before);
  });

  it('rejects a missing or doubled token', async () => {
    expectFailure(await xcli(['auth', 'app']), 2, /no bearer token on stdin/);
    expectFailure(await xcli(['auth', 'app', 'a', '--bearer-token', 'b']), 2, /give the bearer token once/);
    expect(existsSync(config.file)).toBe(false);
  });
});

describe('auth oauth1', () => {
  it("reads each '-' value from stdin, one line each, in flag order", async () => {
    const r = await xcli(
      ['auth', 'oauth1', '--consumer-key', 'ck', '--consumer-secret', '-', '--access-token', '-', '--token-secret', '-'],
      {
        input: `${SECRETS.consumerSecret}\n${SECRETS.accessToken}\n${SECRETS.tokenSecret}\n`,
      },
    );
    expectOk(r);
    expectNoSecrets(r);
    expect(r.stdout).toBe('');
    expect(stored().apps.default.oauth1).toEqual({
      consumerKey: 'ck',
      consumerSecret: SECRETS.consumerSecret,
      accessToken: SECRETS.accessToken,
      tokenSecret: SECRETS.tokenSecret,
    });
  });

  it('stores the consumer pair alone (webhooks need only that)', async () => {
    const r = await xcli(['auth', 'oauth1', '--consumer-key', 'ck', '--consumer-secret', 'cs']);
    expectOk(r);
    expect(r.stderr).toContain('enough for webhooks');
    expect(stored().apps.default.oauth1).toEqual({ consumerKey: 'ck', consumerSecret: 'cs' });
  });

  it('rejects missing values and short stdin', async () => {
    expectFailure(await xcli(['auth', 'oauth1', '--consumer-key', 'ck']), 2, /missing --consumer-secret/);
    expectFailure(
      await xcli(['auth', 'oauth1', '--consumer-key', 'k', '--consumer-secret', 's', '--access-token', 't']),
      2,
      /--access-token and --token-secret together/,
    );
    expectFailure(
      await xcli(['auth', 'oauth1', '--consumer-key', '-', '--consumer-secret', '-'], { input: 'only-one\n' }),
      2,
      /no consumer secret on stdin/,
    );
    expect(existsSync(config.file)).toBe(false);
  });
});

describe('auth apps', () => {
  it('adds (first becomes default), lists, updates and removes apps', async () => {
    let r = await xcli(
      ['auth', 'apps', 'add', 'work', '--client-id', 'cid', '--client-secret', '-', '--redirect-uri', 'http://127.0.0.1:9000/cb'],
      {
        input: `${SECRETS.clientSecret}\n`,
      },
    );
    expectOk(r);
    expect(r.stderr).toContain("Added app 'work' (now the default app).");
    expectOk(await xcli(['auth', 'apps', 'add', 'alpha', '--api-base-url', 'http://127.0.0.1:1/']));
    expect(stored().defaultApp).toBe('work');
    expect(stored().apps.alpha).toEqual({ apiBaseUrl: 'http://127.0.0.1:1' });

    r = await xcli(['auth', 'apps', 'list']);
    expectOk(r);
    expectNoSecrets(r);
    expect(r.stdout).toBe(
      '  alpha  client_id=-  redirect_uri=http://localhost:8080/callback  api=http://127.0.0.1:1\n' +
        '* work  client_id=cid  redirect_uri=http://127.0.0.1:9000/cb  api=https://api.x.com\n',
    );
    const json = JSON.parse((await xcli(['auth', 'apps', 'list', '--json'])).stdout);
    expect(json.map((a: { name: string; default: boolean }) => [a.name, a.default])).toEqual([
      ['alpha', false],
      ['work', true],
    ]);

    expectOk(await xcli(['auth', 'apps', 'update', 'alpha', '--client-id', 'new-id']));
    expect(stored().apps.alpha.clientId).toBe('new-id');

    r = await xcli(['auth', 'apps', 'remove', 'work']);
    expectOk(r);
    expect(r.stderr).toContain("Removed app 'work' and its credentials; 'alpha' is now the default app.");
    expect(stored().defaultApp).toBe('alpha');
    r = await xcli(['auth', 'apps', 'remove', 'alpha']);
    expect(r.stderr).toContain('no apps are left');
    expect(stored()).toEqual({ apps: {}, version: 1 });
  });

  it('picks the alphabetically first remaining app as the new default', async () => {
    writeStore({ defaultApp: 'm', apps: { z: {}, m: {}, b: {}, k: {} } });
    const r = await xcli(['auth', 'apps', 'remove', 'm']);
    expect(r.stderr).toContain("'b' is now the default app");
    expect(stored().defaultApp).toBe('b');
  });

  it('rejects bad input with exit 2 (usage) or 3 (unknown app) and leaves the file unchanged', async () => {
    writeStore(FULL_STORE);
    const before = readFileSync(config.file);
    expectFailure(await xcli(['auth', 'apps', 'add', 'main']), 2, /app 'main' already exists/);
    expectFailure(await xcli(['auth', 'apps', 'add', 'bad name']), 2, /may contain only letters/);
    expectFailure(
      await xcli(['auth', 'apps', 'add', 'x', '--redirect-uri', 'not a url']),
      2,
      /--redirect-uri 'not a url' is not a valid URL/,
    );
    expectFailure(await xcli(['auth', 'apps', 'add', 'x', '--api-base-url', 'ftp://h']), 2, /must start with http/);
    expectFailure(await xcli(['auth', 'apps', 'update', 'main']), 2, /nothing to update/);
    expectFailure(await xcli(['auth', 'apps', 'update', 'nope', '--client-id', 'x']), 3, /unknown app 'nope'/);
    expectFailure(await xcli(['auth', 'apps', 'remove', 'nope']), 3, /unknown app 'nope'/);
    expectFailure(await xcli(['auth', 'apps', 'add']), 2, /missing required argument 'name'/);
    expect(readFileSync(config.file)).toEqual(before);
  });
});

describe('auth default', () => {
  it('prints "APP [USER]" and sets both', async () => {
    writeStore(FULL_STORE);
    let r = await xcli(['auth', 'default']);
    expectOk(r);
    expect(r.stdout).toBe('main alice\n');
    expectOk(await xcli(['auth', 'default', 'main', 'bob']));
    expect((await xcli(['auth', 'default'])).stdout).toBe('main bob\n');
    r = await xcli(['auth', 'default', 'spare']);
    expectOk(r);
    expect(r.stdout).toBe('');
    expect((await xcli(['auth', 'default'])).stdout).toBe('spare\n');
  });

  it('refuses unknown apps and users, and says when there is no default', async () => {
    expectFailure(await xcli(['auth', 'default']), 3, /no default app/);
    writeStore(FULL_STORE);
    const before = readFileSync(config.file);
    expectFailure(await xcli(['auth', 'default', 'nope']), 3, /unknown app 'nope'; known apps: main, spare/);
    expectFailure(
      await xcli(['auth', 'default', 'main', 'carol']),
      3,
      /app 'main' has no OAuth2 token for 'carol'; its users: alice, bob/,
    );
    expect(readFileSync(config.file)).toEqual(before);
  });
});

describe('auth status', () => {
  it('shows apps, credentials, users with expiry and scopes, and env sources, without a secret character', async () => {
    writeStore(FULL_STORE);
    const r = await xcli(['auth', 'status'], {
      env: { X_BEARER_TOKEN: 'env-bearer-secret-1', XCLI_API_BASE_URL: 'http://127.0.0.1:5' },
    });
    expectOk(r);
    expectNoSecrets(r);
    expect(r.stdout).not.toContain('env-bearer-secret-1');
    expect(r.stdout).not.toContain('bob-access-token-value');
    expect(r.stdout).toContain(`Config file: ${config.file}`);
    expect(r.stdout).toContain('* main  (default app)');
    expect(r.stdout).toContain('client id:     main-client-id, client secret: stored');
    expect(r.stdout).toMatch(/\* alice {2}expires \S+ \(in (59|60) min\)/);
    expect(r.stdout).toContain('scopes: tweet.read offline.access');
    expect(r.stdout).toMatch(/ {3}bob {2}expired 1970-01-01T00:00:01.000Z \(no refresh token: log in again\)/);
    expect(r.stdout).toContain('Environment: X_BEARER_TOKEN set (supplying: bearer token;');
    expect(r.stdout).toContain('XCLI_API_BASE_URL=http://127.0.0.1:5');
    expect(r.stdout).toContain('ngrok authtoken: stored');
  });

  it('prints JSON with --json', async () => {
    writeStore(FULL_STORE);
    const r = await xcli(['auth', 'status', '--json']);
    expectOk(r);
    expectNoSecrets(r);
    const status = JSON.parse(r.stdout);
    expect(status.defaultApp).toBe('main');
    const main = status.apps.find((a: { name: string }) => a.name === 'main');
    expect(main).toMatchObject({
      default: true,
      bearer: true,
      clientSecret: true,
      oauth1: { usable: true },
      defaultUser: 'alice',
    });
    expect(
      main.oauth2Users.map((u: { username: string; fresh: boolean; refreshable: boolean }) => [
        u.username,
        u.fresh,
        u.refreshable,
      ]),
    ).toEqual([
      ['alice', true, true],
      ['bob', false, false],
    ]);
  });

  it('works on an empty store without creating it', async () => {
    const r = await xcli(['auth', 'status']);
    expectOk(r);
    expect(r.stdout).toContain('No apps stored.');
    expect(existsSync(config.dir)).toBe(false);
  });
});

describe('auth clear', () => {
  it('clears one kind at a time from the default app or --app', async () => {
    writeStore(FULL_STORE);
    expectOk(await xcli(['auth', 'clear', '--bearer']));
    expect(stored().apps.main.bearerToken).toBeUndefined();
    expectOk(await xcli(['auth', 'clear', '--oauth1']));
    expect(stored().apps.main.oauth1).toBeUndefined();
    expectOk(await xcli(['auth', 'clear', '--oauth2-username', 'alice']));
    expect(Object.keys(stored().apps.main.oauth2Tokens)).toEqual(['bob']);
    expect(stored().apps.main.defaultUser).toBeUndefined();
    const r = await xcli(['auth', 'clear', '--all']);
    expect(r.stderr).toContain("Removed all tokens from app 'main'.");
    expect(stored().apps.main).toEqual({ clientId: 'main-client-id', clientSecret: SECRETS.clientSecret });
    expect((await xcli(['auth', 'clear', '--bearer', '--app', 'spare'])).stderr).toContain(
      "App 'spare' had nothing of that kind to remove.",
    );
  });

  it('needs exactly one flag and a known user', async () => {
    writeStore(FULL_STORE);
    const before = readFileSync(config.file);
    expectFailure(await xcli(['auth', 'clear']), 2, /say what to clear/);
    expectFailure(await xcli(['auth', 'clear', '--all', '--bearer']), 2, /one kind at a time/);
    expectFailure(await xcli(['auth', 'clear', '--oauth2-username', 'carol']), 3, /no OAuth2 token for 'carol'/);
    expectFailure(await xcli(['auth', 'clear', '--bearer', '--app', 'nope']), 3, /unknown app 'nope'/);
    expect(readFileSync(config.file)).toEqual(before);
  });
});

describe('auth ngrok', () => {
  it('stores the authtoken from the argument or stdin', async () => {
    let r = await xcli(['auth', 'ngrok', SECRETS.ngrok]);
    expectOk(r);
    expectNoSecrets(r);
    expect(stored()).toEqual({ apps: {}, ngrokAuthtoken: SECRETS.ngrok, version: 1 });
    r = await xcli(['auth', 'ngrok', '-'], { input: 'from-stdin-token\n' });
    expectOk(r);
    expect(stored().ngrokAuthtoken).toBe('from-stdin-token');
    expectFailure(await xcli(['auth', 'ngrok', '-']), 2, /no ngrok authtoken on stdin/);
  });
});

describe('token', () => {
  it('prints a valid token without touching the network', async () => {
    writeStore(FULL_STORE);
    const r = await xcli(['token']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${SECRETS.oauth2Access}\n`);
    expect(r.stderr).toBe('');
  });

  it('fails with exit 3 and never starts a login when the user has no token', async () => {
    writeStore(FULL_STORE);
    expectFailure(
      await xcli(['token', '-u', 'carol']),
      3,
      /no OAuth2 user token for user 'carol' in app 'main': run 'xcli auth oauth2 --app main carol'/,
    );
    expectFailure(await xcli(['token', '--app', 'spare']), 3, /no OAuth2 user token in app 'spare'/);
  });

  it('fails with exit 3 when the token expired and cannot be refreshed', async () => {
    writeStore(FULL_STORE);
    expectFailure(await xcli(['token', '-u', 'bob']), 3, /has expired and has no refresh token/);
  });
});

describe('a broken config file', () => {
  const commands: string[][] = [
    ['auth', 'app', 'tok'],
    ['auth', 'oauth1', '--consumer-key', 'k', '--consumer-secret', 's'],
    ['auth', 'apps', 'add', 'x'],
    ['auth', 'apps', 'list'],
    ['auth', 'apps', 'remove', 'main'],
    ['auth', 'default'],
    ['auth', 'default', 'main'],
    ['auth', 'status'],
    ['auth', 'clear', '--all'],
    ['auth', 'ngrok', 'tok'],
    ['auth', 'oauth2', '--headless'],
    ['token'],
  ];
  for (const [label, content] of [
    ['corrupt', '{"apps": {"main": {"bearerToken": "abc"'],
    ['wrong types', '{"apps": {"main": {"bearerToken": 42}}, "defaultApp": "main"}'],
  ] as const) {
    it(`(${label}) stops every auth command with exit 3, one line naming the file, and the file unchanged`, async () => {
      mkdirSync(config.dir, { recursive: true });
      writeFileSync(config.file, content);
      for (const args of commands) {
        const r = await xcli(args);
        expectFailure(
          r,
          3,
          new RegExp(
            `config file ${config.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (is not valid JSON|has an unexpected shape)`,
          ),
        );
      }
      expect(readFileSync(config.file, 'utf8')).toBe(content);
    });
  }
});

describe('usage errors', () => {
  it('unknown flags and subcommands exit 2 with one line', async () => {
    let r = await xcli(['auth', 'app', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^xcli: .*--bogus/);
    r = await xcli(['auth', 'status', '--jsn']);
    expect(r.code).toBe(2);
    expectFailure(await xcli(['auth', 'oauth2', '--scopes', 'tweet.reed']), 2, /unknown scope tweet.reed/);
    expectFailure(await xcli(['auth', 'oauth2', '--timeout', '0']), 2, /--timeout/);
  });
});
