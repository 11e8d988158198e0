import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { availableAuthKinds, defaultUserOf } from '../../src/auth/authorize.js';
import { resolveApp, secretsOf } from '../../src/auth/resolve.js';
import type { StoreData } from '../../src/auth/types.js';
import { createContext } from '../../src/context.js';
import { CredentialsError } from '../../src/errors.js';
import { testIO } from '../../src/io.js';
import { tempConfigDir } from '../helpers/run-cli.js';

let temp: ReturnType<typeof tempConfigDir>;
beforeEach(() => {
  temp = tempConfigDir();
});
afterEach(() => temp.cleanup());

function withStore(data: StoreData | undefined, env: Record<string, string> = {}) {
  if (data) {
    mkdirSync(temp.dir, { recursive: true });
    writeFileSync(`${temp.dir}/config.json`, JSON.stringify(data));
  }
  return createContext(testIO(), { XCLI_CONFIG_DIR: temp.dir, ...env }, 'test');
}

const STORE: StoreData = {
  defaultApp: 'main',
  apps: {
    main: {
      clientId: 'main-client',
      clientSecret: 'main-client-secret',
      bearerToken: 'main-bearer-token',
      oauth1: {
        consumerKey: 'main-ck',
        consumerSecret: 'main-cs-secret',
        accessToken: 'main-at-token',
        tokenSecret: 'main-ts-secret',
      },
      oauth2Tokens: {
        bob: { accessToken: 'bob-access-token', refreshToken: 'bob-refresh-token' },
        alice: { accessToken: 'alice-access-token' },
      },
    },
    other: { apiBaseUrl: 'http://127.0.0.1:9/' },
  },
};

const ENV = {
  X_BEARER_TOKEN: 'env-bearer-token',
  X_CONSUMER_KEY: 'env-ck',
  X_CONSUMER_SECRET: 'env-cs-secret',
  X_ACCESS_TOKEN: 'env-at-token',
  X_ACCESS_TOKEN_SECRET: 'env-ts-secret',
  X_CLIENT_ID: 'env-client',
};

describe('resolveApp', () => {
  it('uses the default app and the default API base', async () => {
    const r = await resolveApp(withStore(STORE));
    expect(r.name).toBe('main');
    expect(r.app.bearerToken).toBe('main-bearer-token');
    expect(r.apiBaseUrl).toBe('https://api.x.com');
    expect(r.sources).toEqual({ bearer: 'store', oauth1: 'store', oauth2Client: 'store' });
  });

  it('lets environment variables override the default app', async () => {
    const r = await resolveApp(withStore(STORE, ENV));
    expect(r.app.bearerToken).toBe('env-bearer-token');
    expect(r.app.oauth1).toEqual({
      consumerKey: 'env-ck',
      consumerSecret: 'env-cs-secret',
      accessToken: 'env-at-token',
      tokenSecret: 'env-ts-secret',
    });
    // An env client id never borrows the stored secret of another client.
    expect(r.app.clientId).toBe('env-client');
    expect(r.app.clientSecret).toBeUndefined();
    expect(r.sources).toEqual({ bearer: 'env', oauth1: 'env', oauth2Client: 'env' });
    expect(r.app.oauth2Tokens?.bob?.accessToken).toBe('bob-access-token');
  });

  it('with an explicit --app, stored values win and the environment fills gaps', async () => {
    const main = await resolveApp(withStore(STORE, ENV), { app: 'main' });
    expect(main.app.bearerToken).toBe('main-bearer-token');
    expect(main.app.clientId).toBe('main-client');
    expect(main.sources.bearer).toBe('store');
    const other = await resolveApp(withStore(STORE, ENV), { app: 'other' });
    expect(other.app.bearerToken).toBe('env-bearer-token');
    expect(other.sources).toEqual({ bearer: 'env', oauth1: 'env', oauth2Client: 'env' });
    expect(other.apiBaseUrl).toBe('http://127.0.0.1:9');
  });

  it('rejects an unknown --app, naming the known apps', async () => {
    const ctx = withStore(STORE);
    await expect(resolveApp(ctx, { app: 'typo' })).rejects.toThrow(CredentialsError);
    await expect(resolveApp(ctx, { app: 'typo' })).rejects.toThrow("unknown app 'typo'; known apps: main, other");
  });

  it('works from the environment alone, without a store file', async () => {
    const r = await resolveApp(
      withStore(undefined, { X_BEARER_TOKEN: 'env-bearer-token', XCLI_API_BASE_URL: 'http://127.0.0.1:1234/' }),
    );
    expect(r.name).toBeUndefined();
    expect(r.app.bearerToken).toBe('env-bearer-token');
    expect(r.apiBaseUrl).toBe('http://127.0.0.1:1234');
    expect(availableAuthKinds(r)).toEqual(['bearer']);
  });

  it('ignores an incomplete OAuth 1.0a environment group and empty values', async () => {
    const r = await resolveApp(withStore(undefined, { X_CONSUMER_KEY: 'only-key', X_BEARER_TOKEN: '' }));
    expect(r.app.oauth1).toBeUndefined();
    expect(r.app.bearerToken).toBeUndefined();
  });

  it('lists every secret for redaction, and no public values', async () => {
    const r = await resolveApp(withStore({ ...STORE, ngrokAuthtoken: 'ngrok-secret-token' }));
    const secrets = secretsOf(r);
    expect(secrets.sort()).toEqual(
      [
        'main-bearer-token',
        'main-client-secret',
        'main-cs-secret',
        'main-at-token',
        'main-ts-secret',
        'bob-access-token',
        'bob-refresh-token',
        'alice-access-token',
        'ngrok-secret-token',
      ].sort(),
    );
  });
});

describe('available auth kinds and default user', () => {
  it('offers OAuth2 for a known user only, OAuth 1.0a only with all four values', async () => {
    const r = await resolveApp(withStore(STORE));
    expect(availableAuthKinds(r)).toEqual(['oauth2', 'oauth1', 'bearer']);
    expect(availableAuthKinds(r, 'carol')).toEqual(['oauth1', 'bearer']);
    const partial = await resolveApp(
      withStore({ apps: { a: { oauth1: { consumerKey: 'k', consumerSecret: 's' } } }, defaultApp: 'a' }),
    );
    expect(availableAuthKinds(partial)).toEqual([]);
  });

  it('picks the default user, else the first name, else the unnamed token', () => {
    expect(defaultUserOf({ oauth2Tokens: { bob: { accessToken: 'x' }, alice: { accessToken: 'y' } } })).toBe('alice');
    expect(defaultUserOf({ defaultUser: 'bob', oauth2Tokens: { bob: { accessToken: 'x' }, alice: { accessToken: 'y' } } })).toBe(
      'bob',
    );
    expect(defaultUserOf({ defaultUser: 'gone', oauth2Tokens: { '': { accessToken: 'x' }, zed: { accessToken: 'y' } } })).toBe(
      'zed',
    );
    expect(defaultUserOf({ oauth2Tokens: { '': { accessToken: 'x' } } })).toBe('');
    expect(defaultUserOf({})).toBeUndefined();
  });
});
