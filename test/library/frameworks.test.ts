// Issue 18 items 3 and 4 in process: a body a framework read first is a 500 at once (never a hang),
// the Fetch handler's Web Crypto path agrees with node:crypto, and an array of secrets answers the
// CRC with the first (it used to sign with a wrong key).
import express from 'express';
import Fastify from 'fastify';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  createMemoryDedupeStore,
  createWebhookHandler,
  crcResponse,
  handleWebhookFetch,
  handleWebhookRequest,
  signBody,
  type ReceivedEvent,
} from '../../src/webhooks.js';
import { freshSample, sampleBody } from '../../src/webhook/samples.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const FIX = /^\[xcli\/webhooks\] the request body was read before the webhook handler.*req\.rawBody/;
const { defer } = cleanupAfterEach();

function listening(server: { address(): AddressInfo | string | null; close(cb?: () => void): unknown }): string {
  defer(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const event = (): Buffer => sampleBody(freshSample('post.create')!);
const signed = (body: Buffer, secret = 's'): RequestInit => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signBody(secret, body) },
});

describe('frameworks that read the body first (#18)', () => {
  it('Express with express.json() and no kept bytes: 500 at once with the fix, onEvent never run', async () => {
    const events: ReceivedEvent[] = [];
    const app = express();
    app.use(express.json());
    app.use('/webhook', createWebhookHandler({ consumerSecret: 's', path: '/webhook', onEvent: (e) => void events.push(e) }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const answer = await fetch(`${listening(server)}/webhook`, signed(event()));
    expect(answer.status).toBe(500);
    expect(((await answer.json()) as { error?: string }).error).toMatch(FIX);
    expect(events).toEqual([]);
  });

  it('Express with express.raw(): the Buffer req.body is the raw bytes', async () => {
    const events: ReceivedEvent[] = [];
    const app = express();
    app.use(
      '/hooks',
      express.raw({ type: '*/*' }),
      createWebhookHandler({ consumerSecret: 's', path: '/hooks/x', onEvent: (e) => void events.push(e) }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = listening(server);
    const body = event();
    expect((await fetch(`${base}/hooks/x`, signed(body))).status).toBe(200);
    expect(events[0]!.rawBody.equals(body)).toBe(true);
    // Another path under the mount goes to next(): Express's own 404.
    expect((await fetch(`${base}/hooks/y`, signed(body))).status).toBe(404);
  });

  it('Fastify given req.raw after its JSON parser: 500 at once with the fix', async () => {
    const app = Fastify();
    const handler = createWebhookHandler({ consumerSecret: 's', onEvent: () => {} });
    app.post('/webhook', (req, reply) => {
      reply.hijack();
      handler(req.raw, reply.raw);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    defer(() => app.close());
    const answer = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhook`, signed(event()));
    expect(answer.status).toBe(500);
    expect(((await answer.json()) as { error?: string }).error).toMatch(FIX);
  });
});

describe('secret rotation (#18 item 4)', () => {
  it('answers the CRC with the first secret and verifies events signed with any', async () => {
    const events: ReceivedEvent[] = [];
    const server = createServer(createWebhookHandler({ consumerSecret: ['new', 'old'], onEvent: (e) => void events.push(e) }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = listening(server);
    expect(await (await fetch(`${base}/?crc_token=helloWorld`)).json()).toEqual(crcResponse('new', 'helloWorld'));
    expect((await fetch(base, signed(event(), 'old'))).status).toBe(200);
    expect((await fetch(base, signed(event(), 'new'))).status).toBe(200);
    expect((await fetch(base, signed(event(), 'other'))).status).toBe(403);
    expect(events.map((e) => e.signature)).toEqual(['valid', 'valid']);
    expect(() => createWebhookHandler({ consumerSecret: [], onEvent: () => {} })).toThrow(
      '[xcli/webhooks] consumerSecret is required',
    );
  });
});

describe('handleWebhookFetch', () => {
  const options = (events: ReceivedEvent<Uint8Array>[]) => ({
    consumerSecret: ['new', 'old'],
    path: '/webhook',
    dedupe: createMemoryDedupeStore(),
    onEvent: (e: ReceivedEvent<Uint8Array>) => void events.push(e),
  });

  async function exercise(): Promise<{ crc: unknown; statuses: number[]; events: ReceivedEvent<Uint8Array>[] }> {
    const events: ReceivedEvent<Uint8Array>[] = [];
    const opts = options(events);
    const crc = await (await handleWebhookFetch(new Request('http://app.test/webhook?crc_token=helloWorld'), opts)).json();
    const body = event();
    const statuses = [];
    for (const secret of ['old', 'old', 'other'])
      statuses.push((await handleWebhookFetch(new Request('http://app.test/webhook', signed(body, secret)), opts)).status);
    statuses.push((await handleWebhookFetch(new Request('http://app.test/elsewhere', signed(body, 'new')), opts)).status);
    statuses.push(
      (
        await handleWebhookFetch(
          new Request('http://app.test/webhook', { method: 'POST', body: new Uint8Array(1024 * 1024 + 1) }),
          opts,
        )
      ).status,
    );
    return { crc, statuses, events };
  }

  it('with node:crypto and with Web Crypto (a runtime without node:crypto) gives the same answers', async () => {
    const viaNode = await exercise();
    const getBuiltinModule = process.getBuiltinModule;
    // As on Cloudflare Workers without nodejs_compat: no way to reach node:crypto.
    (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
    let viaWeb: Awaited<ReturnType<typeof exercise>>;
    try {
      viaWeb = await exercise();
    } finally {
      process.getBuiltinModule = getBuiltinModule;
    }
    for (const result of [viaNode, viaWeb]) {
      expect(result.crc).toEqual(crcResponse('new', 'helloWorld'));
      expect(result.statuses).toEqual([200, 200, 403, 404, 413]);
      expect(result.events).toHaveLength(1); // the second delivery was a duplicate
      expect(result.events[0]).toMatchObject({ product: 'activity', type: 'post.create', signature: 'valid' });
    }
  });

  it('the transport-free core still answers as before', async () => {
    const body = Buffer.from('{"for_user_id":"1","favorite_events":[{"id":"9"}]}');
    const r = await handleWebhookRequest(
      { method: 'POST', url: '/', headers: { 'x-twitter-webhooks-signature': signBody('s', body) }, body },
      { consumerSecret: ['t', 's'], requireSignature: true },
    );
    expect(r.status).toBe(200);
  });
});
