// Raw requests that know X, through bin/xcli.js against the fake X API: routes, dry runs, curl
// lines, {me}/@handle, merged and NDJSON pages, partial errors, rate limits.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPost } from '../../src/sandbox/emulator/index.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { cleanEnv, runCli, tempConfigDir } from '../helpers/run-cli.js';

const OPENAPI = JSON.parse(readFileSync('/work/shared/x-api/openapi.json', 'utf8')) as {
  paths: Record<
    string,
    Record<
      string,
      {
        security?: Array<Record<string, string[]>>;
        parameters?: Array<{ $ref?: string; name?: string }>;
        'x-twitter-streaming'?: boolean;
      }
    >
  >;
  components: { parameters: Record<string, { name: string }> };
};
const SCHEME_KIND: Record<string, string> = { BearerToken: 'bearer', OAuth2UserToken: 'oauth2', UserToken: 'oauth1' };

let fake: FakeX;
let config: { dir: string; cleanup: () => void };

beforeEach(async () => {
  fake = await startFakeX();
  config = tempConfigDir();
});
afterEach(async () => {
  await fake.close();
  config.cleanup();
});

const envWith = (creds: { bearer?: boolean; oauth1?: boolean; all?: boolean }) =>
  fake.env({ ...creds, extra: { XCLI_CONFIG_DIR: config.dir, XCLI_BACKOFF_SCALE: '0.01' } });
const paths = () => fake.sandbox.requests.map((r) => r.path);

