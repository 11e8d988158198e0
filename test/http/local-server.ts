// A tiny node:http server for behaviours the fake X API does not model (resets mid-body, stalls,
// exact 429 sequences), plus a config-file writer for credentials.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { tempConfigDir } from '../helpers/run-cli.js';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Handler = (req: Recorded, res: ServerResponse, index: number) => void;

export interface LocalServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<LocalServer> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(rec);
      handler(rec, res, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export const SECRETS = {
  bearer: 'AAAA-test-bearer-secret-0001',
  oauth2: 'oauth2-access-secret-0002',
  refresh: 'oauth2-refresh-secret-0003',
  consumerKey: 'consumer-key-0004',
  consumerSecret: 'consumer-secret-0005',
  accessToken: '1-access-token-0006',
  tokenSecret: 'token-secret-0007',
};

/** Writes config.json with one default app `main`; returns its path. */
export function writeConfig(configDir: string, app: Record<string, unknown>): string {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const file = join(configDir, 'config.json');
  writeFileSync(file, JSON.stringify({ version: 1, defaultApp: 'main', apps: { main: app } }, null, 2), { mode: 0o600 });
  return file;
}

/** Every kind of credential, tokens far from expiry. */
export function fullApp(apiBaseUrl: string): Record<string, unknown> {
  return {
    apiBaseUrl,
    bearerToken: SECRETS.bearer,
    oauth1: {
      consumerKey: SECRETS.consumerKey,
      consumerSecret: SECRETS.consumerSecret,
      accessToken: SECRETS.accessToken,
      tokenSecret: SECRETS.tokenSecret,
    },
    oauth2Tokens: {
      alice: {
        accessToken: SECRETS.oauth2,
        refreshToken: SECRETS.refresh,
        expiresAt: Date.now() + 3_600_000,
        scopes: ['tweet.read', 'users.read'],
      },
    },
    defaultUser: 'alice',
  };
}

export interface LocalApi {
  readonly server: LocalServer;
  readonly configDir: string;
  readonly configFile: string;
  /** Starts the server, writes config.json (bearer only unless `app` says otherwise), returns the child's env. */
  serve(handler: Handler, app?: (url: string) => Record<string, unknown>): Promise<Record<string, string>>;
}

/** A fresh server and config dir per test, closed and removed after it. */
export function useLocalApi(): LocalApi {
  let server: LocalServer | undefined;
  let config: { dir: string; cleanup: () => void } | undefined;
  beforeEach(() => {
    config = tempConfigDir();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    config?.cleanup();
  });
  return {
    get server() {
      return server!;
    },
    get configDir() {
      return config!.dir;
    },
    get configFile() {
      return join(config!.dir, 'config.json');
    },
    async serve(handler, app = (url) => ({ apiBaseUrl: url, bearerToken: SECRETS.bearer })) {
      server = await startServer(handler);
      writeConfig(config!.dir, app(server.url));
      return { XCLI_CONFIG_DIR: config!.dir, XCLI_BACKOFF_SCALE: '0.01' };
    },
  };
}
