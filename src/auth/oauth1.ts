// OAuth 1.0a HMAC-SHA1 signatures exactly as RFC 5849 section 3.4 defines them.
// Written out rather than taken from the oauth-1.0a package, which gets three RFC cases wrong:
// it does not decode `+` in the query as a space (3.4.1.3.1), a query key that also appears in the
// form body overwrites it instead of both being signed, and it does not normalise the base URI
// (lower-case scheme and host, default port dropped, 3.4.1.2).
import { createHmac, randomBytes } from 'node:crypto';

export interface OAuth1Signer {
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
}

export interface OAuth1Request {
  method: string;
  url: string;
  /** An application/x-www-form-urlencoded body; JSON and multipart bodies are not signed. */
  form?: URLSearchParams;
}

/** RFC 5849 3.6: RFC 3986 unreserved characters stay, everything else is %XX of its UTF-8 bytes. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** RFC 5849 3.4.1.2: scheme and host in lower case, the port only when not the default. */
export function baseStringUri(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** RFC 5849 3.4.1.3.2: every pair encoded, sorted by name then value, joined with `&`. */
export function normalizeParameters(pairs: ReadonlyArray<readonly [string, string]>): string {
  const encoded = pairs.map(([k, v]) => [percentEncode(k), percentEncode(v)] as const);
  encoded.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return encoded.map(([k, v]) => `${k}=${v}`).join('&');
}

/** RFC 5849 3.4.1: METHOD & base URI & normalised parameters (query, form body and oauth_*). */
export function signatureBaseString(req: OAuth1Request, oauthParams: Record<string, string>): string {
  const url = new URL(req.url);
  // URLSearchParams decodes `+` as a space and keeps every repeated key, as 3.4.1.3.1 requires.
  const pairs: Array<[string, string]> = [...url.searchParams];
  if (req.form) pairs.push(...req.form);
  for (const [k, v] of Object.entries(oauthParams)) if (k !== 'oauth_signature' && k !== 'realm') pairs.push([k, v]);
  return [req.method.toUpperCase(), percentEncode(baseStringUri(url)), percentEncode(normalizeParameters(pairs))].join('&');
}

/** RFC 5849 3.4.2: HMAC-SHA1 keyed with the encoded consumer secret & token secret, base64. */
export function hmacSha1(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`)
    .update(baseString)
    .digest('base64');
}

/** The `oauth_*` protocol parameters of one request; nonce and timestamp are inputs so tests can pin them. */
export function oauthParameters(signer: OAuth1Signer, nonce: string, timestamp: number): Record<string, string> {
  const params: Record<string, string> = {
    oauth_consumer_key: signer.consumerKey,
    oauth_nonce: nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(timestamp),
    oauth_version: '1.0',
  };
  if (signer.token) params.oauth_token = signer.token;
  return params;
}

/** RFC 5849 3.5.1: the Authorization header value with the signature added. */
export function authorizationHeader(
  req: OAuth1Request,
  signer: OAuth1Signer,
  nonce = randomBytes(16).toString('hex'),
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const params = oauthParameters(signer, nonce, timestamp);
  params.oauth_signature = hmacSha1(signatureBaseString(req, params), signer.consumerSecret, signer.tokenSecret);
  const fields = Object.keys(params)
    .sort()
    .map((k) => `${percentEncode(k)}="${percentEncode(params[k]!)}"`);
  return `OAuth ${fields.join(', ')}`;
}
