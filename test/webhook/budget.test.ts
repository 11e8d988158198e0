// Issue 16 item 2: memory bounded in total. Over a budget (body bytes held across connections, open
// connections, bytes waiting for --forward-to) new events get 503 + Retry-After, and CRC is still
// answered. Small sizes, no timing: `npm run soak` runs the large scenario (test/reliability/memory.test.ts).
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { crcResponseToken } from '../../src/webhook/crc.js';
import { signBody } from '../../src/webhook/signature.js';
import { get, SECRET, startApp, startServer, type RunningServer } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer } = cleanupAfterEach();

async function server(args: string[]): Promise<RunningServer> {
  const s = await startServer(args);
  defer(() => s.cleanup());
  return s;
}

interface Answer {
  status: number;
  head: string;
}

/** A POST that announces `length` bytes and sends only its headers, as a stalled attacker does. */
interface StalledPost {
  socket: Socket;
  /** The final answer (1xx skipped); status 0 when the server closed without one. */
  answer: Promise<Answer>;
  /** Resolves once the server has admitted the request (100 Continue, written as the handler runs) or answered it. */
  admittedOrAnswered: Promise<'admitted' | 'answered'>;
  finish(body: Buffer): void;
}

function stalledPost(url: string, length: number, headers: Record<string, string> = {}): StalledPost {
  const { port, pathname } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  let settleAdmission!: (how: 'admitted' | 'answered') => void;
  const admittedOrAnswered = new Promise<'admitted' | 'answered'>((r) => (settleAdmission = r));
  const answer = new Promise<Answer>((resolve) => {
    const done = (): void => {
      const finals = received.split('\r\n\r\n').filter((part) => /^HTTP\/1\.1 [2-5]\d\d/.test(part));
      const head = finals[0] ?? '';
      if (head) settleAdmission('answered');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
    };
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.startsWith('HTTP/1.1 100')) settleAdmission('admitted');
      if (/HTTP\/1\.1 [2-5]\d\d[\s\S]*\r\n\r\n/.test(received)) {
        settleAdmission('answered');
        socket.destroy();
        done();
      }
    });
    socket.on('error', () => {});
    socket.on('close', done);
  });
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n${extra}\r\n`,
  );
  defer(() => socket.destroy());
  return { socket, answer, admittedOrAnswered, finish: (body) => socket.write(body) };
}

function signedEvent(n: number, padding = 0): Buffer {
  return Buffer.from(
    JSON.stringify({
      data: { event_uuid: `budget-${n}`, event_type: 'post.create', payload: { id: String(n), text: 'x'.repeat(padding) } },
    }),
  );
}

function postSigned(url: string, body: Buffer): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signBody(SECRET, body) },
  });
}

async function expectCrcAnswered(url: string): Promise<void> {
  const token = Buffer.from(crypto.randomUUID()).toString('base64');
  const answer = await get(`${url}?crc_token=${token}`);
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ response_token: crcResponseToken(SECRET, token) });
}

describe('webhook start: memory budgets', () => {
  it('body bytes in flight: stalled bodies hold what they announce; over budget 503 + Retry-After; large bodies get half; CRC and small events still pass', async () => {
    const s = await server(['--max-body-memory', '256k', '--max-body', '200k']);
    // A large body (over 64 KiB) is admitted; a second one would pass half the budget.
    const large = stalledPost(s.url, 100_000);
    expect(await large.admittedOrAnswered).toBe('admitted');
    const secondLarge = stalledPost(s.url, 100_000);
    const refused = await secondLarge.answer;
    expect(refused.status).toBe(503);
    expect(refused.head).toMatch(/\r\nretry-after: \d+\r\n/i);
    await expectCrcAnswered(s.url);
    expect((await postSigned(s.url, signedEvent(1))).status).toBe(200);

    // Small bodies fill the rest: 100,000 + 2 × 60,000 fits in 256 KiB, a third does not.
    const small = [stalledPost(s.url, 60_000), stalledPost(s.url, 60_000)];
    for (const p of small) expect(await p.admittedOrAnswered).toBe('admitted');
    const overflow = stalledPost(s.url, 60_000);
    expect((await overflow.answer).status).toBe(503);
    await expectCrcAnswered(s.url);

    // A finished body gives its bytes back: the large one completes, and another large one fits.
    large.finish(Buffer.alloc(100_000, 0x20));
    expect((await large.answer).status).toBe(200);
    const again = stalledPost(s.url, 100_000);
    expect(await again.admittedOrAnswered).toBe('admitted');

    await s.waitFor((r) => r.type === 'warning' && /503/.test(r.message));
    expect(await s.stop()).toBe(0);
    expect(s.records.find((r) => r.type === 'summary')!.stats).toMatchObject({ busy: 2, verified: 1 });
  });

  it('open connections: past --max-connections, events get 503 + Retry-After and CRC is still answered', async () => {
    const s = await server(['--max-connections', '3']);
    const { port } = new URL(s.url);
    // Three connections that the server has certainly accepted: each had a request answered.
    const held = await Promise.all([0, 1, 2].map(() => stalledPost(s.url, 50)).map(async (p) => (await p.admittedOrAnswered, p)));
    expect(held).toHaveLength(3);
    const fourth = stalledPost(s.url, 50);
    const answer = await fourth.answer;
    expect(answer.status).toBe(503);
    expect(answer.head).toMatch(/\r\nretry-after: \d+\r\n/i);
    await expectCrcAnswered(`http://127.0.0.1:${port}/webhook`);
    for (const p of held) {
      p.finish(Buffer.from('{"x":1}'.padEnd(50)));
      expect((await p.answer).status).toBe(200);
    }
    expect(await s.stop()).toBe(0);
  });

  it('forward queue bytes: with an app that never answers, events past --max-forward-memory get 503, CRC still answered', async () => {
    const app = await startApp(() => {}); // never answers
    defer(() => app.close());
    const s = await server(['--forward-to', `${app.url}/x`, '--max-forward-memory', '4k', '--forward-timeout', '600']);
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++) statuses.push((await postSigned(s.url, signedEvent(n, 1500))).status);
    // Each event is ~1.6 KB: three fill 4 KiB, the rest are refused (X delivers them again later).
    expect(statuses).toEqual([200, 200, 200, 503, 503, 503]);
    await expectCrcAnswered(s.url);
    s.child.kill('SIGKILL');
  });
});
