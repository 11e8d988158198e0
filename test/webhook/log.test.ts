// The event log of `webhook start` under junk, restarts, a full disk and months of running
// (issue 16 items 4, 5, 6, 10): sizes, dedupe, one record per event, rotation, streaming readers.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventLog } from '../../src/webhook/event-log.js';
import { signBody } from '../../src/webhook/signature.js';
import { cleanEnv, runCli, XCLI_BIN } from '../helpers/run-cli.js';
import { SECRET, startServer, type RunningServer } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer, configDir } = cleanupAfterEach();
async function server(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  const s = await startServer(args, env, dir);
  defer(() => s.cleanup());
  return s;
}
const env = (dir: string): Record<string, string> => ({ XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: SECRET });
const logPath = (dir: string): string => join(dir, 'events', 'events.jsonl');

/** An X Activity event whose post text is `text` (any size): a JSON object, as X sends. */
function activityEvent(uuid: string, text: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      data: { event_uuid: uuid, event_type: 'post.create', filter: { user_id: '1' }, payload: { id: '2', text, author_id: '1' } },
    }),
  );
}
function post(url: string, body: Buffer, signed: boolean): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...(signed ? { 'x-twitter-webhooks-signature': signBody(SECRET, body) } : {}),
    },
  });
}

describe('event log size under junk (item 4)', () => {
  it('keeps a bounded record per unverified request and verified bodies whole at ≤ 1.4× their size, byte for byte', async () => {
    const dir = configDir();
    const s = await server(dir);
    const junkCount = 24;
    const junk = Buffer.alloc(256 * 1024, 0x01); // control bytes: 6 bytes each as JSON escapes
    for (let i = 0; i < junkCount; i++) expect((await post(s.url, junk, false)).status).toBe(200);
    // Verified bodies as hostile as a JSON object gets: text of quotes and escaped control bytes.
    const verified = [
      activityEvent('v-quotes', '"'.repeat(60_000)),
      activityEvent('v-controls', '\u0001\u0002'.repeat(20_000)),
      activityEvent('v-plain', 'hello webhook '.repeat(5000)),
      Buffer.from(`{"data":{"event_uuid":"v-accents","event_type":"post.create","payload":{"text":"${'é'.repeat(30_000)}"}}}`),
    ];
    // A 200 means the record is on disk.
    for (const body of verified) expect((await post(s.url, body, true)).status).toBe(200);
    const logBytes = statSync(logPath(dir)).size;
    const verifiedBytes = verified.reduce((sum, b) => sum + b.length, 0);
    const perJunkRecord = 8 * 1024;
    expect(logBytes).toBeLessThanOrEqual(1.4 * verifiedBytes + junkCount * perJunkRecord);

    const records = await readEventLog(logPath(dir));
    const unverified = records.filter((r) => r.verdict !== 'valid');
    expect(unverified).toHaveLength(junkCount);
    expect(unverified[0]).toMatchObject({
      bodyTruncated: true,
      bodyLength: junk.length,
      bodySha256: createHash('sha256').update(junk).digest('hex'),
    });
    expect(Buffer.from(unverified[0]!.bodyBase64!, 'base64').equals(junk.subarray(0, 4096))).toBe(true);
    // Dense escapes are stored as base64 (4/3), plain text as text.
    expect(records.find((r) => r.eventId === 'v-quotes')!.bodyBase64).toBeDefined();
    expect(records.find((r) => r.eventId === 'v-plain')!.body).toBeDefined();

    // Everything that reads the log gives back the exact bytes of verified events.
    for (const [i, body] of verified.entries()) {
      const id = records.find((r) => r.eventId === ['v-quotes', 'v-controls', 'v-plain', 'v-accents'][i])!.id;
      const shown = await runCli(['webhook', 'events', 'show', id], { env: env(dir) });
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdoutBytes.equals(body)).toBe(true);
    }
    // An unverified body logged in part is never passed off as the delivery.
    const partial = await runCli(['webhook', 'events', 'show', unverified[0]!.id], { env: env(dir) });
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(
      /^xcli: only the first 4096 of 262144 bytes of unverified event .* were logged \(sha256 [0-9a-f]{64}\); 'webhook start --log-unverified full' keeps whole bodies; --json gives the record\n$/,
    );
    const replay = await runCli(['webhook', 'replay-local', unverified[0]!.id, '--to', 'http://127.0.0.1:9/'], { env: env(dir) });
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/cannot be replayed/);
  });

  it('--log-unverified full keeps unverified bodies whole', async () => {
    const dir = configDir();
    const s = await server(dir, ['--log-unverified', 'full']);
    const junk = Buffer.alloc(64 * 1024, 0x02);
    await post(s.url, junk, false);
    await s.waitFor((r) => r.type === 'event');
    const [record] = await readEventLog(logPath(dir));
    expect(record!.bodyTruncated).toBeUndefined();
    expect(Buffer.from(record!.bodyBase64!, 'base64').equals(junk)).toBe(true);
  });
});

