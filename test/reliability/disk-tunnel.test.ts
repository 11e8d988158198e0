// Faults around `webhook start` (issue 7): the event log cannot be written (disk full) and the
// tunnel drops again and again while the webhook is registered at X.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { startFakeX } from '../helpers/fake-x.js';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';
import { get, startServer, type RunningServer } from '../webhook/helpers.js';
import { signBody } from '../../src/webhook/signature.js';
import { burst, checkCrc } from './lib/load.js';

const FAKE_TUNNEL = resolve(import.meta.dirname, '../webhook/fixtures/fake-tunnel.mjs');
/** The secret test/webhook/helpers.ts gives the child it starts. */
const SECRET = 'test-consumer-secret-123';

async function server(t: TestContext, args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const s = await startServer(args, env);
  t.onTestFinished(() => s.cleanup());
  return s;
}

describe('an event log that cannot be written', () => {
  it('disk full (-o /dev/full) during a burst: every event gets 503 so X retries, each is explained, CRC still works, the server stays up', async (t) => {
    const s = await server(t, ['-o', '/dev/full']);
    const events = 300;
    let crcDuringBurst: ReturnType<typeof checkCrc> | undefined;
    const result = await burst(s.url, {
      secret: SECRET,
      events,
      connections: 16,
      idPrefix: 'full',
      onAnswered: (n) => void (n === 100 && (crcDuringBurst = checkCrc(s.url, SECRET))),
    });
    expect(result).toMatchObject({ failed: 0, statuses: { 503: events }, acked: [] });
    await s.waitFor(() => s.records.filter((r) => r.type === 'error').length === events);
    for (const e of s.records.filter((r) => r.type === 'error'))
      expect(e.message).toMatch(/could not write the event log \(disk full\); answered 503 so X delivers again/);
    const crc = await crcDuringBurst!;
    expect(crc.status).toBe(200);
    expect(JSON.parse(crc.body)).toEqual({ response_token: crc.expected });
    // A 503 carries retry-after, so X (and any client) knows to come back.
    const again = await fetch(s.url, { method: 'POST', body: '{}' });
    expect([again.status, again.headers.get('retry-after')]).toEqual([503, '5']);
    expect(await s.stop()).toBe(0);
    expect(s.records.at(-1)).toMatchObject({ type: 'summary', stats: { events: 0, storeFailures: events + 1 } });
  });
});

describe('an event log path that cannot be created', () => {
  it('-o under a regular file: exit 1 with one line naming the path', async () => {
    const { dir, cleanup } = tempConfigDir();
    try {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'plain-file');
      writeFileSync(file, 'x');
      const r = await runCli(['webhook', 'start', '--no-tunnel', '--port', '0', '-o', join(file, 'events.jsonl')], {
        env: { XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: SECRET },
      });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^xcli: cannot open the event log: not a directory: /);
      expect(r.stderr).toContain(file);
    } finally {
      cleanup();
    }
  });
});

describe('the tunnel drops while the webhook is registered', () => {
  it('reconnects with growing backoff, registers each new URL (X runs a CRC), deletes the old one, and keeps logging', async (t) => {
    const fake = await startFakeX();
    t.onTestFinished(() => fake.close());
    // The third tunnel fails to open: one retry with a doubled delay, then the fourth opens.
    const s = await server(t, ['--tunnel-module', FAKE_TUNNEL, '--register'], {
      ...fake.env({ all: true }),
      FAKE_TUNNEL_FAIL_ON: '3',
    });
    const webhooks = (): Array<{ id: string; url: string; valid: boolean }> => [...fake.sandbox.state.webhooks.values()] as never;
    let current = (await s.waitFor((r) => r.type === 'register' && r.action === 'created')) as { webhookId: string; url: string };
    const registered = [current.webhookId];
    for (let drop = 1; drop <= 3; drop++) {
      await get(new URL('/__fake_tunnel/drop', current.url).href);
      current = (await s.waitFor(
        (r) => r.type === 'register' && r.action === 'created' && !registered.includes(r.webhookId),
        15_000,
      )) as typeof current;
      registered.push(current.webhookId);
      // Exactly one webhook at X: the new, validated URL (X's CRC to it was answered).
      expect(webhooks().map((w) => [w.id, w.url, w.valid])).toEqual([[current.webhookId, current.url, true]]);
      const body = Buffer.from(
        JSON.stringify({ data: { event_uuid: `after-drop-${drop}`, event_type: 'post.create', payload: {} } }),
      );
      // With the fake X's environment, the server's consumer secret is the fake app's.
      const signature = signBody(fake.sandbox.credentials.consumerSecret, body);
      expect(
        (await fetch(current.url, { method: 'POST', body, headers: { 'x-twitter-webhooks-signature': signature } })).status,
      ).toBe(200);
    }
    const retries = s.records.filter((r) => r.type === 'tunnel' && r.state === 'reconnecting').map((r) => r.retryInMs as number);
    // Each drop starts the backoff afresh; the failed open doubles it once.
    expect(retries).toEqual([retries[0], retries[0], retries[0]! * 2, retries[0]]);
    expect(s.records.filter((r) => r.type === 'tunnel' && r.state === 'failed')).toHaveLength(1);
    expect(s.records.filter((r) => r.type === 'register' && r.action === 'deleted').map((r) => r.webhookId)).toEqual(
      registered.slice(0, 3),
    );
    await s.waitFor(() => s.records.filter((r) => r.type === 'event').length === 3);
    expect(s.records.filter((r) => r.type === 'event').map((r) => [r.record.eventId, r.record.verdict])).toEqual(
      [1, 2, 3].map((n) => [`after-drop-${n}`, 'valid']),
    );
    expect(await s.stop()).toBe(0);
  }, 30_000);
});
