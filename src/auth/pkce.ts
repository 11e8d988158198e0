// PKCE (RFC 7636) and the OAuth2 `state` value: random strings and the S256 challenge.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes as base64url: a 43-character verifier (RFC 7636 4.1 allows 43–128). */
export function createVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))), without padding. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable `state` for the authorize request (URL-safe, so it survives copy and paste). */
export function createState(): string {
  return randomBytes(24).toString('base64url');
}
