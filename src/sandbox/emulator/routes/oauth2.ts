// OAuth2 as X runs it: an auto-approving authorize page (PKCE), the token endpoint with
// authorization_code and rotating single-use refresh tokens, revoke, and app-only bearer minting.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxApp } from '../app.js';
import { ALL_SCOPES } from '../scopes.js';
import { OAuth2Error, type TokenResponse } from '../oauth2-grants.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';

const json = (status: number, body: unknown): SandboxResponse => ({ status, json: body });

function oauthError(err: OAuth2Error): SandboxResponse {
  return json(err.status, { error: err.error, error_description: err.description });
}

/** X's authorize page shows an error page, not a redirect, when the client or redirect URI is wrong. */
function errorPage(message: string): SandboxResponse {
  return {
    status: 400,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><title>Something went wrong</title><p>Something went wrong: ${escapeHtml(message)}</p>\n`,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function basicCredentials(headers: IncomingHttpHeaders): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
  } catch {
    return undefined; // not percent-encoded as RFC 6749 §2.3.1 wants: no valid credentials
  }
}

/**
 * A token request's parameters wherever the client put them, as X takes them: a form body
 * (RFC 6749), a JSON body (twitter-api-v2) or the query string with an empty body (twitter-api-sdk).
 * Body parameters win over the query's.
 */
function tokenParams(req: SandboxRequest): URLSearchParams {
  const params = new URLSearchParams(req.form ?? undefined);
  const json = req.json;
  if (!req.form && json && typeof json === 'object' && !Array.isArray(json)) {
    for (const [k, v] of Object.entries(json)) if (typeof v === 'string' || typeof v === 'number') params.set(k, String(v));
  }
  for (const [k, v] of req.query) if (!params.has(k)) params.set(k, v);
  return params;
}

/** The OAuth2 client making a token request: Basic (confidential) or `client_id` in the parameters (public). */
function clientOf(app: SandboxApp, req: SandboxRequest, params: URLSearchParams): string {
  const basic = basicCredentials(req.headers);
  if (req.headers.authorization !== undefined) {
    if (!basic || basic.id !== app.credentials.clientId || basic.secret !== app.credentials.clientSecret) {
      throw new OAuth2Error('unauthorized_client', 'Missing valid authorization header', 401);
    }
    return basic.id;
  }
  const clientId = params.get('client_id');
  if (!clientId) throw new OAuth2Error('unauthorized_client', 'Missing valid authorization header', 401);
  if (clientId !== app.credentials.clientId) throw new OAuth2Error('invalid_client', 'Unknown client id.', 401);
  return clientId;
}

export function registerOAuth2Routes(app: SandboxApp): void {
  const issued = (tokens: TokenResponse): SandboxResponse => {
    app.changed();
    return json(200, tokens);
  };
  const authorize = (req: SandboxRequest): SandboxResponse => {
    const q = req.query;
    if (q.get('client_id') !== app.credentials.clientId) return errorPage('unknown client_id');
    const redirectUri = q.get('redirect_uri');
    let redirect: URL;
    try {
      redirect = new URL(redirectUri ?? '');
    } catch {
      return errorPage('missing or malformed redirect_uri');
    }
    if (redirect.protocol !== 'https:' && redirect.protocol !== 'http:') return errorPage('redirect_uri must be http(s)');
    const fail = (error: string, description: string): SandboxResponse => {
      redirect.searchParams.set('error', error);
      redirect.searchParams.set('error_description', description);
      if (q.get('state') !== null) redirect.searchParams.set('state', q.get('state')!);
      return { status: 302, headers: { location: redirect.toString() } };
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const state = q.get('state');
    if (!state || state.length > 500) return fail('invalid_request', 'state is required (at most 500 characters)');
    const challenge = q.get('code_challenge');
    // X takes the method in any case: twitter-api-v2 and twitter-api-sdk send `s256`.
    const givenMethod = (q.get('code_challenge_method') ?? 'plain').toLowerCase();
    const method = givenMethod === 's256' ? 'S256' : givenMethod;
    if (!challenge) return fail('invalid_request', 'code_challenge is required');
    if (method !== 'S256' && method !== 'plain') return fail('invalid_request', 'code_challenge_method must be S256 or plain');
    if (method === 'S256' && !/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return fail('invalid_request', 'code_challenge is not a base64url SHA-256');
    const scopes = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    if (scopes.length === 0) return fail('invalid_scope', 'scope is required');
    const unknown = scopes.filter((s) => !ALL_SCOPES.includes(s));
    if (unknown.length) return fail('invalid_scope', `unknown scope(s): ${unknown.join(' ')}`);
    // Auto-approve for the sandbox's user: X would show the consent page here.
    const code = app.grants.issueCode(
      { userId: app.state.authenticatedUserId, clientId: app.credentials.clientId, scopes },
      redirectUri!,
      challenge,
      method,
    );
    redirect.searchParams.set('state', state);
    redirect.searchParams.set('code', code);
    return { status: 302, headers: { location: redirect.toString() } };
  };
  app.route('GET', '/i/oauth2/authorize', authorize, { auth: 'none' });
  app.route('GET', '/2/oauth2/authorize', authorize, { auth: 'none' });

  /** An OAuth2 token endpoint: OAuth2Error becomes X's `{"error","error_description"}` answer. */
  const formEndpoint = (path: string, handle: (form: URLSearchParams, clientId: string) => SandboxResponse) =>
    app.route(
      'POST',
      path,
      (req) => {
        try {
          const params = tokenParams(req);
          return handle(params, clientOf(app, req, params));
        } catch (err) {
          if (err instanceof OAuth2Error) return oauthError(err);
          throw err;
        }
      },
      { auth: 'none' },
    );
  const required = (form: URLSearchParams, name: string): string => {
    const value = form.get(name);
    if (!value) throw new OAuth2Error('invalid_request', `Missing required parameter [${name}].`);
    return value;
  };

  formEndpoint('/2/oauth2/token', (form, clientId) => {
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      return issued(
        app.grants.exchangeCode(required(form, 'code'), clientId, form.get('redirect_uri'), form.get('code_verifier')),
      );
    }
    if (grantType === 'refresh_token') return issued(app.grants.refreshTokens(required(form, 'refresh_token'), clientId));
    throw new OAuth2Error('unsupported_grant_type', 'Grant type must be authorization_code or refresh_token.');
  });

  formEndpoint('/2/oauth2/revoke', (form) => {
    app.grants.revoke(required(form, 'token'));
    app.changed();
    return json(200, { revoked: true });
  });

  // App-only bearer: Basic(consumer key:secret) + grant_type=client_credentials; X returns the same token each time.
  const appOnlyRefused = json(403, {
    errors: [{ code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' }],
  });
  const consumerMatches = (req: SandboxRequest) => {
    const basic = basicCredentials(req.headers);
    return basic?.id === app.credentials.consumerKey && basic.secret === app.credentials.consumerSecret;
  };
  app.route(
    'POST',
    '/oauth2/token',
    (req) => {
      if (!consumerMatches(req)) return appOnlyRefused;
      if (req.form?.get('grant_type') !== 'client_credentials')
        return json(403, {
          errors: [{ code: 170, message: 'Missing required parameter: grant_type', label: 'forbidden_missing_parameter' }],
        });
      return json(200, { token_type: 'bearer', access_token: app.credentials.bearerToken });
    },
    { auth: 'none' },
  );
  app.route(
    'POST',
    '/oauth2/invalidate_token',
    (req) => {
      if (!consumerMatches(req)) return appOnlyRefused;
      const given = req.form?.get('access_token');
      if (given !== app.credentials.bearerToken)
        return json(403, {
          errors: [{ code: 348, message: 'Client application is not permitted to to invalidate this token.' }],
        });
      app.credentials.bearerToken = `AAAAAAAAAAAAAAAAAAAAA${randomBytes(45).toString('base64url')}`;
      return json(200, { access_token: given });
    },
    { auth: 'none' },
  );
}
