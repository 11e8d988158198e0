// Issue 17 compat suite: X's own TypeScript SDK (@xdevplatform/xdk), used as its README shows, with
// only `baseUrl` pointed at the sandbox (a real server on 127.0.0.1, started in this process).
import { ApiError, Client, generateCodeChallenge, generateCodeVerifier, OAuth1, OAuth2 } from '@xdevplatform/xdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUTHENTICATED_USER_ID, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

let fake: FakeX;
let app: Client;
let user: Client;
let oauth1: Client;
beforeAll(async () => {
  fake = await startFakeX({ rateLimits: { 'GET /2/users/:id': 1 } });
  const c = fake.sandbox.credentials;
  app = new Client({ baseUrl: fake.url, bearerToken: c.bearerToken });
  user = new Client({ baseUrl: fake.url, accessToken: fake.sandbox.mintUserToken().access_token });
  const signer = new OAuth1({
    apiKey: c.consumerKey,
    apiSecret: c.consumerSecret,
    callback: 'oob',
    accessToken: c.accessToken,
    accessTokenSecret: c.accessTokenSecret,
  });
  oauth1 = new Client({ baseUrl: fake.url, oauth1: signer });
});
afterAll(() => fake.close());

type Stream = Awaited<ReturnType<Client['stream']['postsSample']>>;
/** Closes an xdk stream and returns the errors it reported while open. Its close() releases the reader under
 * a pending read, which xdk reports as a 'Releasing reader' stream error (against X too): that one is not counted. */
function watchErrors(stream: Stream): () => unknown[] {
  const errors: unknown[] = [];
  let closing = false;
  stream.on('error', (event: { error: unknown }) => {
    if (!closing) errors.push(event.error);
  });
  return () => {
    closing = true;
    stream.close();
    return errors;
  };
}

