// `xcli mcp [URL]`: JSON-RPC on stdin/stdout bridged to an MCP server over Streamable HTTP with the
// user's OAuth2 token (xurl's `mcp`, docs/mcp.md). The SDK's stdio server transport reads and writes
// the lines; its Streamable HTTP client transport does the POSTs, SSE answers, the session id, the
// background GET stream and the closing DELETE. xcli adds around them: the token (login when there
// is none, one forced refresh on a 401), requests answered in order while notifications pass at
// once, a JSON-RPC error for every request that cannot be answered, the 16 MiB cap, and the drain.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { PassThrough } from 'node:stream';
import { refreshRejectedOAuth2Token, validOAuth2Token } from '../auth/authorize.js';
import { runAuthOAuth2 } from '../auth/manage.js';
import { resolveApp, secretsOf } from '../auth/resolve.js';
import type { ResolvedApp } from '../auth/types.js';
import type { Context } from '../context.js';
import { CredentialsError, UsageError } from '../errors.js';
import { importExternal } from '../startup/external.js';
import { dispatcherForX, proxyFor, redactedProxy } from '../net/dispatcher.js';
import { BEFORE_WRITE } from '../net/transport.js';
import { Redactor } from '../http/redact.js';
import type { GlobalOptions } from '../http/types.js';
import { LineCap, MAX_MESSAGE_BYTES } from './line-cap.js';
import { loadHttpClient, loadStdioServer } from './sdk.js';

/** xurl's JSON-RPC error codes for a request the bridge answers itself. */
export const BRIDGE_ERROR = { TRANSPORT: -32001, REFRESH_FAILED: -32002, NO_ANSWER: -32003 } as const;

/** How long the closing DELETE may take. */
const END_SESSION_TIMEOUT_MS = 5_000;
/** A connection that could not be made is tried once more after this long (nothing was sent). */
const CONNECT_RETRY_MS = 500;
/** The background stream's backoff (xurl): from 1 s, doubling up to 30 s, reset once a stream stayed open 5 s. */
const STREAM_BACKOFF = { firstMs: 1_000, maxMs: 30_000, stableMs: 5_000 };

class BridgeFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type Id = string | number;

/** A request waiting for its answer: from a JSON body, or later from its SSE stream. */
interface Waiter {
  answered: boolean;
  /** The answer comes as an event stream, read after `send` returned. */
  streamed: boolean;
  streamError?: unknown;
  settle(): void;
  done: Promise<void>;
}

function newWaiter(): Waiter {
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  return { answered: false, streamed: false, settle, done };
}

const keyOf = (id: Id) => JSON.stringify(id);
const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & { id: Id; method: string } =>
  'method' in m && 'id' in m && m.id !== undefined;
const isResponse = (m: JSONRPCMessage): m is JSONRPCMessage & { id: Id } =>
  !('method' in m) && 'id' in m && m.id !== undefined && m.id !== null;

export interface BridgeOptions {
  url?: string;
  globals: GlobalOptions;
}

/** The user's OAuth2 access token, read and refreshed one caller at a time (xurl's token mutex). */
class UserToken {
  private queue: Promise<unknown> = Promise.resolve();
  private username: string | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly resolved: ResolvedApp,
    username: string | undefined,
  ) {
    this.username = username;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  current(): Promise<string> {
    return this.serial(async () => {
      const { username, token } = await validOAuth2Token(this.ctx, this.resolved, this.username);
      this.username = username;
      return token.accessToken;
    });
  }

  /** The one forced refresh after a 401. */
  refresh(rejected: string): Promise<string> {
    return this.serial(
      async () => (await refreshRejectedOAuth2Token(this.ctx, this.resolved, this.username ?? '', rejected)).accessToken,
    );
  }
}

/**
 * The app and a usable token; with none, the OAuth2 login runs first (browser), as xurl's does. The
 * login never reads stdin: that belongs to the MCP client.
 */
