// `xcli [flags] URL` end to end: the built bin/xcli.js against real local HTTP servers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';
import { fullApp, json, SECRETS, startServer, useLocalApi } from './local-server.js';

const BODY = '{"data":{"id":"20","n":12345678901234567890,"text":"a \\u003cb\\u003e & c"}}';

const api = useLocalApi();
let env: Record<string, string>;

beforeEach(async () => {
  env = await api.serve((req, res) => {
    if (req.url.startsWith('/2/problem')) {
      return json(
        res,
        404,
        {
          title: 'Not Found Error',
          detail: 'Could not find tweet with id: [20].',
          type: 'https://api.x.com/2/problems/resource-not-found',
        },
        { 'x-transaction-id': 'tx-123' },
      );
    }
    if (req.url.startsWith('/2/repeated')) {
      const reason =
        'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].';
      return json(res, 403, {
        title: 'Unsupported Authentication',
        detail: reason,
        errors: [{ message: reason.replace(/\s+/g, ' ').replace(/\.$/, ''), detail: 'unsupported authentication' }],
        type: 'https://api.x.com/2/problems/unsupported-authentication',
      });
    }
    if (req.url.startsWith('/2/text')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('plain text, no newline');
    }
    res.setHeader('set-cookie', 'session=cookie-secret-value');
    json(res, 200, BODY);
  }, fullApp);
});

const last = () => api.server.requests[api.server.requests.length - 1]!;

