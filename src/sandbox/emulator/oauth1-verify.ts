// The sandbox's own OAuth 1.0a (RFC 5849) verifier, written independently of xcli's signer so a
// bug in one cannot hide in the other. HMAC-SHA1 only, as X.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 5849 §3.6: unreserved characters stay, everything else is %XX of its UTF-8 bytes. */
export function rfc3986(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Parses `Authorization: OAuth k="v", …` into its decoded parameters; undefined when not OAuth. */
export function parseOAuthHeader(header: string): Map<string, string> | undefined {
  const m = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!m) return undefined;
  const params = new Map<string, string>();
  for (const part of m[1]!.split(',')) {
    const kv = /^\s*([^=\s]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!kv) continue;
    try {
      params.set(decodeURIComponent(kv[1]!), decodeURIComponent(kv[2]!));
    } catch {
      return undefined;
    }
  }
  return params;
}

/** `application/x-www-form-urlencoded` pairs, decoded (`+` is a space), in order, repeats kept. */
function formPairs(encoded: string): [string, string][] {
  if (!encoded) return [];
  return encoded
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      const [k, v] = i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)];
      const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
      return [dec(k), dec(v)];
    });
}

export interface SignedRequest {
  method: string;
  /** The full request URL as the client addressed it (scheme, host, port, path, query). */
  url: string;
  /** The body when it is form-encoded; JSON and multipart bodies are not signed. */
  formBody?: string;
  /** OAuth protocol parameters from the Authorization header (oauth_signature is skipped). */
  oauthParams: Map<string, string>;
}

/** RFC 5849 §3.4.1.2: scheme and host lowercase, default ports dropped, no query or fragment. */
export function baseUri(url: URL): string {
  const scheme = url.protocol.toLowerCase();
  const host = url.hostname.toLowerCase();
  const defaultPort = (scheme === 'http:' && url.port === '80') || (scheme === 'https:' && url.port === '443') || url.port === '';
  return `${scheme}//${host}${defaultPort ? '' : `:${url.port}`}${url.pathname}`;
}

/** RFC 5849 §3.4.1: METHOD&enc(base URI)&enc(sorted, encoded params of query, form body and header). */
export function signatureBase(req: SignedRequest): string {
  const url = new URL(req.url);
  const pairs: [string, string][] = [...formPairs(url.search.slice(1)), ...formPairs(req.formBody ?? '')];
  for (const [k, v] of req.oauthParams) if (k !== 'oauth_signature' && k !== 'realm') pairs.push([k, v]);
  const encoded = pairs.map(([k, v]) => [rfc3986(k), rfc3986(v)] as const);
  encoded.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = encoded.map(([k, v]) => `${k}=${v}`).join('&');
  return [req.method.toUpperCase(), rfc3986(baseUri(url)), rfc3986(normalized)].join('&');
}

/** base64 HMAC-SHA1 with key `enc(consumer secret)&enc(token secret)`. */
export function hmacSha1Signature(base: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`)
    .update(base)
    .digest('base64');
}

export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
