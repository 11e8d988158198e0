// Runs `xcli webhook start` as a child process and reads its --json records.
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnCli, tempConfigDir } from '../helpers/run-cli.js';
import { whenStreamShows } from '../helpers/stream-wait.js';

export type Rec = Record<string, any>;

export interface RunningServer {
  child: ChildProcess;
  url: string;
  configDir: string;
  records: Rec[];
  stderr(): string;
  waitFor(pred: (r: Rec) => boolean, timeoutMs?: number): Promise<Rec>;
  /** Resolves once stderr contains `text` (waits on the stream, not a clock). */
  waitForStderr(text: string): Promise<void>;
  /** SIGINT, then the exit code. */
  stop(): Promise<number | null>;
  cleanup(): void;
}

export const SECRET = 'test-consumer-secret-123';

export async function startServer(
  args: string[] = [],
  env: Record<string, string> = {},
  configDir?: string,
): Promise<RunningServer> {
  const temp = configDir ? undefined : tempConfigDir();
  const dir = configDir ?? temp!.dir;
  const child = spawnCli(
    [
      'webhook',
      'start',
      '--port',
      '0',
      '--json',
      ...(args.includes('--tunnel-module') || args.includes('--public-url') ? [] : ['--no-tunnel']),
      ...args,
    ],
    {
      env: { XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: SECRET, ...env },
    },
  );
  const records: Rec[] = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let nl;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) records.push(JSON.parse(line));
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pred: (r: Rec) => boolean, timeoutMs = 8000): Promise<Rec> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; records: ${JSON.stringify(records).slice(-1500)} stderr: ${err}`)),
        timeoutMs,
      );
      const check = (): void => {
        const found = records.find(pred);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      void exited.then(() => waiters.push(() => {}));
      check();
    });
  const ready = await Promise.race([
    waitFor((r) => r.type === 'ready'),
    exited.then((code) => Promise.reject(new Error(`exited ${code}: ${err}`))),
  ]);
  return {
    child,
    url: ready.localUrl,
    configDir: dir,
    records,
    stderr: () => err,
    waitFor,
    waitForStderr: (text) => whenStreamShows(child.stderr!, () => err.includes(text)),
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
    cleanup: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      temp?.cleanup();
    },
  };
}

export interface TestApp {
  url: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }>;
  close(): Promise<void>;
}

/** A tiny app on 127.0.0.1:0 that records requests and answers with `respond`. */
export async function startApp(respond: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<TestApp> {
  const requests: TestApp['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      respond(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** fetch without following redirects. */
export function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...init });
}
