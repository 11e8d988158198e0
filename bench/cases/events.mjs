// Events: signed 1 KB events/s that `xcli webhook start --no-tunnel` verifies and logs durably
// (acknowledged only once fdatasync'd), against a baseline doing the least durable work: HMAC
// verify, append, one fdatasync per batch (bench/baselines/durable.mjs). Zero lost: after each
// xcli round the log must hold a line for every 2xx answer.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultRow } from '../lib/report.mjs';
import { startServer } from '../lib/server-process.mjs';
import { compareThroughput } from '../lib/throughput.mjs';
import { READY, xcliWebhookServers } from './crc.mjs';

const durableServer = fileURLToPath(new URL('../baselines/durable.mjs', import.meta.url));

export const name = 'events';

/**
 * X delivers bursts of events concurrently. An event is acknowledged once it is fdatasync'd, so
 * with N deliveries in flight the log can commit at most N per sync: 50 lets group commit work.
 */
const CONNECTIONS = 50;

function countLines(file) {
  const bytes = readFileSync(file);
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

export async function run({ xcliBin, node, env, runs }) {
  const secret = randomBytes(36).toString('base64url');
  const xcli = xcliWebhookServers(node, xcliBin, env, secret);
  // The baseline's log on the same file system as xcli's (both under the temp dir).
  const baselineDir = mkdtempSync(join(tmpdir(), 'xcli-bench-durable-'));
  let baselineRounds = 0;
  let acknowledged = 0;
  let logged = 0;
  try {
    const m = await compareThroughput(
      {
        start: xcli.start,
        loadArgs: (url, seconds) => ['events', url, String(seconds), String(CONNECTIONS), secret],
        afterRound: (server, loads) => {
          const ok = loads.reduce((sum, l) => sum + l.ok, 0);
          const lines = countLines(join(server.configDir, 'events', 'events.jsonl'));
          acknowledged += ok;
          logged += lines;
          // A line logged whose 200 the load generator stopped waiting for is fine; a 200 without a line is a loss.
          if (lines < ok) throw new Error(`lost events: ${ok} answered 2xx, ${lines} in the log`);
        },
      },
      {
        start: () =>
          startServer(node, [durableServer, secret, join(baselineDir, `events-${++baselineRounds}.log`)], {
            env,
            ready: READY,
          }),
        loadArgs: (url, seconds) => ['events', url, String(seconds), String(CONNECTIONS), secret],
      },
      { rounds: runs },
    );
    const note = `${acknowledged} events acknowledged, ${logged} logged, 0 lost`;
    return [
      resultRow({
        name: 'events',
        unit: 'ev/s',
        xcli: m.xcli,
        baseline: m.baseline,
        ratio: m.ratio,
        target: { kind: 'ratio-min', value: 0.8 },
        note,
      }),
    ];
  } finally {
    xcli.cleanup();
    rmSync(baselineDir, { recursive: true, force: true });
  }
}
