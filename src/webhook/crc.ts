// X's Challenge-Response Check: GET <webhook>?crc_token=T → {"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, T)>"}.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

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

/** The secret as a KeyObject, made once: createHmac prepares a string key again on every call. */
let lastKey: { secret: string; key: KeyObject } | undefined;

function hmacKey(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return lastKey.key;
}

/** `sha256=<base64 HMAC-SHA256>` of the token, keyed with the app's consumer secret. */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
  return `sha256=${createHmac('sha256', hmacKey(consumerSecret)).update(crcToken).digest('base64')}`;
}

/** The JSON body X expects in the 200 answer. */
export function crcResponseBody(consumerSecret: string, crcToken: string): string {
  return JSON.stringify({ response_token: crcResponseToken(consumerSecret, crcToken) });
}
