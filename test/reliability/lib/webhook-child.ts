// `xcli webhook start -q` as a child process, for bursts: no line per event (so the figures measure
// the server, not a console), the bound URL read from the "Ready." banner on stderr.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnCli, tempConfigDir } from '../../helpers/run-cli.js';

export const SECRET = 'reliability-consumer-secret';

export interface QuietServer {
  child: ChildProcess;
  url: string;
  stderr(): string;
  /** Resolves once stderr matches (or rejects after `timeoutMs`). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGINT: graceful stop; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startQuietServer(
  configDir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<QuietServer> {
  const child = spawnCli(['webhook', 'start', '--no-tunnel', '--port', '0', '-q', ...args], {
    env: { XCLI_CONFIG_DIR: configDir, X_CONSUMER_SECRET: SECRET, ...env },
  });
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.resume();
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForStderr = (pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = err.match(pattern);
        if (!m) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`stderr never matched ${pattern}: ${err.slice(-2000)}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then(() =>
        setTimeout(() => {
          if (!listeners.has(check)) return;
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`exited before stderr matched ${pattern}: ${err.slice(-2000)}`));
        }, 50),
      );
      check();
    });
  const ready = await waitForStderr(/Webhook URL: (http:\/\/\S+)/);
  return {
    child,
    url: ready[1]!,
    stderr: () => err,
    waitForStderr,
    exited,
    stop: async () => {
      child.kill('SIGINT');
      return (await exited).code;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface LoggedServer {
  server: QuietServer;
  configDir: string;
  /** The event log under the config dir, and the `-o` copy beside it. */
  mainLog: string;
  copyLog: string;
  /** Kills the server (if still running) and removes the files. */
  cleanup(): Promise<void>;
}

/** A quiet server on a fresh config dir, also writing an `-o` copy of its log. */
export async function startServerWithCopy(): Promise<LoggedServer> {
  const temp = tempConfigDir();
  const copyLog = join(temp.dir, '..', 'copy.jsonl');
  const server = await startQuietServer(temp.dir, ['-o', copyLog]).catch((error: unknown) => {
    temp.cleanup();
    throw error;
  });
  return {
    server,
    configDir: temp.dir,
    mainLog: join(temp.dir, 'events', 'events.jsonl'),
    copyLog,
    cleanup: async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.kill();
      temp.cleanup();
    },
  };
}
