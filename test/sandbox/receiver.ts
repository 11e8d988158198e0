// A webhook app for sandbox tests: answers CRC with a given secret (or redirects), records POSTs,
// and answers them with scripted statuses.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crcResponseBody } from '../../src/webhook/crc.js';
import { verifySignature } from '../../src/webhook/signature.js';

export interface Received {
  body: string;
  signatureValid: boolean;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  crcCount: number;
  /** Statuses for the next POSTs, in order; 200 once used up. */
  statuses: number[];
  /** Delay before answering the next POSTs, in order (ms); none once used up. */
  delays: number[];
  /** Change how CRC is answered from now on. */
  crc: 'ok' | 'wrong-secret' | 'redirect' | 'error';
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(secret: string, crc: Receiver['crc'] = 'ok'): Promise<Receiver> {
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET') {
        receiver.crcCount++;
        const token = url.searchParams.get('crc_token') ?? '';
        if (receiver.crc === 'redirect') return res.writeHead(301, { location: `${receiver.url}/` }).end();
        if (receiver.crc === 'error') return res.writeHead(500).end();
        const key = receiver.crc === 'ok' ? secret : 'the-oauth2-client-secret';
        return res.writeHead(200, { 'content-type': 'application/json' }).end(crcResponseBody(key, token));
      }
      const body = Buffer.concat(chunks);
      receiver.received.push({
        body: body.toString('utf8'),
        signatureValid: verifySignature(secret, body, req.headers['x-twitter-webhooks-signature']),
        at: Date.now(),
      });
      const status = receiver.statuses.shift() ?? 200;
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(status).end();
        for (const w of waiters.splice(0)) w();
      }, receiver.delays.shift() ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    received: [],
    crcCount: 0,
    statuses: [],
    delays: [],
    crc,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${receiver.received.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return receiver.received;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return receiver;
}
