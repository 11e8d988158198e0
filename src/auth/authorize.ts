// The Authorization header for one request: bearer, OAuth 1.0a signature, or an OAuth2 user token
// that is refreshed 30 s before it expires. Refreshing happens under the store lock and re-reads the
// token first, because X's refresh tokens are single-use: two processes must not both spend one.
import type { Context } from '../context.js';
import { CredentialsError } from '../errors.js';
import { authorizationHeader } from './oauth1.js';
import { requestToken, tokenUrlOf, type OAuth2Client } from './oauth2-http.js';
import type { AppConfig, AuthKind, OAuth2Token, ResolvedApp } from './types.js';

/** Refresh this long before the recorded expiry, so a token never expires in flight. */
export const REFRESH_SKEW_MS = 30_000;

export interface AuthRequest {
  method: string;
  url: string;
  form?: URLSearchParams;
}

export interface Authorization {
  /** The `Authorization` header value. */
  header: string;
  /** One line for `-v`, without secrets: which credential and where it came from. */
  detail: string;
}

function appLabel(resolved: ResolvedApp): string {
  return resolved.name === undefined ? 'the environment' : `app '${resolved.name}'`;
}

function appFlag(resolved: ResolvedApp): string {
  return resolved.name === undefined ? '' : ` --app ${resolved.name}`;
}

/** The user whose token is used without -u: the app's default user, else the first by name. */
export function defaultUserOf(app: AppConfig): string | undefined {
  const users = Object.keys(app.oauth2Tokens ?? {});
  if (app.defaultUser !== undefined && users.includes(app.defaultUser)) return app.defaultUser;
  const named = users.filter((u) => u !== '').sort();
  // xurl stores a token whose username lookup failed under ""; it is the last resort.
  return named[0] ?? (users.includes('') ? '' : undefined);
}

export function hasUsableOAuth1(app: AppConfig): boolean {
  const o = app.oauth1;
  return Boolean(o?.consumerKey && o.consumerSecret && o.accessToken && o.tokenSecret);
}

/** Kinds this app can sign with, in xurl's preference order (OAuth2 user, OAuth 1.0a, bearer). */
export function availableAuthKinds(resolved: ResolvedApp, username?: string): AuthKind[] {
  const { app } = resolved;
  const kinds: AuthKind[] = [];
  const tokens = app.oauth2Tokens ?? {};
  if (username !== undefined ? Object.hasOwn(tokens, username) : defaultUserOf(app) !== undefined) kinds.push('oauth2');
  if (hasUsableOAuth1(app)) kinds.push('oauth1');
  if (app.bearerToken) kinds.push('bearer');
  return kinds;
}

export function isFresh(token: OAuth2Token, now: number): boolean {
  return typeof token.expiresAt === 'number' && token.expiresAt > 0 && now + REFRESH_SKEW_MS < token.expiresAt;
}

export async function authorize(
  ctx: Context,
  resolved: ResolvedApp,
  kind: AuthKind,
  req: AuthRequest,
  opts: { username?: string } = {},
): Promise<Authorization> {
  const { app, sources } = resolved;
  if (kind === 'bearer') {
    if (!app.bearerToken) {
      throw new CredentialsError(
        `no bearer token for ${appLabel(resolved)}: run 'xcli auth app${appFlag(resolved)} TOKEN' or set X_BEARER_TOKEN`,
      );
    }
    return {
      header: `Bearer ${app.bearerToken}`,
      detail: `bearer token (${sourceText(resolved, sources.bearer, 'X_BEARER_TOKEN')})`,
    };
  }
  if (kind === 'oauth1') {
    const o = app.oauth1;
    if (!o || !hasUsableOAuth1(app)) {
      throw new CredentialsError(
        `no OAuth 1.0a credentials for ${appLabel(resolved)}: run 'xcli auth oauth1${appFlag(resolved)}' with all four values, or set X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET`,
      );
    }
    const header = authorizationHeader(req, {
      consumerKey: o.consumerKey,
      consumerSecret: o.consumerSecret,
      token: o.accessToken,
      tokenSecret: o.tokenSecret,
    });
    return { header, detail: `OAuth 1.0a signature (${sourceText(resolved, sources.oauth1, 'X_CONSUMER_KEY…')})` };
  }
  const { username, token } = await validOAuth2Token(ctx, resolved, opts.username);
  return {
    header: `Bearer ${token.accessToken}`,
    detail: `OAuth2 user token of ${username || '(unknown user)'} (${appLabel(resolved)})`,
  };
}

