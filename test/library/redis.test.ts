// Issue 18 item 5: several instances behind a load balancer share dedupe and hand-off through a real
// redis-server. Two server processes (docs/library.md's Redis examples, and `xcli webhook start
// --dedupe`) get the same deliveries: each event id reaches onEvent once, the stream holds it once,
// and a consumer group of workers reads it once.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crcResponse, signBody } from '../../src/webhooks.js';
import { freshSample, sampleBody } from '../../src/webhook/samples.js';
import { runCli } from '../helpers/run-cli.js';
import { SECRET, startServer, type RunningServer } from '../webhook/helpers.js';
import { startExample, type RunningExample } from './docs-examples.js';
import { hasRedisServer, REDIS_SKIP_NOTE, startRedisServer, type RedisServer } from './redis-server.mjs';

if (!hasRedisServer) console.warn(REDIS_SKIP_NOTE);

const running: Array<{ stop(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

/** 2,000 deliveries: 1,800 events, 10% of them delivered twice, the copy to the other instance. */
function burst(): { bodies: Buffer[]; ids: string[]; deliveries: Array<{ body: Buffer; instance: number }> } {
  const bodies: Buffer[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 1800; i++) {
    const sample = freshSample('post.create') as { data: { event_uuid: string } };
    sample.data.event_uuid = `burst-${i}`;
    ids.push(sample.data.event_uuid);
    bodies.push(sampleBody(sample as never));
  }
  const deliveries = bodies.map((body, i) => ({ body, instance: i % 2 }));
  for (let i = 0; i < 200; i++) deliveries.splice(i * 9 + 5, 0, { body: bodies[i * 9]!, instance: 1 - (i % 2) });
  return { bodies, ids, deliveries };
}

async function deliverAll(
  urls: string[],
  deliveries: Array<{ body: Buffer; instance: number }>,
  secret: string,
  concurrency = 16,
): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const { body, instance } = deliveries[next++]!;
        const r = await fetch(urls[instance]!, {
          method: 'POST',
          body,
          headers: { 'x-twitter-webhooks-signature': signBody(secret, body) },
        });
        await r.arrayBuffer();
        statuses.push(r.status);
      }
    }),
  );
  return statuses;
}

