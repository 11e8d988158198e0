// The non-secret state file (`ctx.paths.stateFile`): caches such as the last rate limits seen. It is
// a cache: unreadable means empty, and a write that cannot take the lock is skipped, never fatal.
// Writes re-read under a lock and rename a temp file, so concurrent xcli processes keep each
// other's entries and a reader never sees half a file. The file is a few KB: its calls are
// synchronous, which spares a one-shot command fs/promises and libuv's thread pool (~10 ms of a
// 125 ms `xcli /2/tweets/20`, bench/cases/request.mjs); only the lock's retries wait asynchronously.
import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname } from 'node:path';

export type StateData = Record<string, unknown>;

/** The file's object; `{}` when it is missing, undefined when it exists but cannot be used. */
export function readStateFile(file: string): StateData | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? {} : undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as StateData) : undefined;
  } catch {
    return undefined;
  }
}

/** A lock older than this was left by a process that died: a cache write takes milliseconds. */
const STALE_LOCK_MS = 5_000;

/**
 * Takes `<file>.lock` (a directory, as proper-lockfile makes them, so both agree) with a few short
 * retries. Not proper-lockfile itself: loading it (and its signal-exit handlers) would cost every API
 * call ~20 ms of startup for a cache write.
 */
async function lock(file: string): Promise<(() => void) | undefined> {
  const dir = `${file}.lock`;
  for (let attempt = 0; attempt < 15; attempt++) {
    try {
      mkdirSync(dir);
      return () => removeLock(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    let age = 0;
    try {
      age = Date.now() - statSync(dir).mtimeMs;
    } catch {
      // Released meanwhile: try again at once.
    }
    if (age > STALE_LOCK_MS) removeLock(dir);
    else await sleep(5 + attempt * 5);
  }
  return undefined;
}

/**
 * The lock is an empty directory (proper-lockfile's too); anything else in it goes as well. A lock
 * that cannot be removed goes stale and is taken over after STALE_LOCK_MS.
 */
function removeLock(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTEMPTY') rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Applies `change` to the freshly read state under a lock and writes it atomically (0600). Returns
 * false when nothing was written (the file is unusable or locked too long); callers treat that as a miss.
 */
export async function updateStateFile(file: string, change: (state: StateData) => void): Promise<boolean> {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  const release = await lock(file);
  if (!release) return false;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const state = readStateFile(file);
    if (!state) return false;
    change(state);
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  } finally {
    release();
  }
}
