// Seeded, reproducible fuzzing of the webhook server (issue 7): random methods, paths, queries,
// crc_token values, headers and bodies. The server must never crash, never sign a value that is
// not token-shaped, and never log an event as verified when its signature does not match.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crcResponseToken, isTokenShaped } from '../../src/webhook/crc.js';
import { readEventLog, recordBody } from '../../src/webhook/event-log.js';
import { freshSample, sampleBody } from '../../src/webhook/samples.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { WEBHOOK_START_DEFAULTS } from '../../src/webhook/start-options.js';
import { isEventBody, signBody, verifySignature } from '../../src/webhook/signature.js';
import { prng } from '../helpers/prng.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const SECRET = 'fuzz-secret';

let dir: string;
let server: WebhookServer;
let base: string;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xcli-fuzz-'));
  server = await startWebhookServer({
    ...WEBHOOK_START_DEFAULTS,
    consumerSecret: SECRET,
    port: 0,
    maxBody: 64 * 1024,
    logFiles: [join(dir, 'events.jsonl')],
    onEvent: () => {},
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  agent.destroy();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
}

function send(
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: Buffer,
): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve(undefined));
    });
    // Refused connections after a 413/431 are an answer too; the server must stay up.
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

describe(`webhook server fuzz (seed ${SEED}, ${CASES} cases)`, () => {
  it('never crashes, never signs what is not token-shaped, never marks unverified events as valid', async () => {
    const random = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const tokens = () =>
      pick([
        '',
        'a',
        'helloWorld',
        'M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0',
        '{"data":{"event_type":"post.create"}}',
        'x'.repeat(129),
        'x'.repeat(5000),
        'tökén-ünïcode-1234',
        'AAAA AAAA AAAA',
        '%00%01%02abcdefgh',
        bytes(12).toString('base64'),
        bytes(20).toString('latin1'),
      ]);
    const bodies = () =>
      pick([
        () => Buffer.alloc(0),
        () => bytes(Math.floor(random() * 300)),
        () => Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x7b, 0x7d]),
        () => Buffer.from('['.repeat(3000) + ']'.repeat(3000)),
        () => sampleBody(freshSample(pick(['post.create', 'like.create', 'favorite_events', 'user_event']))!),
        () => Buffer.from('{"data":{"event_type":7,"payload":null}}'),
        () => Buffer.alloc(70 * 1024, 0x61),
      ])();
    const pending: Promise<void>[] = [];
    let signedGood = 0;
    for (let i = 0; i < CASES; i++) {
      const kind = random();
      if (kind < 0.35) {
        const values = random() < 0.2 ? [tokens(), tokens()] : [tokens()];
        const query =
          values.map((v) => `crc_token=${encodeURIComponent(v)}`).join('&') +
          (random() < 0.5 ? `&nonce=${encodeURIComponent(tokens())}` : '');
        const path = pick(['/webhook', '/webhook/', '/', '/other', '/webhook%00']);
        pending.push(
          send('GET', `${path}?${query}`, {}).then((a) => {
            if (a?.status !== 200) return;
            const token = new URLSearchParams(query).get('crc_token')!;
            expect(isTokenShaped(token), `signed ${JSON.stringify(token)}`).toBe(true);
            expect(JSON.parse(a.body).response_token).toBe(crcResponseToken(SECRET, token));
          }),
        );
      } else if (kind < 0.85) {
        const body = bodies();
        const headers: Record<string, string | string[]> = {};
        const sig = random();
        if (sig < 0.3) headers['x-twitter-webhooks-signature'] = signBody(SECRET, body);
        else if (sig < 0.45) headers['x-twitter-webhooks-signature'] = [signBody(SECRET, body), signBody(SECRET, body)];
        else if (sig < 0.6) headers['x-twitter-webhooks-signature'] = signBody('other', body);
        else if (sig < 0.7) headers['x-twitter-webhooks-signature'] = `sha256=${'A'.repeat(Math.floor(random() * 60))}`;
        if (random() < 0.1) headers['x-junk'] = 'j'.repeat(Math.floor(random() * 20_000));
        if (sig < 0.3 && body.length <= 64 * 1024 && isEventBody(parsed(body))) signedGood++;
        pending.push(send('POST', pick(['/webhook', '/webhook', '/nope']), headers, body).then(() => {}));
      } else {
        pending.push(
          send(
            pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE']),
            '/webhook',
            {},
            random() < 0.5 ? bytes(50) : undefined,
          ).then((a) => {
            if (a) expect([405, 404, 400]).toContain(a.status);
          }),
        );
      }
      if (pending.length >= 32) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    // Still up and still right.
    const crc = await send('GET', '/webhook?crc_token=helloWorld', {});
    expect(crc).toEqual({ status: 200, body: JSON.stringify({ response_token: crcResponseToken(SECRET, 'helloWorld') }) });
    await server.close();
    const records = await readEventLog(join(dir, 'events.jsonl'));
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      // Verified means signed and a JSON object (a signed non-object could come from the CRC endpoint).
      const ok =
        verifySignature(SECRET, recordBody(r), r.headers['x-twitter-webhooks-signature']) && isEventBody(parsed(recordBody(r)));
      expect(r.verdict === 'valid', r.id).toBe(ok);
    }
    expect(records.filter((r) => r.verdict === 'valid').length).toBeGreaterThan(signedGood / 3);
  });
});

function parsed(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
