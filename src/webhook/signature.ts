// X's event signature: `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body bytes)>`.
import { createHmac, timingSafeEqual } from 'node:crypto';

import { isEventBody, SIGNATURE_HEADER } from './protocol.js';

export { SIGNATURE_HEADER };

/** The signature header value for these exact bytes (never a re-serialised body). */
export function signBody(consumerSecret: string, body: Buffer | Uint8Array | string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(body).digest('base64')}`;
}

/**
 * `not-object`: the signature matches, but the body is not a JSON object, so it is not an event
 * from X (see checkEventSignature). checkSignature, which judges bytes only, never returns it.
 */
export type SignatureVerdict = 'valid' | 'invalid' | 'missing' | 'not-object';

/**
 * Checks a signature header against the raw body in constant time. More than one header value is
 * `invalid` (an attacker could add a second one hoping the first is checked).
 */
export function checkSignature(
  consumerSecret: string,
  body: Buffer | Uint8Array | string,
  header: string | string[] | undefined,
): SignatureVerdict {
  if (header === undefined || header === '') return 'missing';
  if (Array.isArray(header)) return header.length === 0 ? 'missing' : 'invalid';
  const given = Buffer.from(header.trim());
  const expected = Buffer.from(signBody(consumerSecret, body));
  // timingSafeEqual needs equal lengths; the length of a valid signature is public anyway.
  if (given.length !== expected.length) return 'invalid';
  return timingSafeEqual(given, expected) ? 'valid' : 'invalid';
}

export function verifySignature(
  consumerSecret: string,
  body: Buffer | Uint8Array | string,
  header: string | string[] | undefined,
): boolean {
  return checkSignature(consumerSecret, body, header) === 'valid';
}

export { isEventBody };

/** The verdict on a delivered event: its signature, and `not-object` for a signed body that cannot be an event. */
export function checkEventSignature(
  consumerSecret: string,
  body: Buffer,
  header: string | string[] | undefined,
  json: unknown,
): SignatureVerdict {
  const verdict = checkSignature(consumerSecret, body, header);
  return verdict === 'valid' && !isEventBody(json) ? 'not-object' : verdict;
}
