// X's side of the CRC: GET <url>?crc_token=…&nonce=…, expect 200 + {"response_token":"sha256=…"}.
import { randomUUID } from 'node:crypto';
import { crcResponseToken } from '../../webhook/crc.js';
import { send } from './outbound.js';

export interface CrcResult {
  /**
   * `passed`; `failed` (wrong token, non-JSON 2xx, any 3xx: X invalidates at once);
   * `transient` (4xx, 5xx, timeout, connection error: invalid only after the grace period).
   */
  verdict: 'passed' | 'failed' | 'transient';
  /** Human-readable reason, e.g. `Invalid response_token` or `redirect (302) not followed`. */
  detail: string;
  status?: number;
  latencyMs: number;
}

/** A token like X's: base64 of a UUID; the nonce is base64url of a millisecond timestamp. */
export function newCrcChallenge(now: number): { token: string; nonce: string } {
  return { token: Buffer.from(randomUUID()).toString('base64'), nonce: Buffer.from(String(now)).toString('base64url') };
}

export async function runCrc(webhookUrl: string, consumerSecret: string, timeoutMs: number): Promise<CrcResult> {
  const { token, nonce } = newCrcChallenge(Date.now());
  const url = new URL(webhookUrl);
  url.searchParams.set('crc_token', token);
  url.searchParams.set('nonce', nonce);
  const res = await send(url.toString(), { method: 'GET', timeoutMs });
  const base = { status: res.status, latencyMs: res.latencyMs };
  if (res.status === undefined)
    return {
      verdict: 'transient',
      detail: res.error === 'timeout' ? `no answer within ${timeoutMs} ms` : `connection failed (${res.error})`,
      ...base,
    };
  if (res.status >= 300 && res.status < 400)
    return { verdict: 'failed', detail: `redirect (${res.status}) not followed`, ...base };
  if (res.status !== 200) return { verdict: 'transient', detail: `HTTP ${res.status}`, ...base };
  let responseToken: unknown;
  try {
    responseToken = (JSON.parse(res.body) as { response_token?: unknown }).response_token;
  } catch {
    return { verdict: 'failed', detail: 'response is not JSON', ...base };
  }
  if (responseToken !== crcResponseToken(consumerSecret, token))
    return { verdict: 'failed', detail: 'Invalid response_token', ...base };
  return { verdict: 'passed', detail: 'ok', ...base };
}
