// The one place requests to X leave xcli (API calls, streams, OAuth2 token calls): `send` through the
// dispatcher for X (dispatcher.ts). Below both http/ and auth/, so the credentials need no request pipeline.
// Every response body is either read to the end or destroyed, so no connection leaks.
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
// undici's index loads its whole web stack; xcli loads `request` by its path (dispatcher.ts says why).
import request from 'undici/lib/api/api-request.js';
import type { Env } from '../io.js';
import { NetworkError } from '../errors.js';
import type { Dispatcher } from 'undici';
import { dispatcherForX, proxyFor, redactedProxy } from './dispatcher.js';

/** A fully built request: what goes on the wire, nothing left to decide. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  /** Header names as the user or xcli wrote them. */
  headers: Record<string, string>;
  body?: Buffer;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with `, ` (set-cookie with `\n`). */
  headers: Record<string, string>;
  /** Every header line in arrival order, for `-i` and `-v`. */
  headerLines: Array<[string, string]>;
}

export interface StreamingResponse extends ResponseHead {
  body: Readable;
}

export interface SendOptions {
  /** Called with the request just before it is sent and with the response head (`-v`). */
  observe?: { request(req: OutgoingRequest): void; response(head: ResponseHead): void };
  signal?: AbortSignal;
  /** Streams have no body timeout: the stall watchdog in stream.ts replaces it. */
  streaming?: boolean;
  /** Called after each chunk of a body read whole, with the bytes so far (`-o`'s progress line). */
  onBody?: BodyObserver;
}

export type BodyObserver = (received: number, head: ResponseHead) => void;

/** Milliseconds to wait for response headers (and between body chunks); `XCLI_HTTP_TIMEOUT_MS` overrides. */
function requestTimeoutMs(env: Env): number {
  const value = Number(env.XCLI_HTTP_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : 30_000;
}

/** Sends a request and returns the head with the body still unread (the caller must read or destroy it). */
export async function sendStreaming(env: Env, req: OutgoingRequest, options: SendOptions = {}): Promise<StreamingResponse> {
  options.observe?.request(req);
  const timeout = requestTimeoutMs(env);
  let response: Dispatcher.ResponseData;
  try {
    response = await request.call(await dispatcherForX(env), {
      origin: req.url.origin,
      path: `${req.url.pathname}${req.url.search}`,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      signal: options.signal,
      headersTimeout: timeout,
      bodyTimeout: options.streaming ? 0 : timeout,
    });
  } catch (error) {
    const proxy = proxyFor(env, req.url);
    throw networkError(error, req, proxy ? `(through the proxy ${redactedProxy(proxy)})` : '');
  }
  const head = responseHead(response.statusCode, response.headers);
  options.observe?.response(head);
  return { ...head, body: response.body };
}

/** Sends a request and reads the whole body; a connection lost mid-body is a NetworkError, never a short body. */
export async function send(env: Env, req: OutgoingRequest, options: SendOptions = {}): Promise<ResponseHead & { body: Buffer }> {
  const response = await sendStreaming(env, req, options);
  try {
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of response.body) {
      chunks.push(chunk as Buffer);
      received += (chunk as Buffer).length;
      options.onBody?.(received, response);
    }
    return { ...response, body: Buffer.concat(chunks) };
  } catch (error) {
    response.body.destroy();
    throw networkError(error, req, 'while reading the response');
  }
}

function responseHead(status: number, raw: Record<string, string | string[] | undefined>): ResponseHead {
  const headers: Record<string, string> = {};
  const headerLines: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) headerLines.push([name, v]);
    headers[name.toLowerCase()] = values.join(name.toLowerCase() === 'set-cookie' ? '\n' : ', ');
  }
  return { status, statusText: STATUS_CODES[status] ?? '', headers, headerLines };
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'cannot resolve host',
  EAI_AGAIN: 'cannot resolve host (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the response',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the response',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_ABORTED: 'request aborted',
  ABORT_ERR: 'request aborted',
  UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE: 'response too large',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
};

/** Failures that happen before a request is written: the server cannot have acted on it. */
export const BEFORE_WRITE: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** TLS handshake failures (certificate checks, protocol mismatch): also before anything is written. */
const TLS_HANDSHAKE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;

/**
 * Whether a failed request provably never reached the server (connection refused, DNS failure, TLS
 * failure before the request was written). A reset or a closed connection may come after the
 * server read the request, so it does not count.
 */
export function neverReachedServer(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (BEFORE_WRITE.has(code) || TLS_HANDSHAKE.test(code))) return true;
  }
  return false;
}

/** Turns an undici or socket error into one line naming the host and the reason. */
export function networkError(error: unknown, req: OutgoingRequest, phase = ''): NetworkError {
  if (error instanceof NetworkError) return error;
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if ((e as { name?: unknown }).name === 'AbortError') codes.push('ABORT_ERR');
  }
  const known = codes.find((c) => NETWORK_REASONS[c]);
  // undici reports a proxy's refusal as an aborted request or a bad argument: say what happened.
  const proxyStatus = /^Proxy (?:response|Authentication Required) \((\d+)\)/.exec(
    error instanceof Error ? error.message : '',
  )?.[1];
  const reason = proxyStatus
    ? `the proxy answered ${proxyStatus}${proxyStatus === '407' ? ' (Proxy Authentication Required: put user:password in the proxy URL)' : ''}`
    : known
      ? NETWORK_REASONS[known]!
      : error instanceof Error
        ? error.message
        : String(error);
  const where = `${req.method} ${req.url.origin}${req.url.pathname}`;
  return new NetworkError(`${where}: ${reason}${phase ? ` ${phase}` : ''}`, { cause: error });
}