/** Runs a line with bash, asynchronously: the fake X API answers from this process. Resolves to stdout. */
function bash(line: string, env: Record<string, string>): Promise<string> {
  const child = spawn('bash', ['-c', line], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

describe('xcli routes', () => {
  it.each(['/2/webhooks', '/2/users/{id}/bookmarks', '/2/tweets/{id}', '/2/tweets/search/stream'])(
    'matches the OpenAPI description for %s',
    async (path) => {
      const r = await runCli(['routes', path, '--json'], { env: envWith({}) });
      expect(r.code).toBe(0);
      const listed = JSON.parse(r.stdout) as Array<{
        method: string;
        path: string;
        auth: string[];
        scopes: string[];
        streaming: boolean;
        params: Array<{ name: string }>;
      }>;
      const operations = Object.entries(OPENAPI.paths[path]!).filter(([m]) =>
        ['get', 'post', 'put', 'delete', 'patch'].includes(m),
      );
      expect(listed.map((l) => l.method).sort()).toEqual(operations.map(([m]) => m.toUpperCase()).sort());
      for (const [method, op] of operations) {
        const route = listed.find((l) => l.method === method.toUpperCase())!;
        expect(route.path).toBe(path);
        const security = op.security ?? [];
        expect([...route.auth].sort()).toEqual(security.map((s) => SCHEME_KIND[Object.keys(s)[0]!]).sort());
        const scopes = security.find((s) => s.OAuth2UserToken)?.OAuth2UserToken ?? [];
        expect([...route.scopes].sort()).toEqual([...scopes].sort());
        expect(route.streaming).toBe(op['x-twitter-streaming'] === true);
        const params = (op.parameters ?? []).map((p) =>
          p.$ref ? OPENAPI.components.parameters[p.$ref.split('/').pop()!]!.name : p.name!,
        );
        expect(route.params.map((p) => p.name).sort()).toEqual(params.sort());
      }
    },
  );

  it('shows one path with its parameters, and a table with paging for a search word', async () => {
    const one = await runCli(['routes', '/2/webhooks'], { env: envWith({}) });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^GET \/2\/webhooks\n/);
    expect(one.stdout).toMatch(/auth: +BearerToken\n/);
    expect(one.stdout).toMatch(/webhook_config\.fields +query, string\[\]/);
    const concrete = await runCli(['routes', '/2/tweets/1460323737035677698', '-X', 'GET'], { env: envWith({}) });
    expect(concrete.stdout).toMatch(/^GET \/2\/tweets\/\{id\}\n/);
    const max = OPENAPI.paths['/2/users/{id}/bookmarks']!.get!.parameters!.find((p) => p.name === 'max_results') as {
      schema: { maximum: number };
    };
    const table = await runCli(['routes', 'bookmarks'], { env: envWith({}) });
    expect(table.stdout).toMatch(
      new RegExp(
        `^GET +/2/users/\\{id\\}/bookmarks +OAuth2UserToken, UserToken \\(OAuth 1\\.0a\\) +bookmark\\.read tweet\\.read users\\.read +pagination_token \\(max_results ≤ ${max.schema.maximum}\\)$`,
        'm',
      ),
    );
    const none = await runCli(['routes', 'no-such-route-anywhere'], { env: envWith({}) });
    expect(none.code).toBe(2);
  });
});

describe('--dry-run and --curl', () => {
  it('--dry-run prints the request with the auth choice, secrets redacted, and sends nothing', async () => {
    const env = envWith({ all: true });
    const r = await runCli(['-X', 'POST', '/2/webhooks', '-d', '{"url":"https://example.com/hook"}', '--dry-run'], { env });
    expect(r.code).toBe(0);
    expect(fake.sandbox.requests).toHaveLength(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      '# auth: oauth1 (route accepts UserToken (OAuth 1.0a), BearerToken): OAuth 1.0a signature (from X_CONSUMER_KEY…)',
    );
    expect(lines[1]).toBe(`POST ${fake.url}/2/webhooks`);
    expect(lines).toContain('Content-Type: application/json');
    expect(lines).toContain('Authorization: OAuth [redacted]');
    expect(r.stdout.endsWith('\n\n{"url":"https://example.com/hook"}\n')).toBe(true);
    const c = fake.sandbox.credentials;
    for (const secret of [c.consumerSecret, c.accessToken, c.accessTokenSecret, c.bearerToken])
      expect(r.stdout + r.stderr).not.toContain(secret);

    const bearer = await runCli(['/2/webhooks', '--dry-run'], { env: envWith({ bearer: true }) });
    expect(bearer.stdout.split('\n')[0]).toBe(
      '# auth: bearer (route accepts BearerToken only): bearer token (from X_BEARER_TOKEN)',
    );
    expect(bearer.stdout).toContain('Authorization: Bearer [redacted]');
    expect(fake.sandbox.requests).toHaveLength(0);
  });

  it('a --curl line, run by a shell with the variables set, passes the OAuth 1.0a signature check', async () => {
    const env = envWith({ oauth1: true });
    const r = await runCli(['/2/tweets/search/recent', '-f', "query=from:XDevelopers welcome 'quoted' $HOME", '--curl'], { env });
    expect(r.code).toBe(0);
    expect(fake.sandbox.requests).toHaveLength(0);
    const line = r.stdout.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^curl /);
    expect(line).toContain('oauth_consumer_key=\\"${X_CONSUMER_KEY}\\"');
    expect(line).toContain('oauth_token=\\"${X_ACCESS_TOKEN}\\"');
    const c = fake.sandbox.credentials;
    for (const value of [c.consumerKey, c.consumerSecret, c.accessToken, c.accessTokenSecret]) expect(line).not.toContain(value);
    expect(r.stderr).toContain('reads X_ACCESS_TOKEN, X_CONSUMER_KEY from the environment');

    expect(
      await bash(`${line} -o /dev/null -w '%{http_code}'`, { X_CONSUMER_KEY: c.consumerKey, X_ACCESS_TOKEN: c.accessToken }),
    ).toBe('200');
    const sent = fake.sandbox.requests.at(-1)!;
    expect(sent.authKind).toBe('oauth1');
    expect(sent.query.query).toBe("from:XDevelopers welcome 'quoted' $HOME");
  });

  it('a bearer --curl line reads "$X_BEARER_TOKEN"', async () => {
    const r = await runCli(['/2/webhooks', '--curl'], { env: envWith({ bearer: true }) });
    expect(r.stdout).toContain('-H "Authorization: Bearer ${X_BEARER_TOKEN}"');
    expect(r.stdout).not.toContain(fake.sandbox.credentials.bearerToken);
    expect(
      await bash(`${r.stdout.trim()} -o /dev/null -w '%{http_code}'`, { X_BEARER_TOKEN: fake.sandbox.credentials.bearerToken }),
    ).toBe('200');
  });
});

