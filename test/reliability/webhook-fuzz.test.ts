// Hostile input against `webhook start` as a child process (issue 7), built byte by byte on raw
// sockets: random methods, paths, query strings, crc_token values, duplicated and huge headers,
// binary / invalid UTF-8 / deep / oversized bodies, chunked bodies, slow and stalled clients.
// Seeded: FUZZ_SEED=n reproduces a run. The server must never crash, never sign a value that is not
// token-shaped, never redirect or fail with a 500, and log an event as verified only when its
// signature really matches its bytes.
import { isEventBody } from '../../src/webhook/signature.js';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLog } from './lib/log-check.js';
import { rawRequest, stalledClient } from './lib/raw-http.js';
import { reportFigure, SOAK, scaled, timeLimit } from './lib/scale.js';
import { fuzzSeed, seeded, type Seeded } from './lib/seeded.js';
import { SECRET, startQuietServer } from './lib/webhook-child.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const SEED = fuzzSeed(7_2026_11);
const CASES = scaled(2000, 25_000);
const MAX_BODY = 64 * 1024;
/** What X sends as crc_token, and all the server may sign: base64/base64url, 8 to 128 characters. */
const TOKEN_SHAPED = /^[A-Za-z0-9+/=_-]{8,128}$/;

const hmac = (data: Buffer | string): string => `sha256=${createHmac('sha256', SECRET).update(data).digest('base64')}`;

interface Case {
  bytes: Buffer;
  method: string;
  target: string;
  /** The request is valid HTTP/1.1 (so a well-formed CRC must be answered). */
  wellFormed: boolean;
  /** For POSTs: the body as the server reads it, and whether exactly one correct signature was sent. */
  body?: Buffer;
  signedRight?: boolean;
  /** The body is shorter than its Content-Length: the client ends its side so the server stops waiting. */
  truncated: boolean;
  slow: boolean;
}

function tokenValue(r: Seeded): string {
  return r.pick<() => string>([
    () => '',
    () => 'a',
    () => 'helloWorld',
    () => Buffer.from(crypto.randomUUID()).toString('base64'),
    () => r.bytes(6 + r.int(90)).toString('base64url'),
    () => 'x'.repeat(129),
    () => 'Q'.repeat(3000),
    () => 'tökén-ünïcödé-✓-🚀',
    () => 'AAAA AAAA AAAA',
    () => '{"data":{"event_type":"post.create"}}',
    () => 'abcdefgh\u0000ijk',
    () => 'sha256=abcdefghijklmnop',
    () => 'valid-looking-token\n',
    () => r.bytes(24).toString('latin1'),
  ])();
}

function queryString(r: Seeded): { query: string; raw: boolean } {
  const parts: string[] = [];
  const raw = r.chance(0.1);
  const enc = (v: string): string => (raw ? v : encodeURIComponent(v));
  const n = r.pick([0, 1, 1, 1, 2, 3]);
  for (let i = 0; i < n; i++) parts.push(`crc_token=${enc(tokenValue(r))}`);
  if (r.chance(0.5)) parts.push(`nonce=${enc(tokenValue(r))}`);
  if (r.chance(0.2)) parts.push(`${enc(tokenValue(r))}=${enc(tokenValue(r))}`);
  if (r.chance(0.1)) parts.push('crc_token');
  return { query: r.shuffleJoin(parts), raw };
}

