// The one place requests leave xcli: a lazily created keep-alive undici Agent and `send`.
// Every response body is either read to the end or destroyed, so no connection leaks.
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
// undici's index loads its whole web stack (fetch, WebSocket, cookies, caches: ~70 ms of start-up,
// docs/performance.md); xcli needs only an Agent and `request`, so it loads just those two modules.
import Agent from 'undici/lib/dispatcher/agent.js';
import request from 'undici/lib/api/api-request.js';
import type { Env } from '../io.js';
import { NetworkError } from '../errors.js';
import type { Dispatcher } from 'undici';

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
}

let agent: Agent | undefined;

/** One keep-alive agent per process (src/startup/load-bundle.cjs runs V8 with Liftoff only for undici's WebAssembly parser). */
function dispatcher(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 10_000 } });
  return agent;
}

/** Milliseconds to wait for response headers (and between body chunks); `XCLI_HTTP_TIMEOUT_MS` overrides. */
function requestTimeoutMs(env: Env): number {
  const value = Number(env.XCLI_HTTP_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : 30_000;
}

/** Sends a request and returns the head with the body still unread (the caller must read or destroy it). */
export async function sendStreaming(env: Env, req: OutgoingRequest, options: SendOptions = {}): Promise<StreamingResponse> {
  options.observe?.request(req);
  const timeout = requestTimeoutMs(env);
  let response;
  try {
    response = await request.call(dispatcher(), {
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
    throw networkError(error, req);
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
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
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
  const reason = known ? NETWORK_REASONS[known]! : error instanceof Error ? error.message : String(error);
  const where = `${req.method} ${req.url.origin}${req.url.pathname}`;
  return new NetworkError(`${where}: ${reason}${phase ? ` ${phase}` : ''}`, { cause: error });
}
