// A load loop as X would run it: `connections` keep-alive connections, each sending signed events
// back to back. Records which event ids were acknowledged (2xx) and every request's latency.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { Pool } from 'undici';
import { signBody } from '../../../src/webhook/signature.js';

export interface BurstOptions {
  secret: string;
  events: number;
  connections: number;
  /** Event ids are `${idPrefix}-${n}`. */
  idPrefix: string;
  /** Called after each answered request with the number answered so far. */
  onAnswered?: (answered: number) => void;
  /** Sends one CRC on its own connection once this many events were answered. */
  crcAfter?: number;
  /** Stop sending new events (in-flight ones finish). */
  shouldStop?: () => boolean;
}

export interface CrcCheck {
  token: string;
  status: number;
  body: string;
  expected: string;
}

export interface BurstResult {
  acked: string[];
  statuses: Record<string, number>;
  /** Requests that got no answer (refused, reset: the server was killed). */
  failed: number;
  latenciesMs: number[];
  seconds: number;
  crc?: CrcCheck;
}

/** An X Activity API delivery with a unique event_uuid. */
export function activityBody(eventId: string, n: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      data: {
        event_uuid: eventId,
        event_type: 'post.create',
        filter: { user_id: '1500000000000000002' },
        tag: 'reliability',
        payload: {
          id: String(1_700_000_000_000_000_000n + BigInt(n)),
          text: `load event ${n} ✓ “quoted” \u2028 line`,
          author_id: '1500000000000000002',
          created_at: new Date().toISOString(),
        },
      },
    }),
  );
}

interface Answer {
  status: number;
  body: string;
}

function get(url: URL): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function burst(webhookUrl: string, o: BurstOptions): Promise<BurstResult> {
  const url = new URL(webhookUrl);
  const pool = new Pool(url.origin, { connections: o.connections, pipelining: 1 });
  const path = `${url.pathname}${url.search}`;
  const result: BurstResult = { acked: [], statuses: {}, failed: 0, latenciesMs: [], seconds: 0 };
  let nextEvent = 0;
  let answered = 0;
  let crc: Promise<void> | undefined;
  const started = performance.now();

  const worker = async (): Promise<void> => {
    while (nextEvent < o.events && !o.shouldStop?.()) {
      const n = nextEvent++;
      const id = `${o.idPrefix}-${n}`;
      const body = activityBody(id, n);
      const t0 = performance.now();
      try {
        const answer = await pool.request({
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signBody(o.secret, body) },
          body,
        });
        await answer.body.dump();
        result.latenciesMs.push(performance.now() - t0);
        result.statuses[answer.statusCode] = (result.statuses[answer.statusCode] ?? 0) + 1;
        if (answer.statusCode >= 200 && answer.statusCode < 300) result.acked.push(id);
      } catch {
        result.failed++;
      }
      answered++;
      o.onAnswered?.(answered);
      if (o.crcAfter !== undefined && answered === o.crcAfter) crc = checkCrc(url, o.secret).then((c) => void (result.crc = c));
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  await crc;
  result.seconds = (performance.now() - started) / 1000;
  await pool.destroy();
  return result;
}

/** One CRC as X sends it (random base64 token and a nonce), on a connection of its own. */
export async function checkCrc(webhookUrl: URL | string, secret: string): Promise<CrcCheck> {
  const token = Buffer.from(crypto.randomUUID()).toString('base64');
  const url = new URL(webhookUrl);
  url.searchParams.set('crc_token', token);
  url.searchParams.set('nonce', String(Date.now()));
  const expected = `sha256=${createHmac('sha256', secret).update(token).digest('base64')}`;
  const answer = await get(url);
  return { token, status: answer.status, body: answer.body, expected };
}