function sourceText(resolved: ResolvedApp, source: 'store' | 'env' | undefined, envName: string): string {
  return source === 'env' ? `from ${envName}` : appLabel(resolved);
}

/**
 * A usable OAuth2 access token for `username` (or the default user), refreshed and saved first when
 * it expires within 30 s. Never starts a login: a missing token is a CredentialsError.
 */
export async function validOAuth2Token(
  ctx: Context,
  resolved: ResolvedApp,
  username?: string,
): Promise<{ username: string; token: OAuth2Token }> {
  const tokens = resolved.app.oauth2Tokens ?? {};
  const user = username ?? defaultUserOf(resolved.app);
  const token = user === undefined ? undefined : tokens[user];
  if (user === undefined || !token || resolved.name === undefined) {
    const who = username === undefined ? '' : ` for user '${username}'`;
    throw new CredentialsError(
      `no OAuth2 user token${who} in ${appLabel(resolved)}: run 'xcli auth oauth2${appFlag(resolved)}${username ? ` ${username}` : ''}'`,
    );
  }
  if (isFresh(token, ctx.now())) return { username: user, token };
  const refreshed = await refreshToken(ctx, resolved, resolved.name, user);
  resolved.app.oauth2Tokens = { ...tokens, [user]: refreshed };
  return { username: user, token: refreshed };
}

/**
 * Refreshes the OAuth2 token the server just refused (a 401), however fresh its expiry says it is:
 * the one forced refresh of `xcli mcp`. A token another process already replaced is used as it is.
 */
export async function refreshRejectedOAuth2Token(
  ctx: Context,
  resolved: ResolvedApp,
  username: string,
  rejected: string,
): Promise<OAuth2Token> {
  if (resolved.name === undefined)
    throw new CredentialsError(`no stored app holds the OAuth2 token of ${username || '(unknown user)'}`);
  const refreshed = await refreshToken(
    ctx,
    resolved,
    resolved.name,
    username,
    (current) => current.accessToken === rejected || !isFresh(current, ctx.now()),
  );
  resolved.app.oauth2Tokens = { ...resolved.app.oauth2Tokens, [username]: refreshed };
  return refreshed;
}

function clientOf(resolved: ResolvedApp): OAuth2Client {
  const { clientId, clientSecret } = resolved.app;
  if (!clientId) {
    throw new CredentialsError(
      `${appLabel(resolved)} has no OAuth2 client id, which refreshing a token needs: run 'xcli auth apps update ${resolved.name ?? 'NAME'} --client-id ID' or set X_CLIENT_ID`,
    );
  }
  return clientSecret ? { clientId, clientSecret } : { clientId };
}

async function refreshToken(
  ctx: Context,
  resolved: ResolvedApp,
  appName: string,
  user: string,
  needsRefresh: (current: OAuth2Token) => boolean = (current) => !isFresh(current, ctx.now()),
): Promise<OAuth2Token> {
  const label = user || '(unknown user)';
  const store = await ctx.store();
  return store.update(async (data) => {
    const current = data.apps[appName]?.oauth2Tokens?.[user];
    if (!current)
      throw new CredentialsError(
        `the OAuth2 token of ${label} was removed from app '${appName}' meanwhile: run 'xcli auth oauth2 --app ${appName}'`,
      );
    // Another process may have refreshed while this one waited for the lock: use its token.
    if (!needsRefresh(current)) return current;
    if (!current.refreshToken) {
      throw new CredentialsError(
        `the OAuth2 token of ${label} in app '${appName}' has expired and has no refresh token (log in with the offline.access scope): run 'xcli auth oauth2 --app ${appName}'`,
      );
    }
    let fresh: OAuth2Token;
    try {
      fresh = await requestToken(ctx, tokenUrlOf(ctx.env, resolved.apiBaseUrl), clientOf(resolved), {
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
      });
    } catch (error) {
      if (error instanceof CredentialsError) {
        throw new CredentialsError(
          `cannot refresh the OAuth2 token of ${label} (app '${appName}'): ${error.message}; run 'xcli auth oauth2 --app ${appName}'`,
          error.code,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
    const next: OAuth2Token = { ...fresh };
    // X rotates refresh tokens; a server that does not is allowed to keep the old one valid.
    if (!next.refreshToken) next.refreshToken = current.refreshToken;
    if (!next.scopes && current.scopes) next.scopes = current.scopes;
    data.apps[appName]!.oauth2Tokens![user] = next;
    return next;
  });
}
