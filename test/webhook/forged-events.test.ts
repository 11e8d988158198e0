// Issue 16 item 1: the CRC endpoint signs any token-shaped string with the key that signs events, so a
// body that is itself token-shaped can be "signed" by asking the endpoint. Only a JSON object can be a
// verified event: the forged bodies below are refused under --require-signature (and by the library by
// default), never shown or counted as verified, and never forwarded.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWebhookHandler, type ReceivedEvent } from '../../src/index.js';
import { readEventLog } from '../../src/webhook/event-log.js';
import { signBody } from '../../src/webhook/signature.js';
import { get, SECRET, startApp, startServer, type RunningServer, type TestApp } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

/** Bodies the CRC endpoint agrees to sign: the vector, digits, a huge exponent, a base64 blob. */
const FORGEABLE = [
  '-1234567890123456789',
  '12345678',
  '1e100000',
  Buffer.from('{"data":{"event_type":"post.create"}}').toString('base64'),
];

const { defer } = cleanupAfterEach();

/** Has the endpoint sign `body` as a CRC token, as an attacker would, and returns the signature. */
async function signedThroughCrc(webhookUrl: string, body: string): Promise<string> {
  const answer = await get(`${webhookUrl}?crc_token=${encodeURIComponent(body)}`);
  expect(answer.status, body).toBe(200);
  return ((await answer.json()) as { response_token: string }).response_token;
}

function postForged(url: string, body: string, signature: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature },
  });
}

async function server(args: string[]): Promise<RunningServer> {
  const s = await startServer(args);
  defer(() => s.cleanup());
  return s;
}

describe('forged events signed through the CRC endpoint', () => {
  it('webhook start --require-signature refuses them with 403 and does not log them', async () => {
    const s = await server(['--require-signature']);
    for (const body of FORGEABLE) {
      const forged = await postForged(s.url, body, await signedThroughCrc(s.url, body));
      expect(forged.status, body).toBe(403);
      expect(((await forged.json()) as { error: string }).error).toMatch(/not a JSON object/);
    }
    await s.waitFor((r) => r.type === 'rejected' && r.verdict === 'not-object');
    expect(await s.stop()).toBe(0);
    expect(await readEventLog(join(s.configDir, 'events', 'events.jsonl'))).toEqual([]);
    expect(s.records.filter((r) => r.type === 'rejected').map((r) => r.verdict)).toEqual(FORGEABLE.map(() => 'not-object'));
    expect(s.records.find((r) => r.type === 'summary')!.stats).toMatchObject({
      events: 0,
      verified: 0,
      rejected: FORGEABLE.length,
    });
  });

  it('webhook start without --require-signature logs them as not-object, never verified, and never forwards them', async () => {
    const app: TestApp = await startApp((_req, _body, res) => res.end());
    defer(() => app.close());
    const s = await server(['--forward-to', `${app.url}/x`]);
    for (const body of FORGEABLE)
      expect((await postForged(s.url, body, await signedThroughCrc(s.url, body))).status, body).toBe(200);
    // A real event after them: forwarded, so the forwards before it would have been seen.
    const real = Buffer.from('{"data":{"event_uuid":"1","event_type":"post.create","payload":{"id":"1","text":"hi"}}}');
    expect(
      (await fetch(s.url, { method: 'POST', body: real, headers: { 'x-twitter-webhooks-signature': signBody(SECRET, real) } }))
        .status,
    ).toBe(200);
    await s.waitFor((r) => r.type === 'forward');
    expect(await s.stop()).toBe(0);
    const log = await readEventLog(join(s.configDir, 'events', 'events.jsonl'));
    expect(log.map((r) => [r.body, r.verdict])).toEqual([...FORGEABLE.map((b) => [b, 'not-object']), [real.toString(), 'valid']]);
    expect(app.requests.map((r) => r.body.toString())).toEqual([real.toString()]);
    expect(s.records.find((r) => r.type === 'summary')!.stats).toMatchObject({ events: 5, verified: 1, unverified: 4 });
  });

  it('the library refuses them by default and flags them not-object with requireSignature: false', async () => {
    const listen = async (requireSignature?: boolean): Promise<{ url: string; events: ReceivedEvent[] }> => {
      const events: ReceivedEvent[] = [];
      const handler = createWebhookHandler({
        consumerSecret: 'library-secret',
        path: '/webhook',
        requireSignature,
        onEvent: (e) => void events.push(e),
      });
      const http = createServer(handler);
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
      defer(() => new Promise((r) => http.close(r)));
      return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/webhook`, events };
    };
    const strict = await listen();
    const lenient = await listen(false);
    for (const body of FORGEABLE) {
      const strictAnswer = await postForged(strict.url, body, await signedThroughCrc(strict.url, body));
      expect(strictAnswer.status, body).toBe(403);
      expect((await postForged(lenient.url, body, await signedThroughCrc(lenient.url, body))).status, body).toBe(200);
    }
    expect(strict.events).toEqual([]);
    expect(lenient.events.map((e) => [e.rawBody.toString(), e.signature])).toEqual(FORGEABLE.map((b) => [b, 'not-object']));
  });
});
