// Where xcli keeps its files: the platform config dir, or XCLI_CONFIG_DIR.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from './io.js';

export interface Paths {
  configDir: string;
  /** The credential store (conf). */
  configFile: string;
  /** Default event log of `webhook start`. */
  eventLog: string;
  /** Non-secret state that changes often (rate limits, caches), kept apart from credentials. */
  stateFile: string;
}

export function defaultConfigDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (env.XCLI_CONFIG_DIR) return env.XCLI_CONFIG_DIR;
  const home = env.HOME || homedir();
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'xcli', 'Config');
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', 'xcli');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'xcli');
}

export function resolvePaths(env: Env): Paths {
  const configDir = defaultConfigDir(env);
  return {
    configDir,
    configFile: join(configDir, 'config.json'),
    eventLog: join(configDir, 'events', 'events.jsonl'),
    stateFile: join(configDir, 'state.json'),
  };
}
