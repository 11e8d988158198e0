// A log of months (issue 16 item 10), under `npm run soak` only: `webhook events`, `events show` and
// the dedupe rebuild of `webhook start` read a 1 GiB log as a stream. Peak memory must stay flat:
// about what the same commands take on a log ten times smaller.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventRecord } from '../../src/webhook/event-log.js';
import { cleanEnv, XCLI_BIN } from '../helpers/run-cli.js';
import { peakRssMiB, reportFigure, SOAK } from './lib/scale.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { configDir } = cleanupAfterEach();

/** Writes a log of about `bytes`: verified 2 KB events with ids, and junk records among them. */
function writeLog(dir: string, bytes: number): { lastId: string; records: number } {
  const file = join(dir, 'events', 'events.jsonl');
  mkdirSync(join(dir, 'events'), { recursive: true, mode: 0o700 });
  const fd = openSync(file, 'w', 0o600);
  let written = 0;
  let n = 0;
  let lastId = '';
  const time = new Date().toISOString();
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 500; i++, n++) {
      const verified = n % 4 !== 0;
      const body = Buffer.from(
        JSON.stringify({
          data: { event_uuid: `e${n}`, event_type: 'post.create', payload: { id: String(n), text: 'soak '.repeat(380) } },
        }),
      );
      lastId = `r-${n}`;
      lines.push(
        JSON.stringify(
          eventRecord(
            {
              id: lastId,
              time,
              path: '/webhook',
              headers: { 'content-type': 'application/json' },
              verdict: verified ? 'valid' : 'missing',
              dup: false,
            },
            { product: 'activity', type: verified ? 'post.create' : 'unknown', eventId: verified ? `e${n}` : undefined },
            body,
            verified ? 'whole' : 'head',
          ),
        ),
      );
    }
    const chunk = Buffer.from(`${lines.join('\n')}\n`);
    writeSync(fd, chunk);
    written += chunk.length;
  }
  closeSync(fd);
  return { lastId, records: n };
}

/** Runs xcli with stdout drained and counted; peak RSS from /proc, sampled while it runs. */
async function measure(
  args: string[],
  configDir: string,
  until?: (out: string) => boolean,
): Promise<{ peakMiB: number; lines: number; seconds: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [XCLI_BIN, ...args], {
    env: cleanEnv({ XCLI_CONFIG_DIR: configDir, X_CONSUMER_SECRET: 'soak-secret' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  let seen = '';
  let peakMiB = 0;
  // VmHWM is the peak so far: the last sample before the exit holds it.
  const sample = (): void => void (peakMiB = Math.max(peakMiB, peakRssMiB(child.pid) ?? 0));
  const sampler = setInterval(sample, 50);
  child.stdout.on('data', (c: Buffer) => {
    for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++;
    if (until) {
      seen += c.toString();
      if (until(seen)) {
        sample();
        child.kill('SIGINT');
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => {
    seen += c.toString();
    if (until?.(seen)) {
      sample();
      child.kill('SIGINT');
    }
  });
  await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  return { peakMiB, lines, seconds: (Date.now() - started) / 1000 };
}

describe.skipIf(!SOAK)('reading a 1 GiB event log (soak only)', () => {
  it(
    'webhook events, events show and the dedupe rebuild at start keep memory flat',
    async () => {
      const figures: Record<string, number> = {};
      const peaks: Record<string, number[]> = { list: [], show: [], start: [] };
      for (const [label, bytes] of [
        ['100MiB', 100 * 1024 * 1024],
        ['1GiB', 1024 * 1024 * 1024],
      ] as const) {
        const dir = configDir();
        const { lastId, records } = writeLog(dir, bytes);
        const list = await measure(['webhook', 'events', '--json'], dir);
        expect(list.lines).toBe(records);
        const show = await measure(['webhook', 'events', 'show', lastId, '--json'], dir);
        expect(show.lines).toBe(1);
        const start = await measure(['webhook', 'start', '--no-tunnel', '--port', '0', '--json'], dir, (out) =>
          out.includes('"type":"ready"'),
        );
        peaks.list!.push(list.peakMiB);
        peaks.show!.push(show.peakMiB);
        peaks.start!.push(start.peakMiB);
        Object.assign(figures, {
          [`events${label}PeakMiB`]: list.peakMiB,
          [`events${label}Seconds`]: list.seconds,
          [`show${label}PeakMiB`]: show.peakMiB,
          [`start${label}PeakMiB`]: start.peakMiB,
        });
      }
      reportFigure('log-stream', figures);
      for (const [what, [small, large]] of Object.entries(peaks)) {
        // Flat: ten times the log, at most a little more memory (GC timing), and never near the log's size.
        expect(large!, what).toBeLessThanOrEqual(Math.max(small! * 1.5, small! + 64));
        expect(large!, what).toBeLessThan(256);
      }
    },
    30 * 60_000,
  );
});
