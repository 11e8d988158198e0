// Checks a request's credentials the way X does: app bearer, OAuth 1.0a signature, OAuth2 user token.
import type { IncomingHttpHeaders } from 'node:http';
import type { OAuth2Grants } from './oauth2-grants.js';
import { hmacSha1Signature, parseOAuthHeader, signatureBase, signatureMatches } from './oauth1-verify.js';
import type { AuthInfo } from './router.js';

export interface SandboxCredentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
  bearerToken: string;
  clientId: string;
  clientSecret: string;
}

export interface AuthCheckInput {
  method: string;
  /** The URL the client addressed (built from the Host header), for the OAuth 1.0a base string. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Form body bytes (only for `application/x-www-form-urlencoded`). */
  formBody?: string;
}

/** OAuth 1.0a timestamps further than this from the sandbox clock are refused (X allows minutes, not hours). */
const TIMESTAMP_WINDOW_S = 15 * 60;

export interface Authenticator {
  credentials: SandboxCredentials;
  grants: OAuth2Grants;
  /** Bearer tokens minted through `POST /oauth2/token` (client_credentials) besides the configured one. */
  extraBearers: Set<string>;
  authenticatedUserId: () => string;
  now: () => number;
  /**
   * OAuth 1.0a nonce+timestamp pairs already accepted, with when they may be forgotten (epoch ms):
   * X refuses a replayed request with 401. In arrival order, so expired ones leave from the front.
   */
  seenNonces: Map<string, number>;
}

/**
 * The credential on a request: `{kind:'none'}` when there is no Authorization header,
 * `'invalid'` when there is one that X would answer with 401.
 */
export function authenticate(a: Authenticator, input: AuthCheckInput): AuthInfo | 'invalid' {
  const header = input.headers.authorization;
  if (!header) return { kind: 'none' };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) {
    const value = bearer[1]!;
    if (safeEqual(value, a.credentials.bearerToken) || a.extraBearers.has(value)) return { kind: 'bearer' };
    const grant = a.grants.lookup(value);
    if (grant) return { kind: 'oauth2', userId: grant.userId, scopes: grant.scopes, clientId: grant.clientId };
    return 'invalid';
  }
  const oauth = parseOAuthHeader(header);
  if (oauth)
    return verifyOAuth1(a, input, oauth)
      ? { kind: 'oauth1', userId: a.authenticatedUserId(), clientId: a.credentials.consumerKey }
      : 'invalid';
  return 'invalid';
}

function verifyOAuth1(a: Authenticator, input: AuthCheckInput, params: Map<string, string>): boolean {
  const { consumerKey, consumerSecret, accessToken, accessTokenSecret } = a.credentials;
  if (params.get('oauth_signature_method') !== 'HMAC-SHA1') return false;
  const version = params.get('oauth_version');
  if (version !== undefined && version !== '1.0') return false;
  if (params.get('oauth_consumer_key') !== consumerKey || params.get('oauth_token') !== accessToken) return false;
  const timestamp = Number(params.get('oauth_timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(timestamp - a.now() / 1000) > TIMESTAMP_WINDOW_S) return false;
  if (!params.get('oauth_nonce')) return false;
  const given = params.get('oauth_signature');
  if (!given) return false;
  // The client may have addressed the sandbox through a TLS-terminating proxy (or an agent that
  // sends https://api.x.com/… to it): the URL it signed is then the https one.
  const signed = [input.url, input.url.replace(/^http:/, 'https:')].some((url) => {
    try {
      const base = signatureBase({ method: input.method, url, formBody: input.formBody, oauthParams: params });
      return signatureMatches(hmacSha1Signature(base, consumerSecret, accessTokenSecret), given);
    } catch {
      return false; // a form body or query that does not decode cannot have been signed
    }
  });
  if (!signed) return false;
  return firstUse(a, `${params.get('oauth_nonce')}|${timestamp}`);
}

/** Records a nonce+timestamp; false when it was seen within the timestamp window (a replay). */
function firstUse(a: Authenticator, key: string): boolean {
  const now = a.now();
  for (const [seen, forgetAt] of a.seenNonces) {
    if (forgetAt > now) break;
    a.seenNonces.delete(seen);
  }
  if (a.seenNonces.has(key)) return false;
  a.seenNonces.set(key, now + 2 * TIMESTAMP_WINDOW_S * 1000);
  return true;
}

function safeEqual(a: string, b: string): boolean {
  return a.length === b.length && signatureMatches(a, b);
}
