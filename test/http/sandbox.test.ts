// Raw requests against the fake X API (src/sandbox): its own OAuth 1.0a verifier, issued OAuth2
// tokens, route-based auth choice, X-shaped paging and streams with heartbeats.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPost, AUTHENTICATED_USER_ID, startSandbox, type Sandbox } from '../../src/sandbox/emulator/index.js';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';
import { writeConfig } from './local-server.js';
import { oauth1Of } from '../../src/sandbox/command/cli.js';

let sandbox: Sandbox;
let config: { dir: string; cleanup: () => void };
let env: Record<string, string>;

beforeEach(async () => {
  sandbox = await startSandbox({ stream: { heartbeatMs: 50 } });
  const minted = sandbox.mintUserToken();
  const c = sandbox.credentials;
  config = tempConfigDir();
  writeConfig(config.dir, {
    apiBaseUrl: sandbox.url,
    bearerToken: c.bearerToken,
    oauth1: oauth1Of(c),
    oauth2Tokens: {
      sandbox_dev: {
        accessToken: minted.access_token,
        refreshToken: minted.refresh_token,
        expiresAt: Date.now() + minted.expires_in * 1000,
      },
    },
    defaultUser: 'sandbox_dev',
  });
  env = { XCLI_CONFIG_DIR: config.dir, XCLI_BACKOFF_SCALE: '0.01' };
});
afterEach(async () => {
  await sandbox.close();
  config.cleanup();
});

const last = () => sandbox.requests[sandbox.requests.length - 1]!;

