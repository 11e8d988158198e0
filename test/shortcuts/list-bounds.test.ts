// Issue 19: the id, time and page flags of search/timeline on `posts`, `likes` and `bookmarks`, as far
// as X's OpenAPI description says each route accepts them: /2/users/{id}/tweets takes since_id,
// until_id, start_time, end_time and pagination_token; liked_tweets and bookmarks take only
// max_results and pagination_token, so those two offer no bounds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPost, AUTHENTICATED_USER_ID as ME, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';
import { harness, type Harness } from './harness.js';

let h: Harness;
const cleanups = cleanupAfterEach();
/** Posts of @XDevelopers, newest last. */
const posts: string[] = [];

beforeAll(async () => {
  h = await harness();
  h.storeOAuth2User();
  const { state } = h.fake.sandbox;
  for (let i = 0; i < 8; i++) posts.push(addPost(state, { author_id: XDEVELOPERS_ID, text: `post ${i}` }).id);
  state.likes.set(ME, new Set(posts));
  state.bookmarks.set(ME, new Set(posts));
  const who = await h.run(['whoami']);
  expect(who.code, who.stderr).toBe(0);
  h.newRequests();
});
afterAll(() => h.close());

const ids = (stdout: string): string[] => (JSON.parse(stdout) as { data?: Array<{ id: string }> }).data?.map((p) => p.id) ?? [];

