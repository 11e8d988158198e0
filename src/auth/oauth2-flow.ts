// The OAuth2 authorization-code flow with PKCE (S256): a callback server on the redirect URI's host
// and port, the browser (or, headless, the user pasting the redirect URL), the code exchange, and
// the username lookup. Storing the token is the caller's business.
import { createServer, type Server } from 'node:http';
import type { Context } from '../context.js';
import type { Env } from '../io.js';
import { DEFAULT_API_BASE_URL } from './resolve.js';
import { CredentialsError, FailureError, UsageError } from '../errors.js';
import { lookupUsername, requestToken, tokenUrlOf, type OAuth2Client } from './oauth2-http.js';
import { createState, createVerifier, s256Challenge } from './pkce.js';
import { readLines } from './stdin.js';
import type { OAuth2Token } from './types.js';

export const DEFAULT_AUTH_URL = 'https://x.com/i/oauth2/authorize';
export const DEFAULT_REDIRECT_URI = 'http://localhost:8080/callback';
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** xurl's scope list: everything a user token can be granted, so any route works after one login. */
export const DEFAULT_SCOPES = [
  'tweet.read',
  'users.read',
  'bookmark.read',
  'follows.read',
  'list.read',
  'block.read',
  'mute.read',
  'like.read',
  'users.email',
  'dm.read',
  'broadcast.read',
  'tweet.write',
  'tweet.moderate.write',
  'follows.write',
  'bookmark.write',
  'block.write',
  'mute.write',
  'like.write',
  'list.write',
  'media.write',
  'dm.write',
  'broadcast.write',
  'offline.access',
  'space.read',
] as const;

/** Every scope X documents (the defaults plus timeline.read), to catch typos in --scopes. */
export const KNOWN_SCOPES: readonly string[] = [...DEFAULT_SCOPES, 'timeline.read'];

export interface OAuth2LoginOptions {
  client: OAuth2Client;
  redirectUri: string;
  apiBaseUrl: string;
  scopes: readonly string[];
  /** Label the token with this name instead of asking GET /2/users/me. */
  username?: string;
  /** Print the URL and read the pasted redirect from stdin instead of running a callback server. */
  headless: boolean;
  timeoutMs: number;
}

export interface OAuth2Login {
  /** '' when no username was given and the lookup failed (xurl's "unknown user"). */
  username: string;
  token: OAuth2Token;
}

/** Splits `--scopes` values ("a b", "a,b", repeated flags) and checks each against X's list. */
export function parseScopes(values: readonly string[]): string[] {
  const scopes = [...new Set(values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean))];
  if (scopes.length === 0) throw new UsageError('--scopes needs at least one scope');
  const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
  if (unknown.length) throw new UsageError(`unknown scope ${unknown.join(', ')}; X's scopes are: ${KNOWN_SCOPES.join(' ')}`);
  return scopes;
}

/**
 * XCLI_AUTH_URL, else X's authorize page; for an app with another API base (the sandbox, an
 * emulator) the page that base serves, as the token URL follows the API base too.
 */
export function authorizeUrlOf(env: Env, apiBaseUrl: string): string {
  const fromEnv = env.XCLI_AUTH_URL?.trim();
  if (fromEnv) return fromEnv;
  return apiBaseUrl === DEFAULT_API_BASE_URL ? DEFAULT_AUTH_URL : `${apiBaseUrl}/i/oauth2/authorize`;
}

export function buildAuthorizeUrl(
  authUrl: string,
  p: { clientId: string; redirectUri: string; scopes: readonly string[]; state: string; challenge: string },
): URL {
  let url: URL;
  try {
    url = new URL(authUrl);
  } catch {
    throw new CredentialsError(`authorize URL '${authUrl}' (XCLI_AUTH_URL) is not a valid URL`);
  }
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('scope', p.scopes.join(' '));
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge', p.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url;
}

/**
 * Reads the code from what the user pasted: the full redirect URL, its query string, or the bare
 * code. A state, when present, must match (a URL without one is accepted, as in xurl).
 */
export function parsePastedRedirect(input: string, expectedState: string): string {
  const text = input.trim();
  if (!text) throw new UsageError('nothing was pasted: paste the URL the browser was sent to (or its code)');
  let params: URLSearchParams;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.includes('?')) {
    params = new URLSearchParams(text.slice(text.indexOf('?') + 1).replace(/#.*$/, ''));
  } else if (text.includes('=')) {
    params = new URLSearchParams(text.replace(/^\?/, ''));
  } else {
    return text;
  }
  return codeFromParams(params, expectedState);
}

function codeFromParams(params: URLSearchParams, expectedState: string): string {
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description');
    throw new CredentialsError(`authorization was not granted: ${error}${description ? ` (${description})` : ''}`, 'XCLI_OAUTH2');
  }
  const state = params.get('state');
  if (state !== null && state !== expectedState) {
    throw new CredentialsError(
      'the state in the redirect does not match this login (a stale or forged redirect); start again',
      'XCLI_OAUTH2',
    );
  }
  const code = params.get('code');
  if (!code) throw new CredentialsError('the redirect has no authorization code', 'XCLI_OAUTH2');
  return code;
}

interface CallbackTarget {
  hosts: string[];
  port: number;
  path: string;
}

