import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createWebhookHandler,
  crcResponse,
  handleWebhookRequest,
  signBody,
  verifySignature,
  type ReceivedEvent,
} from '../../src/index.js';
import { freshSample, sampleBody } from '../../src/webhook/samples.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const ROOT = resolve(import.meta.dirname, '../..');
const { defer } = cleanupAfterEach();

/** The library example as the README shows it (docs/webhooks.md until the README has it). */
function readmeExample(): string {
  for (const file of ['README.md', 'docs/webhooks.md']) {
    const path = join(ROOT, file);
    if (!existsSync(path)) continue;
    const m = /<!-- library-example -->\s*```js\n([\s\S]*?)```/.exec(readFileSync(path, 'utf8'));
    if (m) return m[1]!;
  }
  throw new Error('no library example found');
}

describe('library', () => {
  it('README example: a 15-line app answers the CRC, verifies, dedupes and logs typed events', async () => {
    const example = readmeExample();
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(15);
    const dir = mkdtempSync(join(tmpdir(), 'xcli-lib-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'app.mjs');
    const source = example
      .replace("from 'xcli'", `from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/lib/index.js')).href)}`)
      .replace('.listen(8080);', ".listen(0, function () { console.log('listening', this.address().port); });");
    writeFileSync(file, source);
    const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH, X_CONSUMER_SECRET: 'lib-secret' } });
    defer(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const lines = (n: number): Promise<string[]> =>
      new Promise((res, rej) => {
        const check = (): void => {
          const all = out.split('\n').filter(Boolean);
          if (all.length >= n) res(all);
        };
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          check();
        });
        child.on('exit', () => rej(new Error(`exited: ${out} ${err}`)));
        check();
      });
    const port = (await lines(1))[0]!.split(' ')[1];
    const url = `http://127.0.0.1:${port}/webhook`;
    const crc = await fetch(`${url}?crc_token=helloWorld&nonce=1`);
    expect(await crc.json()).toEqual(crcResponse('lib-secret', 'helloWorld'));
    expect((await fetch(`${url}?crc_token=${encodeURIComponent('{"a":1}')}`)).status).toBe(400);
    const body = sampleBody(freshSample('like.create')!);
    const send = (sig: string): Promise<Response> =>
      fetch(url, { method: 'POST', body, headers: { 'x-twitter-webhooks-signature': sig } });
    expect((await send(signBody('lib-secret', body))).status).toBe(200);
    expect((await send(signBody('lib-secret', body))).status).toBe(200); // duplicate: skipped
    expect((await send(signBody('wrong', body))).status).toBe(403);
    const aaa = sampleBody(freshSample('favorite_events')!);
    expect(
      (await fetch(url, { method: 'POST', body: aaa, headers: { 'x-twitter-webhooks-signature': signBody('lib-secret', aaa) } }))
        .status,
    ).toBe(200);
    const printed = (await lines(3)).slice(1);
    expect(printed[0]).toMatch(/^like\.create \{"id":"\d+",.*"liked_tweet_id"/);
    expect(printed[1]).toMatch(/^account-activity favorite_events \d+\/\d+$/);
    expect(printed).toHaveLength(2);
  });

  it('mounts under Express-style routers: other paths go to next(), a pre-parsed body is refused clearly', async () => {
    const events: ReceivedEvent[] = [];
    const handler = createWebhookHandler({ consumerSecret: 'k', path: '/x', onEvent: (e) => void events.push(e) });
    const server = createServer((req, res) => {
      if (req.headers['x-parsed']) (req as any).body = { already: 'parsed' };
      if (req.headers['x-raw']) {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          (req as any).body = Buffer.concat(chunks);
          handler(req, res, () => res.end('next'));
        });
        return;
      }
      if (req.headers['x-parsed']) req.resume().on('end', () => handler(req, res, (e) => res.writeHead(500).end(String(e))));
      else handler(req, res, () => res.end('next'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    defer(() => new Promise((r) => server.close(r)));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await (await fetch(`${base}/other`)).text()).toBe('next');
    const body = Buffer.from('{"data":{"event_uuid":"1","event_type":"post.create","payload":{"text":"t"}}}');
    const headers = { 'x-twitter-webhooks-signature': signBody('k', body) };
    expect((await fetch(`${base}/x`, { method: 'POST', body, headers: { ...headers, 'x-raw': '1' } })).status).toBe(200);
    expect(events[0]).toMatchObject({ product: 'activity', type: 'post.create', eventId: '1', signature: 'valid', summary: 't' });
    expect(events[0]!.rawBody.equals(body)).toBe(true);
    const parsed = await fetch(`${base}/x`, { method: 'POST', body, headers: { ...headers, 'x-parsed': '1' } });
    expect(parsed.status).toBe(500);
    expect(await parsed.text()).toMatch(/\[xcli\/webhooks\] the request body was read before the webhook handler/);
  });

  it('exposes the transport-free core and guards its inputs', async () => {
    const body = Buffer.from('{"for_user_id":"1","favorite_events":[{"id":"9"}]}');
    const r = await handleWebhookRequest(
      { method: 'POST', url: '/', headers: { 'x-twitter-webhooks-signature': signBody('s', body) }, body },
      { consumerSecret: 's', requireSignature: true },
    );
    expect(r.status).toBe(200);
    expect(verifySignature('s', body, signBody('s', body))).toBe(true);
    expect(() => crcResponse('s', '{"forged":1}')).toThrow('[xcli/webhooks] crc_token is not token-shaped');
    expect(() => createWebhookHandler({ consumerSecret: '', onEvent: () => {} })).toThrow(
      '[xcli/webhooks] consumerSecret is required',
    );
    const failing = createWebhookHandler({ consumerSecret: 's', onEvent: () => Promise.reject(new Error('db down')) });
    const server = createServer(failing);
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    defer(() => new Promise((res) => server.close(res)));
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
      method: 'POST',
      body,
      headers: { 'x-twitter-webhooks-signature': signBody('s', body) },
    });
    expect(answer.status).toBe(503);
  });
});
