// Building and sending one request the same way for every caller (raw requests, callApi, streams):
// resolve the app, pick and apply auth, add xcli's headers, trace with -v, redact secrets.
import { authorize, availableAuthKinds, defaultUserOf } from '../auth/authorize.js';
import { resolveApp, secretsOf } from '../auth/resolve.js';
import type { ResolvedApp } from '../auth/types.js';
import type { Context } from '../context.js';
import { chooseAuth, type AuthChoice } from './auth-choice.js';
import { proxyFor, redactedProxy } from '../net/dispatcher.js';
import { limitScope, rateLimitLine, rememberLimit, seenLimit } from './rate-limits.js';
import { Redactor } from './redact.js';
import type { AuthKind } from './route-types.js';
import {
  send,
  sendStreaming,
  type BodyObserver,
  type OutgoingRequest,
  type ResponseHead,
  type SendOptions,
} from '../net/transport.js';
import type { GlobalOptions } from './types.js';
import { resolveRequest, type ResolvedRequest } from './url.js';

/** What a caller wants sent; auth and xcli's own headers are added by `prepare`. */
export interface RequestSpec {
  method: string;
  url: URL;
  /** The caller's headers; a `Content-Type`, `Authorization` or `User-Agent` here wins over xcli's. */
  headers?: Record<string, string>;
  body?: Buffer;
  /** A kind the command wants (the user's `--auth` still wins). */
  authKind?: AuthKind;
  /**
   * The API path and route of `url`, when the caller already worked them out; `prepare` does
   * otherwise. Only the query may change afterwards (pages), never the path.
   */
  target?: ResolvedRequest;
}

export interface PreparedRequest extends OutgoingRequest {
  /** The chosen auth, why, and which credential (for -v, and later --dry-run). */
  auth: AuthChoice & { detail?: string };
  /** API path and route, worked out once per request for auth and rate-limit bookkeeping. */
  target: Omit<ResolvedRequest, 'url'>;
}

export { rateLimitLine } from './rate-limits.js';

/** One invocation's resolved app, options and redactor, shared by every request it makes. */
export interface ApiSession {
  ctx: Context;
  globals: GlobalOptions;
  resolved: ResolvedApp;
  redactor: Redactor;
  /** Warnings already shown, so pages and retries do not repeat them. */
  warned: Set<string>;
}

export async function openSession(ctx: Context, globals: GlobalOptions): Promise<ApiSession> {
  const resolved = await resolveApp(ctx, { app: globals.app });
  return { ctx, globals, resolved, redactor: new Redactor(secretsOf(resolved)), warned: new Set() };
}

/** Case-insensitive header lookup. */
export function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export interface PrepareOptions {
  /**
   * For `--dry-run`/`--curl`: nothing may be sent, so an OAuth2 user token is used as stored
   * instead of being refreshed at the token endpoint (its value is never shown anyway).
   */
  rehearsal?: boolean;
}

export async function prepare(session: ApiSession, spec: RequestSpec, options: PrepareOptions = {}): Promise<PreparedRequest> {
  const { ctx, globals, resolved } = session;
  const headers: Record<string, string> = { ...spec.headers };
  if (!headerOf(headers, 'user-agent')) headers['User-Agent'] = `xcli/${ctx.version}`;
  if (globals.trace) headers['X-B3-Flags'] = '1';
  const { apiPath, route } = spec.target ?? resolveRequest(spec.method, spec.url, resolved.apiBaseUrl);
  let auth: PreparedRequest['auth'];
  if (headerOf(headers, 'authorization') !== undefined) {
    auth = { reason: 'an Authorization header was given' };
  } else {
    const available = availableAuthKinds(resolved, globals.username);
    auth = chooseAuth({
      method: spec.method,
      route,
      apiHost: apiPath !== undefined,
      host: spec.url.host,
      flag: globals.auth,
      forced: spec.authKind,
      username: globals.username,
      available,
      appLabel: resolved.name ? `app '${resolved.name}'` : 'the environment (no stored app)',
      storedAppsWithoutDefault:
        available.length === 0 && !resolved.name ? Object.keys((await ctx.store()).read().apps) : undefined,
    });
    if (auth.kind) {
      const contentType = headerOf(headers, 'content-type') ?? '';
      // OAuth 1.0a signs form bodies (RFC 5849 3.4.1.3), never JSON or multipart ones.
      const form =
        spec.body && /^application\/x-www-form-urlencoded/i.test(contentType)
          ? new URLSearchParams(spec.body.toString('utf8'))
          : undefined;
      const stored = auth.kind === 'oauth2' && options.rehearsal ? storedOAuth2Token(resolved, globals.username) : undefined;
      const { header, detail } =
        stored ??
        (await authorize(
          ctx,
          resolved,
          auth.kind,
          { method: spec.method, url: spec.url.toString(), form },
          { username: globals.username },
        ));
      headers.Authorization = header;
      auth.detail = detail;
    }
  }
  if (auth.warning && !session.warned.has(auth.warning)) {
    session.warned.add(auth.warning);
    ctx.io.stderr.write(`xcli: warning: ${auth.warning}\n`);
  }
  return { method: spec.method, url: spec.url, headers, body: spec.body, auth, target: { apiPath, route } };
}

