// When a stream reconnects (issue: `-s /2/users/me` looped ~670 times in 3 s and spent the rate
// limit): never on a route that does not stream, never sooner than 1 s after the previous connect,
// backoff reset only after a connection stayed up 30 s, and a storm guard. The timing is checked in
// process with a fake clock (no real waits); the exits end to end with the built CLI.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { ReconnectSchedule } from '../../src/http/reconnect.js';
import { streamApi, type StreamClock } from '../../src/http/stream.js';
import { testIO } from '../../src/io.js';
import { runCli } from '../helpers/run-cli.js';
import { json, useLocalApi } from './local-server.js';

const api = useLocalApi();
const record = (id: number) => `{"data":{"id":"${id}"}}`;

/** A clock whose sleeps only move time forward, recording each wait. */
function fakeClock(): StreamClock & { t: number; waits: number[] } {
  const clock = {
    t: 1_000_000,
    waits: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.waits.push(Math.round(ms));
      clock.t += ms;
    },
  };
  return clock;
}

/**
 * Streams /2/tweets/sample/stream in process: every connection sends one record and, once xcli has
 * read it, the clock moves on by `upFor[i]` ms and the server ends the connection.
 */
async function streamWithUptimes(upFor: number[], records: number) {
  const clock = fakeClock();
  let current: ServerResponse | undefined;
  const env = await api.serve((_req, res, i) => {
    current = res;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`${record(i)}\r\n`);
  });
  let seen = 0;
  const ctx = createContext(testIO(), env, '0.0.0-test');
  const summary = await streamApi(
    ctx,
    {},
    { method: 'GET', path: '/2/tweets/sample/stream' },
    {
      clock,
      maxRecords: records,
      onRecord: () => {
        clock.t += upFor[seen++] ?? 0;
        current!.end();
      },
    },
  );
  return { summary, waits: clock.waits };
}

describe('stream reconnects', () => {
  it('never reconnects sooner than 1 s after the previous connect, and data alone does not reset the backoff', async () => {
    const { summary, waits } = await streamWithUptimes([100, 100, 100, 100, 100, 100], 6);
    expect(summary).toMatchObject({ records: 6, reconnects: 5 });
    // TCP backoff 0, 250, 500, 750, 1000 ms, each raised to the 1 s floor (900 ms after 100 ms up).
    expect(waits).toEqual([900, 900, 900, 900, 1000]);
  });

  it('resets the backoff only after a connection stayed up 30 s', async () => {
    const { waits } = await streamWithUptimes([40_000, 100, 31_000, 100], 4);
    // Up 40 s: first failure, no wait. Up 0.1 s: second failure (250 ms, floored to 900). Up 31 s: reset.
    expect(waits).toEqual([0, 900, 0]);
  });

  it('stops after more than 10 reconnects within a minute', () => {
    let t = 0;
    const schedule = new ReconnectSchedule(() => t);
    const decisions = [];
    for (let i = 0; i < 11; i++) {
      schedule.connecting();
      t += 10;
      const decision = schedule.next('tcp');
      decisions.push(decision);
      if ('delayMs' in decision) t += decision.delayMs;
    }
    expect(decisions.slice(0, 10).every((d) => 'delayMs' in d)).toBe(true);
    expect(decisions[10]).toEqual({ storm: expect.stringContaining('reconnected 10 times within a minute') });
    // A minute later the window is clear again.
    t += 60_000;
    schedule.connecting();
    expect(schedule.next('tcp')).toHaveProperty('delayMs');
  });

  it('a storm is exit 4 with one line saying why', async () => {
    const env = await api.serve((_req, res, i) => {
      // The old loop never stopped; a 401 after 20 connects ends it so the test fails rather than hangs.
      if (i >= 20) return json(res, 401, { title: 'Unauthorized' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${record(i)}\r\n`);
    });
    const r = await runCli(['/2/tweets/sample/stream'], { env });
    expect(r.code).toBe(4);
    expect(api.server.requests).toHaveLength(11);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.includes('reconnecting in'))).toHaveLength(10);
    expect(lines.at(-1)).toMatch(
      /^xcli: GET \/2\/tweets\/sample\/stream: the stream was reconnected 10 times within a minute; stopped to spare the rate limit \(last disconnect: the server closed the stream\)$/,
    );
    expect(lines.filter((l) => !l.includes('reconnecting in'))).toHaveLength(1);
  });

  it('-s on a route that does not stream reads the response once and exits 0', async () => {
    const user = '{"data":{"id":"2244994945","username":"XDevelopers"}}';
    const env = await api.serve(
      (_req, res, i) => {
        // A second request is the bug: answer it with a 401 so the old reconnect loop ends at once.
        if (i > 0) return json(res, 401, { title: 'Unauthorized' });
        json(res, 200, user);
      },
      (url) => ({
        apiBaseUrl: url,
        bearerToken: 'b',
        oauth2Tokens: { alice: { accessToken: 'a', expiresAt: Date.now() + 3_600_000 } },
        defaultUser: 'alice',
      }),
    );
    const r = await runCli(['-s', '/2/users/me'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${user}\n`);
    expect(api.server.requests).toHaveLength(1);
  });

  it('-s on a path the route table does not know still reconnects (unknown routes may stream)', async () => {
    const env = await api.serve((_req, res, i) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${record(i)}\r\n`);
    });
    const r = await runCli(['-s', '/2/custom/feed', '--max-records', '2'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${record(0)}\n${record(1)}\n`);
    expect(api.server.requests).toHaveLength(2);
  });
});
