import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convertXurlStore } from '../../src/auth/import-xurl.js';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';

const XURL_YAML = `apps:
  work:
    client_id: work-client
    client_secret: work-client-secret-value
    redirect_uri: http://localhost:8080/callback
    default_user: alice
    oauth2_tokens:
      alice:
        type: oauth2
        oauth2:
          access_token: alice-access-token-value
          refresh_token: alice-refresh-token-value
          expiration_time: 1893456000
      "":
        type: oauth2
        oauth2:
          access_token: unnamed-access-token-value
          refresh_token: ""
          expiration_time: 0
    oauth1_token:
      type: oauth1
      oauth1:
        access_token: o1-access-token-value
        token_secret: o1-token-secret-value
        consumer_key: o1-consumer-key
        consumer_secret: o1-consumer-secret-value
    bearer_token:
      type: bearer
      bearer: AAAA-bearer-token-value
  empty:
    client_id: ""
    client_secret: ""
default_app: work
`;

describe('convertXurlStore', () => {
  it("maps xurl's schema, converting expiry seconds to milliseconds and 0 to unknown", async () => {
    const { parse } = await import('yaml');
    expect(convertXurlStore(parse(XURL_YAML))).toEqual({
      defaultApp: 'work',
      apps: {
        work: {
          clientId: 'work-client',
          clientSecret: 'work-client-secret-value',
          redirectUri: 'http://localhost:8080/callback',
          defaultUser: 'alice',
          oauth2Tokens: {
            alice: {
              accessToken: 'alice-access-token-value',
              refreshToken: 'alice-refresh-token-value',
              expiresAt: 1893456000_000,
            },
            '': { accessToken: 'unnamed-access-token-value' },
          },
          oauth1: {
            consumerKey: 'o1-consumer-key',
            consumerSecret: 'o1-consumer-secret-value',
            accessToken: 'o1-access-token-value',
            tokenSecret: 'o1-token-secret-value',
          },
          bearerToken: 'AAAA-bearer-token-value',
        },
        empty: {},
      },
    });
  });

  it('rejects files without an apps map and tokens without an access token', () => {
    expect(() => convertXurlStore({ oauth2_tokens: {} })).toThrow(/no "apps:" map/);
    expect(() => convertXurlStore({ apps: { a: { oauth2_tokens: { bob: { oauth2: {} } } } } })).toThrow(
      /apps.a.oauth2_tokens.bob has no oauth2.access_token/,
    );
  });
});

describe('xcli auth import-xurl', () => {
  let temp: ReturnType<typeof tempConfigDir>;
  let home: string;
  let file: string;
  beforeEach(() => {
    temp = tempConfigDir();
    home = join(temp.dir, '..', 'home');
    mkdirSync(join(home, '.xurl'), { recursive: true });
    writeFileSync(join(home, '.xurl', 'auth.yml'), XURL_YAML);
    file = join(temp.dir, 'config.json');
  });
  afterEach(() => temp.cleanup());
  const xcli = (args: string[]) => runCli(args, { env: { XCLI_CONFIG_DIR: temp.dir, HOME: home } });
  const stored = () => JSON.parse(readFileSync(file, 'utf8'));

  it('imports ~/.xurl/auth.yml into an empty store, taking over the default app', async () => {
    const r = await xcli(['auth', 'import-xurl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Imported from ${join(home, '.xurl', 'auth.yml')}:`);
    expect(r.stderr).toContain("imported 'work': OAuth2 alice, (unknown user), OAuth 1.0a, bearer, client id");
    expect(r.stderr).toContain("default app: 'work'");
    expect(r.stderr).not.toMatch(/-value/);
    const data = stored();
    expect(data.defaultApp).toBe('work');
    expect(data.apps.work.oauth2Tokens.alice.expiresAt).toBe(1893456000_000);
    expect(Object.keys(data.apps).sort()).toEqual(['empty', 'work']);
    // The imported token is usable at once.
    const token = await xcli(['token']);
    expect(token.stdout).toBe('alice-access-token-value\n');
  });

  it('skips apps that exist unless --overwrite, and keeps the current default app', async () => {
    mkdirSync(temp.dir, { recursive: true });
    writeFileSync(file, JSON.stringify({ defaultApp: 'mine', apps: { mine: {}, work: { bearerToken: 'keep-me' } } }));
    let r = await xcli(['auth', 'import-xurl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("skipped 'work': an app of that name exists (use --overwrite to replace it)");
    expect(r.stderr).toContain("imported 'empty'");
    expect(stored().apps.work).toEqual({ bearerToken: 'keep-me' });
    expect(stored().defaultApp).toBe('mine');
    r = await xcli(['auth', 'import-xurl', '--overwrite']);
    expect(r.stderr).toContain("replaced 'work'");
    expect(r.stderr).toContain("kept 'mine' as the default app (xurl's default was 'work'");
    expect(stored().apps.work.bearerToken).toBe('AAAA-bearer-token-value');
  });

  it('reports a missing or unparsable file with one line and changes nothing', async () => {
    let r = await xcli(['auth', 'import-xurl', '--file', join(home, 'nope.yml')]);
    expect(r.stderr).toBe(`xcli: no xurl credentials at ${join(home, 'nope.yml')} (use --file PATH)\n`);
    expect(r.code).toBe(1);
    writeFileSync(join(home, 'bad.yml'), 'apps: [unclosed\n  - x: {');
    r = await xcli(['auth', 'import-xurl', '--file', join(home, 'bad.yml')]);
    expect(r.stderr).toMatch(/^xcli: cannot import .*bad\.yml: [^\n]+\n$/);
    expect(r.code).toBe(1);
    writeFileSync(join(home, 'old.yml'), '{"oauth2_tokens": {}, "bearer_token": "x"}');
    r = await xcli(['auth', 'import-xurl', '--file', join(home, 'old.yml')]);
    expect(r.stderr).toMatch(/has no "apps:" map/);
    expect(r.code).toBe(1);
  });
});
