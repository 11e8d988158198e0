import { statSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crcResponseToken } from '../../src/webhook/crc.js';
import { readEventLog } from '../../src/webhook/event-log.js';
import { freshSample, sampleBody } from '../../src/webhook/samples.js';
import { signBody } from '../../src/webhook/signature.js';
import { tempConfigDir } from '../helpers/run-cli.js';
import { get, SECRET, startServer, type RunningServer } from './helpers.js';

const running: RunningServer[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.cleanup();
});
async function server(args: string[] = [], env: Record<string, string> = {}, dir?: string): Promise<RunningServer> {
  const s = await startServer(args, env, dir);
  running.push(s);
  return s;
}

function post(
  url: string,
  body: Buffer | string,
  signature?: string | null,
  headers: Record<string, string> = {},
): Promise<Response> {
  const bytes = Buffer.from(body);
  const sig = signature === undefined ? signBody(SECRET, bytes) : signature;
  return fetch(url, {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': 'application/json', ...(sig === null ? {} : { 'x-twitter-webhooks-signature': sig }), ...headers },
  });
}

describe('webhook start: CRC', () => {
  it('answers a CRC with the HMAC, ignores the nonce, and refuses bad tokens with 400', async () => {
    const s = await server();
    const token = 'M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0';
    const ok = await get(`${s.url}?crc_token=${token}&nonce=MTc2OTUxODI5MjkxNA`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ok.json()).toEqual({ response_token: crcResponseToken(SECRET, token) });
    for (const query of [
      '',
      '?nonce=1',
      '?crc_token=',
      `?crc_token=${encodeURIComponent('{"forged":true}')}`,
      `?crc_token=${'a'.repeat(5000)}`,
      `?crc_token=${token}&crc_token=${token}`,
      '?crc_token=%FF%FE',
    ]) {
      const r = await get(`${s.url}${query}`);
      expect(r.status, query).toBe(400);
      expect(((await r.json()) as { error?: string }).error, query).toBeTruthy();
    }
    const crc = await s.waitFor((r) => r.type === 'crc' && r.ok);
    expect(crc).toMatchObject({ status: 200, nonce: 'MTc2OTUxODI5MjkxNA' });
    // Never a redirect, even for a trailing slash.
    expect((await get(`${s.url}/?crc_token=${token}`)).status).toBe(404);
    expect((await get(`${s.url.replace('/webhook', '/other')}?crc_token=${token}`)).status).toBe(404);
  });
});