describe('posts: id and time bounds', () => {
  it('sends --since-id (a post URL too), --until-id, --start-time and --end-time (in UTC) to /2/users/{id}/tweets', async () => {
    const r = await h.run([
      'posts',
      '@XDevelopers',
      '--since-id',
      `https://x.com/XDevelopers/status/${posts[1]}`,
      '--until-id',
      posts[6]!,
      '--start-time',
      '2026-11-01T12:00:00Z',
      '--end-time',
      '2026-11-02T13:00:00+01:00',
      '--fields',
      'tweet=lang',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const sent = h.newRequests().at(-1)!;
    expect(sent.path).toBe(`/2/users/${XDEVELOPERS_ID}/tweets`);
    expect(sent.query).toMatchObject({
      since_id: posts[1],
      until_id: posts[6],
      start_time: '2026-11-01T12:00:00Z',
      end_time: '2026-11-02T12:00:00Z',
      max_results: '10',
    });
    expect(sent.query['tweet.fields']!.split(',')).toContain('lang');
    expect(sent.status).toBe(200);
  });

  it('the sandbox answers only the posts inside the bounds: ids exclusive, start_time inclusive, end_time exclusive', async () => {
    const byIds = await h.run(['posts', 'XDevelopers', '--since-id', posts[1]!, '--until-id', posts[6]!]);
    expect(byIds.code, byIds.stderr).toBe(0);
    expect(ids(byIds.stdout)).toEqual(posts.slice(2, 6).reverse());

    const { state } = h.fake.sandbox;
    const day = (d: number) => Date.parse(`2026-01-0${d}T00:00:00Z`);
    const dated = [1, 2, 3].map((d) => addPost(state, { author_id: ME, text: `dated ${d}` }, day(d)).id);
    const me = state.users.get(ME)!.username;
    const byTime = await h.run(['posts', me, '--start-time', '2026-01-02T00:00:00Z', '--end-time', '2026-01-03T00:00:00Z']);
    expect(byTime.code, byTime.stderr).toBe(0);
    expect(ids(byTime.stdout)).toEqual([dated[1]]);
    // A time the format check lets through (month 13) is X's 400, not every post.
    const month13 = await fetch(`${h.fake.url}/2/users/${ME}/tweets?end_time=2026-13-01T00:00:00Z`, {
      headers: { authorization: `Bearer ${h.fake.sandbox.credentials.bearerToken}` },
    });
    expect(month13.status).toBe(400);
    h.newRequests();
  });

  it("the sandbox leaves replies out with X's exclude=replies, on /tweets and the home timeline", async () => {
    const { state } = h.fake.sandbox;
    const own = addPost(state, { author_id: ME, text: 'own post' }).id;
    const reply = addPost(state, { author_id: ME, text: 'a reply', reply_to: posts[0] }).id;
    for (const path of [`/2/users/${ME}/tweets`, `/2/users/${ME}/timelines/reverse_chronological`]) {
      const all = await h.run([`${path}?max_results=100`]);
      expect(all.code, all.stderr).toBe(0);
      expect(ids(all.stdout)).toEqual(expect.arrayContaining([own, reply]));
      const noReplies = await h.run([`${path}?max_results=100&exclude=replies`]);
      expect(noReplies.code, noReplies.stderr).toBe(0);
      expect(ids(noReplies.stdout)).toContain(own);
      expect(ids(noReplies.stdout)).not.toContain(reply);
    }
    // A value X's description does not list is X's 400.
    const bad = await h.run([`/2/users/${ME}/tweets?exclude=likes`]);
    expect(bad.code).toBe(1);
    h.newRequests();
  });

  it('refuses a bad time, or --watch with an upper bound, before anything is sent', async () => {
    const r = await h.run(['posts', 'XDevelopers', '--end-time', 'tomorrow']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("xcli: --end-time 'tomorrow': expected a date and time such as 2026-11-01T12:00:00Z\n");
    // Nor is the lookup of your own id spent on it (a fresh config: no id remembered).
    const fresh = cleanups.configDir();
    const timeline = await h.run(['timeline', '--start-time', 'yesterday'], { env: { XCLI_CONFIG_DIR: fresh } });
    expect(timeline.code).toBe(2);
    const watch = await h.run(['posts', 'XDevelopers', '--watch', '--until-id', posts[0]!]);
    expect(watch.code).toBe(2);
    expect(watch.stderr).toContain('--watch looks for new posts');
    expect(h.newRequests()).toEqual([]);
  });

  it('pages with -n and --next-token (pagination_token), the sandbox answering the next page', async () => {
    const first = await h.run(['posts', 'XDevelopers', '-n', '5', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const token = (JSON.parse(first.stdout) as { meta: { next_token?: string } }).meta.next_token;
    expect(token).toBeTruthy();
    h.newRequests();
    const second = await h.run(['posts', 'XDevelopers', '-n', '5', '--next-token', token!, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(h.newRequests().at(-1)!.query).toMatchObject({ pagination_token: token, max_results: '5' });
    const seen = [...ids(first.stdout), ...ids(second.stdout)];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(posts));
  });
});

describe('likes and bookmarks: only what X accepts there', () => {
  for (const [command, path, min] of [
    ['likes', 'liked_tweets', 5],
    ['bookmarks', 'bookmarks', 1],
  ] as const) {
    it(`${command}: -n and --next-token page through /2/users/{me}/${path}`, async () => {
      const first = await h.run([command, '-n', String(min), '--json']);
      expect(first.code, first.stderr).toBe(0);
      expect(h.newRequests().at(-1)!.query.max_results).toBe(String(min));
      const token = (JSON.parse(first.stdout) as { meta: { next_token?: string } }).meta.next_token!;
      expect(token).toBeTruthy();
      const second = await h.run([command, '-n', String(min), '--next-token', token, '--json']);
      expect(second.code, second.stderr).toBe(0);
      const sent = h.newRequests().at(-1)!;
      expect(sent.path).toBe(`/2/users/${ME}/${path}`);
      expect(sent.query).toMatchObject({ pagination_token: token, max_results: String(min) });
      expect(ids(first.stdout)).toHaveLength(min);
      expect(ids(second.stdout)).toHaveLength(Math.min(min, posts.length - min));
      expect(ids(second.stdout).some((id) => ids(first.stdout).includes(id))).toBe(false);
    });

    it(`${command}: the bounds X does not accept on ${path} are not offered`, async () => {
      for (const flag of ['--since-id', '--until-id', '--start-time', '--end-time', '--watch']) {
        const r = await h.run([command, flag, ...(flag === '--watch' ? [] : ['1'])]);
        expect(r.code, flag).toBe(2);
        expect(r.stderr).toContain(`unknown option '${flag}'`);
      }
      expect(h.newRequests()).toEqual([]);
    });
  }
});
