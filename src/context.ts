// The Context every command receives (gh's Factory): streams, environment, paths, and lazy services.
// Services load their modules on first use, so `xcli --version` pulls in no HTTP, OAuth or ngrok code.
import type { CredentialStore } from './auth/types.js';
import type { Env, IOStreams } from './io.js';
import { resolvePaths, type Paths } from './paths.js';

export interface Context {
  io: IOStreams;
  env: Env;
  paths: Paths;
  version: string;
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
    now: overrides.now ?? Date.now,
    store:
      overrides.store ??
      (() => {
        store ??= import('./auth/store.js').then((m) => m.openStore(paths));
        return store;
      }),
    openBrowser: overrides.openBrowser ?? (async (url) => (await import('./auth/browser.js')).openBrowser(url, env)),
    onInterrupt:
      overrides.onInterrupt ??
      ((handler) => {
        process.on('SIGINT', handler);
        process.on('SIGTERM', handler);
        // Removal waits a tick: signal-exit (via proper-lockfile) re-raises a signal when it finds
        // itself the only listener, so a handler that removed itself while the signal is being
        // dispatched would turn a graceful Ctrl-C into a kill.
        return () =>
          void setImmediate(() => {
            process.off('SIGINT', handler);
            process.off('SIGTERM', handler);
          });
      }),
  };
}
