// `xcli mcp --local`: xcli's own tools, driven by the SDK's client over stdio, against the sandbox.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../shortcuts/harness.js';
import { connectXcli, toolJson, type McpChild } from './bridge-harness.js';
import { oauth1Of } from '../../src/sandbox/command/cli.js';

let h: Harness;
let child: McpChild | undefined;
let secrets: string[];
beforeAll(async () => {
  h = await harness();
  const c = h.fake.sandbox.credentials;
  const token = h.fake.sandbox.mintUserToken();
  secrets = [
    c.bearerToken,
    c.clientSecret,
    c.consumerSecret,
    c.accessToken,
    c.accessTokenSecret,
    token.access_token,
    token.refresh_token!,
  ];
  const sandbox = {
    apiBaseUrl: h.fake.url,
    bearerToken: c.bearerToken,
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    oauth1: oauth1Of(c),
    defaultUser: 'sandbox_dev',
    oauth2Tokens: {
      sandbox_dev: { accessToken: token.access_token, refreshToken: token.refresh_token, expiresAt: Date.now() + 3_600_000 },
    },
  };
  mkdirSync(join(h.configDir, 'events'), { recursive: true, mode: 0o700 });
  writeFileSync(join(h.configDir, 'config.json'), JSON.stringify({ version: 1, defaultApp: 'sandbox', apps: { sandbox } }), {
    mode: 0o600,
  });
  const record = (id: string, type: string, time: string) => ({
    v: 1,
    id,
    time,
    path: '/webhook',
    headers: { 'content-type': 'application/json' },
    verdict: 'valid',
    dup: false,
    type,
    product: 'activity',
    body: `{"type":"${type}"}`,
  });
  writeFileSync(
    join(h.configDir, 'events', 'events.jsonl'),
    [
      record('ev-old', 'profile.update.bio', '2020-01-01T00:00:00.000Z'),
      record('ev-new', 'post.create', new Date().toISOString()),
    ]
      .map((r) => `${JSON.stringify(r)}\n`)
      .join(''),
  );
});
afterAll(() => h.close());
afterEach(async () => {
  await child?.transport.close();
  child = undefined;
});

const start = (...flags: string[]) => connectXcli(['mcp', '--local', ...flags], { XCLI_CONFIG_DIR: h.configDir });
const call = async (name: string, args: Record<string, unknown>) =>
  (await child!.client.callTool({ name, arguments: args })) as { content: { text: string }[]; isError?: boolean };
const postsSent = () => h.fake.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets').length;

describe('xcli mcp --local', () => {
  it('lists the workbench tools (sandbox_emit while a sandbox runs) and sends reads with the route’s auth', async () => {
    child = await start();
    const { tools } = await child.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'api_request',
      'routes',
      'sandbox_emit',
      'webhook_events',
      'webhook_trigger',
    ]);
    const me = await call('api_request', { path: '/2/users/me' });
    expect(toolJson(me)).toMatchObject({ status: 200, body: { data: { username: 'sandbox_dev' } } });
    expect(h.fake.sandbox.requests.at(-1)!.authKind).toBe('oauth2');
  });

  it('rehearses writes unless started with --allow-writes, and never shows a secret', async () => {
    child = await start();
    const before = postsSent();
    const dry = await call('api_request', { method: 'POST', path: '/2/tweets', body: { text: 'not yet' }, dry_run: false });
    const shown = toolJson(dry);
    expect(shown).toMatchObject({ dry_run: true, method: 'POST', auth: { kind: 'oauth2' } });
    expect(shown.note).toContain('--allow-writes');
    expect(shown.headers.Authorization).toBe('Bearer [redacted]');
    expect(postsSent()).toBe(before);
    for (const secret of secrets) expect(dry.content[0]!.text).not.toContain(secret);
    await child.transport.close();

    child = await start('--allow-writes');
    const sent = toolJson(await call('api_request', { method: 'POST', path: '/2/tweets', body: { text: 'now' } }));
    expect(sent).toMatchObject({ status: 201, body: { data: { text: 'now' } } });
    expect(postsSent()).toBe(before + 1);
    const rehearsed = toolJson(
      await call('api_request', { method: 'DELETE', path: `/2/tweets/${sent.body.data.id}`, dry_run: true }),
    );
    expect(rehearsed.dry_run).toBe(true);
    expect(rehearsed.note).toBeUndefined();
  });

  it('explains routes, queries the event log, and triggers signed samples only on this machine', async () => {
    child = await start();
    const routes = toolJson(await call('routes', { filter: '/2/tweets/20', method: 'get' }));
    expect(routes).toEqual([
      expect.objectContaining({ method: 'GET', path: '/2/tweets/{id}', auth: expect.arrayContaining(['bearer', 'oauth2']) }),
    ]);

    expect(toolJson(await call('webhook_events', {})).events.map((e: { id: string }) => e.id)).toEqual(['ev-old', 'ev-new']);
    expect(toolJson(await call('webhook_events', { since: '1h' })).events.map((e: { id: string }) => e.id)).toEqual(['ev-new']);
    expect(toolJson(await call('webhook_events', { type: 'profile.update.bio' })).total).toBe(1);
    expect(toolJson(await call('webhook_events', { id: 'ev-o' })).type).toBe('profile.update.bio');
    const missing = await call('webhook_events', { id: 'nope' });
    expect(missing.isError).toBe(true);

    const received: IncomingHttpHeaders[] = [];
    const receiver = createServer((req, res) => {
      received.push(req.headers);
      req.resume().on('end', () => res.end('ok'));
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
      expect(toolJson(await call('webhook_trigger', { type: 'post.create', url }))).toMatchObject({
        type: 'post.create',
        status: 200,
      });
      expect(received[0]!['x-twitter-webhooks-signature']).toMatch(/^sha256=/);
    } finally {
      receiver.close();
    }
    const far = await call('webhook_trigger', { type: 'post.create', url: 'https://example.com/webhook' });
    expect(far.isError).toBe(true);
    expect(received).toHaveLength(1);
  });

  it('emits sandbox events and ends on EOF', async () => {
    child = await start();
    const emitted = toolJson(await call('sandbox_emit', { event_type: 'profile.update.bio', user: '@sandbox_dev' }));
    expect(emitted).toHaveProperty('matched_subscriptions', 0);
    await child.transport.close();
    expect(await child.exited).toBe(0);
    child = undefined;
  });
});
