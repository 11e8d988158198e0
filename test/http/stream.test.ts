// Streaming end to end: records, heartbeats, reconnects with X's backoff (scaled down), the stall
// watchdog, --max-records, --no-reconnect, and errors that stop the stream.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { json, SECRETS, useLocalApi } from './local-server.js';

const api = useLocalApi();
const serve = api.serve;

const record = (id: number) => `{"data":{"id":"${id}","text":"post ${id}"}}`;
const open = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' });

describe('streaming', () => {
  it('prints one line per record, skips heartbeats, and reconnects when the server closes', async () => {
    const env = await serve((_req, res, i) => {
      open(res);
      if (i === 0) {
        // A record split across writes, with a multi-byte character on the boundary.
        res.write(`${record(1)}\r\n\r\n{"data":{"id":"2","text":"caf\xc3`.replace('\xc3', ''));
        res.write(Buffer.from([0xc3]));
        res.end(Buffer.concat([Buffer.from([0xa9]), Buffer.from('"}}\r\n')]));
        return;
      }
      res.write(`\r\n${record(3)}\r\n\r\n${record(4)}\r\n${record(5)}\r\n`);
    });
    const r = await runCli(['/2/tweets/sample/stream', '--max-records', '4'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${record(1)}\n{"data":{"id":"2","text":"café"}}\n${record(3)}\n${record(4)}\n`);
    // No sooner than 1 s after the previous connect (waits scaled down by XCLI_BACKOFF_SCALE).
    expect(r.stderr).toMatch(/^xcli: stream disconnected \(the server closed the stream\); reconnecting in [01](\.\d\d)?s$/m);
    expect(r.stderr).toContain('xcli: stream max-records: 4 records, 1 reconnect\n');
    expect(api.server.requests).toHaveLength(2);
    expect(api.server.requests[0]!.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
  });

  it('reconnects after a stall, a dropped connection, a 503 and a 429, with backoff', async () => {
    const env = await serve((_req, res, i) => {
      if (i === 0) {
        open(res);
        res.write(`${record(1)}\r\n`); // then silence: the watchdog must fire
        return;
      }
      if (i === 1) return void res.socket?.destroy();
      if (i === 2) return json(res, 503, { title: 'Service Unavailable' });
      if (i === 3) return json(res, 429, { title: 'ConnectionException', connection_issue: 'TooManyConnections' });
      open(res);
      res.write(`${record(2)}\r\n`);
    });
    const r = await runCli(['/2/tweets/search/stream', '--max-records', '2'], { env: { ...env, XCLI_STREAM_STALL_MS: '300' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${record(1)}\n${record(2)}\n`);
    const notices = r.stderr.split('\n').filter((l) => l.includes('reconnecting'));
    expect(notices).toEqual([
      // The first two are raised to the 1 s floor from the previous connect.
      expect.stringMatching(/^xcli: stream disconnected \(no data or heartbeat for 0\.3s\); reconnecting in [01](\.\d\d)?s$/),
      expect.stringMatching(
        /^xcli: stream disconnected \(GET http:\/\/127\.0\.0\.1:\d+\/2\/tweets\/search\/stream: .*\); reconnecting in [01](\.\d\d)?s$/,
      ),
      'xcli: stream disconnected (503 Service Unavailable); reconnecting in 5s',
      'xcli: stream disconnected (429 ConnectionException); reconnecting in 60s',
    ]);
    expect(api.server.requests).toHaveLength(5);
  });

  it('--no-reconnect ends with the stream; -s streams any path; in-stream errors go to stderr', async () => {
    const env = await serve((_req, res) => {
      open(res);
      res.end(
        `${record(1)}\r\n{"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperationalDisconnect","detail":"This stream has been disconnected upstream for operational reasons."}]}\r\n`,
      );
    });
    const r = await runCli(['-s', '--no-reconnect', '/2/custom/feed'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${record(1)}\n`);
    expect(r.stderr).toBe(
      'xcli: stream error: operational-disconnect: This stream has been disconnected upstream for operational reasons.\n',
    );
    expect(api.server.requests).toHaveLength(1);
  });

  it('stops on 401 with advice (no reconnect), body on stdout, exit 1', async () => {
    const env = await serve((_req, res) =>
      json(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }),
    );
    const r = await runCli(['/2/tweets/sample/stream'], { env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).title).toBe('Unauthorized');
    expect(r.stderr).toBe(
      "xcli: 401 Unauthorized; check the credentials: 'xcli auth status' (streams need the app's bearer token)\n",
    );
    expect(api.server.requests).toHaveLength(1);
  });

  it('a dropped connection with --no-reconnect is a network error (exit 4)', async () => {
    const env = await serve((_req, res) => {
      open(res);
      res.write(`${record(1)}\r\n`);
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const r = await runCli(['/2/tweets/sample/stream', '--no-reconnect'], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe(`${record(1)}\n`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('Ctrl-C ends a stream normally (exit 0) with the records printed so far', async () => {
    const env = await serve((_req, res) => {
      open(res);
      res.write(`${record(1)}\r\n`);
    });
    const child = spawnCli(['/2/tweets/sample/stream'], { env });
    child.stdin!.end();
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Wait for the first record (or an early exit, which then fails below with its stderr).
    await Promise.race([
      closed,
      new Promise<void>((resolve) => {
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve();
        });
      }),
    ]);
    expect(child.exitCode, err).toBeNull();
    child.kill('SIGINT');
    expect(await closed).toBe(0);
    expect(out).toBe(`${record(1)}\n`);
  });
});
