// The local X API emulator: a node:http server speaking X's routes, auth, errors, limits and streams.
// Used by `xcli sandbox`, `xcli webhook start --sandbox` and the project's own tests (one fake, not two).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxApp, SandboxSettings, StreamBehaviour } from './app.js';
import { authenticate, type SandboxCredentials } from './auth.js';
import { systemClock, systemScheduler, type Clock, type Scheduler } from './clock.js';
import { CrcSchedule, X_CRC_GRACE_MS } from './crc-schedule.js';
import { DeliveryEngine, emitActivity, X_RETRY_DELAYS_MS, type ActivityEnvelope, type ActivityInput } from './events.js';
import { OAuth2Grants, type TokenResponse } from './oauth2-grants.js';
import { matchRoute } from '../../http/routes.js';
import {
  invalidRequest,
  missingScopes,
  notEmulated,
  tooManyRequests,
  unauthorized,
  unknownRoute,
  unsupportedAuthentication,
} from './problems.js';
import { RateLimiter } from './rate-limit.js';
import { Router, type AuthInfo, type RouteHandler, type RouteOptions, type SandboxResponse } from './router.js';
import { registerAllRoutes } from './routes/index.js';
import { ALL_SCOPES } from './scopes.js';
import { createState, type SandboxState } from './store.js';
import { StreamHub, type StreamConnection } from './streaming.js';
import { RequestValidator } from './validate.js';

export type { SandboxApp, SandboxSettings, StreamBehaviour, RouteModule } from './app.js';
export type { SandboxCredentials } from './auth.js';
export type { ActivityEnvelope, ActivityInput } from './events.js';
export type { StreamConnection } from './streaming.js';
export { emitActivity } from './events.js';
export type { AuthInfo, RouteHandler, RouteOptions, SandboxRequest, SandboxResponse } from './router.js';
export * from './store.js';
export { ALL_SCOPES } from './scopes.js';
export { ManualScheduler, systemClock, systemScheduler, type Clock, type Scheduler, type Timer } from './clock.js';

export interface SandboxOptions {
  /** How many recent requests `requests` and `unmatched` keep (default 1000): a long-running sandbox must not grow without bound. */
  recordedRequests?: number;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Fixed credentials; anything not given is generated at random. */
  credentials?: Partial<SandboxCredentials>;
  /** A world to start from (e.g. loaded from `--state FILE`); default: fresh seed data. */
  state?: SandboxState;
  /** Lifetime of issued OAuth2 access tokens in seconds (X: 7200). */
  accessTokenTtlSeconds?: number;
  /** Lifetime of OAuth2 authorization codes in ms (X: 30 s). */
  codeTtlMs?: number;
  /** Shorthand for `retryScale: 0.01` (3 s → 30 s → 5 min becomes 30 ms → 300 ms → 3 s). */
  fastRetries?: boolean;
  /** Multiplies X's retry delays. */
  retryScale?: number;
  /** A delivery or CRC answer slower than this is a failure (X: 3000 ms). */
  deliveryTimeoutMs?: number;
  /** Probability 0–1 of re-delivering a delivered event. */
  duplicates?: number;
  /** Deliver out of order: each delivery waits a random 0–N ms (true = 200 ms). */
  shuffle?: boolean | number;
  /** Re-run the CRC on every webhook this often (ms). */
  crcEveryMs?: number;
  /** How long transient CRC failures may last before a webhook turns invalid (X: 28 h). */
  crcGraceMs?: number;
  /** Webhooks per app (default 1, as X's Pay-Per-Use tier). */
  webhookLimit?: number;
  /** Accept http:// webhook URLs on loopback hosts (default true; X itself wants https). */
  allowHttpLoopbackWebhooks?: boolean;
  /** Stream keep-alive interval (default 20 s as X), drop or stall after N records. */
  stream?: Partial<StreamBehaviour>;
  /** Requests allowed per 15-minute window, by `"METHOD /template"` (e.g. `"GET /2/tweets/:id"`). */
  rateLimits?: Record<string, number>;
  /** Window size for routes not in `rateLimits` (default 900). */
  defaultRateLimit?: number;
  /** The time every service reads (default: the system clock). */
  clock?: Clock;
  /** Sets every timer: retries, shuffles, the CRC schedule, stream keep-alives (default: real timers). */
  scheduler?: Scheduler;
  random?: () => number;
  /** Where the sandbox reports what a developer should notice (unknown routes); default: nowhere. */
  log?: (line: string) => void;
  /** Called (debounced by the caller if needed) after state changes worth saving. */
  onChange?: (state: SandboxState) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters (the first value of each). */
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The body as UTF-8, at most its first RECORDED_BODY_BYTES bytes (a media upload is not kept whole). */
  body: string;
  /** The body's true length in bytes. */
  bodyBytes: number;
  authKind: AuthInfo['kind'] | 'invalid';
  /** The route template that answered, or undefined when no route matched (a 404). */
  route?: string;
  status?: number;
}

