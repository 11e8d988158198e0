// The credential store: config.json written through `conf` (atomic writes, mode 0600) in a 0700
// directory. Reads are plain file reads (no lock, no directory created); every change goes through
// `update`, which takes an exclusive lock, re-reads, applies the change and writes. A file that does
// not parse or has wrong types is reported and never rewritten, so a typo cannot cost credentials.
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  type Stats,
} from 'node:fs';
import { dirname } from 'node:path';
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
  ensurePrivateDir(configDir, configFile);
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

const POSIX = process.platform !== 'win32';

/**
 * Opens config.json without following a symbolic link and refuses, as ssh does with its keys, a
 * file others could have written: a link, a file owned by another user (root aside), a file
 * writable by group or others, or one in a directory others can write to. Undefined when the
 * file does not exist.
 */
function openTrusted(file: string, flags: number): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, flags | (POSIX ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' && POSIX)
      throw new ConfigFileError(file, 'is a symbolic link (xcli never reads or writes credentials through one)', {
        fix: 'replace it with the file itself',
        cause: error,
      });
    throw new ConfigFileError(file, `cannot be read (${code ?? (error as Error).message})`, { cause: error });
  }
  try {
    if (POSIX) refuseUntrusted(file, fstatSync(fd));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

function refuseUntrusted(file: string, st: Stats): void {
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
    throw new ConfigFileError(file, `is owned by another user (uid ${st.uid})`, {
      fix: `check its contents, then 'chown ${uid} ${file}' or move it away`,
    });
  }
  if ((st.mode & 0o022) !== 0) {
    throw new ConfigFileError(
      file,
      `is writable by ${st.mode & 0o020 ? 'group' : 'others'} (mode ${(st.mode & 0o777).toString(8)})`,
      { fix: `check its contents, then 'chmod 600 ${file}'` },
    );
  }
  refuseOpenDirectory(file, dirname(file));
}

/** A directory others can write to lets them replace the file (or plant a link) between two runs. */
function refuseOpenDirectory(file: string, dir: string): void {
  let mode: number;
  try {
    mode = statSync(dir).mode;
  } catch {
    return; // not there yet: created 0700 on the first write
  }
  if ((mode & 0o002) !== 0)
    throw new ConfigFileError(file, `is in ${dir}, which others can write to`, {
      fix: `'chmod 700 ${dir}', or set XCLI_CONFIG_DIR to a private directory`,
    });
}

/** The parsed, type-checked file, or undefined when it does not exist. */
export function readStoreFile(file: string): StoreData | undefined {
  const fd = openTrusted(file, constants.O_RDONLY);
  if (fd === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(fd, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigFileError(file, `cannot be read (${code ?? (error as Error).message})`, { cause: error });
  } finally {
    closeSync(fd);
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
function ensurePrivateDir(dir: string, file: string): void {
  if (POSIX) refuseOpenDirectory(file, dir);
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    if (POSIX && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, DIR_MODE);
  } catch (error) {
    throw new FailureError(
      `cannot create config directory ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      {
        cause: error,
      },
    );
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
  // Checked again right before writing (conf's atomic write resolves a link and writes its target).
  // An older file may have been created readable by others (or by hand): tightened through its own
  // descriptor, never through a path that could be a link.
  const fd = openTrusted(file, constants.O_RDONLY);
  if (fd !== undefined) {
    try {
      if (POSIX && (fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, FILE_MODE);
    } finally {
      closeSync(fd);
    }
  }
  try {
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
    throw new FailureError(
      `cannot write config file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      {
        cause: error,
      },
    );
  }
}
