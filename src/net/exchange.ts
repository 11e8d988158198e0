// One HTTP exchange for the clients that are not xcli's API client: webhook forwarding, `webhook check`
// and `trigger`, the sandbox's CRC checks and deliveries, the sandbox admin client. A total deadline,
// no redirect ever followed, the latency measured, failures named by a short code (`timeout`,
// `ECONNREFUSED`…) that describeExchangeError turns into words.
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
// undici's index loads its whole web stack; `request` is loaded by its path (dispatcher.ts says why).
import request from 'undici/lib/api/api-request.js';
import type { Dispatcher } from 'undici';

export interface ExchangeOptions {
  method: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer;
  /** The whole exchange (connecting, the head, the body) must end within this. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * A connection of its own, closed after the answer (no keep-alive pool): a webhook server under
   * test may close at once, and a one-shot command leaves nothing open. Otherwise node's global agent.
   */
  fresh?: boolean;
  /** Through this undici dispatcher instead (xcli's dispatcher for X: a proxy when one applies). */
  dispatcher?: Dispatcher;
  /** Body bytes kept (the rest is read and dropped): an answer that is shown, never stored. All by default. */
  keepBytes?: number;
}

export interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  latencyMs: number;
}

/** No complete answer. `code`: `timeout`, `aborted`, or the socket's code (`ECONNREFUSED`, `ECONNRESET`…). */
export class ExchangeError extends Error {
  constructor(
    readonly code: string,
    readonly latencyMs: number,
    options?: ErrorOptions,
  ) {
    super(code, options);
    this.name = 'ExchangeError';
  }
}

/** Sends one request and reads its answer; never follows a redirect (a 3xx is an answer like any other). */
export function exchange(url: URL, options: ExchangeOptions): Promise<Exchange> {
  return options.dispatcher ? throughDispatcher(url, options, options.dispatcher) : direct(url, options);
}

function direct(url: URL, options: ExchangeOptions): Promise<Exchange> {
  const started = performance.now();
  const { body } = options;
  const headers: OutgoingHttpHeaders = {
    ...(options.fresh ? { connection: 'close' } : {}),
    ...options.headers,
    ...(body ? { 'content-length': body.length } : {}),
  };
  const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (code: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new ExchangeError(code, performance.now() - started, { cause }));
    };
    const req = requester(url, {
      method: options.method,
      headers,
      signal: options.signal,
      ...(options.fresh ? { agent: false } : {}),
    });
    const timer = setTimeout(() => {
      fail('timeout');
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error) => fail(codeOf(error), error));
    req.on('response', (res) => {
      const keep = readKept(options.keepBytes);
      res.on('data', keep.add);
      res.on('error', (error) => fail(codeOf(error), error));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: keep.body(), latencyMs: performance.now() - started });
      });
    });
    req.end(body);
  });
}

async function throughDispatcher(url: URL, options: ExchangeOptions, dispatcher: Dispatcher): Promise<Exchange> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(options.headers ?? {}))
    if (value !== undefined) headers[name] = typeof value === 'number' ? String(value) : value;
  try {
    const response = await request.call(dispatcher, {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: options.method as Dispatcher.HttpMethod,
      headers,
      body: options.body,
      signal: options.signal ? AbortSignal.any([deadline, options.signal]) : deadline,
    });
    const keep = readKept(options.keepBytes);
    for await (const chunk of response.body) keep.add(chunk as Buffer);
    return {
      status: response.statusCode,
      headers: response.headers as IncomingHttpHeaders,
      body: keep.body(),
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    throw new ExchangeError(deadline.aborted ? 'timeout' : codeOf(error), performance.now() - started, { cause: error });
  }
}

/** The body's first `limit` bytes. */
function readKept(limit = Infinity): { add: (chunk: Buffer) => void; body: () => Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add: (chunk) => {
      if (size < limit) chunks.push(chunk);
      size += chunk.length;
    },
    body: () => Buffer.concat(chunks),
  };
}

function codeOf(error: unknown): string {
  if ((error as Error).name === 'AbortError') return 'aborted';
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : String((error as Error | undefined)?.message ?? error);
}

/** The failure in words, naming the host: `connection refused by 127.0.0.1:3000 (is your app running?)`. */
export function describeExchangeError(error: unknown, url: URL, timeoutMs: number): string {
  const cause = error instanceof ExchangeError ? error.cause : error;
  const code = error instanceof ExchangeError ? error.code : codeOf(error);
  return describeExchangeFailure(code, url, timeoutMs, cause instanceof Error ? cause.message : code);
}

/** A failure code (`timeout`, `ECONNREFUSED`…) in words; `message` says an unknown one. */
export function describeExchangeFailure(code: string, url: URL, timeoutMs: number, message = code): string {
  if (code === 'ECONNREFUSED') return `connection refused by ${url.host} (is your app running?)`;
  if (code === 'timeout' || code === 'ETIMEDOUT') return `no answer from ${url.host} within ${timeoutMs / 1000} s`;
  if (code === 'ECONNRESET') return `${url.host} closed the connection`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${url.hostname}`;
  return `${url.host}: ${message}`;
}