async function bootstrap(ctx: Context, globals: GlobalOptions, log: (line: string) => void): Promise<ResolvedApp> {
  const resolved = await resolveApp(ctx, { app: globals.app });
  try {
    await validOAuth2Token(ctx, resolved, globals.username);
    return resolved;
  } catch (error) {
    if (!(error instanceof CredentialsError)) throw error;
    log(
      `${error.message.replace(/: run 'xcli auth oauth2[^']*'$/, '')}; starting the OAuth2 login (on a machine without a browser, run 'xcli auth oauth2${globals.app ? ` --app ${globals.app}` : ''} --headless' in a terminal first)`,
    );
  }
  const noStdin = new PassThrough();
  noStdin.end();
  await runAuthOAuth2(
    { ...ctx, io: { ...ctx.io, stdin: noStdin, isStdinTTY: false }, api: { ...ctx.api, app: globals.app } },
    { username: globals.username, headless: false },
  );
  return resolveApp(ctx, { app: globals.app });
}

function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL (give the MCP server's http(s) URL, e.g. https://api.x.com/mcp)`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UsageError(`'${url}' is not an http(s) URL`);
  return parsed;
}

export async function runMcpBridge(ctx: Context, options: BridgeOptions): Promise<void> {
  const { globals } = options;
  const err = ctx.io.stderr;
  const log = (line: string) => void err.write(`xcli mcp: ${line}\n`);
  if (globals.auth !== undefined && globals.auth !== 'oauth2')
    throw new UsageError(
      `the MCP bridge signs with an OAuth2 user token; --auth ${globals.auth} applies to 'xcli mcp --local' only`,
    );
  const given = options.url === undefined ? undefined : parseTarget(options.url);
  const resolved = await bootstrap(ctx, globals, log);
  const target = given ?? parseTarget(`${resolved.apiBaseUrl}/mcp`);
  const token = new UserToken(ctx, resolved, globals.username);
  const redactor = new Redactor(secretsOf(resolved));
  const [{ StdioServerTransport }, { StreamableHTTPClientTransport }, undici] = await Promise.all([
    loadStdioServer(),
    loadHttpClient(),
    importExternal<typeof import('undici')>('undici'),
  ]);
  // xcli's dispatcher for X (a proxy when HTTPS_PROXY etc. are set), without its timeouts: a tool
  // may work for minutes, and the background stream is idle most of the time.
  const dispatcher = (await dispatcherForX(ctx.env)).compose(
    (dispatch) => (opts, handler) => dispatch({ ...opts, headersTimeout: 0, bodyTimeout: 0 }, handler),
  );

  const waiters = new Map<string, Waiter>();
  /** Set once the input is done and in-flight work drained: errors then are the shutdown's own. */
  let closing = false;
  const trace = (line: string) => {
    if (globals.verbose) err.write(`${redactor.text(line)}\n`);
  };

  // ---- HTTP side -------------------------------------------------------------------------------
  let streamBackoffMs = STREAM_BACKOFF.firstMs;
  let streamOpenedAt: number | undefined;

  /** One HTTP exchange with the token, the connect retry and the -v trace. */
  async function exchange(url: string, init: RequestInit, accessToken: string): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${accessToken}`);
    headers.set('user-agent', `xcli/${ctx.version}`);
    if (globals.trace) headers.set('x-b3-flags', '1');
    const method = init.method ?? 'GET';
    if (globals.verbose) {
      const proxy = proxyFor(ctx.env, new URL(url));
      const lines = [...(proxy ? [`* proxy: ${redactedProxy(proxy)}`] : []), `> ${method} ${redactor.url(url)}`];
      for (const [name, value] of headers) lines.push(`> ${name}: ${redactor.header(name, value)}`);
      if (typeof init.body === 'string')
        lines.push(`> ${init.body.length > 2000 ? `${init.body.slice(0, 2000)}… [${init.body.length} bytes]` : init.body}`);
      trace(lines.join('\n'));
    }
    const attempt = () =>
      undici.fetch(url, { ...(init as object), headers, dispatcher } as Parameters<
        typeof undici.fetch
      >[1]) as unknown as Promise<Response>;
    let response: Response;
    try {
      response = await attempt();
    } catch (error) {
      if (!neverConnected(error) || init.signal?.aborted) throw transportFailure(error, method, url);
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
      try {
        response = await attempt();
      } catch (again) {
        throw transportFailure(again, method, url);
      }
    }
    if (globals.verbose) {
      const lines = [`< ${response.status} ${response.statusText}`.trimEnd()];
      for (const [name, value] of response.headers) lines.push(`< ${name}: ${redactor.header(name, value)}`);
      trace(lines.join('\n'));
    }
    return response;
  }

  /** The fetch the SDK's transport calls: auth, one refresh and retry on 401, and xurl's rules for odd answers. */
  async function bridgeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method ?? 'GET').toUpperCase();
    if (method === 'GET') await streamBackoff();
    const sent = await token.current().catch((error: unknown) => {
      throw new BridgeFailure(BRIDGE_ERROR.REFRESH_FAILED, `no usable OAuth2 token: ${(error as Error).message}`);
    });
    let response = await exchange(url, init, sent);
    if (response.status === 401) {
      await response.body?.cancel();
      log('the server answered 401: refreshing the OAuth2 token and trying once more');
      const fresh = await token.refresh(sent).catch((error: unknown) => {
        throw new BridgeFailure(
          BRIDGE_ERROR.REFRESH_FAILED,
          `the server refused the token (401) and refreshing it failed: ${(error as Error).message}`,
        );
      });
      response = await exchange(url, init, fresh);
    }
    if (method === 'POST') return postAnswer(response, init);
    if (method === 'GET') return streamAnswer(response);
    return response;
  }

  /**
   * A POST's answer as the SDK should see it. An error status whose body is a JSON-RPC answer to the
   * request is that answer (the SDK would drop it); an event stream is watched so that its end
   * without an answer is noticed.
   */
  async function postAnswer(response: Response, init: RequestInit): Promise<Response> {
    const type = response.headers.get('content-type') ?? '';
    if (response.status >= 400) {
      const text = await response.text().catch(() => '');
      const headers = new Headers(response.headers);
      if (isJsonRpcAnswer(text)) {
        headers.set('content-type', 'application/json');
        return new Response(text, { status: 200, headers });
      }
      return new Response(text, { status: response.status, statusText: response.statusText, headers });
    }
    if (/^text\/event-stream/i.test(type) && response.body) {
      const waiter = waiterFor(init.body);
      if (waiter) {
        waiter.streamed = true;
        const body = watchEnd(response.body, (error) => {
          waiter.streamError = error;
          // The SDK reads the last events from its pipe in promise jobs: a macrotask later they are in.
          setImmediate(() => waiter.settle());
        });
        return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      }
    }
    return response;
  }

  function waiterFor(body: RequestInit['body']): Waiter | undefined {
    if (typeof body !== 'string') return undefined;
    try {
      const message = JSON.parse(body) as { id?: Id; method?: string };
      return message.method !== undefined && message.id !== undefined ? waiters.get(keyOf(message.id)) : undefined;
    } catch {
      return undefined;
    }
  }

  /** xurl's rules for the background stream: give up on 4xx (not 408/429) and on a 200 that is not a stream. */
  async function streamAnswer(response: Response): Promise<Response> {
    const type = response.headers.get('content-type') ?? '';
    const refused = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    const notStream = response.ok && !/^text\/event-stream/i.test(type);
    if (refused || notStream) {
      await response.body?.cancel();
      if (response.status !== 405)
        log(
          `the server ${refused ? `refused the background stream (HTTP ${response.status})` : 'answered the background stream without an event stream'}; not opening it again`,
        );
      // 405 is how the SDK's transport learns that a server has no background stream.
      return new Response(null, { status: 405 });
    }
    if (!response.ok || !response.body) return response;
    streamOpenedAt = ctx.now();
    const body = watchEnd(response.body, () => {
      const lasted = ctx.now() - (streamOpenedAt ?? 0);
      streamBackoffMs =
        lasted >= STREAM_BACKOFF.stableMs ? STREAM_BACKOFF.firstMs : Math.min(streamBackoffMs * 2, STREAM_BACKOFF.maxMs);
      if (!closing) log(`the background stream closed after ${Math.round(lasted / 1000)} s; reopening`);
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** A stream that keeps dropping at once waits longer each time (the SDK's own delay comes on top). */
  async function streamBackoff(): Promise<void> {
    if (streamOpenedAt === undefined || streamBackoffMs === STREAM_BACKOFF.firstMs) return;
    await new Promise((resolve) => setTimeout(resolve, streamBackoffMs - STREAM_BACKOFF.firstMs));
  }

  const http = new StreamableHTTPClientTransport(target, {
    fetch: bridgeFetch as typeof fetch,
    reconnectionOptions: {
      initialReconnectionDelay: STREAM_BACKOFF.firstMs,
      maxReconnectionDelay: STREAM_BACKOFF.maxMs,
      reconnectionDelayGrowFactor: 2,
      maxRetries: Number.POSITIVE_INFINITY,
    },
  });
  // The transport reports a failed send here and then throws it to the sender, which says it with
  // the message it concerns; what no sender claimed a moment later (the background stream) is said here.
  const claimed = new WeakSet<object>();
  const claim = (error: unknown) => {
    if (typeof error === 'object' && error !== null) claimed.add(error);
  };
  http.onerror = (error) => {
    if (error instanceof BridgeFailure || closing) return;
    setImmediate(() => {
      if (!claimed.has(error)) log(redactor.text(error.message.replace(/^Streamable HTTP error: /, '')));
    });
  };

  // ---- stdio side ------------------------------------------------------------------------------
  const capped = new LineCap(MAX_MESSAGE_BYTES, (bytes) =>
    log(`dropped a message of ${bytes} bytes from stdin: over the ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB limit`),
  );
  const stdio = new StdioServerTransport(capped, ctx.io.stdout, { maxBufferSize: MAX_MESSAGE_BYTES + 2 });
  const write = (message: JSONRPCMessage) => stdio.send(message).catch(() => {});

  http.onmessage = (message) => {
    if (isResponse(message)) {
      const waiter = waiters.get(keyOf(message.id));
      if (!waiter || waiter.answered) {
        log(`dropped an answer to request ${keyOf(message.id)}, which is not waiting for one`);
        return;
      }
      waiter.answered = true;
      const result = (message as { result?: { protocolVersion?: unknown } }).result;
      if (typeof result?.protocolVersion === 'string') http.setProtocolVersion(result.protocolVersion);
      void write(message).then(() => waiter.settle());
      return;
    }
    void write(message);
  };

  let requests: Promise<void> = Promise.resolve();
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  /** While an `initialize` is on its way, what else the client sends waits: it needs the session it opens. */
  let initializing: Promise<void> | undefined;

  async function forwardRequest(message: JSONRPCMessage & { id: Id }): Promise<void> {
    const key = keyOf(message.id);
    const waiter = newWaiter();
    waiters.set(key, waiter);
    try {
      await http.send(message);
      if (!waiter.answered && !waiter.streamed)
        throw new BridgeFailure(BRIDGE_ERROR.NO_ANSWER, 'the server answered without a reply to this request');
      await waiter.done;
      if (!waiter.answered) {
        throw waiter.streamError === undefined
          ? new BridgeFailure(BRIDGE_ERROR.NO_ANSWER, "the server's event stream ended without a reply to this request")
          : transportFailure(waiter.streamError, 'POST', target.href);
      }
    } catch (error) {
      claim(error);
      if (waiter.answered) return;
      waiter.answered = true;
      const failure = asFailure(error);
      log(`request ${key}: ${redactor.text(failure.message)}`);
      await write({
        jsonrpc: '2.0',
        id: message.id,
        error: { code: failure.code, message: `xcli mcp: ${redactor.text(failure.message)}` },
      } as JSONRPCMessage);
    } finally {
      waiters.delete(key);
    }
  }

  stdio.onerror = (error) => log(`ignored a line on stdin that is not a JSON-RPC message (${oneLine(error.message)})`);
  stdio.onmessage = (message) => {
    if (closing) return;
    if (isRequest(message)) {
      // In order: each request waits for the answer to the one before.
      const forwarded = requests.then(() => forwardRequest(message));
      requests = forwarded;
      if (message.method === 'initialize') {
        const gate: Promise<void> = forwarded.finally(() => {
          if (initializing === gate) initializing = undefined;
        });
        initializing = gate;
      }
      track(forwarded);
      return;
    }
    // Notifications and answers to the server's own requests never wait behind a request.
    const send = initializing ? initializing.then(() => http.send(message)) : http.send(message);
    track(
      send.catch((error: unknown) => {
        claim(error);
        log(
          `could not pass on a ${'method' in message ? `'${message.method}' notification` : 'reply'}: ${redactor.text(asFailure(error).message)}`,
        );
      }),
    );
  };

  const stdin = ctx.io.stdin;
  let stopInterrupt: () => void = () => {};
  const ended = new Promise<string>((resolve) => {
    capped.once('end', () => resolve('end of input'));
    const off = ctx.onInterrupt(() => {
      off();
      resolve('interrupted');
    });
    stopInterrupt = off;
  });
  await http.start();
  await stdio.start();
  stdin.pipe(capped);
  log(`bridging stdin/stdout to ${redactor.url(target)} (logs on stderr)`);

  const why = await ended;
  stopInterrupt();
  stdin.unpipe(capped);
  if (why !== 'end of input') stdin.pause();
  // Work already read is finished before the session ends.
  if (inFlight.size > 0)
    log(
      `${why}: finishing ${inFlight.size === 1 ? 'the message' : `${inFlight.size} messages`} in flight, then ending the session`,
    );
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  closing = true;
  if (http.sessionId) {
    const ended = await Promise.race([
      http.terminateSession().then(
        () => 'ended',
        (error: unknown) => `not ended (${(error as Error).message})`,
      ),
      new Promise<string>((resolve) =>
        setTimeout(resolve, END_SESSION_TIMEOUT_MS, `not ended (no answer within ${END_SESSION_TIMEOUT_MS / 1000} s)`).unref(),
      ),
    ]);
    log(`${why}: session ${ended}`);
  } else {
    log(`${why}: done`);
  }
  await http.close();
  await stdio.close();
}

/** A stream that passes its bytes through and calls `onEnd` once, when it ends, fails or is cancelled. */
function watchEnd(body: ReadableStream<Uint8Array>, onEnd: (error?: unknown) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          end();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        controller.error(error);
        end(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
}

function isJsonRpcAnswer(text: string): boolean {
  try {
    const value = JSON.parse(text) as { jsonrpc?: unknown; id?: unknown; result?: unknown; error?: unknown };
    return (
      value?.jsonrpc === '2.0' &&
      (typeof value.id === 'string' || typeof value.id === 'number') &&
      ('result' in value || 'error' in value)
    );
  } catch {
    return false;
  }
}

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/** Only a connection that was never made is retried: a request that reached the server may have acted (a post). */
function neverConnected(error: unknown): boolean {
  return causeCodes(error).some((code) => BEFORE_WRITE.has(code));
}

function transportFailure(error: unknown, method: string, url: string): BridgeFailure {
  if (error instanceof BridgeFailure) return error;
  const code = causeCodes(error)[0];
  const where = `${method} ${new URL(url).origin}${new URL(url).pathname}`;
  const reason =
    code ?? (error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error));
  return new BridgeFailure(BRIDGE_ERROR.TRANSPORT, `${where}: ${reason}`);
}

/** Any failure of a send as one of the three codes: the SDK's own errors mean the answer was unusable. */
function asFailure(error: unknown): BridgeFailure {
  if (error instanceof BridgeFailure) return error;
  const message = error instanceof Error ? error.message.replace(/^Streamable HTTP error: /, '') : String(error);
  if (error instanceof TypeError && causeCodes(error).length > 0) return new BridgeFailure(BRIDGE_ERROR.TRANSPORT, message);
  return new BridgeFailure(BRIDGE_ERROR.NO_ANSWER, `no usable answer: ${oneLine(message).slice(0, 300)}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
