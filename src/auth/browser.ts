// Opening a URL in the user's browser. `$BROWSER` wins (gh's convention: a command, run with the URL
// as its last argument); else the platform opener. Resolves false when nothing could be started.
import { spawn } from 'node:child_process';
import type { Env } from '../io.js';

/** Splits `$BROWSER` into words, honouring single and double quotes (`"/opt/My Browser/run" --new`). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of command.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

export function browserCommand(url: string, env: Env, platform: NodeJS.Platform = process.platform): string[] {
  const custom = env.BROWSER?.trim();
  if (custom) return [...splitCommand(custom), url];
  if (platform === 'darwin') return ['open', url];
  // `cmd /c start` cuts the URL at the first `&` (xurl #57); rundll32 keeps it whole.
  if (platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}

/** How long an opener may take to fail (xdg-open without a display exits non-zero at once). */
const QUICK_FAILURE_MS = 1500;

export function openBrowser(url: string, env: Env): Promise<boolean> {
  const [command, ...args] = browserCommand(url, env);
  if (!command) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: process.platform !== 'win32', env: { ...env } });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        // Still running after a moment (a real browser) counts as opened; a quick non-zero exit does not.
        const timer = setTimeout(() => resolve(true), QUICK_FAILURE_MS);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code === 0);
        });
        child.unref();
      });
    } catch {
      resolve(false);
    }
  });
}