describe('requests', () => {
  it('resolves relative paths and prints the body byte for byte when piped', async () => {
    const a = await runCli(['/2/tweets/20'], { env });
    expect(a.code).toBe(0);
    expect(a.stdoutBytes.equals(Buffer.from(BODY))).toBe(true);
    expect(a.stderr).toBe('');
    const b = await runCli(['2/tweets/20'], { env });
    expect(b.stdout).toBe(BODY);
    expect(api.server.requests.map((r) => r.url)).toEqual(['/2/tweets/20', '/2/tweets/20']);
    expect(last().headers['user-agent']).toMatch(/^xcli\//);
  });

  it('uses full URLs to the API host as given, with credentials', async () => {
    const r = await runCli([`${api.server.url}/2/tweets/20?x=1`], { env });
    expect(r.code).toBe(0);
    expect(last().url).toBe('/2/tweets/20?x=1');
    expect(last().headers.authorization).toBe(`Bearer ${SECRETS.oauth2}`);
  });

  it('chooses auth from the route table: the bearer for /2/webhooks even with a user token', async () => {
    await runCli(['/2/webhooks'], { env });
    expect(last().headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
    await runCli(['/2/users/me'], { env });
    expect(last().headers.authorization).toBe(`Bearer ${SECRETS.oauth2}`);
    await runCli(['/2/users/me', '--auth', 'oauth1'], { env });
    expect(last().headers.authorization).toMatch(/^OAuth .*oauth_consumer_key="consumer-key-0004"/);
    await runCli(['/2/users/me', '--auth', 'app'], { env });
    expect(last().headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
  });

  it('sends -X, repeated -H and -t, and lets the user Authorization and Content-Type win', async () => {
    const r = await runCli(
      [
        '-X',
        'put',
        '/2/x',
        '-H',
        'X-One: 1',
        '-H',
        'X-Two: a:b',
        '-t',
        '-H',
        'Authorization: Bearer mine',
        '-H',
        'Content-Type: text/plain',
        '-d',
        '{"a":1}',
      ],
      { env },
    );
    expect(r.code).toBe(0);
    const req = last();
    expect(req.method).toBe('PUT');
    expect(req.headers['x-one']).toBe('1');
    expect(req.headers['x-two']).toBe('a:b');
    expect(req.headers['x-b3-flags']).toBe('1');
    expect(req.headers.authorization).toBe('Bearer mine');
    expect(req.headers['content-type']).toBe('text/plain');
    expect(req.body.toString()).toBe('{"a":1}');
  });

  it('-d implies POST, picks JSON or form, and sends a body with any method', async () => {
    await runCli(['/2/tweets', '-d', '{"text":"hi"}'], { env });
    expect([last().method, last().headers['content-type'], last().body.toString()]).toEqual([
      'POST',
      'application/json',
      '{"text":"hi"}',
    ]);
    await runCli(['/2/x', '-d', 'a=1&b=2'], { env });
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded');
    await runCli(['-X', 'DELETE', '/2/x', '-d', '{"k":true}'], { env });
    expect([last().method, last().body.toString()]).toEqual(['DELETE', '{"k":true}']);
  });

  it('reads -d @file and -d @- exactly', async () => {
    const file = join(api.configDir, 'body.json');
    writeFileSync(file, '{"text":"from file"}\n');
    await runCli(['/2/tweets', '-d', `@${file}`], { env });
    expect(last().body.toString()).toBe('{"text":"from file"}\n');
    await runCli(['/2/tweets', '-d', '@-'], { env, input: '{"text":"from stdin"}' });
    expect(last().body.toString()).toBe('{"text":"from stdin"}');
    const missing = await runCli(['/2/tweets', '-d', '@/nonexistent/x.json'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('xcli: -d /nonexistent/x.json: no such file\n');
  });

  it('-f builds the query for GET and a JSON body otherwise, ids as strings', async () => {
    await runCli(['/2/tweets/search/recent', '-f', 'query=from:x lang:en', '-f', 'max_results=10'], { env });
    expect(last().method).toBe('GET');
    expect(last().url).toBe('/2/tweets/search/recent?query=from%3Ax+lang%3Aen&max_results=10');
    await runCli(
      ['-X', 'POST', '/2/tweets', '-f', 'text=hi', '-f', 'reply[in_reply_to_tweet_id]=1460323737035677698', '-f', 'n=3'],
      { env },
    );
    expect(last().headers['content-type']).toBe('application/json');
    expect(JSON.parse(last().body.toString())).toEqual({
      text: 'hi',
      reply: { in_reply_to_tweet_id: '1460323737035677698' },
      n: 3,
    });
  });

  it('-F sends a multipart upload, with -f fields as parts', async () => {
    const file = join(api.configDir, 'pic.png');
    writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    const r = await runCli(['/2/media/upload', '-F', file, '-f', 'media_category=tweet_image'], { env });
    expect(r.code).toBe(0);
    const req = last();
    expect(req.method).toBe('POST');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(req.headers['content-type']!)![1]!;
    const body = req.body.toString('latin1');
    expect(body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="media_category"\r\n\r\ntweet_image\r\n`);
    expect(body).toContain('name="media"; filename="pic.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\x00\x01\x02\r\n');
    await runCli(['/2/media/upload', '-F', `media_data=@${file}`], { env });
    expect(last().body.toString('latin1')).toContain('name="media_data"; filename="pic.png"');
  });

  it('-i prints the status line and headers before the body', async () => {
    const r = await runCli(['-i', '/2/tweets/20'], { env });
    expect(r.stdout.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(r.stdout).toContain('content-type: application/json\r\n');
    expect(r.stdout.endsWith(`\r\n\r\n${BODY}`)).toBe(true);
  });

  it('--pretty formats JSON losslessly and --raw keeps the bytes; not both', async () => {
    const pretty = await runCli(['--pretty', '/2/tweets/20'], { env });
    expect(pretty.stdout).toBe(
      '{\n  "data": {\n    "id": "20",\n    "n": 12345678901234567890,\n    "text": "a \\u003cb\\u003e & c"\n  }\n}\n',
    );
    const coloured = await runCli(['--pretty', '/2/tweets/20'], { env: { ...env, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\x1b[1;34m"data"\x1b[0m');
    const raw = await runCli(['--raw', '/2/tweets/20'], { env });
    expect(raw.stdout).toBe(BODY);
    const text = await runCli(['--pretty', '/2/text'], { env });
    expect(text.stdout).toBe('plain text, no newline\n');
    const both = await runCli(['--pretty', '--raw', '/2/tweets/20'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('xcli: --pretty and --raw cannot be used together\n');
  });

  it('-v traces to stderr with every secret redacted', async () => {
    for (const auth of ['oauth2', 'oauth1', 'app']) {
      const r = await runCli(['-v', '--auth', auth, `/2/tweets/20?access_token=${SECRETS.refresh}&pagination_token=pg1`], {
        env,
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(BODY);
      expect(r.stderr).toMatch(/^\* auth: /);
      expect(r.stderr).toContain('> GET ');
      expect(r.stderr).toMatch(/> Authorization: (Bearer|OAuth) \[redacted\]/);
      expect(r.stderr).toContain('pagination_token=pg1');
      expect(r.stderr).toContain('< 200 OK');
      expect(r.stderr).toContain('< set-cookie: [redacted]');
      for (const secret of [...Object.values(SECRETS).filter((s) => s !== SECRETS.consumerKey), 'cookie-secret-value'])
        expect(r.stderr).not.toContain(secret);
      expect(r.stderr).not.toContain('oauth_signature=');
    }
  });
});

describe('errors', () => {
  it('HTTP >= 400: body on stdout, one line on stderr with the transaction id, exit 1', async () => {
    const r = await runCli(['/2/problem/20'], { env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).title).toBe('Not Found Error');
    expect(r.stderr).toBe('xcli: 404 Not Found Error: Could not find tweet with id: [20]. (x-transaction-id: tx-123)\n');
  });

  it("says X's reason once when the problem repeats it (spacing, case and final period aside)", async () => {
    const r = await runCli(['/2/repeated'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'xcli: 403 Unsupported Authentication: Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint. Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].\n',
    );
  });

  it('bad input: one line, exit 2, nothing sent, config unchanged', async () => {
    const before = readFileSync(api.configFile);
    const cases: Array<[string[], RegExp]> = [
      [['--no-such-flag', '/2/tweets/20'], /^xcli: unknown option '--no-such-flag'/],
      [['http://bad host/'], /^xcli: bad URL/],
      [['ftp://example.com/x'], /^xcli: bad URL/],
      [['wbhook'], /^xcli: unknown command 'wbhook'/],
      [[], /^xcli: no URL given/],
      [
        ['/2/tweets', '-H', 'Content-Type: application/json', '-d', '{"text": nope}'],
        /^xcli: -d is not valid JSON \(Content-Type application\/json\)/,
      ],
      [['/2/tweets', '-H', 'NoColon'], /^xcli: -H 'NoColon': expected 'Name: value'/],
      [['/2/tweets', '--retry', 'x'], /^xcli: .*--retry/],
      [['/2/tweets/20', '--max-records', '0'], /^xcli: .*--max-records/],
      [['-X', 'GE T', '/2/tweets/20'], /^xcli: -X 'GE T': not an HTTP method/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(api.server.requests).toHaveLength(0);
    expect(readFileSync(api.configFile).equals(before)).toBe(true);
  });

  it('missing credentials: exit 3 naming the fix, nothing sent, no config file created', async () => {
    const empty = tempConfigDir();
    try {
      const r = await runCli(['/2/tweets/20'], { env: { XCLI_CONFIG_DIR: empty.dir, XCLI_API_BASE_URL: api.server.url } });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^xcli: no credentials .*'xcli auth app --bearer-token TOKEN'/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(api.server.requests).toHaveLength(0);
      // A route that needs user context, with only a bearer token: refused before sending.
      const bearerOnly = await runCli(['/2/users/me'], {
        env: { XCLI_CONFIG_DIR: empty.dir, XCLI_API_BASE_URL: api.server.url, X_BEARER_TOKEN: SECRETS.bearer },
      });
      expect(bearerOnly.code).toBe(3);
      expect(bearerOnly.stderr).toMatch(
        /GET \/2\/users\/me needs user context: OAuth2 user token or OAuth 1\.0a.*xcli auth oauth2/,
      );
      expect(api.server.requests).toHaveLength(0);
      expect(() => readFileSync(join(empty.dir, 'config.json'))).toThrow();
      // An unknown -u or --app is refused too; xurl would silently fall back to another credential.
      const before = readFileSync(api.configFile);
      for (const args of [
        ['-u', 'bob', '/2/users/me'],
        ['--app', 'nope', '/2/tweets/20'],
      ]) {
        const r2 = await runCli(args, { env });
        expect(r2.code, args.join(' ')).toBe(3);
        expect(r2.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      }
      expect(api.server.requests).toHaveLength(0);
      expect(readFileSync(api.configFile).equals(before)).toBe(true);
    } finally {
      empty.cleanup();
    }
  });

  it('never sends credentials to another host unless --auth is given (then warns)', async () => {
    const other = await startServer((_req, res) => json(res, 200, '{}'));
    try {
      const plain = await runCli([`${other.url}/2/tweets/20`], { env });
      expect(plain.code).toBe(0);
      expect(other.requests[0]!.headers.authorization).toBeUndefined();
      const explicit = await runCli(['--auth', 'app', `${other.url}/2/tweets/20`], { env });
      expect(other.requests[1]!.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
      expect(explicit.stderr).toMatch(
        /^xcli: warning: sending bearer token \(app-only\) credentials to 127\.0\.0\.1:\d+, which is not the API host/,
      );
      expect(explicit.stderr).not.toContain(SECRETS.bearer);
    } finally {
      await other.close();
    }
  });
});
