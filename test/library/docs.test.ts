// Issue 18 item 6 (and 3, 4): every example of docs/library.md, run as written against real
// express, fastify and hono apps: CRC, a signed event, a wrong signature, and what each example adds.
import { afterEach, describe, expect, it } from 'vitest';
import { crcResponse, signBody } from '../../src/webhooks.js';
import { freshSample, sampleBody } from '../../src/webhook/samples.js';
import { startExample, type RunningExample } from './docs-examples.js';

const SECRET = 'docs-secret';
const running: RunningExample[] = [];
afterEach(async () => {
  for (const example of running.splice(0)) await example.stop();
});

async function start(name: string, env: Record<string, string> = {}): Promise<RunningExample> {
  const example = await startExample(name, { X_CONSUMER_SECRET: SECRET, ...env });
  running.push(example);
  return example;
}

function post(url: string, body: Buffer, signature: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature },
  });
}

/** What every example must do: answer the CRC, take a signed event (printed once), refuse a forged one. */
async function checkProtocol(example: RunningExample, secret = SECRET): Promise<void> {
  const crc = await fetch(`${example.url}?crc_token=helloWorld&nonce=1`);
  expect(crc.status).toBe(200);
  expect(await crc.json()).toEqual(crcResponse(SECRET, 'helloWorld'));
  expect((await fetch(`${example.url}?crc_token=${encodeURIComponent('{"a":1}')}`)).status).toBe(400);
  const sample = freshSample('like.create') as { data: { event_uuid: string } };
  const body = sampleBody(sample as never);
  expect((await post(example.url, body, signBody('not-the-secret', body))).status).toBe(403);
  const answer = await post(example.url, body, signBody(secret, body));
  expect(answer.status, example.stderr()).toBe(200);
  expect(await example.lines(1)).toEqual([`event like.create ${sample.data.event_uuid}`]);
}

describe('docs/library.md examples (#18)', () => {
  it('bare node:http with a memory dedupe store: a repeated delivery runs onEvent once', async () => {
    const example = await start('node-http');
    await checkProtocol(example);
    const body = sampleBody(freshSample('post.create')!);
    for (let i = 0; i < 3; i++) expect((await post(example.url, body, signBody(SECRET, body))).status).toBe(200);
    const lines = await example.lines(2);
    expect(lines[1]).toMatch(/^event post\.create -?\d+$/);
    // One more event proves the duplicates printed nothing in between.
    const other = sampleBody(freshSample('follow.follow')!);
    expect((await post(example.url, other, signBody(SECRET, other))).status).toBe(200);
    expect((await example.lines(3))[2]).toMatch(/^event follow\.follow /);
  });

  it('Express: mounted at /webhook behind express.json() elsewhere (req.originalUrl, req.rawBody)', async () => {
    const example = await start('express');
    await checkProtocol(example);
    const health = await fetch(example.url.replace('/webhook', '/health'));
    expect(await health.json()).toEqual({ ok: true });
  });

  it('Fastify: the parseAs buffer recipe hands the bytes over as req.raw.rawBody', async () => {
    await checkProtocol(await start('fastify'));
  });

  it('Hono: handleWebhookFetch on a Fetch API Request', async () => {
    await checkProtocol(await start('hono'));
  });

  it('Next.js: the route module exports GET and POST', async () => {
    await checkProtocol(await start('nextjs'));
  });

  it('secret rotation: an event signed with the previous secret verifies; the CRC uses the first', async () => {
    const example = await start('rotation', { X_PREVIOUS_CONSUMER_SECRET: 'old-secret' });
    await checkProtocol(example, 'old-secret');
    const body = sampleBody(freshSample('post.create')!);
    expect((await post(example.url, body, signBody(SECRET, body))).status).toBe(200);
    expect((await example.lines(2))[1]).toMatch(/^event post\.create /);
  });
});
