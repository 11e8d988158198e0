// Servers under test as child processes: started, waited for until they print their URL, stopped
// with SIGINT (xcli's graceful stop: in-flight requests finish, the event log is flushed).
import { spawn } from 'node:child_process';

/**
 * Spawns `cmd args` and resolves once its stderr matches `ready` (a regex whose first group is the
 * URL). stdout goes to /dev/null: xcli prints a line per CRC and event there, and reading them
 * would cost this process CPU that the server under test competes for.
 */
export function startServer(cmd, args, { env = process.env, ready, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let seen = '';
    let done = false;
    const timer = setTimeout(
      () => fail(new Error(`${cmd} ${args.join(' ')}: no URL within ${timeoutMs} ms: ${seen.slice(-300)}`)),
      timeoutMs,
    );
    const fail = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
    const watch = (chunk) => {
      if (done) return;
      seen += chunk;
      const m = ready.exec(seen);
      if (!m) return;
      done = true;
      clearTimeout(timer);
      resolve({
        url: m[1],
        pid: child.pid,
        /** SIGINT, then the exit status (SIGKILL after `graceMs`). */
        async stop(graceMs = 10_000) {
          child.kill('SIGINT');
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const status = await exited;
          clearTimeout(kill);
          return status;
        },
      });
    };
    child.stderr.setEncoding('utf8').on('data', watch);
    child.on('error', fail);
    exited.then(({ code, signal }) =>
      fail(new Error(`${cmd} ${args.join(' ')} exited (${code ?? signal}) before it was ready: ${seen.trim().slice(-300)}`)),
    );
  });
}

/** Runs the load generator (bench/lib/load.mjs) in its own process; resolves with its JSON result. */
export function runLoad(args, { env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./load.mjs', import.meta.url).pathname, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`load generator exited ${code}: ${err.trim().slice(-300)}`));
      else resolve(JSON.parse(out));
    });
  });
}
