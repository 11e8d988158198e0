// Per-test fixtures of the auth tests: a fresh config dir for each test, and one sandbox per file.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/emulator/index.js';
import { tempConfigDir } from '../helpers/run-cli.js';

export interface ConfigDir {
  /** XCLI_CONFIG_DIR of the current test (not created yet). */
  readonly dir: string;
  /** config.json inside it. */
  readonly file: string;
}

export function useConfigDir(): ConfigDir {
  let temp: ReturnType<typeof tempConfigDir> | undefined;
  beforeEach(() => {
    temp = tempConfigDir();
  });
  afterEach(() => temp?.cleanup());
  return {
    get dir() {
      return temp!.dir;
    },
    get file() {
      return join(temp!.dir, 'config.json');
    },
  };
}

export function useSandbox(): { readonly current: Sandbox } {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox?.close());
  return {
    get current() {
      return sandbox!;
    },
  };
}
