// The non-secret state file (`ctx.paths.stateFile`): caches such as the last rate limits seen. It is
// a cache: unreadable means empty, and a write that cannot take the lock is skipped, never fatal.
// Writes re-read under a lock and rename a temp file, so concurrent xcli processes keep each
// other's entries and a reader never sees half a file.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type StateData = Record<string, unknown>;

/** The file's object; `{}` when it is missing, undefined when it exists but cannot be used. */
export async function readStateFile(file: string): Promise<StateData | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
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

/** Short: a cache update waits briefly for another writer, then gives up. */
const LOCK_OPTIONS = { realpath: false, stale: 5_000, retries: { retries: 20, factor: 1.3, minTimeout: 10, maxTimeout: 100 } };

/**
 * Applies `change` to the freshly read state under a lock and writes it atomically (0600). Returns
 * false when nothing was written (the file is unusable or locked too long); callers treat that as a miss.
 */
export async function updateStateFile(file: string, change: (state: StateData) => void): Promise<boolean> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  // The default export: bundled (dist/), this CommonJS module has no named exports.
  const { default: lockfile } = await import('proper-lockfile');
  let release: (() => Promise<void>) | undefined;
  try {
    release = await lockfile.lock(file, { ...LOCK_OPTIONS, onCompromised: () => {} });
  } catch {
    return false;
  }
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const state = await readStateFile(file);
    if (!state) return false;
    change(state);
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
    return true;
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
    return false;
  } finally {
    await release().catch(() => {});
  }
}
