// X's webhook rules that need no crypto: the signature header's name and the CRC token shape. Kept
// apart from crc.ts and signature.ts (node:crypto) so the Fetch API handler loads no node: module.

export const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/**
 * Token shapes the CRC endpoint agrees to sign. X sends base64 of a UUID (48 characters); the
 * research vectors use a raw UUID (36) and `helloWorld` (10). Only base64/base64url/UUID characters
 * are allowed, so the endpoint never signs anything containing `{`, `"`, spaces or other JSON syntax
 * and cannot be used as an oracle to sign a forged event body (vercel/chat#775).
 */
export const CRC_TOKEN_PATTERN = /^[A-Za-z0-9+/=_-]{8,128}$/;

export function isTokenShaped(token: string): boolean {
  return CRC_TOKEN_PATTERN.test(token);
}

/**
 * X's events are JSON objects, and nothing the CRC endpoint signs is one (a CRC token holds no `{`).
 * A body that merely carries a matching signature could have been signed by anyone's CRC endpoint
 * (GET ?crc_token=<the body>), so only a JSON object can be a verified event.
 */
export function isEventBody(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

/** The HMAC-SHA256 both of X's checks use, as `sha256=<base64>`: node:crypto or Web Crypto. */
export interface WebhookCrypto {
  /** The CRC answer's response_token for this token. */
  crcToken(consumerSecret: string, token: string): string | Promise<string>;
  /** The signature header value for these exact body bytes. */
  signBody(consumerSecret: string, body: Uint8Array): string | Promise<string>;
}
