// X's side of the CRC: GET <url>?crc_token=…&nonce=…, judged as X judges it (src/webhook/act-as-x.ts).
import { crcChallengeUrl, judgeCrcAnswer, makeCrcChallenge } from '../../webhook/act-as-x.js';
import { describeExchangeFailure } from '../../net/exchange.js';
import { send } from './outbound.js';

export interface CrcResult {
  /**
   * `passed`; `failed` (wrong token, non-JSON 200, any 3xx: X invalidates at once);
   * `transient` (4xx, 5xx, timeout, connection error: invalid only after the grace period).
   */
  verdict: 'passed' | 'failed' | 'transient';
  /** Human-readable reason, e.g. `Invalid response_token: …` or `answered 302 to …`; `ok` when passed. */
  detail: string;
  status?: number;
  latencyMs: number;
}

export async function runCrc(webhookUrl: string, consumerSecret: string, timeoutMs: number): Promise<CrcResult> {
  const challenge = makeCrcChallenge(Date.now());
  const url = crcChallengeUrl(webhookUrl, challenge);
  const res = await send(url.href, { method: 'GET', timeoutMs });
  const answer =
    res.status === undefined
      ? { failure: describeExchangeFailure(res.error ?? 'no answer', url, timeoutMs), latencyMs: res.latencyMs }
      : { status: res.status, headers: res.headers, body: res.body, latencyMs: res.latencyMs };
  // The sandbox's own timeout is its deadline: a slow answer within it passes, as it always did.
  const judged = judgeCrcAnswer(answer, consumerSecret, challenge.token, { slowMs: timeoutMs });
  return { verdict: judged.verdict, detail: judged.reason ?? 'ok', status: res.status, latencyMs: res.latencyMs };
}
