// Retries that could write twice (issue: `--retry 3 -X POST /2/tweets` against a server that read the
// request and closed the connection sent the POST four times). POST and PATCH are sent again only
// when they provably never reached the server, or after a 429; --retry-unsafe opts in to the rest.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { fullApp, json, useLocalApi, type Handler } from './local-server.js';

const api = useLocalApi();
const post = ['-X', 'POST', '/2/tweets', '-d', '{"text":"hi"}'];
/** POST /2/tweets needs a user: serve with every kind of credential stored. */
const serve = (handler: Handler) => api.serve(handler, fullApp);

/** Reads the whole request, then closes the connection without answering. */
const readAndHangUp = () => serve((_req, res) => void res.socket?.destroy());

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('retries that could write twice', () => {
  it('a POST the server read before the connection closed is sent once, not retried (exit 4)', async () => {
    const env = await readAndHangUp();
    const r = await runCli(['--retry', '3', ...post], { env });
    expect(r.code).toBe(4);
    expect(api.server.requests.map((q) => `${q.method} ${q.url} ${q.body.toString()}`)).toEqual(['POST /2/tweets {"text":"hi"}']);
    expect(r.stderr).toMatch(
      /^xcli: POST http:\/\/127\.0\.0\.1:\d+\/2\/tweets: connection closed \(not retried: the POST may have reached the server; --retry-unsafe retries it\)\n$/,
    );
  });

  it('-v says why it did not retry; --retry-unsafe retries anyway', async () => {
    const env = await readAndHangUp();
    const verbose = await runCli(['-v', '--retry', '3', ...post], { env });
    expect(verbose.stderr).toContain('* not retrying POST after a network failure (');
    expect(verbose.stderr).toContain(
      'it may have reached the server, and sending it again could post twice (--retry-unsafe retries anyway)\n',
    );
    expect(api.server.requests).toHaveLength(1);
    const unsafe = await runCli(['-v', '--retry', '2', '--retry-unsafe', ...post], { env });
    expect(unsafe.code).toBe(4);
    expect(api.server.requests).toHaveLength(1 + 3);
    expect(unsafe.stderr.match(/^\* retrying POST after a network failure .* because of --retry-unsafe/gm)).toHaveLength(2);
  });

  it('a 5xx to a POST or PATCH is reported, not retried; a GET or DELETE is retried as before', async () => {
    const env = await serve((_req, res) => json(res, 503, { title: 'Service Unavailable' }));
    const r = await runCli(['-v', '--retry', '2', ...post], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('* not retrying POST after 503 Service Unavailable: it may have reached the server');
    expect(r.stderr).not.toContain('retrying in');
    const patch = await runCli(['--retry', '2', '-X', 'PATCH', '/2/things/1', '-d', '{}'], { env });
    expect(patch.code).toBe(1);
    expect(api.server.requests.map((q) => q.method)).toEqual(['POST', 'PATCH']);
    const del = await runCli(['--retry', '1', '-X', 'DELETE', '/2/tweets/20'], { env });
    expect(del.code).toBe(1);
    expect(del.stderr).toMatch(/503 Service Unavailable; retrying in/);
    const get = await runCli(['--retry', '1', '/2/tweets/20'], { env });
    expect(get.code).toBe(1);
    expect(api.server.requests.map((q) => q.method)).toEqual(['POST', 'PATCH', 'DELETE', 'DELETE', 'GET', 'GET']);
  });

  it('a GET whose connection closed is retried', async () => {
    const env = await serve((_req, res, i) => (i === 0 ? void res.socket?.destroy() : json(res, 200, '{"data":{"id":"20"}}')));
    const r = await runCli(['--retry', '1', '/2/tweets/20'], { env });
    expect(r.code).toBe(0);
    expect(api.server.requests).toHaveLength(2);
  });

  it('a POST X answered 429 (not processed) is retried', async () => {
    const env = await serve((_req, res, i) =>
      i === 0 ? json(res, 429, { title: 'Too Many Requests' }, { 'retry-after': '0' }) : json(res, 201, '{"data":{"id":"1"}}'),
    );
    const r = await runCli(['-v', '--retry', '1', ...post], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('* retrying POST after 429: X did not process it\n');
    expect(api.server.requests.map((q) => q.method)).toEqual(['POST', 'POST']);
  });

  it('a POST that never reached the server (connection refused) is retried', async () => {
    const port = await closedPort();
    const env = await api.serve(
      () => {},
      () => fullApp(`http://127.0.0.1:${port}`),
    );
    const r = await runCli(['-v', '--retry', '2', ...post], { env });
    expect(r.code).toBe(4);
    expect(r.stderr.match(/^\* retrying POST: it never reached the server \(.*connection refused\)$/gm)).toHaveLength(2);
    expect(r.stderr.match(/connection refused; retrying in \d+s \(retry \d of 2\)$/gm)).toHaveLength(2);
  });
});
