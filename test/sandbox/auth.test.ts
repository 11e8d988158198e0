import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

let fake: FakeX;
beforeAll(async () => {
  fake = await startFakeX();
});
afterAll(() => fake.close());

/** Signs with the independent `oauth-1.0a` library, as a third-party client would. */
function oauth1Header(method: string, url: string, creds = fake.sandbox.credentials, form?: Record<string, string>): string {
  const oauth = new OAuth({
    consumer: { key: creds.consumerKey, secret: creds.consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  return oauth.toHeader(oauth.authorize({ url, method, data: form }, { key: creds.accessToken, secret: creds.accessTokenSecret }))
    .Authorization;
}

const get = (path: string, authorization?: string) =>
  fetch(`${fake.url}${path}`, { headers: authorization ? { authorization } : {} });

describe('sandbox auth', () => {
  it('accepts the bearer token on an app-auth route and sends rate-limit headers', async () => {
    const res = await get('/2/tweets/search/recent?query=sandbox', `Bearer ${fake.sandbox.credentials.bearerToken}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-rate-limit-limit')).toBe('900');
    expect(res.headers.get('x-rate-limit-remaining')).toBe('899');
    expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(fake.sandbox.requests.at(-1)?.authKind).toBe('bearer');
  });

  it('answers a wrong bearer token, and no credentials, with X 401 problem', async () => {
    for (const auth of ['Bearer nope', undefined]) {
      const res = await get('/2/tweets/20', auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    }
  });

  it('refuses the bearer token on a user-context route with 403 Unsupported Authentication', async () => {
    const res = await get('/2/users/me', `Bearer ${fake.sandbox.credentials.bearerToken}`);
    expect(res.status).toBe(403);
    const body = (await res.json()) as { title: string; detail: string; type: string };
    expect(body.title).toBe('Unsupported Authentication');
    expect(body.type).toBe('https://api.x.com/2/problems/unsupported-authentication');
    expect(body.detail).toContain('OAuth 2.0 Application-Only is forbidden');
  });

  it('verifies OAuth 1.0a signatures (query and form parameters included)', async () => {
    const url = `${fake.url}/2/users/me?user.fields=description,created_at`;
    const res = await get('/2/users/me?user.fields=description,created_at', oauth1Header('GET', url));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({ username: 'sandbox_dev', id: fake.sandbox.state.authenticatedUserId });
    expect(body.data.description).toBeTypeOf('string');
    expect(fake.sandbox.requests.at(-1)?.authKind).toBe('oauth1');
  });

  it('refuses an OAuth 1.0a request signed with the wrong secret, or replayed on another URL', async () => {
    const wrong = { ...fake.sandbox.credentials, consumerSecret: 'not-the-secret' };
    expect((await get('/2/users/me', oauth1Header('GET', `${fake.url}/2/users/me`, wrong))).status).toBe(401);
    const signedForOther = oauth1Header('GET', `${fake.url}/2/users/me?x=1`);
    expect((await get('/2/users/me', signedForOther)).status).toBe(401);
  });

  it('refuses OAuth 1.0a on a bearer-only route with 403', async () => {
    const res = await get('/2/webhooks', oauth1Header('GET', `${fake.url}/2/webhooks`));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toContain('OAuth 1.0a User Context is forbidden');
  });

  it('accepts OAuth2 user tokens it issued, checks scopes, and forgets revoked ones', async () => {
    const token = fake.sandbox.mintUserToken({ scopes: ['tweet.read', 'users.read'] });
    expect((await get('/2/users/me', `Bearer ${token.access_token}`)).status).toBe(200);
    const bearerOnly = await get('/2/webhooks', `Bearer ${token.access_token}`);
    expect(bearerOnly.status).toBe(403);
    expect(((await bearerOnly.json()) as { detail: string }).detail).toContain('OAuth 2.0 User Context is forbidden');
    const noScope = fake.sandbox.mintUserToken({ scopes: ['tweet.read'] });
    const res = await get('/2/users/me', `Bearer ${noScope.access_token}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toContain('users.read');
    const revoke = await fetch(`${fake.url}/2/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: token.access_token, client_id: fake.sandbox.credentials.clientId }),
    });
    expect(revoke.status).toBe(200);
    expect((await get('/2/users/me', `Bearer ${token.access_token}`)).status).toBe(401);
  });

  it('mints the app bearer with client_credentials and Basic consumer credentials', async () => {
    const { consumerKey, consumerSecret, bearerToken } = fake.sandbox.credentials;
    const post = (user: string, pass: string) =>
      fetch(`${fake.url}/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
    const ok = await post(consumerKey, consumerSecret);
    expect(await ok.json()).toEqual({ token_type: 'bearer', access_token: bearerToken });
    expect((await post(consumerKey, 'wrong')).status).toBe(403);
  });
});
