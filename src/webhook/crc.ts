// X's Challenge-Response Check: GET <webhook>?crc_token=T → {"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, T)>"}.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

export { CRC_TOKEN_PATTERN, isTokenShaped } from './protocol.js';

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
