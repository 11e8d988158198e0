// Parse tests (gh's NewCmdX(f, runF) tests): each command's flags and arguments become its options,
// checked with a recording run in place of the work, so nothing is sent or stored.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerAccountActivity } from '../../src/commands/account-activity.js';
import { registerActivity } from '../../src/commands/activity.js';
import { registerAuth } from '../../src/commands/auth.js';
import { declareApiOptions } from '../../src/commands/common.js';
import { registerCompletion } from '../../src/commands/completion.js';
import { registerMcp } from '../../src/commands/mcp.js';
import { registerMedia } from '../../src/commands/media.js';
import { registerRequest } from '../../src/commands/request.js';
import { registerRoutes } from '../../src/commands/routes.js';
import { registerSandbox } from '../../src/commands/sandbox.js';
import { registerPostingShortcuts, registerReadingShortcuts, registerUserShortcuts } from '../../src/commands/shortcuts.js';
import { registerStream } from '../../src/commands/stream.js';
import { registerVersion } from '../../src/commands/version.js';
import { createContext, type Context } from '../../src/context.js';
import { testIO } from '../../src/io.js';
import { createRoot } from '../../src/program.js';

type Register = (program: Command, ctx: Context, run: never) => void;

const REGISTER: Record<string, Register> = {
  routes: registerRoutes,
  posting: registerPostingShortcuts,
  users: registerUserShortcuts,
  reading: registerReadingShortcuts,
  media: registerMedia,
  activity: registerActivity,
  accountActivity: registerAccountActivity,
  stream: registerStream,
  auth: registerAuth,
  completion: registerCompletion,
  version: registerVersion,
  sandbox: registerSandbox,
  mcp: registerMcp,
};

/** Registers one area on a fresh root with a run that records (name, options) instead of working. */
async function parse(
  area: string,
  argv: string[],
): Promise<{ name?: string; opts?: Record<string, unknown>; api: object; code: number }> {
  const ctx = createContext(testIO(), {}, '9.9.9');
  const root = createRoot(ctx);
  let name: string | undefined;
  let opts: Record<string, unknown> | undefined;
  const run = new Proxy(
    {},
    { get: (_t, key) => (_ctx: Context, o?: Record<string, unknown>) => void ((name = String(key)), (opts = o ?? {})) },
  );
  // The root command is the request command: its options come before the API options, as in createProgram.
  if (area === 'request') registerRequest(root, ctx, run as never);
  declareApiOptions(root);
  if (area !== 'request') REGISTER[area]!(root, ctx, run as never);
  try {
    await root.parseAsync(argv, { from: 'user' });
    return { name, opts, api: ctx.api, code: 0 };
  } catch {
    return { name, opts, api: ctx.api, code: 2 };
  }
}

const POST = '1460323737035677698';