export interface FaultSpec {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  /** How many matching requests get this answer (default 1). */
  times?: number;
}

export interface Sandbox {
  url: string;
  port: number;
  credentials: SandboxCredentials;
  state: SandboxState;
  /** The most recent requests (SandboxOptions.recordedRequests, default 1000), in order of arrival. */
  requests: RecordedRequest[];
  /** Recent requests no route matched: usually a missing route in the fake, worth a look. */
  unmatched: RecordedRequest[];
  /** The streaming connections open now. */
  streams: ReadonlySet<StreamConnection>;
  /** Adds a route or replaces the one with the same method and template. */
  route(method: string, template: string, handler: RouteHandler, options?: RouteOptions): void;
  /** The next `times` requests matching method and path (`:param` segments allowed) get this answer. */
  failNext(method: string, path: string, fault: FaultSpec): void;
  /** Changes stream behaviour (drop/stall) for connections opened from now on. */
  configureStreams(behaviour: Partial<StreamBehaviour>): void;
  /** Issues an OAuth2 user token directly, without the browser flow. */
  mintUserToken(grant?: { userId?: string; scopes?: string[]; clientId?: string }): TokenResponse;
  /** Makes an X Activity event happen (as `xcli sandbox emit`). */
  emit(eventType: string, input: ActivityInput): ActivityEnvelope[];
  /** Resolves once no delivery is running or waiting for a retry. */
  deliveriesSettled(): Promise<void>;
  close(): Promise<void>;
}

/** How much of each request body `requests` keeps: enough for any JSON or form X takes, not a video. */
export const RECORDED_BODY_BYTES = 64 * 1024;

/** Appends, dropping the oldest entries beyond `limit` (a few at a time, not one shift per request). */
function keepRecent<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit + Math.ceil(limit / 10)) list.splice(0, list.length - limit);
}

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

