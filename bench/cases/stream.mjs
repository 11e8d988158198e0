// Stream: MB/s of `xcli -s` reading a local NDJSON stream (1 KB records, bench/baselines/stream-server.mjs)
// to /dev/null, against `curl -sN` reading the same stream to /dev/null. Both figures are
// bytes / wall time of the whole command, start-up included.
import { fileURLToPath } from 'node:url';
import { alternate, timeCommand } from '../lib/measure.mjs';
import { resultRow } from '../lib/report.mjs';
import { startServer } from '../lib/server-process.mjs';

export const name = 'stream';

export const streamServer = fileURLToPath(new URL('../baselines/stream-server.mjs', import.meta.url));
const streamClient = fileURLToPath(new URL('../baselines/stream-client.mjs', import.meta.url));
export const READY = /"localUrl":"(http:\/\/[^\s"]+)"/;

const MiB = 1024 * 1024;
const BYTES = 256 * MiB;

/** The stream server, and the environment that points a child xcli at it. */
export async function startStreamServer(env) {
  const server = await startServer(process.execPath, [streamServer], { env, ready: READY });
  return {
    ...server,
    env: {
      ...env,
      XCLI_API_BASE_URL: server.url,
      X_BEARER_TOKEN: 'bench-bearer-token',
      XCLI_CONFIG_DIR: '/nonexistent/xcli-bench',
    },
  };
}

export const streamArgs = (bytes) => ['-s', `/2/tweets/sample/stream?bytes=${bytes}`, '--no-reconnect'];

export async function run({ xcliBin, node, env, runs }) {
  const server = await startStreamServer(env);
  try {
    const mbps = (ms) => BYTES / MiB / (ms / 1000);
    const m = await alternate(
      async () => mbps(await timeCommand(node, [xcliBin, ...streamArgs(BYTES)], { env: server.env })),
      async () => mbps(await timeCommand('curl', ['-sfN', `${server.url}/2/tweets/sample/stream?bytes=${BYTES}`], { env })),
      { warmup: 1, runs },
    );
    // Node's own ceiling on this machine: a bare node:http client, no line handling, against curl.
    const floor = await alternate(
      async () => mbps(await timeCommand(node, [streamClient, `${server.url}/2/tweets/sample/stream?bytes=${BYTES}`], { env })),
      async () => mbps(await timeCommand('curl', ['-sfN', `${server.url}/2/tweets/sample/stream?bytes=${BYTES}`], { env })),
      { warmup: 1, runs },
    );
    return [
      resultRow({ name: 'stream', unit: 'MB/s', xcli: m.xcli, baseline: m.baseline, target: { kind: 'ratio-min', value: 0.7 } }),
      resultRow({
        name: '  bare node:http client',
        unit: 'MB/s',
        xcli: floor.xcli,
        baseline: floor.baseline,
        target: { kind: 'reference' },
      }),
    ];
  } finally {
    await server.stop(2000);
  }
}
