// Dedupe: signed events/s through the library's handler (node:http, in this process) with the
// Redis dedupe store (a real redis-server on 127.0.0.1, SET NX PX per event) against the same
// handler with the memory store, in alternating rounds. No target: it shows what sharing dedupe
// across instances costs. Skipped without redis-server on PATH.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createMemoryDedupeStore, createRedisDedupeStore, createWebhookHandler, signBody } from '../../dist/lib/webhooks.js';
import { median, resultRow } from '../lib/report.mjs';
import { startRedisServer } from '../../test/library/redis-server.mjs';

export const name = 'dedupe';

const CONCURRENCY = 32;
const SECONDS = 2;

async function serve(dedupe, secret) {
  const server = createServer(createWebhookHandler({ consumerSecret: secret, dedupe, onEvent() {} }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Unique signed events for `seconds`, CONCURRENCY in flight; events/s answered 200. */
async function load(url, secret, seconds) {
  const until = performance.now() + seconds * 1000;
  let ok = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const body = Buffer.from(
          JSON.stringify({
            data: { event_uuid: randomBytes(12).toString('hex'), event_type: 'post.create', payload: { text: 'bench' } },
          }),
        );
        const r = await fetch(url, { method: 'POST', body, headers: { 'x-twitter-webhooks-signature': signBody(secret, body) } });
        await r.arrayBuffer();
        if (r.status === 200) ok++;
      }
    }),
  );
  return ok / seconds;
}

export async function run({ runs }) {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return [
      {
        case: name,
        unit: 'ev/s',
        xcli: null,
        baseline: null,
        ratio: null,
        target: '–',
        pass: null,
        note: 'skipped: redis-server is not on PATH (apt-get install redis-server)',
      },
    ];
  }
  const secret = randomBytes(24).toString('base64url');
  const redis = await startRedisServer();
  const redisStore = await createRedisDedupeStore({ url: redis.url });
  const withRedis = await serve(redisStore, secret);
  const withMemory = await serve(createMemoryDedupeStore(), secret);
  try {
    await load(withRedis.url, secret, 0.5);
    await load(withMemory.url, secret, 0.5);
    const redisRates = [];
    const memoryRates = [];
    for (let i = 0; i < runs; i++) {
      redisRates.push(await load(withRedis.url, secret, SECONDS));
      memoryRates.push(await load(withMemory.url, secret, SECONDS));
    }
    const xcli = median(redisRates);
    const baseline = median(memoryRates);
    return [
      resultRow({
        name: 'dedupe redis vs memory',
        unit: 'ev/s',
        xcli,
        baseline,
        target: { kind: 'reference' },
        note: `handler events/s, Redis dedupe (xcli column) against memory dedupe (baseline), ${runs} rounds of ${SECONDS} s`,
      }),
    ];
  } finally {
    await withRedis.close();
    await withMemory.close();
    await redisStore.close();
    await redis.stop();
  }
}