describe('@xdevplatform/xdk against the sandbox', () => {
  it('looks up posts and users with fields and expansions, and reports partial errors', async () => {
    const post = await app.posts.getById('20', {
      postFields: ['created_at', 'public_metrics', 'lang'],
      expansions: ['author_id'],
    });
    expect(post.data?.text).toBe('just setting up my twttr');
    // The SDK hands responses over in camelCase.
    expect((post.data as { publicMetrics?: { likeCount: number } }).publicMetrics?.likeCount).toBe(0);
    expect(post.includes?.users?.[0]?.username).toBe('jack');
    const many = await app.posts.getByIds(['20', '9999999999999999999']);
    expect(many.data?.map((p) => p.id)).toEqual(['20']);
    expect(many.errors?.[0]).toMatchObject({ resourceId: '9999999999999999999', title: 'Not Found Error' });
    const dev = await app.users.getByUsername('XDevelopers', { userFields: ['public_metrics', 'verified'] });
    expect(dev.data?.id).toBe(XDEVELOPERS_ID);
  });

  it('acts as the user with OAuth 1.0a and OAuth2: me, post, reply, like, delete', async () => {
    for (const client of [oauth1, user]) {
      const me = await client.users.getMe();
      expect(me.data?.id).toBe(AUTHENTICATED_USER_ID);
      const posted = await client.posts.create({ text: `xdk says hi ${Math.random()}` });
      const id = posted.data!.id;
      const reply = await client.posts.create({ text: `xdk replies ${Math.random()}`, reply: { inReplyToTweetId: id } });
      expect(reply.data?.id).toBeTruthy();
      const liked = await client.users.likePost(AUTHENTICATED_USER_ID, { tweetId: id });
      expect(liked.data?.liked).toBe(true);
      expect((await client.posts.delete(id)).data?.deleted).toBe(true);
    }
  });

  // Confidential (Basic header) and public (`client_id` in the body) clients: xdk's two ways to authenticate.
  it.each(['confidential', 'public'])(
    'logs in with its OAuth2 PKCE helper as a %s client: authorization URL, consent, exchangeCode, refreshToken',
    async (kind) => {
      const { clientId } = fake.sandbox.credentials;
      const clientSecret = kind === 'confidential' ? fake.sandbox.credentials.clientSecret : undefined;
      const redirectUri = 'http://127.0.0.1:8739/callback';
      const oauth2 = new OAuth2({ clientId, clientSecret, redirectUri, scope: ['tweet.read', 'users.read', 'offline.access'] });
      const codeVerifier = generateCodeVerifier();
      oauth2.setPkceParameters(codeVerifier, await generateCodeChallenge(codeVerifier));
      const authorize = new URL(await oauth2.getAuthorizationUrl('xdk-state'));
      // The consent page: the URL's path and query, at the sandbox (which approves at once).
      const consent = await fetch(`${fake.url}${authorize.pathname}${authorize.search}`, { redirect: 'manual' });
      const back = new URL(consent.headers.get('location')!);
      expect(back.searchParams.get('state')).toBe('xdk-state');
      // xdk's OAuth2 helper has no base URL: it posts to https://api.x.com/2/oauth2/token with the global
      // fetch, so that one origin is sent to the sandbox for this test.
      const realFetch = globalThis.fetch;
      vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) =>
        realFetch(typeof input === 'string' ? input.replace(/^https:\/\/api\.x\.com/, fake.url) : input, init),
      );
      try {
        const tokens = await oauth2.exchangeCode(back.searchParams.get('code')!, codeVerifier);
        expect(tokens.refresh_token).toBeTruthy();
        const me = await new Client({ baseUrl: fake.url, accessToken: tokens.access_token }).users.getMe();
        expect(me.data?.id).toBe(AUTHENTICATED_USER_ID);
        const refreshed = await oauth2.refreshToken();
        expect(refreshed.access_token).not.toBe(tokens.access_token);
        const again = await new Client({ baseUrl: fake.url, accessToken: refreshed.access_token }).users.getMe();
        expect(again.data?.id).toBe(AUTHENTICATED_USER_ID);
      } finally {
        vi.unstubAllGlobals();
      }
    },
  );

  it('reads the sample stream, and a filtered stream with its rules', async () => {
    // README's async iteration: read three records, then close.
    const sample = await app.stream.postsSample({ tweetFields: ['created_at'] });
    const closeSample = watchErrors(sample);
    const sampled: { data: { id: string; created_at: string } }[] = [];
    for await (const record of sample) {
      if (sampled.push(record) === 3) break;
    }
    expect(closeSample()).toEqual([]);
    expect(new Set(sampled.map((record) => record.data.id)).size).toBe(3);
    expect(sampled.every((record) => !Number.isNaN(Date.parse(record.data.created_at)))).toBe(true);
    const rules = await app.stream.updateRules({ add: [{ value: 'xdk stream', tag: 'xdk' }] });
    expect((rules.meta as { summary?: { created?: number } }).summary?.created).toBe(1);
    const listed = await app.stream.getRules();
    expect(listed.data?.map((rule) => rule.value)).toContain('xdk stream');
    const filtered = await app.stream.posts();
    const closeFiltered = watchErrors(filtered);
    // Stream records are the parsed JSON lines, as X sends them (snake_case, unlike the typed responses).
    const records: { data: { text: string }; matching_rules: { tag?: string }[] }[] = [];
    const twoMatched = new Promise<void>((resolve) =>
      filtered.on('data', (record: (typeof records)[number]) => {
        if (records.push(record) === 2) resolve();
      }),
    );
    await user.posts.create({ text: 'xdk stream one' });
    await user.posts.create({ text: 'not matching' });
    await user.posts.create({ text: 'xdk stream two' });
    await twoMatched;
    expect(closeFiltered()).toEqual([]);
    expect(records.map((record) => record.data.text)).toEqual(['xdk stream one', 'xdk stream two']);
    expect(records.map((record) => record.matching_rules[0]?.tag)).toEqual(['xdk', 'xdk']);
    const ruleIds = listed.data!.map((rule) => rule.id!);
    const deleted = await app.stream.updateRules({ delete: { ids: ruleIds } });
    expect((deleted.meta as { summary?: { deleted?: number } }).summary?.deleted).toBe(ruleIds.length);
    expect((await app.stream.getRules()).data ?? []).toEqual([]);
  });

  it('pages recent search and followers', async () => {
    for (let i = 0; i < 12; i++) await user.posts.create({ text: `xdk paging ${i}` });
    const first = await app.posts.searchRecent('xdk paging', { maxResults: 10 });
    expect(first.data).toHaveLength(10);
    const meta = first.meta as { nextToken?: string };
    const next = await app.posts.searchRecent('xdk paging', { maxResults: 10, nextToken: meta.nextToken! });
    expect(next.data).toHaveLength(2);
    const followers = await app.users.getFollowers(AUTHENTICATED_USER_ID, { maxResults: 1 });
    expect((followers.meta as { resultCount?: number }).resultCount).toBe(1);
  });

  it('raises ApiError with X status for 400, 401, 403 and 404-shaped answers, and 429', async () => {
    const status = async (call: () => Promise<unknown>) => {
      try {
        await call();
        return 0;
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        return (err as ApiError).status;
      }
    };
    expect(await status(() => app.posts.searchRecent('a', { maxResults: 5 }))).toBe(400);
    expect(await status(() => new Client({ baseUrl: fake.url, bearerToken: 'wrong' }).users.getByUsername('X'))).toBe(401);
    const readOnly = new Client({
      baseUrl: fake.url,
      accessToken: fake.sandbox.mintUserToken({ scopes: ['tweet.read', 'users.read'] }).access_token,
    });
    expect(await status(() => readOnly.posts.create({ text: 'no tweet.write scope' }))).toBe(403);
    expect(await status(() => app.spaces.getById('1YqKDqWqdPLsV'))).toBe(404);
    expect(await status(() => app.users.getById('783214'))).toBe(0);
    expect(await status(() => app.users.getById('783214'))).toBe(429);
  });

  it('reaches webhooks and activity subscriptions', async () => {
    const hooks = await app.webhooks.get();
    expect(hooks.data).toEqual([]);
    const subs = await app.activity.getSubscriptions();
    expect(subs).toBeTruthy();
  });
});
