// --paginate against a local server that pages like X (meta.next_token, route-specific parameter).
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { fullApp, json, useLocalApi } from './local-server.js';

const api = useLocalApi();
let env: Record<string, string>;
const TOKENS = ['', 't2', 't3'];

beforeEach(async () => {
  env = await api.serve((req, res) => {
    const url = new URL(req.url, 'http://x');
    const token = url.searchParams.get('pagination_token') ?? url.searchParams.get('next_token') ?? '';
    const page = TOKENS.indexOf(token);
    if (page < 0 || (url.pathname.endsWith('/broken') && page === 1))
      return json(res, 400, { title: 'Invalid Request', detail: 'bad token' });
    if (url.pathname.endsWith('/dropping') && page === 1) return void res.socket?.destroy();
    if (url.pathname.endsWith('/hanging') && page === 1) return;
    const next = TOKENS[page + 1];
    json(
      res,
      200,
      `{"data":[{"id":"${page + 1}00000000000000000001"}],"meta":{"result_count":1${next ? `,"next_token":"${next}"` : ''}}}`,
    );
  }, fullApp);
});

describe('--paginate', () => {
  it("follows next_token with the route's parameter, one document per line", async () => {
    const r = await runCli(['/2/users/1/followers?max_results=1', '--paginate'], { env });
    expect(r.code).toBe(0);
    const docs = r.stdout.split('\n');
    expect(docs.pop()).toBe('');
    expect(docs).toHaveLength(3);
    expect(docs[0]).toBe('{"data":[{"id":"100000000000000000001"}],"meta":{"result_count":1,"next_token":"t2"}}');
    expect(api.server.requests.map((q) => q.url)).toEqual([
      '/2/users/1/followers?max_results=1',
      '/2/users/1/followers?max_results=1&pagination_token=t2',
      '/2/users/1/followers?max_results=1&pagination_token=t3',
    ]);
    await runCli(['/2/users/search', '-f', 'query=x', '--paginate'], { env });
    expect(api.server.requests.slice(3).map((q) => q.url)).toEqual([
      '/2/users/search?query=x',
      '/2/users/search?query=x&next_token=t2',
      '/2/users/search?query=x&next_token=t3',
    ]);
  });

  it('--max-pages stops early and --page-token resumes', async () => {
    const first = await runCli(['/2/users/1/followers', '--paginate', '--max-pages', '2'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(2);
    expect(first.stderr).toBe('xcli: stopped after 2 pages (--max-pages); continue with --page-token t3\n');
    const rest = await runCli(['/2/users/1/followers', '--paginate', '--page-token', 't3'], { env });
    expect(rest.stdout).toBe('{"data":[{"id":"300000000000000000001"}],"meta":{"result_count":1}}\n');
    expect(api.server.requests.pop()!.url).toBe('/2/users/1/followers?pagination_token=t3');
  });

  it('an error mid-way prints that page, says how to resume, and exits 1', async () => {
    const r = await runCli(['/2/users/1/broken', '--paginate'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toBe('xcli: 400 Invalid Request: bad token (page 2; resume with --page-token t2)\n');
  });

  it('a dropped connection or Ctrl-C mid-way says how to resume', async () => {
    const dropped = await runCli(['/2/users/1/dropping', '--paginate'], { env });
    expect(dropped.code).toBe(4);
    expect(dropped.stdout.trim().split('\n')).toHaveLength(1);
    expect(dropped.stderr).toMatch(
      /^xcli: GET http:\/\/127\.0\.0\.1:\d+\/2\/users\/1\/dropping: .* \(page 2; resume with --page-token t2\)\n$/,
    );

    const child = spawnCli(['/2/users/1/hanging', '--paginate'], { env });
    child.stdin!.end();
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Interrupt once the second request is waiting at the server.
    while (api.server.requests.length < 4 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await closed).toBe(1);
    expect(err).toBe('xcli: interrupted after 1 page; resume with --page-token t2\n');
  });

  it('refuses routes that do not page and methods other than GET', async () => {
    const noPages = await runCli(['/2/tweets/20', '--paginate'], { env });
    expect(noPages.code).toBe(2);
    expect(noPages.stderr).toBe(
      'xcli: --paginate: GET /2/tweets/{id} does not page (it takes no pagination_token or next_token)\n',
    );
    const post = await runCli(['-X', 'POST', '/2/users/1/followers', '--paginate'], { env });
    expect(post.code).toBe(2);
    const stray = await runCli(['/2/users/1/followers', '--max-pages', '2'], { env });
    expect(stray.code).toBe(2);
    expect(api.server.requests).toHaveLength(0);
  });
});
