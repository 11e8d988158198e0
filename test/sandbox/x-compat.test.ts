// Issue 17: where the sandbox answered differently from X, each with the behaviour X has.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import OAuth from 'oauth-1.0a';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPost, AUTHENTICATED_USER_ID, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

const FRIEND_ID = '1849202834569625601';
let fake: FakeX;
let user: string;
beforeAll(async () => {
  fake = await startFakeX({ rateLimits: { 'GET /2/users/:id/followers': 2 } });
  user = `Bearer ${fake.sandbox.mintUserToken().access_token}`;
});
afterAll(() => fake.close());

const appAuth = () => `Bearer ${fake.sandbox.credentials.bearerToken}`;
async function api(method: string, path: string, body?: unknown, auth = user) {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as any };
}

function oauth1Header(method: string, url: string): string {
  const c = fake.sandbox.credentials;
  const oauth = new OAuth({
    consumer: { key: c.consumerKey, secret: c.consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  return oauth.toHeader(oauth.authorize({ url, method }, { key: c.accessToken, secret: c.accessTokenSecret })).Authorization;
}

/** A GET with the path sent byte for byte (fetch would re-encode a malformed escape). */
function rawGet(path: string, authorization: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(fake.url);
    const req = request({ host: url.hostname, port: url.port, path, headers: { authorization } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('OAuth2 as X takes it from real clients', () => {
  const redirect = 'http://127.0.0.1:8739/callback';
  async function code(method: string) {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: fake.sandbox.credentials.clientId,
      redirect_uri: redirect,
      scope: 'tweet.read users.read offline.access',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: method,
    });
    const res = await fetch(`${fake.url}/i/oauth2/authorize?${q}`, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBeNull();
    return { code: location.searchParams.get('code')!, verifier };
  }

  it('accepts code_challenge_method=s256 in lower case (twitter-api-v2, twitter-api-sdk)', async () => {
    const { code: c } = await code('s256');
    expect(c).toBeTruthy();
  });

  it('takes the token request as JSON with Basic auth, and in the query with client_id (public client)', async () => {
    const { clientId, clientSecret } = fake.sandbox.credentials;
    const first = await code('S256');
    const asJson = await fetch(`${fake.url}/2/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        code: first.code,
        redirect_uri: redirect,
        code_verifier: first.verifier,
      }),
    });
    expect(asJson.status).toBe(200);
    const tokens = (await asJson.json()) as { access_token: string; refresh_token: string };
    expect(tokens.access_token).toBeTruthy();
    const second = await code('S256');
    const q = new URLSearchParams({
      grant_type: 'authorization_code',
      code: second.code,
      redirect_uri: redirect,
      code_verifier: second.verifier,
      client_id: clientId,
    });
    const inQuery = await fetch(`${fake.url}/2/oauth2/token?${q}`, { method: 'POST' });
    expect(inQuery.status).toBe(200);
    const refreshed = await fetch(
      `${fake.url}/2/oauth2/token?${new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId })}`,
      { method: 'POST' },
    );
    expect(refreshed.status).toBe(200);
  });
});

describe('fields computed from the sandbox world', () => {
  it('returns public_metrics, lang, possibly_sensitive, reply_settings and edit_controls for posts', async () => {
    const created = await api('POST', '/2/tweets', { text: 'metrics for everyone', reply_settings: 'following' });
    const id = created.json.data.id as string;
    await api('POST', `/2/users/${AUTHENTICATED_USER_ID}/likes`, { tweet_id: id });
    await api('POST', `/2/users/${AUTHENTICATED_USER_ID}/bookmarks`, { tweet_id: id });
    await api('POST', '/2/tweets', { text: 'a reply', reply: { in_reply_to_tweet_id: id } });
    await api('POST', '/2/tweets', { text: 'a quote', quote_tweet_id: id });
    const read = await api(
      'GET',
      `/2/tweets/${id}?tweet.fields=public_metrics,lang,possibly_sensitive,reply_settings,edit_controls,created_at`,
      undefined,
      appAuth(),
    );
    expect(read.json.data.public_metrics).toEqual({
      retweet_count: 0,
      reply_count: 1,
      like_count: 1,
      quote_count: 1,
      bookmark_count: 1,
      impression_count: 0,
    });
    expect(read.json.data).toMatchObject({ lang: 'en', possibly_sensitive: false, reply_settings: 'following' });
    expect(read.json.data.edit_controls).toMatchObject({ edits_remaining: 5, is_edit_eligible: true });
    const quotes = await api('GET', `/2/tweets/${id}/quote_tweets`, undefined, appAuth());
    expect(quotes.json.data.map((p: { text: string }) => p.text)).toEqual(['a quote']);
  });

  it('fills includes.media, includes.polls and includes.places', async () => {
    const upload = {
      id: '1900000000000000001',
      media_key: '3_1900000000000000001',
      media_type: 'image/png',
      state: 'succeeded' as const,
      created_at: new Date().toISOString(),
      alt_text: 'a cat',
    };
    fake.sandbox.state.media.set(upload.id, upload);
    const withMedia = await api('POST', '/2/tweets', {
      text: 'a picture',
      media: { media_ids: [upload.id] },
      geo: { place_id: '01a9a39529b27f36' },
    });
    const withPoll = await api('POST', '/2/tweets', { text: 'a poll', poll: { options: ['yes', 'no'], duration_minutes: 60 } });
    const ids = `${withMedia.json.data.id},${withPoll.json.data.id}`;
    const read = await api(
      'GET',
      `/2/tweets?ids=${ids}&expansions=attachments.media_keys,attachments.poll_ids,geo.place_id&media.fields=alt_text,width&poll.fields=voting_status&place.fields=country_code`,
      undefined,
      appAuth(),
    );
    expect(read.json.includes.media).toEqual([{ media_key: upload.media_key, type: 'photo', alt_text: 'a cat', width: 1200 }]);
    expect(read.json.includes.polls[0]).toMatchObject({
      options: [
        { position: 1, label: 'yes', votes: 0 },
        { position: 2, label: 'no', votes: 0 },
      ],
      voting_status: 'open',
    });
    expect(read.json.includes.places).toEqual([{ id: '01a9a39529b27f36', full_name: 'Manhattan, NY', country_code: 'US' }]);
    expect(read.json.data[0].attachments.media_keys).toEqual([upload.media_key]);
  });

  it('returns user fields and the most_recent_tweet_id expansion', async () => {
    const me = await api(
      'GET',
      '/2/users/me?user.fields=public_metrics,subscription_type,verified_type&expansions=most_recent_tweet_id',
    );
    expect(me.json.data.subscription_type).toBe('Premium');
    expect(me.json.data.public_metrics.tweet_count).toBeGreaterThan(0);
    expect(me.json.includes.tweets[0].id).toBe(me.json.data.most_recent_tweet_id);
  });

  it('takes long posts from its own (subscribed) user with note_tweet, and refuses them from others', async () => {
    const long = `long ${'x'.repeat(400)}`;
    const created = await api('POST', '/2/tweets', { text: long });
    expect(created.status).toBe(201);
    const read = await api('GET', `/2/tweets/${created.json.data.id}?tweet.fields=note_tweet`, undefined, appAuth());
    expect(read.json.data.note_tweet.text).toBe(long);
    expect([...read.json.data.text].length).toBe(280);
    const friend = `Bearer ${fake.sandbox.mintUserToken({ userId: FRIEND_ID }).access_token}`;
    const refused = await api('POST', '/2/tweets', { text: long }, friend);
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toContain('280 characters');
  });

  it('serves the seed tutorial first example, /2/tweets/20', async () => {
    const read = await api('GET', '/2/tweets/20?expansions=author_id', undefined, appAuth());
    expect(read.json.data).toEqual({
      id: '20',
      text: 'just setting up my twttr',
      edit_history_tweet_ids: ['20'],
      author_id: '12',
    });
    expect(read.json.includes.users[0].username).toBe('jack');
  });
});

describe("validation against X's OpenAPI description, with X's messages", () => {
  it('refuses an unknown field name, naming the allowed values', async () => {
    const res = await api('GET', '/2/tweets/20?tweet.fields=no_such_field', undefined, appAuth());
    expect(res.status).toBe(400);
    expect(res.json.title).toBe('Invalid Request');
    expect(res.json.type).toBe('https://api.x.com/2/problems/invalid-request');
    expect(res.json.errors[0].parameters).toEqual({ 'tweet.fields': ['no_such_field'] });
    expect(res.json.errors[0].message).toMatch(
      /^The `tweet.fields` query parameter value \[no_such_field\] is not one of \[.*author_id.*public_metrics.*\]$/,
    );
  });

  it('checks max_results ranges, id counts, patterns, time formats and unknown parameters', async () => {
    const cases: [string, string][] = [
      ['/2/tweets/search/recent?query=a&max_results=5', 'The `max_results` query parameter value [5] is not between 10 and 100'],
      [
        `/2/tweets?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`,
        'The number of values in the `ids` query parameter list [101] is not between 1 and 100',
      ],
      ['/2/tweets/abc', 'The `id` query parameter value [abc] does not match ^[0-9]{1,19}$'],
      [
        '/2/tweets/search/recent?query=a&start_time=yesterday',
        'The `start_time` query parameter value [yesterday] is not a valid RFC3339 date-time, as in 2026-01-01T00:00:00Z',
      ],
      [
        '/2/tweets/20?foo=1',
        'The query parameter [foo] is not one of [tweet.fields,expansions,user.fields,media.fields,poll.fields,place.fields]',
      ],
      ['/2/tweets', 'The `ids` query parameter can not be empty'],
    ];
    for (const [path, message] of cases) {
      const res = await api('GET', path, undefined, appAuth());
      expect(res.status, path).toBe(400);
      expect(
        res.json.errors.map((e: { message: string }) => e.message),
        path,
      ).toContain(message);
    }
  });

  it('checks JSON bodies against the schema', async () => {
    const wrongType = await api('POST', '/2/tweets', { text: 5 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.errors[0].message).toBe('$.text: integer found, string expected');
    const extra = await api('POST', '/2/tweets', { text: 'hi', nope: true });
    expect(extra.json.errors[0].message).toBe(
      '$.nope: is not defined in the schema and the schema does not allow additional properties',
    );
    const poll = await api('POST', '/2/tweets', { text: 'hi', poll: { options: ['one'], duration_minutes: 60 } });
    expect(poll.json.errors[0].message).toBe('$.poll.options: there must be a minimum of 2 items in the array');
  });

  it('answers a malformed percent-escape with 400, not 500, whatever the credential', async () => {
    const path = '/2/tweets/search/recent?query=%E0%A4%A';
    for (const auth of [appAuth(), oauth1Header('GET', `${fake.url}/2/tweets/search/recent`)]) {
      const res = await rawGet(path, auth);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toContain('%E0%A4%A');
    }
  });
});

describe('limits and replays', () => {
  it('puts the route ceiling in x-rate-limit-limit on the 429, consistent with the window', async () => {
    const path = `/2/users/${XDEVELOPERS_ID}/followers`;
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const res = await api('GET', path, undefined, appAuth());
      seen.push([
        res.status,
        res.headers.get('x-rate-limit-limit'),
        res.headers.get('x-rate-limit-remaining'),
        res.headers.get('x-rate-limit-reset'),
      ]);
    }
    const reset = seen[0]![3];
    expect(seen).toEqual([
      [200, '2', '1', reset],
      [200, '2', '0', reset],
      [429, '2', '0', reset],
    ]);
  });

  it('refuses a replayed OAuth 1.0a request (same nonce and timestamp) with 401', async () => {
    const url = `${fake.url}/2/users/me`;
    const header = oauth1Header('GET', url);
    expect((await api('GET', '/2/users/me', undefined, header)).status).toBe(200);
    const replay = await api('GET', '/2/users/me', undefined, header);
    expect(replay.status).toBe(401);
    expect((await api('GET', '/2/users/me', undefined, oauth1Header('GET', url))).status).toBe(200);
  });
});

describe('search, counts, hidden replies, lists, and routes the sandbox does not emulate', () => {
  it('honours since_id, until_id, start_time, end_time and sort_order', async () => {
    const now = Date.now();
    const ids: string[] = [];
    for (const [ago, text] of [
      [3 * 3600_000, 'window one'],
      [2 * 3600_000, 'window two'],
      [3600_000, 'window three'],
    ] as const) {
      ids.push(addPost(fake.sandbox.state, { author_id: XDEVELOPERS_ID, text }, now - ago).id);
    }
    const texts = async (q: string) =>
      (await api('GET', `/2/tweets/search/recent?query=window&${q}`, undefined, appAuth())).json.data?.map(
        (p: { text: string }) => p.text,
      ) ?? [];
    expect(await texts('')).toEqual(['window three', 'window two', 'window one']);
    expect(await texts(`since_id=${ids[0]}`)).toEqual(['window three', 'window two']);
    expect(await texts(`until_id=${ids[2]}`)).toEqual(['window two', 'window one']);
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    expect(await texts(`start_time=${iso(now - 2.5 * 3600_000)}&end_time=${iso(now - 1.5 * 3600_000)}`)).toEqual(['window two']);
    await api('POST', `/2/users/${AUTHENTICATED_USER_ID}/likes`, { tweet_id: ids[0] });
    expect((await texts('sort_order=relevancy'))[0]).toBe('window one');
    const tooOld = await api(
      'GET',
      `/2/tweets/search/recent?query=window&start_time=${iso(now - 8 * 86_400_000)}`,
      undefined,
      appAuth(),
    );
    expect(tooOld.json.errors[0].message).toMatch(/^Invalid 'start_time':'.*'\. 'start_time' must be on or after /);
    const counts = await api(
      'GET',
      `/2/tweets/counts/recent?query=window&granularity=hour&start_time=${iso(now - 4 * 3600_000)}`,
      undefined,
      appAuth(),
    );
    expect(counts.status).toBe(200);
    expect(counts.json.meta.total_tweet_count).toBe(3);
    expect(counts.json.data[0]).toEqual({
      start: new Date(Date.parse(iso(now - 4 * 3600_000))).toISOString(),
      end: expect.any(String),
      tweet_count: 0,
    });
  });

  it('hides a reply in a conversation the user started, and only there', async () => {
    const root = await api('POST', '/2/tweets', { text: 'my conversation' });
    const friend = `Bearer ${fake.sandbox.mintUserToken({ userId: FRIEND_ID }).access_token}`;
    const reply = await api(
      'POST',
      '/2/tweets',
      { text: 'a reply to hide', reply: { in_reply_to_tweet_id: root.json.data.id } },
      friend,
    );
    expect((await api('PUT', `/2/tweets/${reply.json.data.id}/hidden`, { hidden: true })).json).toEqual({
      data: { hidden: true },
    });
    expect((await api('PUT', `/2/tweets/${reply.json.data.id}/hidden`, { hidden: false }, friend)).status).toBe(403);
  });

  it('serves owned lists', async () => {
    const created = await api('POST', '/2/lists', { name: 'sandbox list', description: 'x' });
    expect(created.status).toBe(200);
    await api('POST', `/2/lists/${created.json.data.id}/members`, { user_id: XDEVELOPERS_ID });
    const owned = await api(
      'GET',
      `/2/users/${AUTHENTICATED_USER_ID}/owned_lists?list.fields=member_count,owner_id`,
      undefined,
      appAuth(),
    );
    expect(owned.json.data).toEqual([
      { id: created.json.data.id, name: 'sandbox list', member_count: 1, owner_id: AUTHENTICATED_USER_ID },
    ]);
  });

  it("answers a route of X's description it does not emulate with X's problem shape saying so, after X's own checks", async () => {
    const res = await api('GET', '/2/spaces/1YqKDqWqdPLsV', undefined, appAuth());
    expect(res.status).toBe(404);
    expect(res.headers.get('x-sandbox-not-emulated')).toBe('true');
    expect(res.json).toMatchObject({
      title: 'Not Emulated',
      status: 404,
      type: 'https://api.x.com/2/problems/resource-not-found',
    });
    expect(res.json.detail).toContain('The sandbox does not emulate GET /2/spaces/{id}');
    expect((await api('GET', '/2/spaces/1YqKDqWqdPLsV', undefined, 'Bearer wrong')).status).toBe(401);
    expect((await api('GET', '/2/spaces/1YqKDqWqdPLsV?space.fields=nope', undefined, appAuth())).status).toBe(400);
  });
});
