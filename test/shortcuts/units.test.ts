import { describe, expect, it } from 'vitest';
import { parseCount, parsePostId, parseUsername } from '../../src/shortcuts/ids.js';
import { mergePages, pageSize } from '../../src/shortcuts/paging.js';
import { renderDocument, styleFor, terminalSafe } from '../../src/shortcuts/render.js';
import { postBody, splitThread } from '../../src/shortcuts/run.js';

describe('argument checks', () => {
  it('takes post ids bare or from post URLs (xurl cases)', () => {
    expect(parsePostId('1460323737035677698')).toBe('1460323737035677698');
    expect(parsePostId('  1460323737035677698 \n')).toBe('1460323737035677698');
    expect(parsePostId('https://x.com/XDevelopers/status/1460323737035677698')).toBe('1460323737035677698');
    expect(parsePostId('https://twitter.com/jack/status/20?s=20')).toBe('20');
    expect(parsePostId('https://x.com/i/web/status/20')).toBe('20');
  });

  it('refuses what is not a post id', () => {
    for (const bad of ['abc', '12a', '', 'https://x.com/user', '1/../../2/users/me', '12345678901234567890']) {
      expect(() => parsePostId(bad), bad).toThrow(/not a post id/);
    }
  });

  it('takes usernames with or without @, or as a profile URL', () => {
    expect(parseUsername('@XDevelopers')).toBe('XDevelopers');
    expect(parseUsername('  @XDev  ')).toBe('XDev');
    expect(parseUsername('https://x.com/jack')).toBe('jack');
    for (const bad of ['', '@', 'a b', 'x/../me', 'sixteen_chars_xx', '名前'])
      expect(() => parseUsername(bad), bad).toThrow(/not a username/);
  });

  it('takes positive counts only', () => {
    expect(parseCount('250')).toBe(250);
    for (const bad of ['0', '-1', '1.5', 'ten']) expect(() => parseCount(bad)).toThrow(/-n/);
  });
});

describe('post bodies and threads', () => {
  it('builds bodies as objects (quotes and newlines survive)', () => {
    const text = 'say "hi"\\ \n\t{"x":1}';
    expect(JSON.parse(JSON.stringify(postBody({ text, replyTo: '20', mediaIds: ['1', '2'] })))).toEqual({
      text,
      media: { media_ids: ['1', '2'] },
      reply: { in_reply_to_tweet_id: '20' },
    });
    expect(postBody({ text: 'q', quoteOf: '20' })).toEqual({ text: 'q', quote_tweet_id: '20' });
  });

  it('splits a thread on --- lines when there are any, else on blank lines', () => {
    expect(splitThread('one\n\ntwo\n\n\nthree\n')).toEqual(['one', 'two', 'three']);
    expect(splitThread('first para\n\nstill first\n---\nsecond\r\n---  \n\n')).toEqual(['first para\n\nstill first', 'second']);
    expect(splitThread('\n\n')).toEqual([]);
  });
});

describe('paging', () => {
  it("clamps each request's max_results to the route's range", () => {
    expect(pageSize(3, 10, 100)).toBe(10);
    expect(pageSize(250, 5, 100)).toBe(100);
    expect(pageSize(50, 5, 100)).toBe(50);
  });

  it('merges pages: data concatenated, includes deduplicated, counts summed, last token kept', () => {
    const merged = mergePages([
      {
        data: [{ id: '3' }, { id: '2' }],
        includes: { users: [{ id: 'u1' }, { id: 'u2' }] },
        meta: { result_count: 2, next_token: 'a' },
      },
      { data: [{ id: '1' }], includes: { users: [{ id: 'u1' }] }, meta: { result_count: 1, next_token: 'b' } },
    ]);
    expect(merged).toEqual({
      data: [{ id: '3' }, { id: '2' }, { id: '1' }],
      includes: { users: [{ id: 'u1' }, { id: 'u2' }] },
      meta: { result_count: 3, next_token: 'b' },
    });
  });
});

describe('terminal rendering', () => {
  it('strips escapes, carriage returns, C1 and bidi controls from post text', () => {
    expect(terminalSafe('a\x1b[31mred\x1b[0m\r\nb\u009b2J\u202etxt.exe\tok')).toBe(
      'a\\u001b[31mred\\u001b[0m\nb\\u009b2J\\u202etxt.exe\tok',
    );
  });

  it('shows author, time, text and counts', () => {
    const out = renderDocument(
      {
        data: [
          {
            id: '20',
            text: 'just setting up my \x1b]0;pwned\x07twttr',
            author_id: '12',
            created_at: '2006-03-21T20:50:14.000Z',
            public_metrics: { like_count: 5, retweet_count: 2, reply_count: 1, quote_count: 0 },
          },
        ],
        includes: { users: [{ id: '12', username: 'jack', name: 'jack' }] },
      },
      'posts',
      styleFor(false),
    );
    expect(out).toBe(
      '@jack (jack) · 2006-03-21 20:50 UTC · id 20\n  just setting up my \\u001b]0;pwned\\u0007twttr\n  replies 1  reposts 2  likes 5  quotes 0\n',
    );
  });
});