describe('against the fake X API', () => {
  it('picks the bearer for /2/webhooks and the user token for /2/users/me', async () => {
    const hooks = await runCli(['/2/webhooks'], { env });
    expect(hooks.code).toBe(0);
    expect(last().authKind).toBe('bearer');
    const me = await runCli(['-v', '/2/users/me'], { env });
    expect(me.code).toBe(0);
    expect(me.stderr).toMatch(
      /^\* auth: oauth2 \(route accepts OAuth2UserToken, UserToken \(OAuth 1\.0a\)\): OAuth2 user token of sandbox_dev/,
    );
    expect(me.stderr).toMatch(/\n\* x-rate-limit: \d+\/\d+, resets in \d+m\d\ds\n/);
    const c = sandbox.credentials;
    for (const secret of [c.bearerToken, c.consumerSecret, c.accessToken, c.accessTokenSecret])
      expect(me.stderr).not.toContain(secret);
    expect(JSON.parse(me.stdout).data.id).toBe(AUTHENTICATED_USER_ID);
    expect(last().authKind).toBe('oauth2');
  });

  it('signs OAuth 1.0a requests the fake verifies, query strings with spaces and repeated keys included', async () => {
    const r = await runCli(
      ['--auth', 'oauth1', '/2/users/by?usernames=sandbox_dev,XDevelopers&user.fields=created_at,description'],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(last().authKind).toBe('oauth1');
    // X refuses query parameters an endpoint does not list, so spaces and repeated keys go to a sandbox-only route.
    sandbox.route('GET', '/2/xcli-query-echo', (req) => ({ status: 200, json: { x: req.query.getAll('x') } }), {
      auth: ['oauth1'],
    });
    const query = await runCli(['--auth', 'oauth1', '/2/xcli-query-echo?x=a b&x=c&y=1'], { env });
    expect(query.code, query.stderr).toBe(0);
    expect(JSON.parse(query.stdout)).toEqual({ x: ['a b', 'c'] });
    sandbox.route('POST', '/2/xcli-form-echo', (req) => ({ status: 200, json: { form: Object.fromEntries(req.form ?? []) } }), {
      auth: ['oauth1'],
    });
    const form = await runCli(
      [
        '--auth',
        'oauth1',
        '/2/xcli-form-echo',
        '-d',
        'status=Hello Ladies + Gentlemen, a signed OAuth request!&include_entities=true',
      ],
      { env },
    );
    expect(form.code, form.stderr).toBe(0);
    expect(JSON.parse(form.stdout).form).toEqual({
      status: 'Hello Ladies   Gentlemen, a signed OAuth request!',
      include_entities: 'true',
    });
    const json = await runCli(['--auth', 'oauth1', '-X', 'POST', '/2/tweets', '-f', 'text=signed json'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(last().authKind).toBe('oauth1');
  });

  it('turns a wrong credential into the fake’s 401: body on stdout, one line on stderr, exit 1', async () => {
    const r = await runCli(['/2/tweets/20', '--auth', 'app', '-H', 'Authorization: Bearer wrong-token'], { env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).status).toBe(401);
    expect(r.stderr).toMatch(/^xcli: 401 Unauthorized.*; check the credentials: 'xcli auth status'/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('with no credentials at all, names only the setups the route can use (exit 3, nothing sent)', async () => {
    const empty = tempConfigDir();
    try {
      const bare = { XCLI_CONFIG_DIR: empty.dir, XCLI_API_BASE_URL: sandbox.url };
      const me = await runCli(['/2/users/me'], { env: bare });
      expect(me.code).toBe(3);
      expect(me.stderr).toBe(
        "xcli: no credentials for the environment (no stored app): run 'xcli auth oauth2' or 'xcli auth oauth1'\n",
      );
      const hooks = await runCli(['/2/webhooks'], { env: bare });
      expect(hooks.code).toBe(3);
      expect(hooks.stderr).toBe(
        "xcli: no credentials for the environment (no stored app): run 'xcli auth app --bearer-token TOKEN', or set X_BEARER_TOKEN\n",
      );
      expect(sandbox.requests).toHaveLength(0);
    } finally {
      empty.cleanup();
    }
  });

  it("names the current event type after X's 400 to a raw POST that uses a retired one (ProfileBioUpdate)", async () => {
    const create = (eventType: string) =>
      runCli(
        [
          '-X',
          'POST',
          '/2/activity/subscriptions',
          '-d',
          JSON.stringify({ event_type: eventType, filter: { user_id: AUTHENTICATED_USER_ID } }),
        ],
        { env },
      );
    const retired = await create('ProfileBioUpdate');
    expect(retired.code).toBe(1);
    // X's 400 as the sandbox answers it (like X: the old name is simply unsupported), then the hint.
    expect(sandbox.requests.at(-1)!.status).toBe(400);
    const lines = retired.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^xcli: 400 /);
    expect(lines[1]).toBe("xcli: 'ProfileBioUpdate' was retired by X on 2026-03-18; its current name is 'profile.update.bio'");
    // A 400 for another reason, or an unknown name that never existed, gets X's line alone.
    const unknown = await create('profile.update.nothing');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('pages through the fake with --paginate', async () => {
    for (let i = 0; i < 12; i++) addPost(sandbox.state, { author_id: AUTHENTICATED_USER_ID, text: `post ${i}` });
    const r = await runCli([`/2/users/${AUTHENTICATED_USER_ID}/tweets?max_results=5`, '--paginate'], { env });
    expect(r.code, r.stderr).toBe(0);
    const pages = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { data: Array<{ id: string }>; meta: { result_count: number } });
    expect(pages.map((p) => p.meta.result_count)).toEqual([5, 5, 3]);
    expect(new Set(pages.flatMap((p) => p.data.map((d) => d.id))).size).toBe(13);
    expect(sandbox.requests.map((q) => q.query.pagination_token !== undefined)).toEqual([false, true, true]);
  });

  it('streams the sample stream, skipping heartbeats, and reconnects after the fake drops it', async () => {
    sandbox.configureStreams({ dropAfterRecords: 1 });
    const r = await runCli(['/2/tweets/sample/stream', '--max-records', '3'], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(JSON.parse(line).data.id).toMatch(/^\d+$/);
    expect(r.stderr).toContain('xcli: stream disconnected (the server closed the stream); reconnecting in');
    expect(sandbox.requests.filter((q) => q.path === '/2/tweets/sample/stream')).toHaveLength(3);
    expect(sandbox.requests.every((q) => q.authKind === 'bearer')).toBe(true);
  });
});
