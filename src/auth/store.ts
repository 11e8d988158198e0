// The credential store: config.json written through `conf` (atomic writes, mode 0600) in a 0700
// directory. Reads are plain file reads (no lock, no directory created); every change goes through
// `update`, which takes an exclusive lock, re-reads, applies the change and writes. A file that does
// not parse or has wrong types is reported and never rewritten, so a typo cannot cost credentials.
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { ConfigFileError, FailureError } from '../errors.js';
import { importExternal } from '../startup/external.js';
import type { Paths } from '../paths.js';
import type { CredentialStore, StoreData } from './types.js';
import { validateStoreData } from './validate.js';

export const STORE_VERSION = 1;
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** A lock older than this is stale (its holder died); a live holder refreshes it twice as often. */
const LOCK_STALE_MS = 10_000;
/** About a minute of retries: long enough for another process's token refresh to finish. */
const LOCK_RETRIES = { retries: 120, factor: 1.3, minTimeout: 20, maxTimeout: 500 };

export function emptyStore(): StoreData {
  return { apps: {} };
}

export function openStore(paths: Paths): CredentialStore {
  const { configDir, configFile } = paths;
  // Updates from this process queue here, so only one of them at a time polls for the file lock.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    path: configFile,
    read: () => readStoreFile(configFile) ?? emptyStore(),
    update(change) {
      const run = queue.then(() => lockedUpdate(configDir, configFile, change));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

async function lockedUpdate<T>(configDir: string, configFile: string, change: (data: StoreData) => T | Promise<T>): Promise<T> {
  ensurePrivateDir(configDir);
  const release = await acquireLock(configFile);
  try {
    const current = readStoreFile(configFile) ?? emptyStore();
    const draft = structuredClone(current);
    const result = await change(draft);
    if (!isDeepStrictEqual(draft, current)) {
      draft.version = STORE_VERSION;
      // Our own code built `draft`; failing here means a bug, and the file stays as it was.
      validateStoreData(draft);
      await writeStoreFile(configDir, configFile, draft);
    }
    return result;
  } finally {
    await release();
  }
}

/** The parsed, type-checked file, or undefined when it does not exist. */
export function readStoreFile(file: string): StoreData | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigFileError(file, `cannot be read (${code ?? (error as Error).message})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const problem = text.trim() === '' ? 'is empty' : `is not valid JSON (${(error as Error).message})`;
    throw new ConfigFileError(file, problem, { cause: error });
  }
  try {
    return validateStoreData(parsed);
  } catch (error) {
    throw new ConfigFileError(file, `has an unexpected shape: ${(error as Error).message}`, { cause: error });
  }
}

/** Creates the config dir as 0700, or tightens an existing one that others can read. */
function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    if (process.platform !== 'win32' && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, DIR_MODE);
  } catch (error) {
    throw new FailureError(`cannot create config directory ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
}

async function acquireLock(file: string): Promise<() => Promise<void>> {
  const lockfile = await importExternal<typeof import('proper-lockfile')>('proper-lockfile');
  let compromised: Error | undefined;
  try {
    const release = await lockfile.lock(file, {
      realpath: false,
      stale: LOCK_STALE_MS,
      retries: LOCK_RETRIES,
      // The default throws from a timer, which would crash the process mid-write.
      onCompromised: (error) => {
        compromised = error;
      },
    });
    return async () => {
      try {
        await release();
      } catch (error) {
        // Releasing a lock that was taken over (compromised) fails; the write has happened already.
        if (!compromised) throw error;
      }
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ELOCKED' ? 'another xcli process holds its lock' : (code ?? (error as Error).message);
    throw new FailureError(`cannot lock config file ${file} (${reason}); try again`, { cause: error });
  }
}

async function writeStoreFile(dir: string, file: string, data: StoreData): Promise<void> {
  const { default: Conf } = await importExternal<typeof import('conf')>('conf');
  try {
    // An older file may have been created with looser permissions (or by hand).
    if (process.platform !== 'win32') {
      try {
        if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, FILE_MODE);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    const conf = new Conf<StoreData>({
      cwd: dir,
      configName: 'config',
      projectName: 'xcli',
      configFileMode: FILE_MODE,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
      serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
    });
    conf.store = data;
  } catch (error) {
    throw new FailureError(`cannot write config file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
}