function bodyBytes(r: Seeded): Buffer {
  return r.pick<() => Buffer>([
    () => Buffer.alloc(0),
    () => r.bytes(r.int(400)),
    () => Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0x7b, 0x7d]),
    () => Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`),
    () => Buffer.from(`${'{"data":'.repeat(3000)}1${'}'.repeat(3000)}`),
    () =>
      Buffer.from(
        JSON.stringify({ data: { event_uuid: `fz-${r.int(1e9)}`, event_type: 'post.create', payload: { text: tokenValue(r) } } }),
      ),
    () =>
      Buffer.from(
        JSON.stringify({ for_user_id: '2244994945', tweet_create_events: [{ id_str: String(r.int(1e9)), text: 'hi' }] }),
      ),
    () => Buffer.from('{"data":{"event_type":7,"payload":null,"event_uuid":{"x":1}}}'),
    () => Buffer.alloc(MAX_BODY + 1 + r.int(10_000), 0x61),
    () => Buffer.from('\uFEFF{"bom":true}'),
  ])();
}

function buildCase(r: Seeded): Case {
  const method = r.pick([
    'GET',
    'GET',
    'GET',
    'POST',
    'POST',
    'POST',
    'POST',
    'PUT',
    'DELETE',
    'HEAD',
    'OPTIONS',
    'PATCH',
    'TRACE',
    'get',
    'BREW',
    'G\u00c9T',
  ]);
  const { query, raw } = queryString(r);
  const path = r.pick([
    '/webhook',
    '/webhook',
    '/webhook',
    '/webhook/',
    '/',
    '//webhook',
    '/WEBHOOK',
    '/webhook/../webhook',
    '/%ff%fe',
    '/webhook%00',
    '*',
    'http://evil.invalid/webhook',
    `/${'p'.repeat(r.int(20_000))}`,
  ]);
  const target = query || r.chance(0.3) ? `${path}?${query}` : path;
  let wellFormed =
    !raw && ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE'].includes(method) && !target.includes(' ');
  const headers: string[] = ['Host: 127.0.0.1', 'Connection: close'];
  let body: Buffer | undefined;
  let signedRight: boolean | undefined;
  if (method === 'POST' || r.chance(0.1)) {
    body = bodyBytes(r);
    const sig = r.next();
    const good = hmac(body);
    if (sig < 0.35) headers.push(`${r.pick(['x-twitter-webhooks-signature', 'X-Twitter-Webhooks-Signature'])}: ${good}`);
    else if (sig < 0.45) headers.push(`x-twitter-webhooks-signature: ${good}`, `x-twitter-webhooks-signature: ${good}`);
    else if (sig < 0.52)
      headers.push(`x-twitter-webhooks-signature: ${hmac('other body')}`, `x-twitter-webhooks-signature: ${good}`);
    else if (sig < 0.6)
      headers.push(`x-twitter-webhooks-signature: sha256=${createHmac('sha256', 'wrong secret').update(body).digest('base64')}`);
    else if (sig < 0.66) headers.push(`x-twitter-webhooks-signature: ${good.replace('sha256=', 'sha1=')}`);
    else if (sig < 0.7) headers.push(`x-twitter-webhooks-signature: ${good.slice(0, -2)}`);
    else if (sig < 0.74) headers.push('x-twitter-webhooks-signature: ');
    signedRight = sig < 0.35;
    headers.push(
      `Content-Type: ${r.pick(['application/json', 'text/plain', 'application/octet-stream', 'application/json; charset=latin1'])}`,
    );
  }
  if (r.chance(0.05)) headers.push(`X-Huge: ${'h'.repeat(8000 + r.int(30_000))}`);
  if (r.chance(0.05)) for (let i = 0; i < 150; i++) headers.push(`X-Many-${i}: ${i}`);
  if (r.chance(0.03)) {
    headers.push('Bad Header Without Colon');
    wellFormed = false;
  }
  let payload = body ?? Buffer.alloc(0);
  let truncated = false;
  if (body && r.chance(0.15)) {
    headers.push('Transfer-Encoding: chunked');
    const half = Math.floor(body.length / 2);
    const chunk = (b: Buffer): Buffer =>
      b.length ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]) : Buffer.alloc(0);
    payload = Buffer.concat([chunk(body.subarray(0, half)), chunk(body.subarray(half)), Buffer.from('0\r\n\r\n')]);
  } else if (body) {
    const declared = r.chance(0.05) ? body.length + 1 + r.int(50) : body.length;
    truncated = declared !== body.length;
    if (truncated) wellFormed = false;
    headers.push(`Content-Length: ${declared}`);
  }
  const head = Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8');
  return {
    bytes: Buffer.concat([head, payload]),
    method,
    target,
    wellFormed,
    body,
    signedRight,
    truncated,
    slow: r.chance(0.04),
  };
}

const { defer, configDir } = cleanupAfterEach();

describe(`webhook start under hostile input (seed ${SEED}, ${CASES} cases; FUZZ_SEED=n to reproduce)`, () => {
  it(
    'never crashes, redirects or fails with 500, signs only token-shaped values, and verifies honestly',
    async () => {
      const dir = configDir();
      const server = await startQuietServer(dir, ['--max-body', String(MAX_BODY)]);
      defer(() => server.kill());
      const port = Number(new URL(server.url).port);

      // Stalled clients sit on connections the whole time; the server must serve everyone else,
      // and close them itself (headers within 10 s; in the soak also whole requests within 30 s).
      const stalled = Array.from({ length: 20 }, (_, i) => stalledClient(port, SOAK && i % 2 ? 'body' : 'headers'));

      const r = seeded(SEED);
      const started = performance.now();
      const problems: string[] = [];
      let logged = 0;
      let loggedSignedRight = 0;
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; i < CASES; i++) {
        const c = buildCase(r);
        const run = rawRequest(port, c.bytes, { halfClose: c.truncated, ...(c.slow ? { sliceBytes: 11, pauseMs: 2 } : {}) }).then(
          (a) => {
            const where = `case ${i}: ${c.method} ${c.target.slice(0, 80)}`;
            if (a.status === 0 && c.wellFormed && c.bytes.length < 16_000) problems.push(`${where}: no answer`);
            if (a.status >= 300 && a.status < 400) problems.push(`${where}: redirect ${a.status}`);
            if (a.status >= 500) problems.push(`${where}: ${a.status} ${a.body.toString().slice(0, 200)}`);
            const text = a.body.toString('utf8');
            const q = c.target.indexOf('?');
            const tokens = new URLSearchParams(q === -1 ? '' : c.target.slice(q + 1)).getAll('crc_token');
            if (/sha256=/.test(text)) {
              const signsOne = tokens.length === 1 && TOKEN_SHAPED.test(tokens[0]!);
              if (!signsOne) problems.push(`${where}: signed something not token-shaped: ${text.slice(0, 200)}`);
              else if (text !== JSON.stringify({ response_token: hmac(tokens[0]!) }))
                problems.push(`${where}: wrong CRC answer ${text.slice(0, 200)}`);
            }
            const pathOnly = q === -1 ? c.target : c.target.slice(0, q);
            if (
              c.wellFormed &&
              c.method === 'GET' &&
              pathOnly === '/webhook' &&
              tokens.length === 1 &&
              TOKEN_SHAPED.test(tokens[0]!) &&
              c.bytes.length < 16_000 &&
              a.status !== 200
            ) {
              problems.push(`${where}: a good CRC got ${a.status}`);
            }
            if (c.method === 'POST' && a.status === 200) {
              logged++;
              // Verified means signed and a JSON object (a signed non-object could come from the CRC endpoint).
              if (c.signedRight && isEventBody(parsedJson(c.body))) loggedSignedRight++;
            }
          },
        );
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run));
        if (inFlight.size >= 32) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      reportFigure('webhook fuzz', {
        seed: SEED,
        cases: CASES,
        logged,
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      });
      expect(problems).toEqual([]);
      expect(logged).toBeGreaterThan(CASES / 50);

      // Still up, still right.
      expect(server.child.exitCode).toBeNull();
      const crc = await rawRequest(
        port,
        Buffer.from('GET /webhook?crc_token=helloWorld HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      expect(crc.body.toString()).toBe(JSON.stringify({ response_token: hmac('helloWorld') }));
      // Resolves only once the server closed every stalled connection itself.
      const closedAfterMs = await Promise.all(stalled);
      reportFigure('stalled clients closed by the server', {
        clients: closedAfterMs.length,
        slowestSeconds: Number((Math.max(...closedAfterMs) / 1000).toFixed(1)),
      });
      expect(await server.stop()).toBe(0);
      expect(server.stderr()).not.toMatch(/internal error|\n\s+at /);

      const file = join(dir, 'events', 'events.jsonl');
      const log = await checkLog(file);
      expect(log.badLines).toEqual([]);
      // Every 200 to a POST is a logged event, and only the truly signed ones are "valid".
      expect(log.lines).toBe(logged);
      expect(log.verdicts.valid ?? 0).toBe(loggedSignedRight);
      for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
        const rec = JSON.parse(line) as { verdict: string; body?: string; bodyBase64?: string; headers: Record<string, string> };
        const bytes = rec.bodyBase64 !== undefined ? Buffer.from(rec.bodyBase64, 'base64') : Buffer.from(rec.body ?? '', 'utf8');
        const truly = rec.headers['x-twitter-webhooks-signature'] === hmac(bytes) && isEventBody(parsedJson(bytes));
        expect(rec.verdict === 'valid', line.slice(0, 300)).toBe(truly);
      }
    },
    timeLimit(60_000),
  );
});

function parsedJson(body: Buffer | undefined): unknown {
  try {
    // Decoded as the handler decodes a body (TextDecoder: a UTF-8 byte order mark is not part of the JSON).
    return body ? JSON.parse(new TextDecoder().decode(body)) : undefined;
  } catch {
    return undefined;
  }
}