describe.skipIf(!hasRedisServer)('Redis: dedupe and hand-off across instances (#18)', () => {
  let redis: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  afterEach(async () => {
    await client.flushall();
  });

  async function twoExamples(name: string): Promise<RunningExample[]> {
    const instances = await Promise.all(
      [0, 1].map(() => startExample(name, { X_CONSUMER_SECRET: SECRET, REDIS_URL: redis.url })),
    );
    running.push(...instances);
    return instances;
  }

  it('dedupe: the same event to both instances runs onEvent once; so does each id of a 2,000-delivery burst', async () => {
    const instances = await twoExamples('redis-dedupe');
    const urls = instances.map((i) => i.url);
    expect(await (await fetch(`${urls[0]}?crc_token=helloWorld`)).json()).toEqual(crcResponse(SECRET, 'helloWorld'));
    const same = sampleBody(freshSample('like.create')!);
    const both = await deliverAll(
      urls,
      [
        { body: same, instance: 0 },
        { body: same, instance: 1 },
      ],
      SECRET,
      2,
    );
    expect(both).toEqual([200, 200]);
    const { ids, deliveries } = burst();
    const statuses = await deliverAll(urls, deliveries, SECRET);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Every printed line is one onEvent call. A last event to each instance: once its line is read,
    // every line printed before it has been read too.
    const sentinels = [0, 1].map((instance) => {
      const sample = freshSample('post.create') as { data: { event_uuid: string } };
      sample.data.event_uuid = `sentinel-${instance}`;
      return { body: sampleBody(sample as never), instance };
    });
    expect(await deliverAll(urls, sentinels, SECRET, 2)).toEqual([200, 200]);
    const perInstance = await Promise.all(instances.map((i, n) => i.waitForLine((l) => l.endsWith(` sentinel-${n}`))));
    const lines = perInstance.flat();
    const burstIds = lines.filter((l) => l.startsWith('event post.create burst-')).map((l) => l.split(' ')[2]);
    expect(burstIds.length).toBe(1800);
    expect(new Set(burstIds)).toEqual(new Set(ids));
    expect(lines.filter((l) => l.startsWith('event like.create'))).toHaveLength(1);
    // Both instances took part.
    for (const own of perInstance) expect(own.length).toBeGreaterThan(100);
  }, 120_000);

  it('stream hand-off: the stream holds each event once, and a consumer group of two workers reads each once', async () => {
    const instances = await twoExamples('redis-stream');
    const { ids, deliveries } = burst();
    const statuses = await deliverAll(
      instances.map((i) => i.url),
      deliveries,
      SECRET,
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await client.xlen('x-events')).toBe(1800);
    await client.xgroup('CREATE', 'x-events', 'workers', '0');
    const read: string[] = [];
    const worker = async (name: string): Promise<void> => {
      const w = new Redis(redis.url);
      try {
        for (;;) {
          const reply = (await w.xreadgroup('GROUP', 'workers', name, 'COUNT', 50, 'STREAMS', 'x-events', '>')) as Array<
            [string, Array<[string, string[]]>]
          > | null;
          const entries = reply?.[0]?.[1] ?? [];
          if (entries.length === 0) return;
          for (const [entryId, fields] of entries) {
            const entry = Object.fromEntries(fields.flatMap((_, i) => (i % 2 ? [] : [[fields[i], fields[i + 1]]])));
            expect(JSON.parse(entry.body!).data.event_uuid).toBe(entry.eventId);
            read.push(entry.eventId!);
            await w.xack('x-events', 'workers', entryId);
          }
        }
      } finally {
        w.disconnect();
      }
    };
    await Promise.all([worker('a'), worker('b')]);
    expect(read).toHaveLength(1800);
    expect(new Set(read)).toEqual(new Set(ids));
  }, 120_000);

  it('xcli webhook start --dedupe: of two instances, one logs the event as new and one as a duplicate', async () => {
    const servers: RunningServer[] = [];
    for (let i = 0; i < 2; i++) {
      const server = await startServer(['--dedupe', redis.url]);
      running.push({
        stop: async () => {
          await server.stop();
          server.cleanup();
        },
      });
      servers.push(server);
      await server.waitFor((r) => r.type === 'ready');
    }
    const body = sampleBody(freshSample('post.create')!);
    const statuses = await deliverAll(
      servers.map((s) => s.url),
      [
        { body, instance: 0 },
        { body, instance: 1 },
      ],
      SECRET,
      2,
    );
    expect(statuses).toEqual([200, 200]);
    const records = await Promise.all(servers.map((s) => s.waitFor((r) => r.type === 'event')));
    expect(records.map((r) => r.record.dup).sort()).toEqual([false, true]);
  }, 60_000);
});

describe.skipIf(!hasRedisServer)('xcli webhook start --dedupe when Redis is away (#18)', () => {
  it('an unreachable Redis is one line at start (exit 4)', async () => {
    const redis = await startRedisServer();
    const url = redis.url;
    await redis.stop(); // nothing listens there now
    const r = await runCli(['webhook', 'start', '--no-tunnel', '--port', '0', '--dedupe', url], {
      env: { X_CONSUMER_SECRET: SECRET, XCLI_CONFIG_DIR: '/nonexistent/xcli-redis-test' },
    });
    expect(r.stderr).toMatch(
      new RegExp(`^xcli: --dedupe: cannot reach Redis at redis://127\\.0\\.0\\.1:${redis.port}/?: .+\\n$`),
    );
    expect(r.code).toBe(4);
  });

  it('answers 503 while Redis is down, 200 once it is back, and stops at once on Ctrl-C', async () => {
    const redis = await startRedisServer();
    running.push(redis);
    const server = await startServer(['--dedupe', redis.url]);
    running.push({ stop: async () => server.cleanup() });
    await server.waitFor((r) => r.type === 'ready');
    const body = sampleBody(freshSample('post.create')!);
    const deliver = () =>
      fetch(server.url, { method: 'POST', body, headers: { 'x-twitter-webhooks-signature': signBody(SECRET, body) } });
    await redis.stop();
    const down = await deliver();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    await server.waitFor((r) => r.type === 'error' && /dedupe store failed/.test(r.message));
    const back = await startRedisServer(redis.port);
    running.push(back);
    // ioredis reconnects on its own schedule (backoff up to 2 s): deliver again, as X would, until one lands.
    let status = 0;
    for (const deadline = Date.now() + 20_000; status !== 200 && Date.now() < deadline; ) {
      status = (await deliver()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect(await server.stop()).toBe(0);
  }, 60_000);
});