export function generateCredentials(given: Partial<SandboxCredentials> = {}): SandboxCredentials {
  return {
    consumerKey: given.consumerKey ?? secret(18),
    consumerSecret: given.consumerSecret ?? secret(36),
    accessToken: given.accessToken ?? `1849202834569625600-${secret(22)}`,
    accessTokenSecret: given.accessTokenSecret ?? secret(33),
    bearerToken: given.bearerToken ?? `AAAAAAAAAAAAAAAAAAAAA${secret(60)}`,
    clientId: given.clientId ?? secret(24),
    clientSecret: given.clientSecret ?? secret(37),
  };
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const clock = opts.clock ?? systemClock;
  const scheduler = opts.scheduler ?? systemScheduler;
  const now = () => clock.now();
  const random = opts.random ?? Math.random;
  const credentials = generateCredentials(opts.credentials);
  const state = opts.state ?? createState(now());
  const router = new Router();
  const recordLimit = Math.max(1, opts.recordedRequests ?? 1000);
  const requests: RecordedRequest[] = [];
  const unmatched: RecordedRequest[] = [];
  const faults: { method: string; segments: string[]; fault: FaultSpec; remaining: number }[] = [];
  const retryScale = opts.retryScale ?? (opts.fastRetries ? 0.01 : 1);
  const changed = () => opts.onChange?.(state);
  const timeoutMs = opts.deliveryTimeoutMs ?? 3_000;
  const engine = new DeliveryEngine(state, {
    consumerSecret: credentials.consumerSecret,
    retryDelaysMs: X_RETRY_DELAYS_MS.map((ms) => Math.round(ms * retryScale)),
    timeoutMs,
    duplicates: opts.duplicates ?? 0,
    shuffleMs: opts.shuffle === true ? 200 : typeof opts.shuffle === 'number' ? opts.shuffle : 0,
    random,
    clock,
    scheduler,
    onChange: changed,
  });
  const crc = new CrcSchedule(state, {
    consumerSecret: credentials.consumerSecret,
    timeoutMs,
    graceMs: opts.crcGraceMs ?? X_CRC_GRACE_MS,
    clock,
    scheduler,
    onChange: changed,
  });
  const grants = new OAuth2Grants(
    { accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 7200, codeTtlMs: opts.codeTtlMs ?? 30_000, now },
    state.oauth2,
  );
  const settings: SandboxSettings = {
    webhookLimit: opts.webhookLimit ?? 1,
    allowHttpLoopbackWebhooks: opts.allowHttpLoopbackWebhooks ?? true,
    stream: { heartbeatMs: 20_000, ...opts.stream },
    rateLimit: (method, template) => opts.rateLimits?.[`${method} ${template}`] ?? opts.defaultRateLimit ?? 900,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 7200,
  };
  const streams = new StreamHub(scheduler, settings.stream);
  const limiter = new RateLimiter(now);
  const validator = await RequestValidator.load();
  const extraBearers = new Set<string>();
  let baseUrl = '';
  const app: SandboxApp = {
    state,
    credentials,
    settings,
    clock,
    scheduler,
    engine,
    crc,
    streams,
    grants,
    extraBearers,
    url: () => baseUrl,
    now,
    route: (method, template, handler, options) => router.route(method, template, handler, options),
    changed,
  };
  registerAllRoutes(app);

  const authenticator = {
    credentials,
    grants,
    extraBearers,
    authenticatedUserId: () => state.authenticatedUserId,
    now,
    seenNonces: new Map<string, number>(),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    // Prefixed, not resolved against a base: a request path starting with `//` is a path, not a host.
    const target = req.url ?? '/';
    const url = new URL(`http://sandbox.invalid${target.startsWith('/') ? target : `/${target}`}`);
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const contentType = String(req.headers['content-type'] ?? '');
    const isForm = contentType.includes('application/x-www-form-urlencoded');
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: rawBody.subarray(0, RECORDED_BODY_BYTES).toString('utf8'),
      bodyBytes: rawBody.length,
      authKind: 'none',
    };
    keepRecent(requests, record, recordLimit);
    const respond = (r: SandboxResponse) => {
      record.status = r.status;
      writeResponse(res, r);
    };

    const fault = faults.find((f) => f.remaining > 0 && f.method === method && segmentsMatch(f.segments, path));
    if (fault) {
      fault.remaining--;
      respond({ status: fault.fault.status, headers: fault.fault.headers, json: fault.fault.json, body: fault.fault.body });
      return;
    }

    // X answers a query it cannot decode with 400 (the sandbox used to fail on it with a 500).
    const badEscape = malformedEscape(url.search);
    if (badEscape)
      return respond(
        invalidRequest(`The query string has a malformed percent-encoding [${badEscape}]`, {
          parameters: { query: [url.search.slice(1)] },
        }),
      );

    const match = router.match(method, path);
    // A route of X's description the sandbox does not serve is still checked as X would, then
    // answered "not emulated"; anything else is an unknown route.
    const fact = match ? undefined : matchRoute(method, path);
    if (!match && !fact) {
      keepRecent(unmatched, record, recordLimit);
      opts.log?.(`sandbox: no route for ${method} ${path} (answered 404)`);
      respond(unknownRoute(path));
      return;
    }
    const template = match?.def.template ?? fact!.path;
    const specPath = match ? match.def.specPath : fact!.path;
    record.route = template;

    const auth = authenticate(authenticator, {
      method,
      url: `http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`,
      headers: req.headers,
      formBody: isForm ? rawBody.toString('utf8') : undefined,
    });
    record.authKind = auth === 'invalid' ? 'invalid' : auth.kind;
    const accepted = match ? match.def.auth : fact!.auth;
    if (accepted !== 'none') {
      if (auth === 'invalid' || auth.kind === 'none') return respond(unauthorized());
      if (!accepted.includes(auth.kind)) return respond(unsupportedAuthentication(auth.kind, accepted));
      if (auth.kind === 'oauth2') {
        const missing = (match ? match.def.scopes : fact!.scopes).filter((s) => !auth.scopes?.includes(s));
        if (missing.length) return respond(missingScopes(missing));
      }
    }
    const who = auth === 'invalid' || auth.kind === 'none' ? 'anonymous' : auth.kind === 'bearer' ? 'app' : `user:${auth.userId}`;
    const window = limiter.take(`${method} ${template}|${who}`, settings.rateLimit(method, template));
    for (const [k, v] of Object.entries(window.headers)) res.setHeader(k, v);
    // X tells OAuth 1.0a callers what their access token may do.
    if (auth !== 'invalid' && auth.kind === 'oauth1') res.setHeader('x-access-level', 'read-write-directmessages');
    if (window.exhausted) return respond(tooManyRequests(window.headers));

    let json: unknown;
    const isJson = rawBody.length > 0 && (contentType.includes('json') || contentType === '');
    if (isJson) {
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        if (contentType.includes('json')) return respond(invalidRequest('Request body is not valid JSON.'));
      }
    }
    const operation = specPath ? validator.operation(method, specPath) : undefined;
    if (operation) {
      const refused = validator.check(operation, {
        query: url.searchParams,
        path,
        json,
        hasJsonBody: json !== undefined,
        mediaType: contentType.split(';')[0]!.trim().toLowerCase(),
        parts: match?.def.validate,
      });
      if (refused) return respond(refused);
    }
    if (!match) return respond(notEmulated(method, fact!.path, fact!.operationId));

    const result = await match.def.handler({
      method,
      path,
      params: match.params,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      json,
      ...(isForm ? { form: new URLSearchParams(rawBody.toString('utf8')) } : {}),
      auth: auth === 'invalid' ? { kind: 'none' } : auth,
      raw: res,
    });
    if (result === 'streamed') {
      record.status = res.statusCode;
      return;
    }
    respond(result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.log?.(`sandbox: handler failed for ${req.method} ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent)
        writeResponse(res, {
          status: 500,
          json: {
            title: 'Internal Error',
            detail: 'The sandbox failed to answer.',
            type: 'https://api.x.com/2/problems/internal-error',
            status: 500,
          },
        });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;
  if (opts.crcEveryMs) crc.every(opts.crcEveryMs);

  return {
    url: baseUrl,
    port: address.port,
    credentials,
    state,
    requests,
    unmatched,
    streams: streams.connections,
    route: app.route,
    failNext(method, path, fault) {
      faults.push({
        method: method.toUpperCase(),
        segments: path.split('/').filter(Boolean),
        fault,
        remaining: fault.times ?? 1,
      });
    },
    configureStreams(behaviour) {
      Object.assign(settings.stream, behaviour);
    },
    mintUserToken(grant = {}) {
      return grants.mint({
        userId: grant.userId ?? state.authenticatedUserId,
        scopes: grant.scopes ?? ALL_SCOPES,
        clientId: grant.clientId ?? credentials.clientId,
      });
    },
    emit: (eventType, input) => emitActivity(app, eventType, input),
    deliveriesSettled: () => engine.settled(),
    async close() {
      engine.close();
      crc.close();
      streams.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The first `%` escape of a query string that does not decode (`%E0%A4%A`), or undefined. */
function malformedEscape(search: string): string | undefined {
  for (const part of search.slice(1).split(/[&=]/)) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  }
  return undefined;
}

function segmentsMatch(pattern: string[], path: string): boolean {
  const parts = path.split('/').filter(Boolean);
  return pattern.length === parts.length && pattern.every((seg, i) => seg.startsWith(':') || seg === parts[i]);
}

/** Largest request body read (media chunks are at most 5 MB on X). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function writeResponse(res: ServerResponse, r: SandboxResponse): void {
  const headers: Record<string, string> = { 'x-transaction-id': randomBytes(8).toString('hex'), ...r.headers };
  let body: string | Buffer = '';
  if (r.json !== undefined) {
    body = JSON.stringify(r.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (r.body !== undefined) {
    body = r.body;
  }
  res.writeHead(r.status, headers);
  res.end(body);
}
