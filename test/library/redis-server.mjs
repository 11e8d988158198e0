// A real redis-server for tests (Debian's `redis-server` package), on a free port of 127.0.0.1,
// keeping nothing on disk. Without redis-server on PATH the Redis tests skip (see hasRedisServer).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
export const REDIS_SKIP_NOTE =
  'skipped: redis-server is not on PATH; install it (apt-get install redis-server, as .ci/run does) to run the Redis tests';

/** @typedef {{ url: string, port: number, child: import('node:child_process').ChildProcess, stop(): Promise<void> }} RedisServer */

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {{ port: number }} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts redis-server; resolves once it accepts connections. A port taken meanwhile: another try.
 * @param {number} [port]
 * @returns {Promise<RedisServer>}
 */
export async function startRedisServer(port) {
  for (let attempt = 0; ; attempt++) {
    const chosen = port ?? (await freePort());
    const child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const ready = await new Promise((resolve) => {
      child.stdout.on('data', (d) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve(true);
      });
      child.once('exit', () => resolve(false));
    });
    if (ready) {
      const exited = new Promise((resolve) => child.once('exit', () => resolve()));
      return {
        url: `redis://127.0.0.1:${chosen}`,
        port: chosen,
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      };
    }
    if (port !== undefined || attempt >= 3) throw new Error(`redis-server did not start: ${out.slice(-500)}`);
  }
}
