// Issue 14 item 6: a shortcut whose action did not happen exits 1 with X's reason in one line on
// stderr (X's JSON still on stdout when piped), as `read` does for a missing post. Every shortcut.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPost, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { harness, type Harness } from './harness.js';

let h: Harness;
let post: string;
const MISSING = '1999999999999999999';
beforeAll(async () => {
  h = await harness();
  h.storeOAuth2User(); // bookmarks take only an OAuth2 user token
  post = addPost(h.fake.sandbox.state, { author_id: XDEVELOPERS_ID, text: 'target post' }).id;
  // Look the caller's id up once, so the faults below meet the action's own request.
  expect((await h.run(['whoami'])).code).toBe(0);
});
afterAll(() => h.close());

const REASON = {
  errors: [{ detail: 'Refused for a reason X gives.', title: 'Forbidden', type: 'https://api.twitter.com/2/problems/x' }],
};

describe('shortcuts whose action did not happen (#14.6)', () => {
  it("like and delete of a post that does not exist exit 1 with X's reason", async () => {
    for (const args of [
      ['like', MISSING],
      ['delete', MISSING],
      ['repost', MISSING],
      ['bookmark', MISSING],
    ]) {
      const r = await h.run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(`xcli: Could not find tweet with ${args[0] === 'delete' ? 'id' : 'tweet_id'}: [${MISSING}].\n`);
      expect(JSON.parse(r.stdout)).toHaveProperty('errors'); // piped: X's answer, for scripts
    }
  });

  it('an answer stating the old relation is a failure too, with the answer on stdout', async () => {
    h.fake.sandbox.failNext('POST', '/2/users/:id/likes', { status: 200, json: { data: { liked: false } } });
    const r = await h.run(['like', post]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`xcli: X did not like post ${post} (liked: false)\n`);
    expect(JSON.parse(r.stdout)).toEqual({ data: { liked: false } });
  });

  // Every shortcut, with X answering 200 and errors[] in place of data on the request that acts.
  const cases: Array<[args: string[], method: string, path: string]> = [
    [['like', '$post'], 'POST', '/2/users/:id/likes'],
    [['unlike', '$post'], 'DELETE', '/2/users/:id/likes/:tweet'],
    [['repost', '$post'], 'POST', '/2/users/:id/retweets'],
    [['unrepost', '$post'], 'DELETE', '/2/users/:id/retweets/:tweet'],
    [['bookmark', '$post'], 'POST', '/2/users/:id/bookmarks'],
    [['unbookmark', '$post'], 'DELETE', '/2/users/:id/bookmarks/:tweet'],
    [['delete', '$post'], 'DELETE', '/2/tweets/:id'],
    [['follow', 'XDevelopers'], 'POST', '/2/users/:id/following'],
    [['unfollow', 'XDevelopers'], 'DELETE', '/2/users/:id/following/:target'],
    [['block', 'XDevelopers'], 'POST', '/2/users/:id/blocking'],
    [['unblock', 'XDevelopers'], 'DELETE', '/2/users/:id/blocking/:target'],
    [['mute', 'XDevelopers'], 'POST', '/2/users/:id/muting'],
    [['unmute', 'XDevelopers'], 'DELETE', '/2/users/:id/muting/:target'],
    [['dm', 'XDevelopers', 'hello'], 'POST', '/2/dm_conversations/with/:id/messages'],
    [['post', 'hello there'], 'POST', '/2/tweets'],
    [['reply', '$post', 'a reply'], 'POST', '/2/tweets'],
    [['quote', '$post', 'a quote'], 'POST', '/2/tweets'],
    [['read', '$post'], 'GET', '/2/tweets/:id'],
    [['user', 'XDevelopers'], 'GET', '/2/users/by/username/:name'],
    [['whoami'], 'GET', '/2/users/me'],
    [['search', 'hello'], 'GET', '/2/tweets/search/recent'],
    [['posts', 'XDevelopers'], 'GET', '/2/users/:id/tweets'],
    [['timeline'], 'GET', '/2/users/:id/timelines/reverse_chronological'],
    [['mentions'], 'GET', '/2/users/:id/mentions'],
    [['bookmarks'], 'GET', '/2/users/:id/bookmarks'],
    [['likes'], 'GET', '/2/users/:id/liked_tweets'],
    [['following'], 'GET', '/2/users/:id/following'],
    [['followers'], 'GET', '/2/users/:id/followers'],
    [['dms'], 'GET', '/2/dm_events'],
  ];

  it.each(cases.map(([args, method, path]) => [args.join('|'), method, path] as const))(
    '%s (X answers %s %s with errors[] only)',
    async (command, method, path) => {
      h.fake.sandbox.failNext(method, path, { status: 200, json: REASON });
      const args = command.split('|').map((a) => (a === '$post' ? post : a));
      const r = await h.run(args);
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toBe('xcli: Refused for a reason X gives.\n');
      expect(JSON.parse(r.stdout)).toEqual(REASON);
    },
  );
});
