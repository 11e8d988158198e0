// Network failures (exit 4), retries (--retry, --max-wait) and their exit codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { json, useLocalApi } from './local-server.js';

const api = useLocalApi();
const serve = api.serve;

const capped = {
  title: 'UsageCapExceeded',
  detail: 'Usage cap exceeded: Monthly product cap',
  type: 'https://api.x.com/2/problems/usage-capped',
};
const tooMany = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };

describe('network failures', () => {
  it('an unreachable host is one line and exit 4, config unchanged', async () => {
    const env = await serve((_r, res) => json(res, 200, '{}'));
    const file = api.configFile;
    const before = readFileSync(file);
    const r = await runCli(['http://127.0.0.1:1/2/tweets/20'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('xcli: GET http://127.0.0.1:1/2/tweets/20: connection refused\n');
    expect(r.stdout).toBe('');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a connection reset mid-body prints nothing on stdout and exits 4', async () => {
    const env = await serve((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":[{"id":"1"},');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const r = await runCli(['/2/tweets'], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^xcli: GET http:\/\/127\.0\.0\.1:\d+\/2\/tweets: .* while reading the response\n$/);
  });

  it('a server that never answers times out with exit 4', async () => {
    const env = await serve(() => {});
    const r = await runCli(['/2/tweets/20'], { env: { ...env, XCLI_HTTP_TIMEOUT_MS: '300' } });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/timed out waiting for the response\n$/);
  });
});

describe('--retry', () => {
  it('waits out a 429 until x-rate-limit-reset, then succeeds', async () => {
    const env = await serve((_r, res, i) => {
      if (i === 0)
        return json(res, 429, tooMany, {
          'x-rate-limit-limit': '900',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 2),
        });
      json(res, 200, '{"data":{"id":"20"}}');
    });
    const r = await runCli(['--retry', '2', '/2/tweets/20'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"data":{"id":"20"}}');
    expect(r.stderr).toMatch(/^xcli: 429 rate limited; retrying in [23]s \(retry 1 of 2\)\n$/);
    expect(api.server.requests).toHaveLength(2);
  });

  it('honours retry-after, backs off on 5xx, and reports the last 5xx when retries run out', async () => {
    const env = await serve((_r, res, i) => {
      if (i === 0) return json(res, 429, tooMany, { 'retry-after': '1' });
      if (i < 3) return json(res, 503, { title: 'Service Unavailable' });
      json(res, 200, '{"ok":true}');
    });
    const ok = await runCli(['--retry', '3', '/2/tweets/20'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stderr.trim().split('\n')).toEqual([
      'xcli: 429 rate limited; retrying in 1s (retry 1 of 3)',
      expect.stringMatching(/^xcli: 503 Service Unavailable; retrying in [23]s \(retry 2 of 3\)$/),
      expect.stringMatching(/^xcli: 503 Service Unavailable; retrying in [45]s \(retry 3 of 3\)$/),
    ]);
    expect(api.server.requests).toHaveLength(4);
  });

  it('reports the last 5xx when retries run out (exit 1)', async () => {
    const env = await serve((_r, res) => json(res, 502, { title: 'Bad Gateway' }));
    const r = await runCli(['--retry', '1', '/2/tweets/20'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('{"title":"Bad Gateway"}');
    expect(r.stderr.trim().split('\n').pop()).toBe('xcli: 502 Bad Gateway');
    expect(api.server.requests).toHaveLength(2);
  });

  it('gives up with exit 5 when 429 retries run out, body on stdout', async () => {
    const env = await serve((_r, res) => json(res, 429, tooMany, { 'retry-after': '0' }));
    const r = await runCli(['--retry', '1', '/2/tweets/20'], { env });
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout).title).toBe('Too Many Requests');
    expect(r.stderr.trim().split('\n').pop()).toBe('xcli: 429 Too Many Requests; gave up after 1 retry');
    expect(api.server.requests).toHaveLength(2);
  });

  it('gives up at once when the reset is later than --max-wait', async () => {
    const env = await serve((_r, res) =>
      json(res, 429, tooMany, {
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 600),
      }),
    );
    const r = await runCli(['--retry', '3', '--max-wait', '5', '/2/tweets/20'], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/the limit resets in (9m59s|10m00s|10m01s), longer than --max-wait 5s\n$/);
    expect(api.server.requests).toHaveLength(1);
  });

  it('never retries a usage cap; without --retry a 429 is an HTTP error (exit 1)', async () => {
    const env = await serve((_r, res) => json(res, 429, capped, { 'retry-after': '0' }));
    const r = await runCli(['--retry', '3', '/2/tweets/20'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('xcli: 429 UsageCapExceeded: Usage cap exceeded: Monthly product cap\n');
    expect(api.server.requests).toHaveLength(1);
    const plain = await runCli(['/2/tweets/20'], { env });
    expect(plain.code).toBe(1);
    expect(api.server.requests).toHaveLength(2);
  });

  it('retries a refused connection when asked, then fails with exit 4', async () => {
    const env = await serve((_r, res) => json(res, 200, '{}'));
    const r = await runCli(['--retry', '1', 'http://127.0.0.1:1/x'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/connection refused; retrying in 1s \(retry 1 of 1\)$/),
      'xcli: GET http://127.0.0.1:1/x: connection refused',
    ]);
  });
});
