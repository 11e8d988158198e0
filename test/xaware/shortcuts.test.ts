// The shortcuts' X-aware additions: full text and media fields, id/time bounds, the fields sugar,
// and --watch (new posts only, as NDJSON, resuming from the remembered newest id).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderDocument, styleFor } from '../../src/shortcuts/render.js';
import { addPost, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli, spawnCli, tempConfigDir } from '../helpers/run-cli.js';

let fake: FakeX;
let config: { dir: string; cleanup: () => void };
let env: Record<string, string>;

beforeEach(async () => {
  fake = await startFakeX();
  config = tempConfigDir();
  env = fake.env({ oauth1: true, extra: { XCLI_CONFIG_DIR: config.dir, XCLI_BACKOFF_SCALE: '0.01' } });
});
afterEach(async () => {
  await fake.close();
  config.cleanup();
});

describe('shortcut fields and bounds', () => {
  it('search sends --since-id (a post URL too), --until-id, --start-time, --end-time and the fields sugar', async () => {
    // Recent search takes only the last seven days (X refuses an older start_time), so the window is
    // relative to now; the end time is given with a +01:00 offset and must arrive in UTC.
    const DAY = 86_400_000;
    const wholeSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;
    const utc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const startTime = utc(wholeSeconds(Date.now() - 2 * DAY));
    const end = wholeSeconds(Date.now() - DAY);
    const endPlusOne = new Date(end + 3_600_000).toISOString().replace('Z', '+01:00');
    const r = await runCli(
      [
        'search',
        'from:XDevelopers',
        '--since-id',
        'https://x.com/XDevelopers/status/1460323737035677698',
        '--until-id',
        '1460323737035677699',
        '--start-time',
        startTime,
        '--end-time',
        endPlusOne,
        '--fields',
        'user=location',
        '--fields',
        'tweet=lang',
        '--expand',
        'referenced_tweets.id',
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const q = fake.sandbox.requests.at(-1)!.query;
    expect(q).toMatchObject({
      since_id: '1460323737035677698',
      until_id: '1460323737035677699',
      start_time: startTime,
      end_time: utc(end),
      'user.fields': 'username,name,verified,location',
      expansions: 'author_id,attachments.media_keys,referenced_tweets.id',
    });
    expect(q['tweet.fields']!.split(',')).toEqual(expect.arrayContaining(['note_tweet', 'article', 'attachments', 'lang']));
    const bad = await runCli(['mentions', '--start-time', 'yesterday'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("xcli: --start-time 'yesterday': expected a date and time such as 2026-11-01T12:00:00Z\n");
  });

  it('read asks for the full text and media, and a long post comes back whole', async () => {
    const long = `${'a long post '.repeat(40)}end`;
    const post = addPost(fake.sandbox.state, { author_id: XDEVELOPERS_ID, text: long.slice(0, 280) });
    Object.assign(post, { note_tweet: { text: long } });
    const r = await runCli(['read', `https://x.com/XDevelopers/status/${post.id}`], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).data.note_tweet.text).toBe(long);
    const q = fake.sandbox.requests.at(-1)!.query;
    expect(q.expansions).toBe('author_id,attachments.media_keys,referenced_tweets.id');
    expect(q['media.fields']).toContain('url');
  });

  it('the terminal view shows the note_tweet text whole, the article title and the media', () => {
    const long = `${'word '.repeat(80)}end`;
    const doc = {
      data: [
        {
          id: '1',
          text: 'cut…',
          author_id: '9',
          note_tweet: { text: long },
          article: { title: 'On APIs' },
          attachments: { media_keys: ['3_1'] },
        },
      ],
      includes: {
        users: [{ id: '9', username: 'dev', name: 'Dev' }],
        media: [{ media_key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/x.jpg', alt_text: 'a cat' }],
      },
    };
    const text = renderDocument(doc, 'posts', styleFor(false));
    expect(text).toContain(`  ${long}\n`);
    expect(text).not.toContain('cut…');
    expect(text).toContain('  article: On APIs\n');
    expect(text).toContain('  [photo] https://pbs.twimg.com/media/x.jpg "a cat"');
  });
});

/** Collects a child's stdout lines; resolves `until` when `count` lines have arrived. */
function lines(child: ReturnType<typeof spawnCli>) {
  const got: string[] = [];
  let buffer = '';
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  child.stdout!.on('data', (c: Buffer) => {
    buffer += c.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    got.push(...parts);
    for (const w of waiters.filter((w) => got.length >= w.count)) w.resolve();
  });
  return {
    got,
    until: (count: number) =>
      new Promise<void>((resolve) => (got.length >= count ? resolve() : waiters.push({ count, resolve }))),
  };
}

const exited = (child: ReturnType<typeof spawnCli>) =>
  new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

describe('--watch', () => {
  it('prints the current posts, then only new ones as NDJSON, and resumes from the remembered id', async () => {
    const { state } = fake.sandbox;
    const first = addPost(state, { author_id: XDEVELOPERS_ID, text: 'watchword one' });
    const child = spawnCli(['search', 'watchword', '--watch'], { env });
    const out = lines(child);
    await out.until(1);
    expect(JSON.parse(out.got[0]!).id).toBe(first.id);
    const second = addPost(state, { author_id: XDEVELOPERS_ID, text: 'watchword two' });
    const third = addPost(state, { author_id: XDEVELOPERS_ID, text: 'watchword three' });
    await out.until(3);
    expect(out.got.map((l) => JSON.parse(l).id)).toEqual([first.id, second.id, third.id]);
    const polls = fake.sandbox.requests.filter((q) => q.path === '/2/tweets/search/recent');
    expect(polls[0]!.query.since_id).toBeUndefined();
    expect(polls.slice(1).every((q) => q.query.since_id !== undefined)).toBe(true);
    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
    const saved = JSON.parse(readFileSync(join(config.dir, 'state.json'), 'utf8')).watch;
    expect(Object.values(saved)).toEqual([expect.objectContaining({ newestId: third.id })]);

    // A new watch starts after the remembered id: the old posts are not printed again.
    const before = fake.sandbox.requests.length;
    const again = spawnCli(['search', 'watchword', '--watch'], { env });
    const fourth = addPost(state, { author_id: XDEVELOPERS_ID, text: 'watchword four' });
    const out2 = lines(again);
    await out2.until(1);
    again.kill('SIGINT');
    expect(await exited(again)).toBe(0);
    expect(out2.got.map((l) => JSON.parse(l).id)).toEqual([fourth.id]);
    expect(fake.sandbox.requests[before]!.query.since_id).toBe(third.id);
  });

  it('refuses --watch with bounds that look backwards', async () => {
    const r = await runCli(['timeline', '--watch', '--until-id', '5'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'xcli: --watch looks for new posts: it cannot be combined with --next-token, --until-id or --end-time\n',
    );
  });
});