// [area, argv, run function, options it must receive (a subset of what it gets)]
const CASES: Array<[string, string[], string, Record<string, unknown>]> = [
  [
    'request',
    ['/2/tweets', '-X', 'POST', '-d', '{"text":"hi"}', '-H', 'A: 1', '-H', 'B: 2', '--retry', '3'],
    'runRawRequest',
    { target: '/2/tweets', method: 'POST', data: '{"text":"hi"}', header: ['A: 1', 'B: 2'], retry: 3 },
  ],
  [
    'request',
    ['/2/users/me', '--paginate', '--max-pages', '2', '--fields', 'user=created_at'],
    'runRawRequest',
    { target: '/2/users/me', paginate: true, maxPages: 2, fields: ['user=created_at'] },
  ],
  ['routes', ['routes', '/2/webhooks', '-X', 'GET', '--json'], 'runRoutes', { filter: '/2/webhooks', method: 'GET', json: true }],
  ['routes', ['limits', 'tweets', '--json'], 'runLimits', { filter: 'tweets', json: true }],
  [
    'posting',
    ['post', 'hello', '--media', 'a.jpg', '--alt', 'A', '--media', 'b.png'],
    'runPost',
    { text: 'hello', media: ['a.jpg', 'b.png'], alt: ['A'] },
  ],
  [
    'posting',
    ['post', '--thread', '--poll', 'a,b', '--poll-minutes', '60'],
    'runPost',
    { thread: true, poll: 'a,b', pollMinutes: '60' },
  ],
  ['posting', ['reply', POST, 'yes', '--media-id', '1'], 'runReply', { target: POST, text: 'yes', mediaId: ['1'] }],
  ['posting', ['quote', POST, 'look'], 'runQuote', { target: POST, text: 'look' }],
  ['posting', ['delete', POST, '--json'], 'runDelete', { target: POST, json: true }],
  ['posting', ['dm', '@bob', 'hi'], 'runDm', { target: '@bob', text: 'hi' }],
  ['posting', ['like', POST], 'runPostEdge', { target: POST, edge: 'like', undo: false }],
  ['posting', ['unlike', POST], 'runPostEdge', { target: POST, edge: 'like', undo: true }],
  ['posting', ['repost', POST], 'runPostEdge', { edge: 'repost', undo: false }],
  ['posting', ['unrepost', POST], 'runPostEdge', { edge: 'repost', undo: true }],
  ['posting', ['bookmark', POST], 'runPostEdge', { edge: 'bookmark', undo: false }],
  ['posting', ['unbookmark', POST], 'runPostEdge', { edge: 'bookmark', undo: true }],
  ['users', ['whoami', '--json'], 'runWhoami', { json: true }],
  ['users', ['user', 'XDevelopers'], 'runUser', { target: 'XDevelopers' }],
  ['users', ['follow', 'a'], 'runUserEdge', { target: 'a', edge: 'follow', undo: false }],
  ['users', ['unfollow', 'a'], 'runUserEdge', { edge: 'follow', undo: true }],
  ['users', ['block', 'a'], 'runUserEdge', { edge: 'block', undo: false }],
  ['users', ['unblock', 'a'], 'runUserEdge', { edge: 'block', undo: true }],
  ['users', ['mute', 'a'], 'runUserEdge', { edge: 'mute', undo: false }],
  ['users', ['unmute', 'a'], 'runUserEdge', { edge: 'mute', undo: true }],
  ['users', ['following', '--of', 'bob', '-n', '50'], 'runGraph', { which: 'following', of: 'bob', maxResults: '50' }],
  ['users', ['followers', '--next-token', 'T'], 'runGraph', { which: 'followers', nextToken: 'T' }],
  ['reading', ['read', POST], 'runRead', { target: POST }],
  [
    'reading',
    ['search', 'from:x', '-n', '250', '--since-id', '5', '--watch', '--expand', 'author_id'],
    'runSearch',
    { query: 'from:x', maxResults: '250', sinceId: '5', watch: true, expand: ['author_id'] },
  ],
  ['reading', ['posts', 'bob', '-n', '7'], 'runPosts', { target: 'bob', maxResults: '7' }],
  [
    'reading',
    ['timeline', '--start-time', '2026-01-01T00:00:00Z'],
    'runMyList',
    { which: 'timeline', startTime: '2026-01-01T00:00:00Z' },
  ],
  ['reading', ['mentions'], 'runMyList', { which: 'mentions' }],
  ['reading', ['bookmarks'], 'runMyList', { which: 'bookmarks' }],
  ['reading', ['likes', '--json'], 'runMyList', { which: 'likes', json: true }],
  ['reading', ['dms', '-n', '3'], 'runDms', { maxResults: '3' }],
  [
    'media',
    ['media', 'upload', 'clip.mp4', '--category', 'tweet_video', '--no-wait', '--timeout', '90s'],
    'runUpload',
    { file: 'clip.mp4', category: 'tweet_video', wait: false, timeout: '90s' },
  ],
  ['media', ['media', 'status', '42', '-w'], 'runStatus', { id: '42', wait: true, timeout: '10m' }],
  // xurl's spellings of --no-wait and the default (docs/xurl.md).
  ['media', ['media', 'upload', 'clip.mp4', '--wait=false'], 'runUpload', { file: 'clip.mp4', wait: false }],
  ['media', ['media', 'upload', '--wait', 'false', 'clip.mp4'], 'runUpload', { file: 'clip.mp4', wait: false }],
  ['media', ['media', 'upload', '--wait=TRUE', 'clip.mp4'], 'runUpload', { file: 'clip.mp4', wait: true }],
  ['media', ['media', 'upload', 'clip.mp4', '--wait'], 'runUpload', { file: 'clip.mp4', wait: true }],
  ['activity', ['activity', 'subscriptions', 'list', '--webhook', '9', '--all'], 'runList', { webhook: '9', all: true }],
  [
    'activity',
    ['activity', 'subs', 'create', '--event-type', 'profile.update.bio', '--user', '@me', '--webhook', '9', '--tag', 't'],
    'runCreate',
    { eventType: 'profile.update.bio', user: '@me', webhookId: '9', tag: 't' },
  ],
  ['activity', ['activity', 'subscriptions', 'update', '77', '--tag', 'n'], 'runUpdate', { id: '77', tag: 'n' }],
  ['activity', ['activity', 'subscriptions', 'delete', '1', '2'], 'runDelete', { ids: ['1', '2'] }],
  ['activity', ['activity', 'event-types', '--json'], 'runEventTypes', { json: true }],
  ['activity', ['activity', 'stream', '--backfill-minutes', '2'], 'runActivityStream', { backfillMinutes: '2' }],
  ['accountActivity', ['account-activity', 'subscribe', '--webhook', '9'], 'runSubscribe', { webhook: '9' }],
  ['accountActivity', ['account-activity', 'status', '--webhook', '9'], 'runStatus', { webhook: '9' }],
  ['accountActivity', ['account-activity', 'list', '--webhook', '9', '--json'], 'runList', { webhook: '9', json: true }],
  [
    'accountActivity',
    ['account-activity', 'unsubscribe', '--webhook', '9', '--user', '@a'],
    'runUnsubscribe',
    { webhook: '9', user: '@a' },
  ],
  ['accountActivity', ['account-activity', 'count'], 'runCount', {}],
  ['stream', ['stream', 'rules', 'list', '1', '2'], 'runRulesList', { ids: ['1', '2'] }],
  [
    'stream',
    ['stream', 'rules', 'add', 'cats', 'dogs', '--tag', 'pets', '--dry-run'],
    'runRulesAdd',
    { values: ['cats', 'dogs'], tag: 'pets', dryRun: true },
  ],
  ['stream', ['stream', 'rules', 'delete', '5', '--dry-run'], 'runRulesDelete', { ids: ['5'], dryRun: true }],
  [
    'stream',
    ['stream', 'webhooks', 'link', '9', '--expansions', 'author_id', '--poll-fields', 'options'],
    'runWebhookLink',
    { id: '9', expansions: 'author_id', pollFields: 'options' },
  ],
  ['stream', ['stream', 'webhooks', 'list'], 'runWebhookList', {}],
  ['stream', ['stream', 'webhooks', 'unlink', '9'], 'runWebhookUnlink', { id: '9' }],
  ['auth', ['auth', 'app', 'TOKEN'], 'runAuthApp', { token: 'TOKEN' }],
  ['auth', ['auth', 'bearer', '--bearer-token', 'T2'], 'runAuthApp', { token: 'T2' }],
  ['auth', ['auth', 'app-only', 'T3'], 'runAuthApp', { token: 'T3' }],
  [
    'auth',
    ['auth', 'oauth1', '--consumer-key', 'k', '--consumer-secret', '-', '--access-token', 'a', '--token-secret', 's'],
    'runAuthOAuth1',
    { consumerKey: 'k', consumerSecret: '-', accessToken: 'a', tokenSecret: 's' },
  ],
  [
    'auth',
    ['auth', 'oauth2', 'alice', '--headless', '--scopes', 'tweet.read', '--scopes', 'users.read', '--timeout', '30'],
    'runAuthOAuth2',
    { username: 'alice', headless: true, scopes: ['tweet.read', 'users.read'], timeoutMs: 30_000 },
  ],
  [
    'auth',
    ['auth', 'apps', 'add', 'work', '--client-id', 'cid', '--client-secret', '-', '--api-base-url', 'http://127.0.0.1:1'],
    'runAppsAdd',
    { name: 'work', clientId: 'cid', clientSecret: '-', apiBaseUrl: 'http://127.0.0.1:1' },
  ],
  ['auth', ['auth', 'apps', 'list', '--json'], 'runAppsList', { json: true }],
  [
    'auth',
    ['auth', 'apps', 'update', 'work', '--redirect-uri', 'http://localhost:9/cb'],
    'runAppsUpdate',
    { name: 'work', redirectUri: 'http://localhost:9/cb' },
  ],
  ['auth', ['auth', 'apps', 'remove', 'old'], 'runAppsRemove', { name: 'old' }],
  ['auth', ['auth', 'default', 'work', 'alice'], 'runAuthDefault', { app: 'work', user: 'alice' }],
  ['auth', ['auth', 'default'], 'runAuthDefault', { app: undefined, user: undefined }],
  ['auth', ['auth', 'status', '--json'], 'runAuthStatus', { json: true }],
  ['auth', ['auth', 'clear', '--oauth2-username', 'bob'], 'runAuthClear', { what: { oauth2Username: 'bob' } }],
  ['auth', ['auth', 'clear', '--app-only'], 'runAuthClear', { what: { bearer: true } }],
  ['auth', ['auth', 'ngrok', 'NT'], 'runAuthNgrok', { token: 'NT' }],
  ['auth', ['auth', 'import-xurl', '--file', 'x.yml', '--overwrite'], 'runImportXurl', { file: 'x.yml', overwrite: true }],
  ['auth', ['token'], 'runToken', {}],
  ['completion', ['completion', 'fish'], 'runCompletion', { shell: 'fish' }],
  ['version', ['version'], 'runVersion', {}],
  [
    'sandbox',
    ['sandbox', '--port', '9000', '--fast-retries', '--duplicates', '0.2', '--crc-every', '30s'],
    'runSandbox',
    { port: 9000, host: '127.0.0.1', fastRetries: true, duplicates: 0.2, crcEveryMs: 30_000 },
  ],
  ['sandbox', ['--app', 'lab', 'sandbox', '--state', 's.json'], 'runSandbox', { appName: 'lab', stateFile: 's.json' }],
  [
    'sandbox',
    ['sandbox', 'emit', 'profile.update.bio', '--user', '@a', '--set', 'after=x', '--set', 'before=y'],
    'runSandboxEmit',
    { type: 'profile.update.bio', user: '@a', set: ['after=x', 'before=y'] },
  ],
  ['sandbox', ['sandbox', 'status', '--json'], 'runSandboxStatus', { json: true }],
  ['sandbox', ['sandbox', 'deliveries', '--webhook', '7', '--app', 'lab'], 'runSandboxDeliveries', { webhook: '7', app: 'lab' }],
  ['mcp', ['mcp', 'http://127.0.0.1:1/mcp'], 'runMcpBridge', { url: 'http://127.0.0.1:1/mcp' }],
  ['mcp', ['-u', 'alice', 'mcp'], 'runMcpBridge', { url: undefined, globals: { username: 'alice' } }],
  ['mcp', ['mcp', '--local', '--allow-writes'], 'runLocalMcp', { allowWrites: true }],
];