describe('dedupe across restarts (item 5)', () => {
  it('remembers event A after megabytes of junk and a restart: X re-delivering A is a duplicate', async () => {
    const dir = configDir();
    let s = await server(dir, ['--log-unverified', 'full']);
    const a = activityEvent('event-A', 'the one that matters');
    expect((await post(s.url, a, true)).status).toBe(200);
    // 9 MiB of junk after A (more than the old 8 MiB window the ids were read back from).
    const junk = Buffer.alloc(1024 * 1024, 0x03);
    for (let i = 0; i < 7; i++) expect((await post(s.url, junk, false)).status).toBe(200);
    expect(statSync(logPath(dir)).size).toBeGreaterThan(8 * 1024 * 1024);
    expect(await s.stop()).toBe(0);

    s = await server(dir);
    expect((await post(s.url, a, true)).status).toBe(200);
    const again = await s.waitFor((r) => r.type === 'event' && r.record.eventId === 'event-A');
    expect(again.record.dup).toBe(true);
  });
});

describe('disk full mid-batch (item 6)', () => {
  it('cuts a failed batch out of the log, so X retrying the event leaves exactly one new record of it', async () => {
    const dir = configDir();
    const preload = resolve(import.meta.dirname, 'fixtures', 'fail-log-write.cjs');
    const s = await server(dir, [], { NODE_OPTIONS: `--require ${preload}` });
    const a = activityEvent('event-full', 'written when the disk filled up');
    expect((await post(s.url, a, true)).status).toBe(503);
    await s.waitFor((r) => r.type === 'error');
    expect((await post(s.url, a, true)).status).toBe(200);
    await s.waitFor((r) => r.type === 'event');
    const records = (await readEventLog(logPath(dir))).filter((r) => r.eventId === 'event-full');
    expect(records.map((r) => r.dup)).toEqual([false]);
    expect(readFileSync(logPath(dir), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('a log that runs for months (item 10)', () => {
  it('rotates at --max-log-size; events, show and dedupe read across the rotated files; prune drops old ones', async () => {
    const dir = configDir();
    let s = await server(dir, ['--max-log-size', '1MiB']);
    const text = 'x'.repeat(300 * 1024);
    for (let i = 0; i < 8; i++) expect((await post(s.url, activityEvent(`rot-${i}`, text), true)).status).toBe(200);
    expect(await s.stop()).toBe(0);
    const rotated = ['events.jsonl.1', 'events.jsonl.2'].map((f) => statSync(join(dir, 'events', f)).size);
    for (const size of rotated) expect(size).toBeGreaterThanOrEqual(1024 * 1024);

    const listed = await runCli(['webhook', 'events', '--json'], { env: env(dir) });
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).eventId),
    ).toEqual(Array.from({ length: 8 }, (_, i) => `rot-${i}`));
    const first = await runCli(['webhook', 'events', 'show', 'rot-0'], { env: env(dir) });
    expect(first.stdoutBytes.equals(activityEvent('rot-0', text))).toBe(true);

    s = await server(dir, ['--max-log-size', '1MiB']);
    await post(s.url, activityEvent('rot-0', text), true);
    expect((await s.waitFor((r) => r.type === 'event')).record.dup).toBe(true);
    // Pruning needs the server stopped: it rewrites the files the server appends to.
    const refused = await runCli(['webhook', 'events', 'prune', '--before', '1d'], { env: env(dir) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^xcli: 'webhook start' is running \(pid \d+\) on this log; stop it before pruning\n$/);
    expect(await s.stop()).toBe(0);

    const cutoff = JSON.parse(listed.stdout.trim().split('\n')[4]!).time as string;
    const pruned = await runCli(['webhook', 'events', 'prune', '--before', cutoff], { env: env(dir) });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stderr).toMatch(/^pruned \d+ events received before /);
    const left = (await runCli(['webhook', 'events', '--json'], { env: env(dir) })).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(left.every((r) => r.time >= cutoff)).toBe(true);
    expect(left.map((r) => r.eventId)).toContain('rot-7');
    expect(left.filter((r) => !r.dup).map((r) => r.eventId)).not.toContain('rot-0');
    const badDuration = await runCli(['webhook', 'events', 'prune', '--before', 'yesterday'], { env: env(dir) });
    expect(badDuration.code).toBe(2);
  });

  it('events --follow prints what is logged as it comes, across a rotation, until Ctrl-C', async () => {
    const dir = configDir();
    const s = await server(dir, ['--max-log-size', '1MiB']);
    await post(s.url, activityEvent('before-follow', 'x'), true);
    await s.waitFor((r) => r.type === 'event');
    const follow = spawn(process.execPath, [XCLI_BIN, 'webhook', 'events', '--follow', '--json'], {
      env: cleanEnv(env(dir)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    defer(() => follow.exitCode === null && follow.kill('SIGKILL'));
    const seen: string[] = [];
    let waiting: (() => void) | undefined;
    let buffered = '';
    follow.stdout.on('data', (c: Buffer) => {
      buffered += c.toString();
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        seen.push(JSON.parse(buffered.slice(0, nl)).eventId);
        buffered = buffered.slice(nl + 1);
      }
      waiting?.();
    });
    const until = (n: number): Promise<void> =>
      new Promise((done) => {
        const check = (): void => (seen.length >= n ? done() : void (waiting = check));
        check();
      });
    await until(1);
    const big = 'y'.repeat(400 * 1024);
    for (let i = 0; i < 5; i++) await post(s.url, activityEvent(`live-${i}`, big), true);
    await until(6);
    expect(seen).toEqual(['before-follow', 'live-0', 'live-1', 'live-2', 'live-3', 'live-4']);
    expect(statSync(join(dir, 'events', 'events.jsonl.1')).size).toBeGreaterThan(0);
    const exited = new Promise<number | null>((done) => follow.on('exit', (code) => done(code)));
    follow.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
