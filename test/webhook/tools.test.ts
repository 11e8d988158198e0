import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crcResponseBody } from '../../src/webhook/crc.js';
import { signBody } from '../../src/webhook/signature.js';
import { runCli } from '../helpers/run-cli.js';
import { SECRET, startApp, startServer, type RunningServer, type TestApp } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer, configDir } = cleanupAfterEach();
async function server(args: string[] = [], dir?: string): Promise<RunningServer> {
  const s = await startServer(args, {}, dir);
  defer(() => s.cleanup());
  return s;
}
async function app(respond: Parameters<typeof startApp>[0]): Promise<TestApp> {
  const a = await startApp(respond);
  defer(() => a.close());
  return a;
}
const env = (dir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  XCLI_CONFIG_DIR: dir,
  X_CONSUMER_SECRET: SECRET,
  ...extra,
});

describe('crc, sign, verify', () => {
  it('computes the research vectors from the command line, over exact bytes', async () => {
    const dir = configDir();
    const crc = await runCli(['webhook', 'crc', 'helloWorld'], { env: { XCLI_CONFIG_DIR: dir, CONSUMER_SECRET: 'ss' } });
    expect(crc).toMatchObject({ code: 0, stdout: 'sha256=YFpPr1o5UmzuIUDQn+BqYQ14kFOjWiWYc7oNiVymMgg=\n' });
    const sign = await runCli(['webhook', 'sign'], {
      env: { XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: 'bbbbbb' },
      input: 'html body',
    });
    expect(sign.stdout).toBe('sha256=P/M6xYi2AxkjB8C36xD3AfjT5XuOx3dWgw9EVXCYA2U=\n');
    const file = join(dir, '..', 'body.bin');
    writeFileSync(file, 'html body');
    const ok = await runCli(['webhook', 'verify', '--signature', 'sha256=P/M6xYi2AxkjB8C36xD3AfjT5XuOx3dWgw9EVXCYA2U=', file], {
      env: { XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: 'bbbbbb' },
    });
    expect(ok).toMatchObject({ code: 0, stdout: 'valid\n' });
    const bad = await runCli(['webhook', 'verify', '--signature', 'sha256=P/M6xYi2AxkjB8C36xD3AfjT5XuOx3dWgw9EVXCYA2U=', '-'], {
      env: { XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: 'bbbbbb' },
      input: 'html body\n',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^xcli: signature does not match these 10 bytes/);
    const oracle = await runCli(['webhook', 'crc', '{"a":1}'], { env: { XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: 'x' } });
    expect(oracle.code).toBe(2);
    expect(oracle.stdout).toBe('');
  });
});

describe('check', () => {
  it('passes against xcli own server, with a signed sample event', async () => {
    const dir = configDir();
    const s = await server();
    const r = await runCli(['webhook', 'check', s.url, '--event', 'like.create'], { env: env(dir) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ response_token correct/);
    expect(r.stdout).toMatch(/✓ refuses tokens that are not token-shaped/);
    expect(r.stdout).toMatch(/✓ signed like.create event answered 200/);
    await s.waitFor((x) => x.type === 'event' && x.record.type === 'like.create' && x.record.verdict === 'valid');
  });

  it('fails against broken servers and says why', async () => {
    const dir = configDir();
    const broken = await app((req, _b, res) => {
      const token = new URL(req.url!, 'http://x').searchParams.get('crc_token') ?? '';
      if (req.url!.startsWith('/redirect')) return res.writeHead(301, { location: '/redirect/' }).end();
      if (req.url!.startsWith('/text'))
        return res.writeHead(200, { 'content-type': 'text/plain' }).end(crcResponseBody(SECRET, token));
      if (req.url!.startsWith('/wrong'))
        return res.writeHead(200, { 'content-type': 'application/json' }).end(crcResponseBody('client secret', token));
      // /oracle: right answers, but it signs anything
      res.writeHead(200, { 'content-type': 'application/json' }).end(crcResponseBody(SECRET, token));
    });
    const redirect = await runCli(['webhook', 'check', `${broken.url}/redirect`], { env: env(dir) });
    expect(redirect.code).toBe(1);
    expect(redirect.stdout).toMatch(
      /✗ redirected \(answered 301 to \/redirect\/: X follows no redirect, and a 3xx invalidates the webhook at once\)/,
    );
    expect(redirect.stdout).toMatch(/✗ response_token missing or wrong \(X reads only a 200 answer, this was 301\)/);
    const text = await runCli(['webhook', 'check', `${broken.url}/text`, '--json'], { env: env(dir) });
    expect(text.code).toBe(1);
    const report = JSON.parse(text.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c: any) => c.name === 'content type application/json')).toMatchObject({
      ok: false,
      detail: 'content type is text/plain, X expects application/json',
    });
    const wrong = await runCli(['webhook', 'check', `${broken.url}/wrong`], { env: env(dir) });
    expect(wrong.stdout).toMatch(/✗ response_token missing or wrong \(Invalid response_token: it must be sha256= \+ base64/);
    expect(wrong.stderr).toMatch(/^xcli: 1 of \d+ checks failed/);
    const oracle = await runCli(['webhook', 'check', `${broken.url}/oracle`], { env: env(dir) });
    expect(oracle.code).toBe(0);
    expect(oracle.stdout).toMatch(/! signs tokens that are not token-shaped \(it signed a JSON value/);
    const slowEvents = await app((req, _b, res) => {
      if (req.method === 'POST') return void setTimeout(() => res.writeHead(200).end(), 3100);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(crcResponseBody(SECRET, new URL(req.url!, 'http://x').searchParams.get('crc_token') ?? ''));
    });
    const slow = await runCli(['webhook', 'check', `${slowEvents.url}/slow`, '--event'], { env: env(dir) });
    expect(slow.stdout).toMatch(/✓ signed post.create event answered 200/);
    expect(slow.stdout).toMatch(/✗ event answered too late for X \(over 3 s: X delivers it again\) \(\d+ ms\)/);
    expect(slow.code).toBe(1);
    // Issue 19 item 6: a server that answers 200 with no response_token signed nothing.
    const empty = await app((_req, _b, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const unsigned = await runCli(['webhook', 'check', `${empty.url}/empty`], { env: env(dir) });
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toMatch(/^✗ response_token missing or wrong \(the body has no response_token\)$/m);
    expect(unsigned.stdout).toMatch(
      /^✓ does not sign tokens that are not token-shaped \(answered 200 without their signature\)$/m,
    );
    expect(unsigned.stdout).not.toMatch(/signed a JSON value/);
    const down = await runCli(['webhook', 'check', 'http://127.0.0.1:9/x'], { env: env(dir) });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/✗ CRC not answered \(connection refused/);
  });
});

describe('trigger, events, replay-local', () => {
  it('sends signed samples the server verifies, lists and shows them, and replays them re-signed', async () => {
    const dir = configDir();
    const s = await server([], dir);
    for (const type of [
      'post.create',
      'profile.update.bio',
      'chat.received',
      'oauth.revoke',
      'favorite_events',
      'direct_message_events',
    ]) {
      const r = await runCli(['webhook', 'trigger', type], { env: env(dir) });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^sent ${type.replace('.', '\\.')}.* → ${s.url}: 200`));
    }
    const over = await runCli(
      ['webhook', 'trigger', 'post.create', '--to', s.url, '--override', 'data.payload.text=overridden text', '--json'],
      { env: env(dir) },
    );
    expect(JSON.parse(over.stdout)).toMatchObject({ type: 'post.create', status: 200 });
    const unknown = await runCli(['webhook', 'trigger', 'post.nope'], { env: env(dir) });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown event type 'post.nope'; known: post.create/);
    await s.waitFor((r) => r.type === 'event' && r.record.summary === 'overridden text');
    const events = s.records.filter((r) => r.type === 'event').map((r) => r.record);
    expect(events.map((e) => [e.type, e.verdict])).toEqual([
      ['post.create', 'valid'],
      ['profile.update.bio', 'valid'],
      ['chat.received', 'valid'],
      ['oauth.revoke', 'valid'],
      ['favorite_events', 'valid'],
      ['direct_message_events', 'valid'],
      ['post.create', 'valid'],
    ]);

    const list = await runCli(['webhook', 'events', '--type', 'post.*'], { env: env(dir) });
    const listed = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(listed.map((e) => e.type)).toEqual(['post.create', 'post.create']);
    const since = await runCli(['webhook', 'events', '--since', '10m', '--json'], { env: env(dir) });
    expect(since.stdout.trim().split('\n')).toHaveLength(7);
    const show = await runCli(['webhook', 'events', 'show', events[1].id], { env: env(dir) });
    expect(show.stdout).toBe(events[1].body);
    const byEventId = await runCli(['webhook', 'events', 'show', events[0].eventId, '--json'], { env: env(dir) });
    expect(JSON.parse(byEventId.stdout).id).toBe(events[0].id);
    const missing = await runCli(['webhook', 'events', 'show', 'nope'], { env: env(dir) });
    expect(missing.code).toBe(2);

    // replay-local re-signs with the current secret, so the app's verifier passes.
    const target = await app((_req, _b, res) => res.end());
    const replay = await runCli(['webhook', 'replay-local', events[4].id, '--to', `${target.url}/app`], { env: env(dir) });
    expect(replay.code, replay.stderr).toBe(0);
    const got = target.requests[0]!;
    expect(got.body.toString()).toBe(events[4].body);
    expect(got.headers['x-twitter-webhooks-signature']).toBe(signBody(SECRET, got.body));
    const all = await runCli(['webhook', 'replay-local', '--since', '1h', '--to', `${target.url}/app`, '--json'], {
      env: env(dir),
    });
    expect(all.stdout.trim().split('\n')).toHaveLength(7);
    expect(target.requests).toHaveLength(8);
    const both = await runCli(['webhook', 'replay-local', 'x', '--since', '1h'], { env: env(dir) });
    expect(both.code).toBe(2);
  });

  it('reports a trigger the target refuses (exit 1) and a dead target (exit 4)', async () => {
    const dir = configDir();
    const s = await server(['--require-signature'], dir);
    const wrongSecret = await runCli(['webhook', 'trigger', 'like.create', '--to', s.url], {
      env: { XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: 'other' },
    });
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr).toMatch(/answered 403/);
    const dead = await runCli(['webhook', 'trigger', 'like.create', '--to', 'http://127.0.0.1:9/'], { env: env(dir) });
    expect(dead.code).toBe(4);
    expect(dead.stderr).toBe('xcli: connection refused by 127.0.0.1:9 (is your app running?)\n');
  });

  it('documents --override without a default that says nothing', async () => {
    const help = await runCli(['webhook', 'trigger', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--override <path=value>/);
    expect(help.stdout).not.toMatch(/default: \[\]/);
  });
});
