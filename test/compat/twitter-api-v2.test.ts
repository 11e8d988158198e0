// Issue 17 compat suite: twitter-api-v2, used as its README shows. It has no base-URL setting (its
// URLs are https://api.x.com/… and https://x.com/…), so it is pointed at the sandbox the way its
// docs point it through a proxy: the `httpAgent` setting, here an agent whose connections go to
// the sandbox on 127.0.0.1 (plain HTTP; the sandbox takes the https URL the client signed).
import { Agent } from 'node:https';
import { connect } from 'node:net';
import { TwitterApiRateLimitPlugin } from '@twitter-api-v2/plugin-rate-limit';
import { ApiResponseError, ETwitterStreamEvent, TwitterApi, type TweetV2SingleStreamResult } from 'twitter-api-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHENTICATED_USER_ID, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

/** Every connection goes to the sandbox, whatever host the client names. */
class SandboxAgent extends Agent {
  constructor(private readonly port: number) {
    super({ keepAlive: true });
  }
  override createConnection(): ReturnType<typeof connect> {
    return connect(this.port, '127.0.0.1');
  }
}

let fake: FakeX;
let settings: { httpAgent: Agent };
let app: TwitterApi;
let oauth1: TwitterApi;
beforeAll(async () => {
  fake = await startFakeX({ rateLimits: { 'GET /2/users/:id': 1 } });
  settings = { httpAgent: new SandboxAgent(fake.sandbox.port) };
  const c = fake.sandbox.credentials;
  app = new TwitterApi(c.bearerToken, settings);
  oauth1 = new TwitterApi(
    { appKey: c.consumerKey, appSecret: c.consumerSecret, accessToken: c.accessToken, accessSecret: c.accessTokenSecret },
    settings,
  );
});
afterAll(async () => {
  settings.httpAgent.destroy();
  await fake.close();
});

