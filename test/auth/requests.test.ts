// Credentials from the store and the environment, used by real requests to the sandbox, whose
// OAuth 1.0a verifier and token checks are its own.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { useConfigDir, useSandbox } from './setup.js';

const config = useConfigDir();
const fake = useSandbox();

const xcli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env: { XCLI_CONFIG_DIR: config.dir, XCLI_API_BASE_URL: fake.current.url, ...env } });

function writeStore(data: unknown): void {
  mkdirSync(config.dir, { recursive: true });
  writeFileSync(config.file, JSON.stringify(data));
}

describe('requests signed with stored credentials', () => {
  it('OAuth 1.0a signatures verify for queries with spaces, plus signs and repeated keys', async () => {
    const c = fake.current.credentials;
    expect(
      (
        await xcli([
          'auth',
          'oauth1',
          '--consumer-key',
          c.consumerKey,
          '--consumer-secret',
          c.consumerSecret,
          '--access-token',
          c.accessToken,
          '--token-secret',
          c.accessTokenSecret,
        ])
      ).code,
    ).toBe(0);
    for (const path of [
      '/2/users/me',
      '/2/tweets/search/recent?query=hello world+x%2By&tweet.fields=id,text&tweet.fields=author_id',
      '/2/users/by?usernames=sandbox_dev,X&user.fields=description',
    ]) {
      const r = await xcli(['--auth', 'oauth1', path]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(fake.current.requests.at(-1)?.authKind).toBe('oauth1');
  });

  it('environment variables override the default app; --app NAME keeps its own values', async () => {
    writeStore({
      defaultApp: 'main',
      apps: { main: { bearerToken: 'stale-stored-bearer' }, good: { bearerToken: fake.current.credentials.bearerToken } },
    });
    const env = { X_BEARER_TOKEN: fake.current.credentials.bearerToken };
    expect((await xcli(['--auth', 'app', '/2/users/by/username/XDevelopers'], env)).code).toBe(0);
    expect((await xcli(['--auth', 'app', '/2/users/by/username/XDevelopers'])).code).toBe(1);
    const wrongEnv = { X_BEARER_TOKEN: 'wrong-env-bearer' };
    expect((await xcli(['--auth', 'app', '--app', 'good', '/2/users/by/username/XDevelopers'], wrongEnv)).code).toBe(0);
    const r = await xcli(['--app', 'nope', '/2/users/me']);
    expect(r.stderr).toBe("xcli: unknown app 'nope'; known apps: good, main (add one with 'xcli auth apps add nope')\n");
    expect(r.code).toBe(3);
  });

  it('refreshes an expired OAuth2 user token during a request and saves the new pair', async () => {
    const minted = fake.current.mintUserToken();
    writeStore({
      defaultApp: 'sb',
      apps: {
        sb: {
          clientId: fake.current.credentials.clientId,
          clientSecret: fake.current.credentials.clientSecret,
          oauth2Tokens: {
            dev: { accessToken: minted.access_token, refreshToken: minted.refresh_token, expiresAt: Date.now() + 10_000 },
          },
        },
      },
    });
    const r = await xcli(['--auth', 'oauth2', '/2/users/me']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).data.username).toBe('sandbox_dev');
    const saved = JSON.parse(readFileSync(config.file, 'utf8')).apps.sb.oauth2Tokens.dev;
    expect(saved.accessToken).not.toBe(minted.access_token);
    expect(saved.refreshToken).not.toBe(minted.refresh_token);
  });
});
