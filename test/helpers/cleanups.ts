// Undo what a test set up, after it and last first (as Go's t.Cleanup), so a failed assertion
// never leaves a server, child or temporary folder behind for the next test.
import { afterEach } from 'vitest';
import { tempConfigDir } from './run-cli.js';

export interface Cleanups {
  /** Runs `undo` after the current test. */
  defer(undo: () => unknown): void;
  /** A fresh config folder, removed after the current test. */
  configDir(): string;
}

export function cleanupAfterEach(): Cleanups {
  const pending: Array<() => unknown> = [];
  afterEach(async () => {
    for (const undo of pending.splice(0).reverse()) await undo();
  });
  return {
    defer: (undo) => {
      pending.push(undo);
    },
    configDir: () => {
      const temp = tempConfigDir();
      pending.push(temp.cleanup);
      return temp.dir;
    },
  };
}
