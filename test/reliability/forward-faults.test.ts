// `--forward-to` an app that refuses, hangs, is slow, answers 500 or redirects (issue 7, faults): X
// still gets its 200 within its 3 s deadline for every event, each failure is reported once per
// event, and a dead app cannot pile up memory: the queue is bounded and what overflows is dropped
// (and said), never buffered.
import { describe, expect, it, type TestContext } from 'vitest';
import { startApp, startServer, type RunningServer, type TestApp } from '../webhook/helpers.js';
import { burst } from './lib/load.js';
import { peakRssMiB, reportFigure, scaled, timeLimit } from './lib/scale.js';

/** X retries a delivery that is not answered within three seconds. */
const X_DEADLINE_MS = 3000;
/** The Forwarder's limits (src/webhook/forward.ts): 8 deliveries in flight, 1000 waiting. */
const IN_FLIGHT = 8;
const MAX_QUEUE = 1000;

// Tests here run concurrently: each registers its own cleanups on its own context.
async function serverForwardingTo(t: TestContext, target: string, extra: string[] = []): Promise<RunningServer> {
  const s = await startServer(['--forward-to', target, ...extra]);
  t.onTestFinished(() => s.cleanup());
  return s;
}

async function app(t: TestContext, respond: Parameters<typeof startApp>[0]): Promise<TestApp> {
  const a = await startApp(respond);
  t.onTestFinished(() => a.close());
  return a;
}

/** Secret used by test/webhook/helpers.ts for the child it starts. */
const SECRET = 'test-consumer-secret-123';

describe.concurrent('forwarding to a failing app', () => {
  const cases: Array<{
    name: string;
    respond: 'refuse' | Parameters<typeof startApp>[0];
    expectReport: RegExp;
    field: 'error' | 'warnings';
  }> = [
    { name: 'refuses connections', respond: 'refuse', expectReport: /connection refused/, field: 'error' },
    {
      name: 'answers 500',
      respond: (_q, _b, res) => void res.writeHead(500).end('boom'),
      expectReport: /X would retry: your app answered 500/,
      field: 'warnings',
    },
    {
      name: 'redirects',
      respond: (_q, _b, res) => void res.writeHead(307, { location: 'https://elsewhere.invalid/hook' }).end(),
      expectReport: /redirected to https:\/\/elsewhere\.invalid\/hook/,
      field: 'warnings',
    },
    {
      name: 'resets the connection',
      respond: (req) => req.socket.destroy(),
      expectReport: /closed the connection|socket hang up/,
      field: 'error',
    },
  ];
  for (const c of cases) {
    it(
      `${c.name}: every event still gets 200 in time, and each failure is reported`,
      async (t) => {
        let target = 'http://127.0.0.1:9/hook';
        if (c.respond !== 'refuse') {
          target = `${(await app(t, c.respond)).url}/hook`;
        }
        const s = await serverForwardingTo(t, target);
        const events = scaled(120, 1500);
        const result = await burst(s.url, { secret: SECRET, events, connections: 16, idPrefix: c.name.replace(/\s/g, '-') });
        expect(result).toMatchObject({ failed: 0, statuses: { 200: events } });
        expect(Math.max(...result.latenciesMs)).toBeLessThan(X_DEADLINE_MS);
        // Every event is either forwarded (and its failure reported) or, past the queue bound, dropped with a warning.
        const forwards = () => s.records.filter((r) => r.type === 'forward');
        const dropped = () => s.records.filter((r) => r.type === 'warning' && /forward queue full/.test(r.message));
        await s.waitFor(() => forwards().length + dropped().length === events, timeLimit(20_000));
        expect(new Set(forwards().map((f) => f.eventId)).size).toBe(forwards().length);
        for (const f of forwards()) expect(c.field === 'error' ? f.error : f.warnings.join(' ')).toMatch(c.expectReport);
        // The server is still fine afterwards.
        expect(await s.stop()).toBe(0);
        expect(s.records.at(-1)).toMatchObject({
          type: 'summary',
          stats: { events, verified: events, forwarded: 0, forwardFailures: forwards().length, forwardDropped: dropped().length },
        });
      },
      timeLimit(30_000),
    );
  }

  it(
    'is slower than X waits: 200 to X at once, and a warning that X would retry',
    async (t) => {
      const slow = await app(t, (_q, _b, res) => void setTimeout(() => res.end('late'), X_DEADLINE_MS + 200));
      const s = await serverForwardingTo(t, `${slow.url}/hook`);
      const result = await burst(s.url, { secret: SECRET, events: 6, connections: 6, idPrefix: 'slow' });
      expect(result.statuses).toEqual({ 200: 6 });
      expect(Math.max(...result.latenciesMs)).toBeLessThan(X_DEADLINE_MS);
      await s.waitFor(() => s.records.filter((r) => r.type === 'forward').length === 6, 15_000);
      for (const f of s.records.filter((r) => r.type === 'forward')) {
        expect(f.status).toBe(200);
        expect(f.warnings.join(' ')).toMatch(/X would retry: your app took \d+\.\d s, X waits 3 s/);
      }
    },
    timeLimit(30_000),
  );

  it(
    'hangs: the queue stays bounded (the overflow is dropped and said), and X still gets 200 in time',
    async (t) => {
      const hanging = await app(t, () => {});
      const s = await serverForwardingTo(t, `${hanging.url}/hook`, ['--forward-timeout', '600']);
      const events = scaled(MAX_QUEUE + IN_FLIGHT + 300, 20_000);
      const result = await burst(s.url, { secret: SECRET, events, connections: 32, idPrefix: 'hang' });
      expect(result.statuses).toEqual({ 200: events });
      expect(Math.max(...result.latenciesMs)).toBeLessThan(X_DEADLINE_MS);
      const dropped = events - MAX_QUEUE - IN_FLIGHT;
      const warnings = (): number =>
        s.records.filter(
          (r) =>
            r.type === 'warning' &&
            /forward queue full: event \S+ not forwarded \(it is in the log; use replay-local\)/.test(r.message),
        ).length;
      await s.waitFor(() => warnings() === dropped, 20_000);
      // The app got exactly as many requests as may be in flight, and answered none.
      expect(hanging.requests.length).toBe(IN_FLIGHT);
      reportFigure('forward to a hanging app', { events, dropped, serverPeakRssMiB: peakRssMiB(s.child.pid) ?? 'n/a' });
    },
    timeLimit(30_000),
  );
  it(
    'Ctrl-C while deliveries to a hung app are in flight stops at once, not after --forward-timeout',
    async (t) => {
      const hanging = await app(t, () => {});
      const s = await serverForwardingTo(t, `${hanging.url}/hook`, ['--forward-timeout', '600']);
      const result = await burst(s.url, { secret: SECRET, events: 20, connections: 4, idPrefix: 'hung-stop' });
      expect(result).toMatchObject({ failed: 0, statuses: { 200: 20 } });
      await s.waitFor(() => hanging.requests.length === IN_FLIGHT);
      expect(await s.stop()).toBe(0);
      expect(s.records.at(-1)).toMatchObject({ type: 'summary', stats: { events: 20 } });
    },
    timeLimit(20_000),
  );
});