describe('--curl with an OAuth2 user token', () => {
  it('reads "$X_OAUTH2_TOKEN" and does not refresh an expired token to print it', async () => {
    const token = fake.sandbox.mintUserToken();
    const { clientId, clientSecret } = fake.sandbox.credentials;
    mkdirSync(config.dir, { recursive: true, mode: 0o700 });
    const oauth2 = { accessToken: token.access_token, refreshToken: token.refresh_token, expiresAt: Date.now() - 1000 };
    const app = {
      apiBaseUrl: fake.url,
      clientId,
      clientSecret,
      defaultUser: 'sandbox_dev',
      oauth2Tokens: { sandbox_dev: oauth2 },
    };
    writeFileSync(join(config.dir, 'config.json'), JSON.stringify({ version: 1, defaultApp: 'main', apps: { main: app } }), {
      mode: 0o600,
    });
    const r = await runCli(['/2/users/me', '--curl'], { env: { XCLI_CONFIG_DIR: config.dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(fake.sandbox.requests).toHaveLength(0);
    expect(r.stdout).toContain('-H "Authorization: Bearer ${X_OAUTH2_TOKEN}"');
    expect(r.stdout + r.stderr).not.toContain(token.access_token);
    expect(r.stderr).toContain('export X_OAUTH2_TOKEN="$(xcli token)"');
    expect(await bash(`${r.stdout.trim()} -o /dev/null -w '%{http_code}'`, { X_OAUTH2_TOKEN: token.access_token })).toBe('200');
  });
});

describe('auth choice', () => {
  it('-v says which auth and why; a user-context route with only a bearer is refused before sending (exit 3)', async () => {
    const env = envWith({ bearer: true });
    const hooks = await runCli(['/2/webhooks', '-v'], { env });
    expect(hooks.stderr).toMatch(/^\* auth: bearer \(route accepts BearerToken only\): bearer token \(from X_BEARER_TOKEN\)$/m);
    const before = fake.sandbox.requests.length;
    const me = await runCli(['/2/users/me'], { env });
    expect(me.code).toBe(3);
    expect(me.stderr).toBe(
      "xcli: GET /2/users/me needs user context: OAuth2 user token or OAuth 1.0a; the environment (no stored app) has only bearer token (app-only): run 'xcli auth oauth2'\n",
    );
    expect(fake.sandbox.requests).toHaveLength(before);
  });
});

describe('{me}, @handle and post URLs in paths', () => {
  it('resolves {me} with one /2/users/me call, cached for the next run', async () => {
    const env = envWith({ oauth1: true });
    const first = await runCli(['/2/users/{me}/following'], { env });
    expect(first.code).toBe(0);
    const me = fake.sandbox.state.authenticatedUserId;
    expect(paths()).toEqual(['/2/users/me', `/2/users/${me}/following`]);
    const second = await runCli(['/2/users/{me}/following'], { env });
    expect(second.stdout).toBe(first.stdout);
    expect(paths()).toEqual(['/2/users/me', `/2/users/${me}/following`, `/2/users/${me}/following`]);
    // A dry run uses the cached id and sends nothing.
    const dry = await runCli(['/2/users/{me}/following', '--dry-run'], { env });
    expect(dry.stdout).toContain(`GET ${fake.url}/2/users/${me}/following`);
    expect(fake.sandbox.requests).toHaveLength(3);
  });

  it('resolves @handle where the route takes a user id, cached; refuses it elsewhere', async () => {
    const env = envWith({ bearer: true });
    const first = await runCli(['/2/users/@XDevelopers/tweets', '--ndjson'], { env });
    expect(first.code).toBe(0);
    expect(paths()).toEqual(['/2/users/by/username/XDevelopers', '/2/users/2244994945/tweets']);
    await runCli(['/2/users/@xdevelopers'], { env });
    expect(paths().slice(2)).toEqual(['/2/users/2244994945']);
    const wrong = await runCli(['/2/tweets/@XDevelopers'], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('xcli: @XDevelopers is not in a user id position of GET /2/tweets/{id}\n');
  });

  it('takes a post URL where the route takes a post id', async () => {
    const env = envWith({ bearer: true });
    const post = [...fake.sandbox.state.posts.values()][0]!;
    const r = await runCli(
      [
        `/2/tweets/https://x.com/XDevelopers/status/${post.id}`,
        '--fields',
        'tweet=created_at,author_id',
        '--expand',
        'author_id',
      ],
      { env },
    );
    expect(r.code).toBe(0);
    const sent = fake.sandbox.requests.at(-1)!;
    expect(sent.path).toBe(`/2/tweets/${post.id}`);
    expect(sent.query).toEqual({ 'tweet.fields': 'created_at,author_id', expansions: 'author_id' });
    expect(JSON.parse(r.stdout).data.created_at).toBe(post.created_at);
    const bad = await runCli(['/2/webhooks', '--fields', 'user=name'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('xcli: --fields user=…: GET /2/webhooks takes no user.fields (it takes webhook_config.fields)\n');
  });
});

describe('pages: --merge and --ndjson', () => {
  const PAGE1 =
    '{"data":[{"id":"1","n":12345678901234567890,"t":"\\u003cb\\u003e"}],"includes":{"users":[{"id":"9","x":1.0e+2}]},"meta":{"result_count":1,"newest_id":"1","next_token":"p2"}}';
  const PAGE2 =
    '{"data":[\n  {"id":"2", "n":-0.10}\n],"includes":{"users":[{"id":"9","x":1.0e+2},{"id":"8"}],"media":[{"media_key":"3_1"}]},"meta":{"result_count":1,"oldest_id":"2"},"errors":[{"detail":"one missing","type":"https://api.x.com/2/problems/resource-not-found"}]}';

  beforeEach(() => {
    fake.sandbox.route(
      'GET',
      '/2/xcli-test/pages',
      (req) => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: req.query.get('pagination_token') === 'p2' ? PAGE2 : PAGE1,
      }),
      { auth: ['bearer'] },
    );
  });

  it('--merge concatenates data, deduplicates includes, sums result_count, keeps errors, byte for byte', async () => {
    const r = await runCli(['/2/xcli-test/pages', '--merge'], { env: envWith({ bearer: true }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '{"data":[{"id":"1","n":12345678901234567890,"t":"\\u003cb\\u003e"},{"id":"2","n":-0.10}],"includes":{"users":[{"id":"9","x":1.0e+2},{"id":"8"}],"media":[{"media_key":"3_1"}]},"meta":{"result_count":2,"newest_id":"1","oldest_id":"2"},"errors":[{"detail":"one missing","type":"https://api.x.com/2/problems/resource-not-found"}]}\n',
    );
    expect(r.stderr).toBe('xcli: 200 with 1 error: resource-not-found: one missing\n');
  });

  it('--ndjson prints one data item per line, exactly', async () => {
    const r = await runCli(['/2/xcli-test/pages', '--ndjson'], { env: envWith({ bearer: true }) });
    expect(r.stdout).toBe('{"id":"1","n":12345678901234567890,"t":"\\u003cb\\u003e"}\n{"id":"2","n":-0.10}\n');
  });

  it('a page that is not JSON stops --merge with one line, keeping what was merged', async () => {
    fake.sandbox.route(
      'GET',
      '/2/xcli-test/broken',
      (req) => ({ status: 200, body: req.query.get('pagination_token') === 'p2' ? '<html>oops' : PAGE1 }),
      { auth: ['bearer'] },
    );
    const r = await runCli(['/2/xcli-test/broken', '--merge'], { env: envWith({ bearer: true }) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).data).toHaveLength(1);
    expect(r.stderr).toMatch(/^xcli: --merge: page 2 is not a JSON object \(.*\)\n$/);
  });

  it('pretty output keeps numbers and escapes', async () => {
    const r = await runCli(['/2/xcli-test/pages', '--pretty'], { env: envWith({ bearer: true }) });
    expect(r.stdout).toContain('"n": 12345678901234567890');
    expect(r.stdout).toContain('"t": "\\u003cb\\u003e"');
    expect(r.stdout).toContain('"x": 1.0e+2');
  });

  it('merges real search pages with author expansions deduplicated', async () => {
    const { state } = fake.sandbox;
    for (let i = 0; i < 13; i++)
      addPost(state, { author_id: i % 2 ? '2244994945' : state.authenticatedUserId, text: `merge probe ${i}` });
    const r = await runCli(
      ['/2/tweets/search/recent', '-f', 'query=probe', '-f', 'max_results=10', '--expand', 'author_id', '--merge'],
      { env: envWith({ bearer: true }) },
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.data).toHaveLength(13);
    expect(doc.meta.result_count).toBe(13);
    expect(doc.includes.users.map((u: { id: string }) => u.id).sort()).toEqual(['1849202834569625600', '2244994945'].sort());
    expect(fake.sandbox.requests.filter((q) => q.path === '/2/tweets/search/recent')).toHaveLength(2);
  });
});

describe('partial errors, rate limits', () => {
  it('a 200 with errors[] warns once; --strict exits 1', async () => {
    const env = envWith({ bearer: true });
    const post = [...fake.sandbox.state.posts.values()][0]!;
    const r = await runCli([`/2/tweets?ids=${post.id},456`], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('xcli: 200 with 1 error: resource-not-found: Could not find tweet with ids: [456].\n');
    const strict = await runCli([`/2/tweets?ids=${post.id},456`, '--strict'], { env });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe(r.stdout);
    expect(strict.stderr).toBe('xcli: 200 with 1 error: resource-not-found: Could not find tweet with ids: [456]. (--strict)\n');
  });

  it('--rate prints the budget, and xcli limits shows it later without a call', async () => {
    const env = envWith({ all: true });
    const r = await runCli(['/2/webhooks', '--rate'], { env });
    expect(r.stderr).toMatch(/^x-rate-limit: 899\/900, resets in 1[45]m\d\ds\n$/);
    await runCli(['/2/users/me'], { env });
    await runCli(['/2/users/me'], { env });
    const count = fake.sandbox.requests.length;
    const limits = await runCli(['limits'], { env });
    expect(limits.code).toBe(0);
    expect(fake.sandbox.requests).toHaveLength(count);
    const rows = limits.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^ROUTE +AUTH +LEFT +RESETS +SEEN$/);
    expect(limits.stdout).toMatch(/^GET \/2\/users\/me +oauth1 +898\/900 +in 1[45]m\d\ds/m);
    expect(limits.stdout).toMatch(/^GET \/2\/webhooks +bearer +899\/900 +in 1[45]m\d\ds/m);
    const json = JSON.parse((await runCli(['limits', 'webhooks', '--json'], { env })).stdout);
    expect(json).toEqual([
      expect.objectContaining({ method: 'GET', route: '/2/webhooks', auth: 'bearer', limit: 900, remaining: 899 }),
    ]);
  });

  it('xcli limits keys a route the table does not know by its template, not by literal ids', async () => {
    const env = envWith({ oauth1: true });
    for (const id of ['2244994945', '12'])
      await runCli(['-X', 'POST', `/2/users/${id}/blocking`, '-d', '{"target_user_id":"783214"}'], { env });
    const json = JSON.parse((await runCli(['limits', 'blocking', '--json'], { env })).stdout) as Array<{ route: string }>;
    expect(json.map((e) => e.route)).toEqual(['/2/users/{id}/blocking']);
  });
});
