// Every shortcut's request, checked against the fake X API's request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPost, AUTHENTICATED_USER_ID as ME, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { harness, shape, type Harness } from './harness.js';

const FRIEND = '1849202834569625601';
const X_ID = '783214';
const USER_FIELDS = 'created_at,description,public_metrics,verified,verified_type,subscription_type,profile_image_url';
// Full text (note_tweet, article), author and media expansions on every post list.
const MEDIA_FIELDS = 'type,url,preview_image_url,alt_text,width,height,duration_ms';
const LIST_TWEET_FIELDS = 'created_at,public_metrics,conversation_id,entities,attachments,author_id,note_tweet,article';
const LIST_FIELDS = {
  'tweet.fields': LIST_TWEET_FIELDS,
  expansions: 'author_id,attachments.media_keys',
  'user.fields': 'username,name',
  'media.fields': MEDIA_FIELDS,
};
const SAVED_FIELDS = {
  'tweet.fields': 'created_at,public_metrics,entities,attachments,author_id,note_tweet,article',
  expansions: 'author_id,attachments.media_keys',
  'user.fields': 'username,name',
  'media.fields': MEDIA_FIELDS,
};

let h: Harness;
let post: string;
let mine: string;

beforeAll(async () => {
  h = await harness();
  // OAuth2 user context, as most shortcut users have it (bookmarks accept nothing else).
  h.storeOAuth2User();
  post = addPost(h.fake.sandbox.state, { author_id: XDEVELOPERS_ID, text: 'a post to act on' }).id;
  mine = addPost(h.fake.sandbox.state, { author_id: ME, text: 'mine, to delete' }).id;
  // whoami fills the user id cache, so the cases below show only their own requests.
  const who = await h.run(['whoami']);
  expect(who.code, who.stderr).toBe(0);
  expect(h.newRequests().map(shape)).toEqual([{ method: 'GET', path: '/2/users/me', query: { 'user.fields': USER_FIELDS } }]);
});
afterAll(() => h.close());

const lookup = (name: string) => ({ method: 'GET', path: `/2/users/by/username/${name}`, query: {} });