describe('twitter-api-v2 against the sandbox', () => {
  it('looks up posts and users with fields and expansions, with partial errors', async () => {
    const post = await app.v2.singleTweet('20', { 'tweet.fields': ['public_metrics', 'created_at'], expansions: ['author_id'] });
    expect(post.data.public_metrics?.like_count).toBe(0);
    expect(post.includes?.users?.[0]?.username).toBe('jack');
    const many = await app.v2.tweets(['20', '9999999999999999999']);
    expect(many.data.map((p) => p.id)).toEqual(['20']);
    expect(many.errors?.[0]).toMatchObject({ resource_id: '9999999999999999999' });
    expect((await app.v2.userByUsername('XDevelopers')).data.id).toBe(XDEVELOPERS_ID);
  });

  it('acts as the user with its own OAuth 1.0a signer: me, post, reply, like, delete', async () => {
    expect((await oauth1.v2.me()).data.id).toBe(AUTHENTICATED_USER_ID);
    const posted = await oauth1.v2.tweet(`twitter-api-v2 says hi ${Math.random()}`);
    const reply = await oauth1.v2.reply('a reply', posted.data.id);
    expect(reply.data.id).toBeTruthy();
    expect((await oauth1.v2.like(AUTHENTICATED_USER_ID, posted.data.id)).data.liked).toBe(true);
    expect((await oauth1.v2.deleteTweet(posted.data.id)).data.deleted).toBe(true);
  });

  it('logs in with OAuth2 PKCE: generateOAuth2AuthLink, consent, loginWithOAuth2, refreshOAuth2Token', async () => {
    const { clientId, clientSecret } = fake.sandbox.credentials;
    const client = new TwitterApi({ clientId, clientSecret }, settings);
    const redirectUri = 'http://127.0.0.1:8739/callback';
    const link = client.generateOAuth2AuthLink(redirectUri, { scope: ['tweet.read', 'users.read', 'offline.access'] });
    // The consent page: the link's path and query, at the sandbox (which approves at once).
    const authorize = new URL(link.url);
    const consent = await fetch(`${fake.url}${authorize.pathname}${authorize.search}`, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe(link.state);
    const login = await client.loginWithOAuth2({
      code: back.searchParams.get('code')!,
      codeVerifier: link.codeVerifier,
      redirectUri,
    });
    expect((await login.client.v2.me()).data.id).toBe(AUTHENTICATED_USER_ID);
    const refreshed = await client.refreshOAuth2Token(login.refreshToken!);
    expect((await refreshed.client.v2.me()).data.id).toBe(AUTHENTICATED_USER_ID);
  });

  it('pages search and followers', async () => {
    for (let i = 0; i < 12; i++) await oauth1.v2.tweet(`v2 paging ${i}`);
    const search = await app.v2.search('v2 paging', { max_results: 10 });
    await search.fetchNext();
    expect(search.tweets).toHaveLength(12);
    const followers = await app.v2.followers(AUTHENTICATED_USER_ID);
    expect(followers.data.length).toBeGreaterThan(0);
  });

  it('raises ApiResponseError with the status for 400, 401, 403, 404 and 429 (with rateLimit)', async () => {
    const failure = async (call: () => Promise<unknown>) => {
      try {
        await call();
        return undefined;
      } catch (err) {
        expect(err).toBeInstanceOf(ApiResponseError);
        return err as ApiResponseError;
      }
    };
    expect((await failure(() => app.v2.search('a', { max_results: 5 })))?.code).toBe(400);
    expect((await failure(() => new TwitterApi('wrong', settings).v2.userByUsername('X')))?.code).toBe(401);
    expect((await failure(() => app.v2.me()))?.code).toBe(403);
    expect((await failure(() => app.v2.get('spaces/1YqKDqWqdPLsV')))?.code).toBe(404);
    expect(await failure(() => app.v2.user('783214'))).toBeUndefined();
    const limited = await failure(() => app.v2.user('783214'));
    expect(limited?.code).toBe(429);
    expect(limited?.rateLimit).toMatchObject({ limit: 1, remaining: 0 });
  });

  it('reads the sample stream, and a filtered stream with its rules', async () => {
    const sample = await app.v2.sampleStream();
    const first = await new Promise<TweetV2SingleStreamResult>((resolve) => sample.on(ETwitterStreamEvent.Data, resolve));
    sample.close();
    expect(first.data.id).toBeTruthy();
    const rules = await app.v2.updateStreamRules({ add: [{ value: 'compat stream', tag: 'compat' }] });
    expect(rules.meta.summary?.created).toBe(1);
    const filtered = await app.v2.searchStream();
    const matched = new Promise<TweetV2SingleStreamResult>((resolve) => filtered.on(ETwitterStreamEvent.Data, resolve));
    await oauth1.v2.tweet('compat stream now');
    const record = await matched;
    filtered.close();
    expect(record.data.text).toBe('compat stream now');
    expect(record.matching_rules[0]?.tag).toBe('compat');
  });

  it('keeps the rate-limit plugin informed, up to the 429', async () => {
    const plugin = new TwitterApiRateLimitPlugin();
    const client = new TwitterApi(fake.sandbox.credentials.bearerToken, { ...settings, plugins: [plugin] });
    await client.v2.userByUsername('X');
    // The plugin's `.v2` prefix is still api.twitter.com; twitter-api-v2 calls api.x.com, so the full URL (its template).
    const limit = await plugin.getRateLimit('https://api.x.com/2/users/by/username/:username', 'GET');
    expect(limit?.limit).toBe(900);
    expect(limit!.remaining).toBeLessThan(900);
    expect(plugin.hasHitRateLimit(limit!)).toBe(false);
    await expect(client.v2.user('783214')).rejects.toMatchObject({ code: 429 });
    const hit = await plugin.getRateLimit('https://api.x.com/2/users/:id', 'GET');
    expect(hit).toMatchObject({ limit: 1, remaining: 0 });
    expect(plugin.hasHitRateLimit(hit!)).toBe(true);
  });

  it('makes raw calls to /2/webhooks and /2/activity/subscriptions', async () => {
    expect(await app.v2.get('webhooks')).toMatchObject({ data: [] });
    expect(await app.v2.get('activity/subscriptions')).toBeTruthy();
  });
});