describe('every command binds its flags into its options (#15.1)', () => {
  it.each(CASES.map(([area, argv, name, opts]) => [argv.join(' '), area, argv, name, opts] as const))(
    'xcli %s',
    async (_title, area, argv, name, opts) => {
      const parsed = await parse(area, argv);
      expect(parsed.code).toBe(0);
      expect(parsed.name).toBe(name);
      expect(parsed.opts).toMatchObject(opts);
    },
  );

  it('leaves the API options to ctx.api, from either position', async () => {
    const before = await parse('posting', ['--app', 'prod', '-v', 'like', POST]);
    const after = await parse('posting', ['like', POST, '--app', 'prod', '-v']);
    expect(before.api).toEqual({ app: 'prod', auth: undefined, username: undefined, verbose: true, trace: false });
    expect(after.api).toEqual(before.api);
  });

  it('refuses bad input before the run is called (exit 2, run not reached)', async () => {
    for (const [area, argv] of [
      ['auth', ['auth', 'app', 'T', '--bearer-token', 'U']],
      ['auth', ['auth', 'clear']],
      ['request', ['/2/x', '--retry', 'many']],
      ['auth', ['auth', 'oauth2', '--timeout', '0']],
      // `--wait` takes a word, so a file after it is refused rather than waited on.
      ['media', ['media', 'upload', '--wait', 'clip.mp4']],
      ['media', ['media', 'upload', 'clip.mp4', '--wait=maybe']],
      ['media', ['media', 'upload', 'clip.mp4', '--wait=constructor']],
    ] as const) {
      const parsed = await parse(area, [...argv]);
      expect(parsed.code, argv.join(' ')).toBe(2);
      expect(parsed.name, argv.join(' ')).toBeUndefined();
    }
  });
});
