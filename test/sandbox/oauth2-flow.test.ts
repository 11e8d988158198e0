import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

let fake: FakeX;
let clock = Date.now();
beforeAll(async () => {
  fake = await startFakeX({ clock: { now: () => clock }, accessTokenTtlSeconds: 60 });
});
afterAll(() => fake.close());

const REDIRECT = 'http://127.0.0.1:8739/callback';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(scope: string, challenge: string, extra: Record<string, string> = {}): Promise<URL> {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: fake.sandbox.credentials.clientId,
    redirect_uri: REDIRECT,
    scope,
    state: 'st4te',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  const res = await fetch(`${fake.url}/i/oauth2/authorize?${q}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

function token(form: Record<string, string>, basic = true) {
  const { clientId, clientSecret } = fake.sandbox.credentials;
  return fetch(`${fake.url}/2/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(basic ? form : { ...form, client_id: clientId }),
  });
}

const me = (accessToken: string) => fetch(`${fake.url}/2/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('sandbox OAuth2 PKCE', () => {
  it('auto-approves, exchanges the code once, and rotates single-use refresh tokens', async () => {
    const { verifier, challenge } = pkce();
    const redirect = await authorize('tweet.read users.read offline.access', challenge);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
    expect(redirect.searchParams.get('state')).toBe('st4te');
    const code = redirect.searchParams.get('code')!;

    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as {
      access_token: string;
      refresh_token: string;
      expires_in: number;
      scope: string;
      token_type: string;
    };
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 60, scope: 'tweet.read users.read offline.access' });
    expect((await me(tokens.access_token)).status).toBe(200);

    const reused = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: string }).error).toBe('invalid_request');

    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, false);
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);

    const oldAgain = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(oldAgain.status).toBe(400);
    expect(((await oldAgain.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('refuses a wrong verifier, a foreign redirect_uri, and a wrong client secret', async () => {
    const { challenge } = pkce();
    const code = (await authorize('tweet.read users.read', challenge)).searchParams.get('code')!;
    const wrongVerifier = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    expect(wrongVerifier.status).toBe(400);

    const { verifier, challenge: c2 } = pkce();
    const code2 = (await authorize('tweet.read users.read', c2)).searchParams.get('code')!;
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          code: code2,
          redirect_uri: 'http://127.0.0.1:1/other',
          code_verifier: verifier,
        })
      ).status,
    ).toBe(400);

    const res = await fetch(`${fake.url}/2/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${fake.sandbox.credentials.clientId}:nope`).toString('base64')}`,
      },
      body: 'grant_type=refresh_token&refresh_token=x',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
  });

  it('issues no refresh token without offline.access, expires codes after 30 s and tokens after expires_in', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize('tweet.read users.read', challenge)).searchParams.get('code')!;
    const tokens = (await (
      await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })
    ).json()) as Record<string, string>;
    expect(tokens.refresh_token).toBeUndefined();

    const late = pkce();
    const lateCode = (await authorize('tweet.read', late.challenge)).searchParams.get('code')!;
    clock += 31_000;
    expect(
      (await token({ grant_type: 'authorization_code', code: lateCode, redirect_uri: REDIRECT, code_verifier: late.verifier }))
        .status,
    ).toBe(400);

    clock += 30_000;
    expect((await me(tokens.access_token!)).status).toBe(401);
  });

  it('redirects errors for bad scope or missing state back to the client', async () => {
    const { challenge } = pkce();
    const bad = await authorize('tweet.read made.up', challenge);
    expect(bad.searchParams.get('error')).toBe('invalid_scope');
    const noState = await authorize('tweet.read', challenge, { state: '' });
    expect(noState.searchParams.get('error')).toBe('invalid_request');
    const wrongClient = await fetch(
      `${fake.url}/i/oauth2/authorize?client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`,
      { redirect: 'manual' },
    );
    expect(wrongClient.status).toBe(400);
  });
});
