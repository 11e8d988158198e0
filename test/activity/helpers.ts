// The sandbox (the project's fake X API) plus a child-process environment pointing xcli at it.
import { afterAll, beforeAll } from 'vitest';
import { main } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import type { Sandbox } from '../../src/sandbox/emulator/index.js';
import { startFakeX } from '../helpers/fake-x.js';
import { runCli, tempConfigDir, type CliResult } from '../helpers/run-cli.js';

export interface Fake {
  sandbox: Sandbox;
  env: Record<string, string>;
  /** Runs bin/xcli.js against the sandbox. */
  run(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Runs xcli in this process with stdout as a terminal (tables), against the sandbox. */
  runTTY(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Adds a webhook to the sandbox's state as `POST /2/webhooks` would, and returns its id. */
  addWebhook(url?: string): string;
  /** Requests whose path starts with this prefix. */
  sent(prefix: string): Sandbox['requests'];
  close(): Promise<void>;
}

let webhookCounter = 0;

export async function startFake(): Promise<Fake> {
  const fx = await startFakeX({ fastRetries: true });
  const sandbox = fx.sandbox;
  const config = tempConfigDir();
  const env = fx.env({ bearer: true, oauth1: true, extra: { XCLI_CONFIG_DIR: config.dir } });
  return {
    sandbox,
    env,
    run: (args, extraEnv = {}) => runCli(args, { env: { ...env, ...extraEnv } }),
    runTTY: async (args) => {
      const io = testIO({ stdoutTTY: true, stderrTTY: false });
      const code = await main(args, io, env);
      return { code, stdout: io.out(), stderr: io.err() };
    },
    addWebhook: (url = `https://example.com/hook/${++webhookCounter}`) => {
      const id = String(1_900_000_000_000_000_000n + BigInt(++webhookCounter));
      sandbox.state.webhooks.set(id, { id, url, valid: true, created_at: new Date().toISOString() });
      return id;
    },
    sent: (prefix) => sandbox.requests.filter((r) => r.path.startsWith(prefix)),
    close: async () => {
      await fx.close();
      config.cleanup();
    },
  };
}

export const SANDBOX_DEV = '1849202834569625600';
export const XDEVELOPERS = '2244994945';

/** One sandbox for a test file (with a registered webhook), handed over before the tests run. */
export function useFake(ready: (fake: Fake, webhookId: string) => void, webhookUrl?: string): void {
  let fake: Fake | undefined;
  beforeAll(async () => {
    fake = await startFake();
    ready(fake, fake.addWebhook(webhookUrl));
  });
  afterAll(() => fake?.close());
}
