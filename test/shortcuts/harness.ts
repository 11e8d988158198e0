// One fake X API per test file, a temp config dir, and a runner for bin/xcli.js pointed at both.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli, tempConfigDir, type CliResult, type RunOptions } from '../helpers/run-cli.js';
import type { RecordedRequest, SandboxOptions } from '../../src/sandbox/emulator/index.js';

export interface Harness {
  fake: FakeX;
  configDir: string;
  /** Runs xcli with OAuth 1.0a credentials of the sandbox user and the temp config dir. */
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  /** Requests made since the last call (or since the start). */
  newRequests(): RecordedRequest[];
  /** Stores app 'sandbox' with an OAuth2 user token of sandbox_dev (as `xcli auth oauth2` would). */
  storeOAuth2User(): void;
  close(): Promise<void>;
}

export async function harness(env: Record<string, string> = {}, options: SandboxOptions = {}): Promise<Harness> {
  const fake = await startFakeX(options);
  const { dir, cleanup } = tempConfigDir();
  let seen = 0;
  return {
    fake,
    configDir: dir,
    run: (args, opts = {}) =>
      runCli(args, {
        ...opts,
        env: { ...fake.env({ oauth1: true, extra: { XCLI_CONFIG_DIR: dir, XCLI_BACKOFF_SCALE: '0.01', ...env } }), ...opts.env },
      }),
    newRequests() {
      const fresh = fake.sandbox.requests.slice(seen);
      seen = fake.sandbox.requests.length;
      return fresh;
    },
    storeOAuth2User() {
      const token = fake.sandbox.mintUserToken();
      const { clientId, clientSecret } = fake.sandbox.credentials;
      const oauth2 = {
        accessToken: token.access_token,
        refreshToken: token.refresh_token,
        expiresAt: Date.now() + token.expires_in * 1000,
        scopes: token.scope.split(' '),
      };
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const store = {
        version: 1,
        defaultApp: 'sandbox',
        apps: { sandbox: { clientId, clientSecret, defaultUser: 'sandbox_dev', oauth2Tokens: { sandbox_dev: oauth2 } } },
      };
      writeFileSync(join(dir, 'config.json'), JSON.stringify(store), { mode: 0o600 });
    },
    async close() {
      await fake.close();
      cleanup();
    },
  };
}

/** A request as tests compare it: method, path, query and the JSON body (if any). */
export function shape(r: RecordedRequest): { method: string; path: string; query: Record<string, string>; body?: unknown } {
  return { method: r.method, path: r.path, query: r.query, ...(r.body ? { body: JSON.parse(r.body) as unknown } : {}) };
}
