// The Context every command receives (gh's Factory): streams, environment, paths, and lazy services.
// Services load their modules on first use, so `xcli --version` pulls in no HTTP, OAuth or ngrok code.
import type { CredentialStore } from './auth/types.js';
import type { GlobalOptions } from './api-options.js';
import type { Env, IOStreams } from './io.js';
import { resolvePaths, type Paths } from './paths.js';

export interface Context {
  io: IOStreams;
  env: Env;
  paths: Paths;
  version: string;
  /**
   * `--app --auth -u -v -t` of this invocation, from wherever they were written: set once by the
   * root's preAction hook (program.ts) before any action runs; reading it loads nothing.
   */
  api: Readonly<GlobalOptions>;
  now(): number;
  /** The credential store; the conf-backed implementation is imported on first call. */
  store(): Promise<CredentialStore>;
  /** Opens a URL in the user's browser (or `$BROWSER`); false when none could be started. */
  openBrowser(url: string): Promise<boolean>;
  /** Registers a Ctrl-C / SIGTERM handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

export interface ContextOverrides {
  store?: () => Promise<CredentialStore>;
  openBrowser?: (url: string) => Promise<boolean>;
  onInterrupt?: (handler: () => void) => () => void;
  now?: () => number;
}

export function createContext(io: IOStreams, env: Env, version: string, overrides: ContextOverrides = {}): Context {
  const paths = resolvePaths(env);
  let store: Promise<CredentialStore> | undefined;
  return {
    io,
    env,
    paths,
    version,
    api: {},
    now: overrides.now ?? Date.now,
    store:
      overrides.store ??
      (() => {
        store ??= import('./auth/store.js').then((m) => m.openStore(paths));
        return store;
      }),
    openBrowser: overrides.openBrowser ?? (async (url) => (await import('./auth/browser.js')).openBrowser(url, env)),
    onInterrupt: overrides.onInterrupt ?? onProcessInterrupt,
  };
}

const interruptHandlers = new Set<() => void>();
let dispatcherInstalled = false;
let lastInterruptAt = 0;

/** Gap within which a second signal is taken for a dependency re-raising the first, not a new Ctrl-C. */
const RERAISE_WINDOW_MS = 500;

/**
 * Ctrl-C / SIGTERM for the real process. One listener stays installed once any command asked for
 * one, because exit hooks of dependencies re-raise the signal: when-exit (conf → atomically) kills
 * the process again after its cleanup, and signal-exit (proper-lockfile) does when it finds itself
 * the only listener. Without a listener of ours those re-raised signals would turn a graceful stop
 * into a kill; so a signal right after the first is ignored, and one with no handler left (a second
 * Ctrl-C after the first) exits at once with the shell's 128 + signal code.
 */
function onProcessInterrupt(handler: () => void): () => void {
  if (!dispatcherInstalled) {
    dispatcherInstalled = true;
    process.on('SIGINT', dispatchInterrupt);
    process.on('SIGTERM', dispatchInterrupt);
  }
  interruptHandlers.add(handler);
  return () => void interruptHandlers.delete(handler);
}

function dispatchInterrupt(signal: NodeJS.Signals): void {
  const now = Date.now();
  if (now - lastInterruptAt < RERAISE_WINDOW_MS) return;
  lastInterruptAt = now;
  if (interruptHandlers.size === 0) process.exit(signal === 'SIGTERM' ? 143 : 130);
  for (const handler of [...interruptHandlers]) handler();
}
