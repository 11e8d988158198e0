import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPost, edges, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

let fake: FakeX;
let user: string;
beforeAll(async () => {
  fake = await startFakeX();
  user = `Bearer ${fake.sandbox.mintUserToken().access_token}`;
});
afterAll(() => fake.close());

const api = async (method: string, path: string, body?: unknown, auth = user) => {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
};
const app = () => `Bearer ${fake.sandbox.credentials.bearerToken}`;

describe('sandbox routes', () => {
  it('creates, reads and deletes a post, with X default fields', async () => {
    const created = await api('POST', '/2/tweets', { text: 'hello @XDevelopers' });
    expect(created.status).toBe(201);
    const id = created.json.data.id as string;
    expect(created.json.data).toEqual({ id, text: 'hello @XDevelopers', edit_history_tweet_ids: [id] });
    const read = await api('GET', `/2/tweets/${id}?tweet.fields=author_id,entities&expansions=author_id`, undefined, app());
    expect(read.json.data.author_id).toBe(fake.sandbox.state.authenticatedUserId);
    expect(read.json.data.entities.mentions[0]).toMatchObject({ username: 'XDevelopers', id: XDEVELOPERS_ID });
    expect(read.json.includes.users[0].username).toBe('sandbox_dev');
    expect((await api('POST', '/2/tweets', { text: 'hello @XDevelopers' })).status).toBe(403);
    expect((await api('DELETE', `/2/tweets/${id}`)).json).toEqual({ data: { deleted: true } });
    const gone = await api('GET', `/2/tweets/${id}`, undefined, app());
    expect(gone.status).toBe(200);
    expect(gone.json.errors[0]).toMatchObject({ title: 'Not Found Error', resource_type: 'tweet', resource_id: id });
  });

  it('answers a multi-id lookup with data and errors[] (partial success)', async () => {
    const known = [...fake.sandbox.state.posts.keys()][0]!;
    const res = await api('GET', `/2/tweets?ids=${known},1`, undefined, app());
    expect(res.status).toBe(200);
    expect(res.json.data.map((p: { id: string }) => p.id)).toEqual([known]);
    expect(res.json.errors).toHaveLength(1);
    expect(res.json.errors[0]).toMatchObject({
      value: '1',
      parameter: 'ids',
      type: 'https://api.x.com/2/problems/resource-not-found',
    });
  });

  it('validates input with X invalid-request problems', async () => {
    const res = await api('GET', '/2/tweets/abc', undefined, app());
    expect(res.status).toBe(400);
    expect(res.json.type).toBe('https://api.x.com/2/problems/invalid-request');
    expect((await api('POST', '/2/tweets', { text: 'x'.repeat(25_001) })).status).toBe(400); // over even a subscriber's limit
    const extra = await api('POST', '/2/tweets', { text: 'hi', colour: 'blue' });
    expect(extra.json.errors[0].message).toBe(
      '$.colour: is not defined in the schema and the schema does not allow additional properties',
    );
    expect((await api('POST', '/2/tweets', { text: 'poll', poll: { options: ['only one'], duration_minutes: 60 } })).status).toBe(
      400,
    );
    const unknown = await api('GET', '/2/nothing/here', undefined, app());
    expect(unknown.status).toBe(404);
    expect(fake.sandbox.unmatched.at(-1)?.path).toBe('/2/nothing/here');
  });

  it('pages followers with pagination_token and meta.next_token', async () => {
    const { state } = fake.sandbox;
    for (let i = 0; i < 5; i++) {
      const id = `90000000${i}`;
      state.users.set(id, {
        id,
        username: `fan${i}`,
        name: `Fan ${i}`,
        description: '',
        created_at: new Date().toISOString(),
        protected: false,
        verified: false,
      });
      edges(state.follows, id).add(XDEVELOPERS_ID);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await api(
        'GET',
        `/2/users/${XDEVELOPERS_ID}/followers?max_results=2${token ? `&pagination_token=${token}` : ''}`,
        undefined,
        app(),
      );
      expect(res.status).toBe(200);
      seen.push(...res.json.data.map((u: { username: string }) => u.username));
      expect(res.json.meta.result_count).toBe(res.json.data.length);
      token = res.json.meta.next_token;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(seen.length / 2));
    expect(seen.slice(0, 5)).toEqual(['fan4', 'fan3', 'fan2', 'fan1', 'fan0']);
    expect((await api('GET', `/2/users/${XDEVELOPERS_ID}/followers?pagination_token=garbage`, undefined, app())).status).toBe(
      400,
    );
    expect((await api('GET', `/2/users/${XDEVELOPERS_ID}/followers?max_results=1001`, undefined, app())).status).toBe(400);
  });

  it('searches recent posts with next_token paging and X max_results bounds', async () => {
    for (let i = 0; i < 25; i++) addPost(fake.sandbox.state, { author_id: XDEVELOPERS_ID, text: `paging test ${i}` });
    const first = await api('GET', '/2/tweets/search/recent?query=paging%20from:XDevelopers', undefined, app());
    expect(first.json.meta.result_count).toBe(10);
    expect(first.json.data[0].text).toBe('paging test 24');
    expect(first.json.meta.newest_id).toBe(first.json.data[0].id);
    const second = await api(
      'GET',
      `/2/tweets/search/recent?query=paging&max_results=100&next_token=${first.json.meta.next_token}`,
      undefined,
      app(),
    );
    expect(second.json.meta.result_count).toBe(15);
    expect(second.json.meta.next_token).toBeUndefined();
    expect((await api('GET', '/2/tweets/search/recent?query=paging&max_results=5', undefined, app())).status).toBe(400);
  });

  it('follows, unfollows, likes and unlikes on behalf of the token user only', async () => {
    const me = fake.sandbox.state.authenticatedUserId;
    expect((await api('POST', `/2/users/${me}/following`, { target_user_id: '783214' })).json).toEqual({
      data: { following: true, pending_follow: false },
    });
    expect(fake.sandbox.state.follows.get(me)?.has('783214')).toBe(true);
    expect((await api('DELETE', `/2/users/${me}/following/783214`)).json).toEqual({ data: { following: false } });
    expect((await api('POST', `/2/users/${XDEVELOPERS_ID}/following`, { target_user_id: '783214' })).status).toBe(403);
    const postId = [...fake.sandbox.state.posts.keys()][0]!;
    expect((await api('POST', `/2/users/${me}/likes`, { tweet_id: postId })).json).toEqual({ data: { liked: true } });
    const likers = await api('GET', `/2/tweets/${postId}/liking_users`);
    expect((await api('GET', `/2/tweets/${postId}/liking_users`, undefined, app())).status).toBe(403);
    expect(likers.json.data.map((u: { id: string }) => u.id)).toContain(me);
    expect((await api('DELETE', `/2/users/${me}/likes/${postId}`)).json).toEqual({ data: { liked: false } });
  });

  it('puts the fields an expansion uses into data, and fills includes on liked posts too', async () => {
    const me = fake.sandbox.state.authenticatedUserId;
    const postId = [...fake.sandbox.state.posts.values()].find((p) => p.author_id === XDEVELOPERS_ID)!.id;
    const read = await api('GET', `/2/tweets/${postId}?expansions=author_id`, undefined, app());
    expect(read.json.data).toEqual({
      id: postId,
      text: expect.any(String),
      edit_history_tweet_ids: [postId],
      author_id: XDEVELOPERS_ID,
    });
    expect(read.json.includes.users).toEqual([{ id: XDEVELOPERS_ID, name: expect.any(String), username: 'XDevelopers' }]);
    expect((await api('POST', `/2/users/${me}/likes`, { tweet_id: postId })).status).toBe(200);
    try {
      const liked = await api('GET', `/2/users/${me}/liked_tweets?expansions=author_id&user.fields=verified`);
      expect(liked.status).toBe(200);
      expect(liked.json.data.find((p: { id: string }) => p.id === postId).author_id).toBe(XDEVELOPERS_ID);
      expect(liked.json.includes.users.find((u: { id: string }) => u.id === XDEVELOPERS_ID)).toHaveProperty('verified');
      expect((await api('GET', `/2/users/${me}/liked_tweets`)).json.includes).toBeUndefined();
    } finally {
      await api('DELETE', `/2/users/${me}/likes/${postId}`);
    }
  });

  it('keeps the first 64 KiB of a recorded request body and its true length', async () => {
    const big = 'x'.repeat(200 * 1024);
    await fetch(`${fake.url}/2/tweets`, {
      method: 'POST',
      headers: { authorization: user, 'content-type': 'application/json' },
      body: JSON.stringify({ text: big }),
    });
    const recorded = fake.sandbox.requests.at(-1)!;
    expect(recorded.bodyBytes).toBe(big.length + 11);
    expect(recorded.body).toBe(`{"text":"${big}`.slice(0, 64 * 1024));
  });

  it('answers 429 with the limit headers when a window is used up, and injects faults', async () => {
    const limited = await startFakeX({ rateLimits: { 'GET /2/users/:id': 1 } });
    try {
      const auth = { authorization: `Bearer ${limited.sandbox.credentials.bearerToken}` };
      expect((await fetch(`${limited.url}/2/users/${XDEVELOPERS_ID}`, { headers: auth })).status).toBe(200);
      const res = await fetch(`${limited.url}/2/users/${XDEVELOPERS_ID}`, { headers: auth });
      expect(res.status).toBe(429);
      expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
      limited.sandbox.failNext('GET', '/2/users/by/username/:username', {
        status: 503,
        json: { title: 'Service Unavailable' },
        times: 2,
      });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.url}/2/users/by/username/X`, { headers: auth })).status);
      expect(statuses).toEqual([503, 503, 200]);
    } finally {
      await limited.close();
    }
  });
});

describe('request recording', () => {
  it('keeps only the most recent requests, so a long-running sandbox does not grow', async () => {
    const { startSandbox } = await import('../../src/sandbox/emulator/index.js');
    const sandbox = await startSandbox({ recordedRequests: 5 });
    try {
      for (let i = 0; i < 30; i++) await (await fetch(`${sandbox.url}/2/nothing/${i}`)).text();
      expect(sandbox.requests.length).toBeLessThanOrEqual(6);
      expect(sandbox.requests.at(-1)?.path).toBe('/2/nothing/29');
      expect(sandbox.unmatched.length).toBeLessThanOrEqual(6);
      expect(sandbox.unmatched.at(-1)?.path).toBe('/2/nothing/29');
    } finally {
      await sandbox.close();
    }
  });
});
