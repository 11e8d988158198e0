// Shortcut behaviour beyond single requests: the user id cache, validation, paging, threads,
// media attachments, terminal rendering and errors.
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { matchRoute } from '../../src/http/routes.js';
import { testIO } from '../../src/io.js';
import { addPost, AUTHENTICATED_USER_ID as ME, XDEVELOPERS_ID } from '../../src/sandbox/emulator/index.js';
import { harness, shape, type Harness } from './harness.js';

let h: Harness;
let post: string;
beforeAll(async () => {
  h = await harness();
  post = addPost(h.fake.sandbox.state, { author_id: XDEVELOPERS_ID, text: 'target post' }).id;
});
afterAll(() => h.close());
afterEach(() => void h.newRequests());

describe("the caller's user id", () => {
  it('is looked up once per app and user, then read from the state file', async () => {
    const first = await h.run(['like', post]);
    expect(first.code, first.stderr).toBe(0);
    expect(h.newRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /2/users/me', `POST /2/users/${ME}/likes`]);
    const second = await h.run(['unlike', post]);
    expect(second.code, second.stderr).toBe(0);
    expect(h.newRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /2/users/${ME}/likes/${post}`]);

    const stateText = readFileSync(join(h.configDir, 'state.json'), 'utf8');
    expect(Object.values(JSON.parse(stateText).me)).toEqual([{ id: ME, username: 'sandbox_dev' }]);
    const { accessToken, accessTokenSecret, consumerSecret } = h.fake.sandbox.credentials;
    for (const secret of [accessToken, accessTokenSecret, consumerSecret]) expect(stateText).not.toContain(secret);
    // Only the state file: the credential store is not created by shortcuts.
    expect(existsSync(join(h.configDir, 'config.json'))).toBe(false);

    // Another identity (here: an explicit --auth) gets its own lookup.
    const third = await h.run(['unrepost', post, '--auth', 'oauth1']);
    expect(third.code, third.stderr).toBe(0);
    expect(h.newRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /2/users/me',
      `DELETE /2/users/${ME}/retweets/${post}`,
    ]);
  });

  it('survives an unreadable state file without rewriting it', async () => {
    const { dir } = { dir: h.configDir };
    const file = join(dir, 'state.json');
    const saved = readFileSync(file, 'utf8');
    writeFileSync(file, '{not json');
    const r = await h.run(['repost', post]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('{not json');
    writeFileSync(file, saved);
  });

  it('says what failed when /2/users/me is refused', async () => {
    const r = await h.run(['like', post], { env: { X_ACCESS_TOKEN: 'nope', XCLI_CONFIG_DIR: join(h.configDir, 'other') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xcli: could not look up your user id \(\/2\/users\/me\): 401 Unauthorized/);
  });

  it('needs user context: a bearer token alone is refused before sending (exit 3)', async () => {
    const r = await h.run(['like', post], {
      env: {
        X_CONSUMER_KEY: '',
        X_CONSUMER_SECRET: '',
        X_BEARER_TOKEN: h.fake.sandbox.credentials.bearerToken,
        XCLI_CONFIG_DIR: join(h.configDir, 'bearer'),
      },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^xcli: .*\/2\/users\/me/);
    expect(h.newRequests()).toEqual([]);
  });
});

describe('bad input is refused before any request (exit 2)', () => {
  const cases: string[][] = [
    ['like', 'abc'],
    ['read', '12/../../2/users/me'],
    ['delete', 'https://x.com/jack'],
    ['reply', 'x', 'text'],
    ['follow', 'not a name'],
    ['dm', '@toolongusername_xx', 'hi'],
    ['timeline', '-n', '0'],
    ['search', 'q', '-n', 'ten'],
    ['post'],
    ['post', '   '],
    ['post', 'p', '--poll', 'only one'],
    ['post', 'p', '--poll', 'a,b', '--poll-minutes', '3'],
    ['post', 'p', '--poll-minutes', '60'],
    ['post', 'p', '--poll', 'a,b', '--media-id', '1'],
    ['post', 'p', '--media-id', 'abc'],
    ['post', 'p', '--media-id', '1', '--media-id', '2', '--media-id', '3', '--media-id', '4', '--media-id', '5'],
    ['post', 'p', '--media', 'missing.png'],
    ['post', 'p', '--alt', 'no file to describe'],
    ['post', 'a', '--thread'],
    ['media', 'status', '12ab'],
  ];
  for (const args of cases) {
    it(args.join(' '), async () => {
      const r = await h.run(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^xcli: [^\n]+\n$/);
      expect(r.stdout).toBe('');
      expect(h.newRequests()).toEqual([]);
    });
  }
});

describe('-n below the page floor', () => {
  it('search -n 2 asks X for its minimum of 10 and prints exactly 2 posts', async () => {
    const { state } = h.fake.sandbox;
    for (let i = 0; i < 5; i++) addPost(state, { author_id: XDEVELOPERS_ID, text: `floorcut ${i}` });
    const r = await h.run(['search', 'floorcut', '-n', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(h.newRequests().map((q) => q.query.max_results)).toEqual(['10']);
    const doc = JSON.parse(r.stdout);
    expect(doc.data).toHaveLength(2);
    expect(doc.meta.result_count).toBe(2);
  });
});

describe('-n past one page', () => {
  it('follows pagination_token and merges the pages', async () => {
    const { state } = h.fake.sandbox;
    for (let i = 0; i < 150; i++) addPost(state, { author_id: '783214', text: `post number ${i}` });
    const r = await h.run(['posts', 'X', '-n', '150']);
    expect(r.code, r.stderr).toBe(0);
    const requests = h.newRequests().map(shape);
    expect(requests.map((q) => q.query.max_results)).toEqual([undefined, '100', '50']);
    expect(requests[1]!.query.pagination_token).toBeUndefined();
    expect(requests[2]!.query.pagination_token).toMatch(/.+/);
    const doc = JSON.parse(r.stdout);
    expect(doc.data).toHaveLength(150);
    expect(new Set(doc.data.map((p: { id: string }) => p.id)).size).toBe(150);
    expect(doc.meta.result_count).toBe(150);
  });

  it("uses the route's token parameter (search), stops when the list ends, and resumes with --next-token", async () => {
    const tokenParam = matchRoute('GET', '/2/tweets/search/recent')!.pageParam!;
    const { state } = h.fake.sandbox;
    for (let i = 0; i < 120; i++) addPost(state, { author_id: XDEVELOPERS_ID, text: `needle ${i}` });
    const r = await h.run(['search', 'needle', '-n', '500']);
    expect(r.code, r.stderr).toBe(0);
    const requests = h.newRequests().map(shape);
    expect(requests.map((q) => [q.query.max_results, q.query[tokenParam] !== undefined])).toEqual([
      ['100', false],
      ['100', true],
    ]);
    const doc = JSON.parse(r.stdout);
    expect(doc.data).toHaveLength(120);
    expect(doc.includes.users).toHaveLength(1);
    expect(doc.meta.next_token).toBeUndefined();

    const firstPage = await h.run(['search', 'needle', '-n', '100']);
    const token = JSON.parse(firstPage.stdout).meta.next_token as string;
    const rest = await h.run(['search', 'needle', '-n', '100', '--next-token', token]);
    expect(JSON.parse(rest.stdout).data).toHaveLength(20);
    expect(h.newRequests().map((q) => q.query[tokenParam])).toEqual([undefined, token]);
  });
});

describe('post', () => {
  it('reads the text from piped stdin when no text argument is given', async () => {
    const r = await h.run(['post'], { input: 'hi from a pipe\n' });
    expect(r.code, r.stderr).toBe(0);
    const bodies = h
      .newRequests()
      .filter((q) => q.path === '/2/tweets')
      .map((q) => JSON.parse(q.body));
    expect(bodies).toEqual([{ text: 'hi from a pipe' }]);
  });

  it('--thread posts each part as a reply to the previous one', async () => {
    const r = await h.run(['post', '--thread'], {
      input: 'first part\n\nstill first? no: blank lines split only without ---\n---\nsecond "quoted"\n---\nthird\n',
    });
    expect(r.code, r.stderr).toBe(0);
    const bodies = h
      .newRequests()
      .filter((q) => q.path === '/2/tweets')
      .map((q) => JSON.parse(q.body));
    const ids = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).data.id as string);
    expect(ids).toHaveLength(3);
    expect(bodies).toEqual([
      { text: 'first part\n\nstill first? no: blank lines split only without ---' },
      { text: 'second "quoted"', reply: { in_reply_to_tweet_id: ids[0] } },
      { text: 'third', reply: { in_reply_to_tweet_id: ids[1] } },
    ]);
    expect(h.fake.sandbox.state.posts.get(ids[2]!)?.conversation_id).toBe(ids[0]);
  });

  it('--thread stops at the first refused post and says what was published', async () => {
    const r = await h.run(['post', '--thread'], { input: 'unique opener 1\n\nunique opener 1\n\nnever sent\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('post 2 of 3 failed; post 1 is published');
    expect(h.newRequests().filter((q) => q.path === '/2/tweets')).toHaveLength(2);
  });

  it('--poll sends the choices and duration', async () => {
    const r = await h.run(['post', 'lunch?', '--poll', ' pizza , sushi ,tacos', '--poll-minutes', '60']);
    expect(r.code, r.stderr).toBe(0);
    expect(h.newRequests().map(shape)).toEqual([
      {
        method: 'POST',
        path: '/2/tweets',
        query: {},
        body: { text: 'lunch?', poll: { options: ['pizza', 'sushi', 'tacos'], duration_minutes: 60 } },
      },
    ]);
  });

  it('--media uploads each file and attaches the ids with --media-id ones', async () => {
    const png = join(h.configDir, '..', 'pic.png');
    writeFileSync(png, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(100, 7)]));
    const existing = (await h.run(['media', 'upload', png])).stdout;
    const existingId = JSON.parse(existing).id as string;
    h.newRequests();
    const r = await h.run(['post', 'two pictures', '--media', png, '--alt', 'a test pattern', '--media-id', existingId]);
    expect(r.code, r.stderr).toBe(0);
    const requests = h.newRequests();
    expect(requests.map((q) => `${q.method} ${q.route}`)).toEqual([
      'POST /2/media/upload/initialize',
      'POST /2/media/upload/:id/append',
      'POST /2/media/upload/:id/finalize',
      'POST /2/media/metadata',
      'POST /2/tweets',
    ]);
    const uploadedId = requests[2]!.path.split('/')[4]!;
    expect(JSON.parse(requests[3]!.body)).toEqual({ id: uploadedId, metadata: { alt_text: { text: 'a test pattern' } } });
    expect(JSON.parse(requests[4]!.body)).toEqual({ text: 'two pictures', media: { media_ids: [uploadedId, existingId] } });
  });

  it('refuses a GIF or video together with other media before uploading anything', async () => {
    const gif = join(h.configDir, '..', 'anim.gif');
    const png = join(h.configDir, '..', 'pic.png');
    writeFileSync(gif, 'GIF89a\x01\x00\x01\x00');
    const r = await h.run(['post', 'mix', '--media', png, '--media', gif]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/anim\.gif is a GIF; X allows one GIF or video per post/);
    expect(h.newRequests()).toEqual([]);
  });
});

describe('output', () => {
  const run = async (args: string[], tty: { stdoutTTY?: boolean; color?: boolean } = { stdoutTTY: true }) => {
    const io = testIO(tty);
    const env = h.fake.env({ oauth1: true, extra: { XCLI_CONFIG_DIR: h.configDir } });
    const code = await main(args, io, env);
    return { code, out: io.out(), err: io.err() };
  };

  it('renders posts readably on a terminal, with hostile control characters neutralised', async () => {
    // A page shaped like X's documented answer (author_id comes with the author_id expansion).
    h.fake.sandbox.route('GET', '/2/users/:id/timelines/reverse_chronological', () => ({
      status: 200,
      json: {
        data: [
          {
            id: '20',
            author_id: XDEVELOPERS_ID,
            created_at: '2026-01-02T03:04:05.000Z',
            text: 'evil \x1b]52;c;aGk=\x07\x1b[2Jpost\r\u202eexe.txt\nsecond line',
            public_metrics: { retweet_count: 2, reply_count: 1, like_count: 30, quote_count: 0 },
          },
        ],
        includes: { users: [{ id: XDEVELOPERS_ID, name: 'Developers', username: 'XDevelopers' }] },
        meta: { result_count: 1, next_token: 'abc' },
      },
    }));
    const r = await run(['timeline', '-n', '1']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(
      '@XDevelopers (Developers) · 2026-01-02 03:04 UTC · id 20\n  evil \\u001b]52;c;aGk=\\u0007\\u001b[2Jpost\\u000d\\u202eexe.txt\n  second line\n  replies 1  reposts 2  likes 30  quotes 0\n\nmore: --next-token abc\n',
    );
    const colored = await run(['timeline', '-n', '1'], { stdoutTTY: true, color: true });
    expect(colored.out).toContain('\x1b[1m@XDevelopers\x1b[0m');
    expect(colored.out).not.toContain('\x1b]52');
  });

  it("renders users and action results as lines, and --json keeps X's JSON", async () => {
    const who = await run(['user', 'XDevelopers']);
    expect(who.out).toMatch(
      /^Developers @XDevelopers · id 2244994945 · verified\n {2}The voice of the X Developer Platform\n {2}followers \d+/,
    );
    const like = await run(['like', post]);
    expect(like.out).toBe(`liked post ${post} (liked: true)\n`);
    const json = await run(['user', 'XDevelopers', '--json']);
    expect(JSON.parse(json.out).data.username).toBe('XDevelopers');
  });

  it("reports a post that does not exist (exit 1), with X's JSON when piped", async () => {
    const r = await h.run(['read', '1']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors[0].resource_id).toBe('1');
    expect(r.stderr).toMatch(/^xcli: Could not find (post|tweet) with id: \[1\]\.\n$/);
  });

  it("shows X's error for a refused change (body on stdout, summary on stderr)", async () => {
    const r = await h.run(['follow', 'sandbox_dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xcli: 400 Invalid Request: .*cannot follow yourself/);
    expect(JSON.parse(r.stdout).title).toBe('Invalid Request');
  });
});
