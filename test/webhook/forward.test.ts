import { describe, expect, it } from 'vitest';
import { crcResponseBody, crcResponseToken } from '../../src/webhook/crc.js';
import { Forwarder, type ForwardResult } from '../../src/webhook/forward.js';
import { freshSample, sampleBody } from '../../src/webhook/samples.js';
import { signBody } from '../../src/webhook/signature.js';
import { rawRequest } from '../reliability/lib/raw-http.js';
import { get, SECRET, startApp, startServer, type RunningServer, type TestApp } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer } = cleanupAfterEach();
async function app(respond: Parameters<typeof startApp>[0]): Promise<TestApp> {
  const a = await startApp(respond);
  defer(() => a.close());
  return a;
}
async function server(args: string[]): Promise<RunningServer> {
  const s = await startServer(args);
  defer(() => s.cleanup());
  return s;
}
function deliver(url: string, body: Buffer): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-twitter-webhooks-signature': signBody(SECRET, body),
      'user-agent': 'X-Webhooks/1',
    },
  });
}

describe('--forward-to', () => {
  it('relays body and X headers byte for byte, once per event id, and shows the status', async () => {
    const target = await app((_req, _body, res) => res.end('ok'));
    const s = await server(['--forward-to', `${target.url}/x?k=1`]);
    const body = Buffer.from(`${sampleBody(freshSample('post.create')!).toString()}  \n`);
    expect((await deliver(s.url, body)).status).toBe(200);
    expect((await deliver(s.url, body)).status).toBe(200); // duplicate: not forwarded again
    const fwd = await s.waitFor((r) => r.type === 'forward');
    expect(fwd).toMatchObject({ status: 200, warnings: [] });
    await s.stop();
    expect(target.requests).toHaveLength(1);
    const got = target.requests[0]!;
    expect(got.url).toBe('/x?k=1');
    expect(got.body.equals(body)).toBe(true);
    expect(got.headers['x-twitter-webhooks-signature']).toBe(signBody(SECRET, body));
    expect(got.headers['user-agent']).toBe('X-Webhooks/1');
  });

  it('forwards as a proxy does: the body byte for byte and end-to-end headers; hop-by-hop headers and those named in Connection dropped', async () => {
    const target = await app((_req, _body, res) => res.end('ok'));
    const s = await server(['--forward-to', `${target.url}/x`]);
    const body = Buffer.from(JSON.stringify(freshSample('post.create')));
    // Chunked, so the body's framing differs between the hops while its bytes do not.
    const chunked = `${body.subarray(0, 10).length.toString(16)}\r\n${body.subarray(0, 10)}\r\n${body.subarray(10).length.toString(16)}\r\n${body.subarray(10)}\r\n0\r\n\r\n`;
    const head = [
      `POST /webhook HTTP/1.1`,
      `Host: attacker.example`,
      `Content-Type: application/json`,
      `User-Agent: X-Webhooks/1`,
      `X-Twitter-Webhooks-Signature: ${signBody(SECRET, body)}`,
      `Connection: close, X-Private-Hop, Cookie`,
      `X-Private-Hop: for the first hop only`,
      `Cookie: session=hop`,
      `Keep-Alive: timeout=5`,
      `Proxy-Connection: keep-alive`,
      `Proxy-Authorization: Basic c2VjcmV0`,
      `TE: trailers`,
      `Trailer: X-Checksum`,
      `Upgrade: h2c`,
      `Transfer-Encoding: chunked`,
      `X-End-To-End: kept`,
    ].join('\r\n');
    const answer = await rawRequest(Number(new URL(s.url).port), Buffer.from(`${head}\r\n\r\n${chunked}`));
    expect(answer.status).toBe(200);
    await s.waitFor((r) => r.type === 'forward');
    await s.stop();
    const got = target.requests[0]!;
    expect(got.body.equals(body)).toBe(true);
    expect(got.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'X-Webhooks/1',
      'x-twitter-webhooks-signature': signBody(SECRET, body),
      'x-end-to-end': 'kept',
      'content-length': String(body.length),
      host: new URL(target.url).host,
    });
    for (const dropped of [
      'x-private-hop',
      'cookie',
      'keep-alive',
      'proxy-connection',
      'proxy-authorization',
      'te',
      'trailer',
      'upgrade',
      'transfer-encoding',
    ]) {
      expect(got.headers[dropped], dropped).toBeUndefined();
    }
  });

  it('keeps answering X 200 when the app fails, redirects, refuses or hangs, and reports each', async () => {
    const failing = await app((req, _b, res) => {
      if (req.url === '/500') {
        res.statusCode = 500;
        res.end('boom');
      } else if (req.url === '/302') {
        res.writeHead(302, { location: '/webhook/' }).end();
      }
      // /hang: never answers
    });
    for (const [path, expectWarning] of [
      ['/500', /answered 500/],
      ['/302', /redirected to \/webhook\//],
    ] as const) {
      const s = await server(['--forward-to', `${failing.url}${path}`]);
      expect((await deliver(s.url, sampleBody(freshSample('like.create')!))).status).toBe(200);
      const f = await s.waitFor((r) => r.type === 'forward');
      expect(f.warnings.join(' ')).toMatch(expectWarning);
    }
    const hang = await server(['--forward-to', `${failing.url}/hang`, '--forward-timeout', '1']);
    expect((await deliver(hang.url, sampleBody(freshSample('like.create')!))).status).toBe(200);
    // X got its 200 before the app's fate was known.
    expect(hang.records.some((r) => r.type === 'forward')).toBe(false);
    expect((await hang.waitFor((r) => r.type === 'forward')).error).toMatch(/no answer .* within 1 s/);
    const refused = await server(['--forward-to', 'http://127.0.0.1:9/x']);
    expect((await deliver(refused.url, sampleBody(freshSample('like.create')!))).status).toBe(200);
    expect((await refused.waitFor((r) => r.type === 'forward')).error).toMatch(/connection refused/);
    expect((await get(`${refused.url}?crc_token=helloWorld`)).status).toBe(200);
  });

  it('--crc passthrough relays the app answer and checks it', async () => {
    let secret = SECRET;
    const target = await app((req, _b, res) => {
      const token = new URL(req.url!, 'http://x').searchParams.get('crc_token')!;
      res.writeHead(200, { 'content-type': 'application/json' }).end(crcResponseBody(secret, token));
    });
    const s = await server(['--forward-to', `${target.url}/app`, '--crc', 'passthrough']);
    const ok = await get(`${s.url}?crc_token=helloWorld&nonce=1`);
    expect(await ok.json()).toEqual({ response_token: crcResponseToken(SECRET, 'helloWorld') });
    expect(await s.waitFor((r) => r.type === 'crc')).toMatchObject({ ok: true, passthrough: true });
    expect(target.requests[0]!.url).toBe('/app?crc_token=helloWorld&nonce=1');
    secret = 'the OAuth2 client secret';
    await get(`${s.url}?crc_token=helloWorld2`);
    expect((await s.waitFor((r) => r.type === 'crc' && !r.ok)).reason).toMatch(/Invalid response_token: it must be/);
  });
});

describe('Forwarder', () => {
  it('bounds its queue and warns when the app is slower than X waits', async () => {
    const results: ForwardResult[] = [];
    const dropped: string[] = [];
    const slow = await app((_req, _b, res) => setTimeout(() => res.end('ok'), 60));
    const f = new Forwarder(slow.url, {
      maxQueue: 2,
      concurrency: 1,
      slowMs: 20,
      onResult: (r) => results.push(r),
      onDropped: (j) => dropped.push(j.id),
    });
    for (let i = 0; i < 5; i++) f.enqueue({ id: `j${i}`, body: Buffer.from('{}'), headers: {} });
    expect(dropped).toEqual(['j3', 'j4']);
    await f.idle(5000);
    expect(results.map((r) => r.id)).toEqual(['j0', 'j1', 'j2']);
    expect(results[0]!.warnings.join()).toMatch(/X would retry: your app took/);
  });
});