/** The stored OAuth2 token as it is, unrefreshed; undefined when there is none (authorize then says what to do). */
function storedOAuth2Token(resolved: ResolvedApp, username: string | undefined): { header: string; detail: string } | undefined {
  const user = username ?? defaultUserOf(resolved.app);
  const token = user === undefined ? undefined : resolved.app.oauth2Tokens?.[user];
  if (!token || resolved.name === undefined) return undefined;
  return {
    header: `Bearer ${token.accessToken}`,
    detail: `OAuth2 user token of ${user || '(unknown user)'} (app '${resolved.name}'; not refreshed for a rehearsal)`,
  };
}

/** The `-v` trace on stderr: the chosen auth, then curl's `>`/`<` lines, with every secret redacted. */
export function verboseObserver(session: ApiSession, auth?: PreparedRequest['auth']): SendOptions['observe'] {
  if (!session.globals.verbose) return undefined;
  const { redactor } = session;
  const err = session.ctx.io.stderr;
  return {
    request(req) {
      const lines = auth
        ? [
            `* auth: ${auth.kind ?? 'none'} (${redactor.text(auth.reason)})${auth.detail ? `: ${redactor.text(auth.detail)}` : ''}`,
          ]
        : [];
      const proxy = proxyFor(session.ctx.env, req.url);
      if (proxy) lines.push(`* proxy: ${redactor.text(redactedProxy(proxy))}`);
      lines.push(`> ${req.method} ${redactor.url(req.url)}`);
      for (const [name, value] of Object.entries(req.headers)) lines.push(`> ${name}: ${redactor.header(name, value)}`);
      if (req.body) lines.push(`> [body: ${req.body.length} bytes]`);
      err.write(`${lines.join('\n')}\n>\n`);
    },
    response(head: ResponseHead) {
      const lines = [`< ${head.status} ${head.statusText}`.trimEnd()];
      for (const [name, value] of head.headerLines) lines.push(`< ${name}: ${redactor.header(name, value)}`);
      const limit = rateLimitLine(head.headers, session.ctx.now());
      if (limit) lines.push(`* ${limit}`);
      err.write(`${lines.join('\n')}\n<\n`);
    },
  };
}

/** Prepares and sends a request, reading the whole body (`onBody` sees it arrive). */
export async function exchange(session: ApiSession, spec: RequestSpec, signal?: AbortSignal, onBody?: BodyObserver) {
  const req = await prepare(session, spec);
  const response = await send(session.ctx.env, req, { observe: verboseObserver(session, req.auth), signal, onBody });
  keepLimits(session, req, response);
  return response;
}

/** Prepares and sends a request, returning the body unread (streams). */
export async function exchangeStreaming(session: ApiSession, spec: RequestSpec, signal?: AbortSignal) {
  const req = await prepare(session, spec);
  const response = await sendStreaming(session.ctx.env, req, {
    observe: verboseObserver(session, req.auth),
    signal,
    streaming: true,
  });
  keepLimits(session, req, response);
  return response;
}

/** Observes each response's rate-limit headers for `xcli limits` (per route, auth kind and user). */
function keepLimits(session: ApiSession, req: PreparedRequest, head: ResponseHead): void {
  const { resolved, globals, ctx } = session;
  const user = req.auth.kind === 'oauth2' ? (globals.username ?? defaultUserOf(resolved.app)) : undefined;
  const entry = seenLimit({ method: req.method, ...req.target, auth: req.auth.kind, user }, head.headers, ctx.now());
  if (entry) rememberLimit(ctx.paths.stateFile, limitScope(resolved.apiBaseUrl, resolved.name), entry);
}
