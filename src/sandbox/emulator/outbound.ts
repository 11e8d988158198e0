// The sandbox's own outgoing HTTP (CRC checks and deliveries), on the shared exchange helper: no
// redirects followed, no keep-alive pool (so webhook servers under test can close at once), a hard
// timeout, X's empty user agent. Never throws: a failure is a result, as it is for X.
import { exchange, type ExchangeError } from '../../net/exchange.js';

export interface OutboundResult {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** `timeout`, or the socket error code (`ECONNREFUSED`…), when no complete answer came. */
  error?: string;
  latencyMs: number;
}

export async function send(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; timeoutMs: number },
): Promise<OutboundResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { headers: {}, body: '', error: 'invalid URL', latencyMs: 0 };
  }
  try {
    const answer = await exchange(target, {
      method: init.method,
      headers: { 'user-agent': '', ...init.headers },
      body: init.body === undefined ? undefined : Buffer.from(init.body),
      timeoutMs: init.timeoutMs,
      fresh: true,
    });
    return {
      status: answer.status,
      headers: answer.headers,
      body: answer.body.toString('utf8'),
      latencyMs: Math.round(answer.latencyMs),
    };
  } catch (error) {
    const { code, latencyMs } = error as ExchangeError;
    return { headers: {}, body: '', error: code, latencyMs: Math.round(latencyMs) };
  }
}
