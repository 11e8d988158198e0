// CRC: requests/s of `xcli webhook start --no-tunnel` answering X's CRC, against a bare node:http
// server computing the same HMAC (bench/baselines/server.mjs crc). autocannon runs in its own process.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultRow } from '../lib/report.mjs';
import { startServer } from '../lib/server-process.mjs';
import { compareThroughput } from '../lib/throughput.mjs';

export const name = 'crc';

/** X checks one webhook at a time; 10 concurrent connections (autocannon's default) is already more. */
const CONNECTIONS = 10;

export const baselineServer = fileURLToPath(new URL('../baselines/server.mjs', import.meta.url));
/** `Ready. Webhook URL: http://…` on stderr, or the baseline's `"localUrl":"…"`. */
export const READY = /(?:Webhook URL: |"localUrl":")(http:\/\/[^\s"]+)/;

/**
 * Starts `xcli webhook start --no-tunnel --port 0` servers, each with its own config dir;
 * `cleanup()` removes the dirs of every server it started.
 */
export function xcliWebhookServers(node, xcliBin, env, secret, extraArgs = []) {
  const started = [];
  const startOne = async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'xcli-bench-'));
    const server = await startServer(node, [xcliBin, 'webhook', 'start', '--no-tunnel', '--port', '0', ...extraArgs], {
      env: { ...env, XCLI_CONFIG_DIR: configDir, X_CONSUMER_SECRET: secret },
      ready: READY,
    });
    return {
      ...server,
      configDir,
      async stop(graceMs) {
        const status = await server.stop(graceMs);
        if (status.code !== 0) throw new Error(`xcli webhook start exited ${status.code ?? status.signal} on SIGINT`);
        return status;
      },
      cleanup: () => rmSync(configDir, { recursive: true, force: true }),
    };
  };
  return {
    start: async () => {
      const server = await startOne();
      started.push(server);
      return server;
    },
    cleanup: () => {
      for (const server of started.splice(0)) server.cleanup();
    },
  };
}

export async function run({ xcliBin, node, env, runs }) {
  const secret = randomBytes(36).toString('base64url');
  const loadArgs = (url, seconds) => ['crc', url, String(seconds), String(CONNECTIONS)];
  const baseline = {
    start: () => startServer(node, [baselineServer, 'crc', secret], { env, ready: READY }),
    loadArgs,
  };
  const xcli = xcliWebhookServers(node, xcliBin, env, secret);
  // The same server without its console line per CRC: what the line costs.
  const quiet = xcliWebhookServers(node, xcliBin, env, secret, ['--quiet']);
  try {
    const m = await compareThroughput({ start: xcli.start, loadArgs }, baseline, { rounds: runs });
    const q = await compareThroughput({ start: quiet.start, loadArgs }, baseline, { rounds: runs });
    return [
      resultRow({
        name: 'CRC',
        unit: 'req/s',
        xcli: m.xcli,
        baseline: m.baseline,
        ratio: m.ratio,
        target: { kind: 'ratio-min', value: 0.85 },
      }),
      resultRow({
        name: '  --quiet (no console)',
        unit: 'req/s',
        xcli: q.xcli,
        baseline: q.baseline,
        ratio: q.ratio,
        target: { kind: 'reference' },
      }),
    ];
  } finally {
    xcli.cleanup();
    quiet.cleanup();
  }
}