describe('shortcut requests', () => {
  const cases: Array<[string, () => string[], () => unknown[]]> = [
    [
      'post',
      () => ['post', 'hello world'],
      () => [{ method: 'POST', path: '/2/tweets', query: {}, body: { text: 'hello world' } }],
    ],
    [
      'reply',
      () => ['reply', post, 'hi back'],
      () => [{ method: 'POST', path: '/2/tweets', query: {}, body: { text: 'hi back', reply: { in_reply_to_tweet_id: post } } }],
    ],
    [
      'quote (post URL)',
      () => ['quote', `https://x.com/XDevelopers/status/${post}?s=20`, 'so true'],
      () => [{ method: 'POST', path: '/2/tweets', query: {}, body: { text: 'so true', quote_tweet_id: post } }],
    ],
    ['delete', () => ['delete', mine], () => [{ method: 'DELETE', path: `/2/tweets/${mine}`, query: {} }]],
    [
      'read',
      () => ['read', post],
      () => [
        {
          method: 'GET',
          path: `/2/tweets/${post}`,
          query: {
            'tweet.fields':
              'created_at,public_metrics,conversation_id,in_reply_to_user_id,referenced_tweets,entities,attachments,author_id,note_tweet,article',
            expansions: 'author_id,attachments.media_keys,referenced_tweets.id',
            'user.fields': 'username,name,verified',
            'media.fields': MEDIA_FIELDS,
          },
        },
      ],
    ],
    [
      'search',
      () => ['search', 'from:XDevelopers "a post"', '-n', '20'],
      () => [
        {
          method: 'GET',
          path: '/2/tweets/search/recent',
          query: {
            query: 'from:XDevelopers "a post"',
            ...LIST_FIELDS,
            'user.fields': 'username,name,verified',
            max_results: '20',
          },
        },
      ],
    ],
    [
      'posts',
      () => ['posts', '@XDevelopers'],
      () => [
        lookup('XDevelopers'),
        {
          method: 'GET',
          path: `/2/users/${XDEVELOPERS_ID}/tweets`,
          query: {
            'tweet.fields': LIST_TWEET_FIELDS,
            expansions: 'author_id,attachments.media_keys,referenced_tweets.id',
            'media.fields': MEDIA_FIELDS,
            max_results: '10',
          },
        },
      ],
    ],
    [
      'user',
      () => ['user', 'https://x.com/XDevelopers'],
      () => [{ method: 'GET', path: '/2/users/by/username/XDevelopers', query: { 'user.fields': USER_FIELDS } }],
    ],
    [
      'timeline',
      () => ['timeline', '-n', '1'],
      () => [
        { method: 'GET', path: `/2/users/${ME}/timelines/reverse_chronological`, query: { ...LIST_FIELDS, max_results: '1' } },
      ],
    ],
    [
      'mentions (-n 3 clamped to 5)',
      () => ['mentions', '-n', '3'],
      () => [{ method: 'GET', path: `/2/users/${ME}/mentions`, query: { ...LIST_FIELDS, max_results: '5' } }],
    ],
    ['like', () => ['like', post], () => [{ method: 'POST', path: `/2/users/${ME}/likes`, query: {}, body: { tweet_id: post } }]],
    ['unlike', () => ['unlike', post], () => [{ method: 'DELETE', path: `/2/users/${ME}/likes/${post}`, query: {} }]],
    [
      'repost',
      () => ['repost', post],
      () => [{ method: 'POST', path: `/2/users/${ME}/retweets`, query: {}, body: { tweet_id: post } }],
    ],
    ['unrepost', () => ['unrepost', post], () => [{ method: 'DELETE', path: `/2/users/${ME}/retweets/${post}`, query: {} }]],
    [
      'bookmark',
      () => ['bookmark', post],
      () => [{ method: 'POST', path: `/2/users/${ME}/bookmarks`, query: {}, body: { tweet_id: post } }],
    ],
    [
      'bookmarks',
      () => ['bookmarks'],
      () => [{ method: 'GET', path: `/2/users/${ME}/bookmarks`, query: { ...SAVED_FIELDS, max_results: '10' } }],
    ],
    ['unbookmark', () => ['unbookmark', post], () => [{ method: 'DELETE', path: `/2/users/${ME}/bookmarks/${post}`, query: {} }]],
    [
      'likes',
      () => ['likes', '-n', '100'],
      () => [{ method: 'GET', path: `/2/users/${ME}/liked_tweets`, query: { ...SAVED_FIELDS, max_results: '100' } }],
    ],
    [
      'follow',
      () => ['follow', '@sandbox_friend'],
      () => [
        lookup('sandbox_friend'),
        { method: 'POST', path: `/2/users/${ME}/following`, query: {}, body: { target_user_id: FRIEND } },
      ],
    ],
    [
      'unfollow',
      () => ['unfollow', 'sandbox_friend'],
      () => [lookup('sandbox_friend'), { method: 'DELETE', path: `/2/users/${ME}/following/${FRIEND}`, query: {} }],
    ],
    [
      'following',
      () => ['following'],
      () => [
        {
          method: 'GET',
          path: `/2/users/${ME}/following`,
          query: { 'user.fields': 'created_at,description,public_metrics,verified', max_results: '10' },
        },
      ],
    ],
    [
      'followers --of (-n up to 1000 per page)',
      () => ['followers', '--of', 'XDevelopers', '-n', '1000'],
      () => [
        lookup('XDevelopers'),
        {
          method: 'GET',
          path: `/2/users/${XDEVELOPERS_ID}/followers`,
          query: { 'user.fields': 'created_at,description,public_metrics,verified', max_results: '1000' },
        },
      ],
    ],
    [
      'block',
      () => ['block', 'X'],
      () => [lookup('X'), { method: 'POST', path: `/2/users/${ME}/blocking`, query: {}, body: { target_user_id: X_ID } }],
    ],
    [
      'unblock',
      () => ['unblock', 'X'],
      () => [lookup('X'), { method: 'DELETE', path: `/2/users/${ME}/blocking/${X_ID}`, query: {} }],
    ],
    [
      'mute',
      () => ['mute', 'X'],
      () => [lookup('X'), { method: 'POST', path: `/2/users/${ME}/muting`, query: {}, body: { target_user_id: X_ID } }],
    ],
    [
      'unmute',
      () => ['unmute', 'X'],
      () => [lookup('X'), { method: 'DELETE', path: `/2/users/${ME}/muting/${X_ID}`, query: {} }],
    ],
    [
      'dm (quotes, backslashes and newlines round-trip)',
      () => ['dm', 'sandbox_friend', 'say "hi" \\o/\nbye'],
      () => [
        lookup('sandbox_friend'),
        { method: 'POST', path: `/2/dm_conversations/with/${FRIEND}/messages`, query: {}, body: { text: 'say "hi" \\o/\nbye' } },
      ],
    ],
    [
      'dms (-n 500 clamped to 100 per page)',
      () => ['dms', '-n', '500'],
      () => [
        {
          method: 'GET',
          path: '/2/dm_events',
          query: {
            'dm_event.fields': 'created_at,dm_conversation_id,sender_id,text',
            expansions: 'sender_id',
            'user.fields': 'username,name',
            max_results: '100',
          },
        },
      ],
    ],
  ];

  for (const [name, args, expected] of cases) {
    it(name, async () => {
      const r = await h.run(args());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      const requests = h.newRequests();
      expect(requests.map(shape)).toEqual(expected());
      expect(requests.every((q) => q.status !== undefined && q.status < 300 && q.authKind === 'oauth2')).toBe(true);
      // Piped output is X's JSON, one document.
      expect(() => JSON.parse(r.stdout)).not.toThrow();
    });
  }

  it('changes the world the way the requests say', () => {
    const { state } = h.fake.sandbox;
    expect(state.posts.has(mine)).toBe(false);
    expect(state.blocks.get(ME)?.has(X_ID)).toBe(false);
    expect(state.dmEvents.at(-1)?.text).toBe('say "hi" \\o/\nbye');
  });
});
