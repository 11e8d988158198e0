// Issue 16 item 3: `webhook start --json` with a reader that lags. The console honours backpressure
// through a bounded buffer: the server keeps answering, records past the buffer are dropped and
// counted on stderr, the event log keeps everything; big bodies are cut at 64 KiB in console records;
// a stdout that fails (not EPIPE) is one line on stderr and a clean stop.
import { openSync, closeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crcResponseToken } from '../../src/webhook/crc.js';
import { readEventLog } from '../../src/webhook/event-log.js';
import { signBody } from '../../src/webhook/signature.js';
import { cleanEnv, spawnCli, XCLI_BIN } from '../helpers/run-cli.js';
import { get, SECRET } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer, configDir } = cleanupAfterEach();

const EVENTS = 48;
const BODY_BYTES = 200 * 1024;

function bigEvent(n: number): Buffer {
  const text = `${n} ${'é'.repeat(BODY_BYTES / 2)}`;
  return Buffer.from(
    JSON.stringify({ data: { event_uuid: `console-${n}`, event_type: 'post.create', payload: { id: String(n), text } } }),
  );
}

describe('webhook start --json: a slow reader', () => {
  it('never stops the server: records past the bounded buffer are dropped and counted, the log has them all, bodies cut at 64 KiB', async () => {
    const dir = configDir();
    const child = spawnCli(['webhook', 'start', '--no-tunnel', '--port', '0', '--json'], {
      env: { XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: SECRET },
    });
    defer(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    const changed: Array<() => void> = [];
    const waitUntil = (done: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => (done() ? resolve() : void changed.push(check));
        check();
      });
    // setEncoding: a character split between two chunks is decoded whole.
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (c: string) => {
      out += c;
      for (const f of changed.splice(0)) f();
    });
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString('utf8');
      for (const f of changed.splice(0)) f();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitUntil(() => out.includes('"type":"ready"'));
    const url = (JSON.parse(out.split('\n')[0]!) as { localUrl: string }).localUrl;

    // From here nobody reads the pipe: it fills, then the server's console buffer does.
    child.stdout!.pause();
    const statuses = await Promise.all(
      Array.from({ length: EVENTS }, async (_, n) => {
        const body = bigEvent(n);
        return (
          await fetch(url, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signBody(SECRET, body) },
          })
        ).status;
      }),
    );
    expect(statuses).toEqual(Array.from({ length: EVENTS }, () => 200));
    const crc = await get(`${url}?crc_token=helloWorld1`);
    expect(await crc.json()).toEqual({ response_token: crcResponseToken(SECRET, 'helloWorld1') });

    // The reader catches up: the count of what it missed arrives on stderr.
    child.stdout!.resume();
    await waitUntil(() => /\d+ console records? dropped .*the event log has them/.test(err));
    const dropped = Number(/(\d+) console records? dropped/.exec(err)![1]);
    expect(dropped).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exited).toBe(0);

    const records = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    const events = records.filter((r) => r.type === 'event');
    // ready + EVENTS events + 1 CRC: each either shown or counted as dropped.
    expect(records.filter((r) => r.type !== 'summary').length + dropped).toBe(1 + EVENTS + 1);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.record.bodyTruncated).toBe(true);
      const n = Number(String(e.record.eventId).replace('console-', ''));
      expect(e.record.bodyLength).toBe(bigEvent(n).length);
      expect(bigEvent(n).toString('utf8').startsWith(e.record.body)).toBe(true);
      expect(Buffer.byteLength(e.record.body)).toBeLessThanOrEqual(64 * 1024);
      expect(e.log).toBe(join(dir, 'events', 'events.jsonl'));
    }
    const log = await readEventLog(join(dir, 'events', 'events.jsonl'));
    expect(log).toHaveLength(EVENTS);
    const bodies = log.map((r) => r.body).sort();
    expect(bodies).toEqual(Array.from({ length: EVENTS }, (_, n) => bigEvent(n).toString('utf8')).sort());
  });

  it('a stdout that fails (not EPIPE) is one line on stderr and a clean stop, exit 1', async () => {
    const dir = configDir();
    const full = openSync('/dev/full', 'w');
    defer(() => closeSync(full));
    const child = spawn(process.execPath, [XCLI_BIN, 'webhook', 'start', '--no-tunnel', '--port', '0', '--json'], {
      env: cleanEnv({ XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: SECRET }),
      stdio: ['ignore', full, 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toBe('xcli: cannot write to stdout (ENOSPC); the server stopped\n');
  });
});
