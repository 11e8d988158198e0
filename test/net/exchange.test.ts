// Issue 15 item 2: the one exchange helper under webhook forwarding, `webhook check`/`trigger`, the
// sandbox's deliveries and CRC checks, and the sandbox admin client. Against real servers on 127.0.0.1.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatcherForX } from '../../src/net/dispatcher.js';
import { describeExchangeError, describeExchangeFailure, exchange, ExchangeError } from '../../src/net/exchange.js';
import { startProxy, type LocalProxy } from '../http/local-proxy.js';
import { startApp, type TestApp } from '../webhook/helpers.js';

let app: TestApp | undefined;
let proxy: LocalProxy | undefined;
let silent: Server | undefined;
afterEach(async () => {
  await app?.close();
  await proxy?.close();
  await new Promise((r) => (silent ? silent.close(r) : r(undefined)));
  app = proxy = silent = undefined;
});

/** A server that accepts connections and never answers: only the deadline ends an exchange with it. */
async function startSilent(): Promise<number> {
  const sockets = new Set<Socket>();
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  const close = silent.close.bind(silent);
  silent.close = (callback) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  await new Promise<void>((r) => silent!.listen(0, '127.0.0.1', () => r()));
  return (silent.address() as AddressInfo).port;
}

async function failure(promise: Promise<unknown>): Promise<ExchangeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExchangeError);
  return error as ExchangeError;
}

describe('exchange', () => {
  it('sends the body with its length, reads the answer and measures the latency', async () => {
    app = await startApp((_req, body, res) => res.writeHead(201, { 'x-echo': 'yes' }).end(`got ${body.length}`));
    const answer = await exchange(new URL(`${app.url}/hook`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"a":1}'),
      timeoutMs: 10_000,
    });
    expect(answer).toMatchObject({ status: 201, headers: { 'x-echo': 'yes' } });
    expect(answer.body.toString()).toBe('got 7');
    expect(answer.latencyMs).toBeGreaterThan(0);
    expect(app.requests[0]).toMatchObject({ method: 'POST', url: '/hook', headers: { 'content-length': '7' } });
  });

  it('never follows a redirect, and keeps only the start of a large answer', async () => {
    app = await startApp((req, _b, res) =>
      req.url === '/big' ? res.end(Buffer.alloc(300_000, 'a')) : res.writeHead(301, { location: '/elsewhere' }).end(),
    );
    const moved = await exchange(new URL(`${app.url}/hook`), { method: 'GET', timeoutMs: 10_000 });
    expect(moved).toMatchObject({ status: 301, headers: { location: '/elsewhere' } });
    expect(app.requests.map((r) => r.url)).toEqual(['/hook']);
    const big = await exchange(new URL(`${app.url}/big`), { method: 'GET', timeoutMs: 10_000, keepBytes: 1024 });
    expect(big.body.length).toBeGreaterThanOrEqual(1024);
    expect(big.body.length).toBeLessThan(300_000);
    const whole = await exchange(new URL(`${app.url}/big`), { method: 'GET', timeoutMs: 10_000 });
    expect(whole.body.length).toBe(300_000);
  });

  it('a fresh exchange asks to close the connection and uses no pool', async () => {
    app = await startApp((_req, _b, res) => res.end('ok'));
    await exchange(new URL(app.url), { method: 'GET', timeoutMs: 10_000, fresh: true, headers: { 'user-agent': '' } });
    expect(app.requests[0]!.headers.connection).toBe('close');
    expect(app.requests[0]!.headers['user-agent']).toBe('');
  });

  it('names failures: connection refused, and a deadline passed', async () => {
    const refused = await failure(exchange(new URL('http://127.0.0.1:9/x'), { method: 'GET', timeoutMs: 10_000 }));
    expect(refused.code).toBe('ECONNREFUSED');
    expect(describeExchangeError(refused, new URL('http://127.0.0.1:9/x'), 10_000)).toBe(
      'connection refused by 127.0.0.1:9 (is your app running?)',
    );
    const url = new URL(`http://127.0.0.1:${await startSilent()}/slow`);
    const late = await failure(exchange(url, { method: 'GET', timeoutMs: 50, fresh: true }));
    expect(late.code).toBe('timeout');
    expect(describeExchangeError(late, url, 50)).toBe(`no answer from ${url.host} within 0.05 s`);
    // The sandbox keeps codes, not errors: the same words from the code.
    expect(describeExchangeFailure('timeout', url, 50)).toBe(`no answer from ${url.host} within 0.05 s`);
    expect(describeExchangeFailure('EHOSTUNREACH', url, 50)).toBe(`${url.host}: EHOSTUNREACH`);
  });

  it('goes through a dispatcher (a proxy) when given one, with the same answer and failure shapes', async () => {
    app = await startApp((_req, _b, res) => res.writeHead(302, { location: '/there' }).end('moved'));
    proxy = await startProxy();
    const dispatcher = await dispatcherForX({ HTTP_PROXY: proxy.url });
    const target = new URL(`${app.url.replace('127.0.0.1', 'hook.test')}/hook`);
    const answer = await exchange(target, { method: 'GET', timeoutMs: 10_000, dispatcher, headers: { 'user-agent': '' } });
    expect(answer).toMatchObject({ status: 302, headers: { location: '/there' } });
    expect(answer.body.toString()).toBe('moved');
    expect(proxy.passed.map((p) => p.line)).toEqual([`GET ${target.href}`]);
    const hanging = new URL(`http://hook.test:${await startSilent()}/slow`);
    expect((await failure(exchange(hanging, { method: 'GET', timeoutMs: 50, dispatcher }))).code).toBe('timeout');
  });
});
