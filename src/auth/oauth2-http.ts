// The HTTP calls of OAuth2: the token endpoint (code exchange and refresh) and the username lookup.
// Messages name the endpoint and X's error code, never a token or secret.
import { CredentialsError, FailureError, HttpStatusError } from '../errors.js';
import { send } from '../net/transport.js';
import type { Context } from '../context.js';
import type { Env } from '../io.js';
import type { OAuth2Token } from './types.js';

export interface OAuth2Client {
  clientId: string;
  clientSecret?: string;
}

export function tokenUrlOf(env: Env, apiBaseUrl: string): string {
  return env.XCLI_TOKEN_URL?.trim() || `${apiBaseUrl}/2/oauth2/token`;
}

function parseUrl(value: string, what: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new CredentialsError(`${what} '${value}' is not a valid URL`);
  }
}

/**
 * POSTs a form to the token endpoint. A client secret means a confidential client (HTTP Basic, which
 * X requires: "Missing valid authorization header" otherwise); without one, client_id goes in the form.
 */
export async function requestToken(
  ctx: Context,
  tokenUrl: string,
  client: OAuth2Client,
  params: Record<string, string>,
): Promise<OAuth2Token> {
  const url = parseUrl(tokenUrl, 'token URL');
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    'User-Agent': `xcli/${ctx.version}`,
  };
  if (client.clientSecret) {
    // RFC 6749 2.3.1: id and secret are form-encoded before joining (a no-op for X's alphabet).
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
  }
  const response = await send(ctx.env, { method: 'POST', url, headers, body: Buffer.from(form.toString()) });
  const body = parseJson(response.body);
  const where = `token endpoint ${url.origin}${url.pathname}`;
  if (response.status >= 400) {
    const error = typeof body?.error === 'string' ? body.error : undefined;
    const description = typeof body?.error_description === 'string' ? body.error_description : undefined;
    const problem = [error, description].filter(Boolean).join(': ') || `${response.status} ${response.statusText}`.trim();
    if (response.status === 400 || response.status === 401)
      throw new CredentialsError(`${where} refused the request: ${problem}`, 'XCLI_OAUTH2');
    throw new HttpStatusError(response.status, `${where} answered ${response.status}: ${problem}`);
  }
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new FailureError(`${where} answered ${response.status} without an access_token`);
  }
  const token: OAuth2Token = { accessToken: body.access_token };
  if (typeof body.refresh_token === 'string' && body.refresh_token) token.refreshToken = body.refresh_token;
  if (typeof body.expires_in === 'number' && body.expires_in > 0) token.expiresAt = ctx.now() + body.expires_in * 1000;
  if (typeof body.scope === 'string' && body.scope.trim()) token.scopes = body.scope.trim().split(/\s+/);
  return token;
}

function parseJson(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** GET /2/users/me with a fresh user token; undefined when X does not say (xurl's UsernameNotFound). */
export async function lookupUsername(ctx: Context, apiBaseUrl: string, accessToken: string): Promise<string | undefined> {
  const url = parseUrl(`${apiBaseUrl}/2/users/me`, 'API base URL');
  try {
    const response = await send(ctx.env, {
      method: 'GET',
      url,
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json', 'User-Agent': `xcli/${ctx.version}` },
    });
    if (response.status !== 200) return undefined;
    const data = parseJson(response.body)?.data as { username?: unknown } | undefined;
    return typeof data?.username === 'string' && data.username ? data.username : undefined;
  } catch {
    return undefined;
  }
}