describe('webhook start: events', () => {
  it('logs signed, unsigned and tampered events with their verdicts, marks duplicates, refuses other methods and big bodies', async () => {
    const s = await server(['--max-body', '2048']);
    const sample = sampleBody(freshSample('post.create')!);
    expect((await post(s.url, sample)).status).toBe(200);
    expect((await post(s.url, sample)).status).toBe(200); // the same event again: a duplicate
    const like = sampleBody(freshSample('like.create')!);
    expect((await post(s.url, like, null)).status).toBe(200);
    expect((await post(s.url, like)).status).toBe(200); // unsigned junk never makes the real event a duplicate
    const tampered = Buffer.from(sample.toString().replace('Shipping', 'Tampered'));
    expect((await post(s.url, tampered, signBody(SECRET, sample))).status).toBe(200);
    expect((await post(s.url, Buffer.from('{"x":1}'), signBody('wrong secret', Buffer.from('{"x":1}')))).status).toBe(200);
    const big = await post(s.url, Buffer.alloc(4096, 0x20));
    expect(big.status).toBe(413);
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const r = await fetch(s.url, { method, body: 'x' });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, POST');
    }
    await s.waitFor((r) => r.type === 'event' && r.record.summary?.startsWith('Tampered'));
    expect(await s.stop()).toBe(0);
    const log = await readEventLog(join(s.configDir, 'events', 'events.jsonl'));
    expect(log.map((r) => [r.type, r.verdict, r.dup])).toEqual([
      ['post.create', 'valid', false],
      ['post.create', 'valid', true],
      ['like.create', 'missing', false],
      ['like.create', 'valid', false],
      ['post.create', 'invalid', true],
      ['unknown', 'invalid', false],
    ]);
    expect(Buffer.from(log[0]!.body!).equals(sample)).toBe(true);
    expect(log[0]!.headers['x-twitter-webhooks-signature']).toBe(signBody(SECRET, sample));
    const summary = s.records.find((r) => r.type === 'summary')!;
    expect(summary.stats).toMatchObject({ events: 6, verified: 3, unverified: 3, duplicates: 2 });
    expect(statSync(join(s.configDir, 'events', 'events.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('--require-signature answers 403 to unsigned and tampered events and logs only verified ones; -o copies the log', async () => {
    const dir = tempConfigDir();
    const copy = join(dir.dir, '..', 'copy.jsonl');
    try {
      const s = await server(['--require-signature', '-o', copy]);
      const body = sampleBody(freshSample('follow.follow')!);
      expect((await post(s.url, body, null)).status).toBe(403);
      expect((await post(s.url, body, signBody('nope', body))).status).toBe(403);
      expect((await post(s.url, body)).status).toBe(200);
      await s.stop();
      expect(s.records.filter((r) => r.type === 'rejected')).toHaveLength(2);
      const copied = await readEventLog(copy);
      expect(copied.map((r) => r.verdict)).toEqual(['valid']);
      expect(statSync(copy).mode & 0o777).toBe(0o600);
    } finally {
      dir.cleanup();
    }
  });

  it('explains a signature made with the wrong secret without ever showing a secret', async () => {
    const clientSecret = 'oauth2-client-secret-value-123';
    const s = await server([], { X_CLIENT_ID: 'client-id', X_CLIENT_SECRET: clientSecret });
    const body = sampleBody(freshSample('post.create')!);
    await post(s.url, body, signBody(clientSecret, body));
    await post(s.url, Buffer.from('{"x":2}'), signBody('nobody knows this one', Buffer.from('{"x":2}')));
    await s.stop();
    const events = s.records.filter((r) => r.type === 'event').map((r) => r.record);
    expect(events[0]).toMatchObject({
      verdict: 'invalid',
      signedWith: 'the OAuth2 client secret (X signs with the consumer secret)',
    });
    expect(events[1].signedWith).toBeUndefined();
    expect(JSON.stringify(s.records) + s.stderr()).not.toContain(clientSecret);
    expect(JSON.stringify(s.records) + s.stderr()).not.toContain(SECRET);
  });

  it('--events filters what is shown (everything is logged)', async () => {
    const s = await server(['--events', 'like.*']);
    await post(s.url, sampleBody(freshSample('post.create')!).toString());
    await post(s.url, sampleBody(freshSample('like.create')!).toString());
    await s.stop();
    expect(s.records.filter((r) => r.type === 'event').map((r) => r.record.type)).toEqual(['like.create']);
    expect((await readEventLog(join(s.configDir, 'events', 'events.jsonl'))).map((r) => r.type)).toEqual([
      'post.create',
      'like.create',
    ]);
  });

  it('answers 503 when the log cannot be written, says why, and stays up', async () => {
    const s = await server(['-o', '/dev/full']);
    const r = await post(s.url, sampleBody(freshSample('post.create')!).toString());
    expect(r.status).toBe(503);
    expect((await s.waitFor((x) => x.type === 'error')).message).toMatch(/disk full.*503/);
    const token = 'helloWorld1';
    expect((await get(`${s.url}?crc_token=${token}`)).status).toBe(200);
    expect(await s.stop()).toBe(0);
  });

  it('survives kill -9 in the middle of a burst: every acknowledged event is in the log, torn tail skipped on restart', async () => {
    const dir = tempConfigDir();
    try {
      const s = await server([], {}, dir.dir);
      const acked: string[] = [];
      const sends: Promise<void>[] = [];
      let killed = false;
      for (let i = 0; i < 400; i++) {
        const sample = freshSample('post.create')!;
        (sample.data as any).event_uuid = `burst-${i}`;
        sends.push(
          post(s.url, sampleBody(sample).toString()).then(
            (r) => {
              if (r.status === 200) acked.push(`burst-${i}`);
              if (acked.length === 100 && !killed) {
                killed = true;
                s.child.kill('SIGKILL');
              }
            },
            () => {},
          ),
        );
      }
      await Promise.all(sends);
      expect(killed).toBe(true);
      const again = await server([], {}, dir.dir);
      const problems: string[] = [];
      const log = await readEventLog(join(dir.dir, 'events', 'events.jsonl'), (p) => problems.push(p.message));
      // At most the one line a kill can tear; the restart reported it if there was one.
      expect(problems.length).toBeLessThanOrEqual(1);
      if (problems.length) expect(again.records.some((r) => r.type === 'warning' && /torn/.test(r.message))).toBe(true);
      const ids = log.map((r) => r.eventId);
      for (const id of acked) expect(ids).toContain(id);
      expect(new Set(ids).size).toBe(ids.length);
      // After the restart, a redelivery of a logged event is still a duplicate.
      const old = freshSample('post.create')!;
      (old.data as any).event_uuid = acked[0];
      await post(again.url, JSON.stringify(old));
      expect((await again.waitFor((r) => r.type === 'event')).record.dup).toBe(true);
      await again.stop();
    } finally {
      dir.cleanup();
    }
  });

  it('never crashes on hostile requests: garbage, huge headers, slow clients', async () => {
    const s = await server();
    const port = new URL(s.url).port;
    const raw = (payload: string): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(payload));
        let out = '';
        socket.on('data', (d) => (out += d.toString()));
        socket.on('close', () => resolve(out));
        socket.on('error', () => resolve(out));
      });
    expect(await raw('NOT HTTP\r\n\r\n')).toMatch(/400/);
    expect(await raw(`GET /webhook?crc_token=helloWorld HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`)).toMatch(
      /431|400/,
    );
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect((await post(s.url, deep)).status).toBe(200);
    const deepSmall = `${'{"data":'.repeat(5000)}1${'}'.repeat(5000)}`;
    expect((await post(s.url, deepSmall)).status).toBe(200);
    // A body announced but never finished does not hold the server.
    await new Promise<void>((resolve) => {
      const req = request(s.url, { method: 'POST', headers: { 'content-length': '100' } });
      req.on('error', () => resolve());
      req.write('{"partial":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    expect((await get(`${s.url}?crc_token=helloWorld`)).status).toBe(200);
    expect(await s.stop()).toBe(0);
  });
});

describe('webhook start: Ctrl-C', () => {
  it('stops gracefully when signal-exit (loaded with proper-lockfile) also listens for SIGINT', async () => {
    const preload = join(import.meta.dirname, 'fixtures/load-signal-exit.cjs');
    const s = await server([], { NODE_OPTIONS: `--require=${preload}` });
    expect((await get(`${s.url}?crc_token=helloWorld`)).status).toBe(200);
    expect(await s.stop()).toBe(0);
    expect(s.records.at(-1)).toMatchObject({ type: 'summary', stats: { crc: 1 } });
  });

  it('stops gracefully when when-exit (conf → atomically) re-raises SIGINT after its cleanup', async () => {
    const preload = join(import.meta.dirname, 'fixtures/load-exit-hooks.cjs');
    for (let round = 0; round < 3; round++) {
      const s = await server([], { NODE_OPTIONS: `--require=${preload}` });
      expect((await get(`${s.url}?crc_token=helloWorld`)).status).toBe(200);
      await s.waitForStderr('test: exit hooks loaded'); // the hooks load on the next turn
      expect(await s.stop()).toBe(0);
      expect(s.records.at(-1)).toMatchObject({ type: 'summary', stats: { crc: 1 } });
    }
  });
});

describe('webhook start: setup errors', () => {
  it('explains a missing secret and a port in use', async () => {
    const { runCli } = await import('../helpers/run-cli.js');
    const dir = tempConfigDir();
    try {
      const none = await runCli(['webhook', 'start', '--no-tunnel', '--port', '0'], { env: { XCLI_CONFIG_DIR: dir.dir } });
      expect(none.code).toBe(3);
      expect(none.stderr).toMatch(
        /^xcli: no consumer secret.*'xcli auth oauth1 --consumer-key KEY --consumer-secret -'.*X_CONSUMER_SECRET/,
      );
      const s = await server();
      const port = new URL(s.url).port;
      const busy = await runCli(['webhook', 'start', '--no-tunnel', '--port', port], {
        env: { XCLI_CONFIG_DIR: dir.dir, CONSUMER_SECRET: 'x' },
      });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(
        `xcli: cannot listen on 127.0.0.1:${port}: the port is in use; pick another --port, or --port 0 for a free one\n`,
      );
      const usage = await runCli(['webhook', 'start', '--crc', 'passthrough'], { env: { XCLI_CONFIG_DIR: dir.dir } });
      expect(usage.code).toBe(2);
      const noTunnel = await runCli(['webhook', 'start', '--no-tunnel', '--register'], { env: { XCLI_CONFIG_DIR: dir.dir } });
      expect(noTunnel.stderr).toMatch(/--register needs a public URL/);
      expect(noTunnel.code).toBe(2);
      const ngrok = await runCli(['webhook', 'start', '--port', '0'], {
        env: { XCLI_CONFIG_DIR: dir.dir, X_CONSUMER_SECRET: 'x' },
      });
      expect(ngrok.code).toBe(3);
      // Asked before the server starts: one line, no summary of a server that never ran.
      expect(ngrok.stderr).toMatch(/^xcli: ngrok needs an authtoken: set NGROK_AUTHTOKEN[^\n]*\n$/);
    } finally {
      dir.cleanup();
    }
  });
});

describe('webhook start: console', () => {
  it('prints one line per CRC and event on stdout, the banner and summary on stderr, no colour when piped', async () => {
    const { spawnCli } = await import('../helpers/run-cli.js');
    const dir = tempConfigDir();
    try {
      const child = spawnCli(['webhook', 'start', '--no-tunnel', '--port', '0', '-P'], {
        env: { XCLI_CONFIG_DIR: dir.dir, X_CONSUMER_SECRET: SECRET },
      });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        child.on('exit', () => reject(new Error(`exited early: ${err}`)));
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /Webhook URL: (\S+)/.exec(err);
          if (m) resolve(m[1]!);
        });
      });
      await get(`${url}?crc_token=helloWorld&nonce=abc`);
      const sample = freshSample('post.create')!;
      await post(url, sampleBody(sample).toString());
      await post(url, sampleBody(sample).toString(), null);
      // Anyone can post to the URL: terminal controls in a delivery or a CRC must not reach the screen.
      const hostile = freshSample('post.create')! as { data: { includes: { users: Array<{ username: string }> } } };
      hostile.data.includes.users[0]!.username = 'ev\u001b]0;pwned\u0007il\u009b2J';
      await post(url, JSON.stringify(hostile), null);
      await get(`${url}?crc_token=helloWorld&nonce=${encodeURIComponent('n\u001b[2J')}`);
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d {2}CRC {2}✓ 200 {2}nonce abc$/);
      expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d {2}post\.create @alice "Shipping webhooks today with xcli 🚀" ✓ \[\d+\]$/);
      expect(lines[2]).toBe('    {');
      expect(out).toMatch(/post\.create @alice .* ✗ unsigned \[\d+\] \(dup\)/);
      expect(out).not.toMatch(/\u001b\[/);
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(out).toContain('post.create @ev\\u001b]0;pwned\\u0007il\\u009b2J "Shipping');
      expect(out).toContain('nonce n\\u001b[2J');
      expect(err).toMatch(/Stopped after \d+ s: 2 CRC, 3 events \(1 verified, 2 unverified, 1 duplicate\)\./);
    } finally {
      dir.cleanup();
    }
  });
});