/** Where the callback server listens: `localhost` means both loopback addresses (xurl #63). */
export function callbackTarget(redirectUri: string): CallbackTarget {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new UsageError(`redirect URI '${redirectUri}' is not a valid URL`);
  }
  if (url.protocol !== 'http:') {
    throw new UsageError(
      `redirect URI ${redirectUri} is not http://: xcli can only receive the callback on a local http address (use --headless to paste the redirect instead)`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  return { hosts, port: Number(url.port || 80), path: url.pathname || '/' };
}

/** Listens on every host of the target; an address this machine lacks (no IPv6) is skipped if another works. */
async function listenAll(target: CallbackTarget, handler: Parameters<typeof createServer>[1]): Promise<Server[]> {
  const servers: Server[] = [];
  const failures: NodeJS.ErrnoException[] = [];
  for (const host of target.hosts) {
    const server = createServer(handler);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(target.port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
    } catch (error) {
      failures.push(error as NodeJS.ErrnoException);
      const code = (error as NodeJS.ErrnoException).code;
      const missingAddress = code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT';
      if (!missingAddress || target.hosts.length === 1) break;
    }
  }
  const fatal =
    failures.find((e) => e.code !== 'EADDRNOTAVAIL' && e.code !== 'EAFNOSUPPORT') ??
    (servers.length === 0 ? failures[0] : undefined);
  if (fatal) {
    closeAll(servers);
    const where = `${target.hosts.join(' and ')} port ${target.port}`;
    const reason =
      fatal.code === 'EADDRINUSE'
        ? 'the port is in use'
        : fatal.code === 'EACCES'
          ? 'permission denied'
          : (fatal.code ?? fatal.message);
    throw new FailureError(
      `cannot listen for the OAuth2 callback on ${where} (${reason}); change the app's redirect URI with 'xcli auth apps update NAME --redirect-uri URI' or use --headless`,
      { cause: fatal },
    );
  }
  return servers;
}

/** Stops listening; a response still being written (the browser's success page) is allowed to finish. */
function closeAll(servers: Server[]): void {
  for (const server of servers) {
    server.close();
    server.closeIdleConnections();
    server.unref();
  }
}

function page(title: string, text: string): string {
  return `<!doctype html><meta charset="utf-8"><title>xcli: ${title}</title><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body>\n`;
}

export async function runOAuth2Login(ctx: Context, options: OAuth2LoginOptions): Promise<OAuth2Login> {
  const verifier = createVerifier();
  const state = createState();
  const authorizeUrl = buildAuthorizeUrl(authorizeUrlOf(ctx.env, options.apiBaseUrl), {
    clientId: options.client.clientId,
    redirectUri: options.redirectUri,
    scopes: options.scopes,
    state,
    challenge: s256Challenge(verifier),
  });
  const err = ctx.io.stderr;
  const cleanups: Array<() => void | Promise<void>> = [];
  let finished = false;
  // What the waiting code opens after the wait ended (a timeout during the browser start) is closed at once.
  const defer = (cleanup: () => void | Promise<void>): void => {
    if (finished) void cleanup();
    else cleanups.push(cleanup);
  };
  // Once a code arrived (or the wait failed) the servers, stdin reader and timer are done with.
  const finish = async (): Promise<void> => {
    finished = true;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  const code = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new FailureError(
            `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for the authorization (try again, or use --headless)`,
          ),
        ),
      options.timeoutMs,
    );
    defer(() => clearTimeout(timer));
    defer(ctx.onInterrupt(() => reject(new FailureError('login cancelled'))));
    void (async () => {
      if (!options.headless) {
        const target = callbackTarget(options.redirectUri);
        const servers = await listenAll(target, (req, res) => {
          const url = new URL(req.url ?? '/', 'http://callback.invalid');
          if (url.pathname !== target.path) {
            res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
            return;
          }
          const html = { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' };
          // A redirect without this login's state (a stale tab, another site) is refused and ignored.
          if (url.searchParams.get('state') !== state) {
            res
              .writeHead(400, html)
              .end(page('Authorization failed', 'This redirect does not belong to the running xcli login.'));
            return;
          }
          try {
            const received = codeFromParams(url.searchParams, state);
            res.writeHead(200, html).end(page('Authorization received', 'You can close this window and return to the terminal.'));
            resolve(received);
          } catch (error) {
            res.writeHead(400, html).end(page('Authorization failed', (error as Error).message.replace(/[<>&]/g, '')));
            reject(error);
          }
        });
        defer(() => closeAll(servers));
        const opened = await ctx.openBrowser(authorizeUrl.toString());
        if (finished) return;
        if (opened) {
          err.write(
            `Opened your browser to authorize xcli. Waiting for the redirect to ${options.redirectUri} (Ctrl-C to cancel)…\n`,
          );
          return;
        }
        err.write('xcli: could not open a browser.\n');
      }
      err.write(
        [
          '1. Open this URL in a browser (on any machine) and authorize the app:',
          '',
          `   ${authorizeUrl.toString()}`,
          '',
          `2. The browser is then sent to ${options.redirectUri}?code=…&state=…`,
          '   (on another machine that page fails to load: that is expected).',
          '3. Paste that full URL (or just the code) here and press Enter:',
          '',
        ].join('\n'),
      );
      const reader = readLines(ctx.io.stdin, 1);
      defer(reader.stop);
      const [pasted] = await reader.lines;
      if (pasted === undefined) {
        // Without a browser the callback server may still receive the redirect; headless has only stdin.
        if (options.headless) reject(new UsageError('no redirect URL or code on stdin'));
        return;
      }
      resolve(parsePastedRedirect(pasted, state));
    })().catch(reject);
  }).finally(finish);
  const token = await requestToken(ctx, tokenUrlOf(ctx.env, options.apiBaseUrl), options.client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: options.redirectUri,
    code_verifier: verifier,
  });
  if (!token.scopes) token.scopes = [...options.scopes];
  const username = options.username ?? (await lookupUsername(ctx, options.apiBaseUrl, token.accessToken)) ?? '';
  return { username, token };
}
