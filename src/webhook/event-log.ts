// The event log: append-only JSONL, one delivery per line, group-committed (one write + one fdatasync
// per batch) so acknowledging only durable events still keeps throughput high. The file is 0600 in
// a 0700 directory (events can carry DMs).
import { isUtf8 } from 'node:buffer';
import { closeSync, createReadStream, fdatasync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { open as openAsync, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { SignatureVerdict } from './signature.js';
import type { EventInfo } from './types.js';

export const EVENT_RECORD_VERSION = 1;

/** One delivery as stored: the raw body is kept byte for byte (`body` when UTF-8, else `bodyBase64`). */
export interface EventRecord extends EventInfo {
  v: typeof EVENT_RECORD_VERSION;
  /** Local delivery id (for `events show`, `replay-local`). */
  id: string;
  time: string;
  path: string;
  headers: Record<string, string>;
  verdict: SignatureVerdict;
  dup: boolean;
  /** For a mismatching signature: which other known secret it matches (a diagnosis, never the secret). */
  signedWith?: string;
  body?: string;
  bodyBase64?: string;
}

/** A record in the log's field order (the order `--json` shows), from what was understood of the body. */
export function eventRecord(base: Pick<EventRecord, 'id' | 'time' | 'path' | 'headers' | 'verdict' | 'dup' | 'signedWith'>, info: EventInfo, body: Buffer): EventRecord {
  return {
    v: EVENT_RECORD_VERSION,
    id: base.id,
    time: base.time,
    path: base.path,
    headers: base.headers,
    verdict: base.verdict,
    product: info.product,
    type: info.type,
    eventId: info.eventId,
    forUserId: info.forUserId,
    actor: info.actor,
    summary: info.summary,
    dup: base.dup,
    signedWith: base.signedWith,
    ...bodyFields(body),
  };
}

export function bodyFields(body: Buffer): Pick<EventRecord, 'body' | 'bodyBase64'> {
  return isUtf8(body) ? { body: body.toString('utf8') } : { bodyBase64: body.toString('base64') };
}

export function recordBody(record: EventRecord): Buffer {
  if (record.bodyBase64 !== undefined) return Buffer.from(record.bodyBase64, 'base64');
  return Buffer.from(record.body ?? '', 'utf8');
}

/**
 * Fsyncs in flight at once. While one batch's fdatasync runs, the next batch is written and synced
 * too: the file system merges them into its journal commits, so a slow sync does not idle the server.
 * Kept below libuv's 4 pool threads so DNS lookups and other file work still get one.
 */
const MAX_SYNCS_IN_FLIGHT = 3;

/** Appends lines durably in batches; `append` resolves once its batch is on disk. */
export class EventLog {
  readonly path: string;
  private fd: number;
  private pending: Buffer[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private scheduled = false;
  private syncsInFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** Set when the file (or a failed write) ends without a newline: the next batch starts a new line. */
  private needsSeparator: boolean;
  private closed = false;

  private constructor(path: string, fd: number, needsSeparator: boolean) {
    this.path = path;
    this.fd = fd;
    this.needsSeparator = needsSeparator;
  }

  /** Opens (creating 0600, and its directory 0700) for appending. */
  static open(path: string): EventLog {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'a+', 0o600);
    return new EventLog(path, fd, endsWithoutNewline(fd));
  }

  append(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('event log is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push(Buffer.from(line.endsWith('\n') ? line : `${line}\n`));
      this.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // One turn of the event loop gathers every append that arrives meanwhile into one batch.
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    if (this.pending.length === 0 || this.syncsInFlight >= MAX_SYNCS_IN_FLIGHT) return;
    const parts = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    if (this.needsSeparator) parts.unshift(Buffer.from('\n'));
    const batch = Buffer.concat(parts);
    // Writes go in order on this thread (a copy into the page cache); only the sync waits on the disk.
    let written = 0;
    try {
      while (written < batch.length) written += writeSync(this.fd, batch, written, batch.length - written);
    } catch (error) {
      // A partial write leaves a torn line: start the next batch on a fresh line.
      if (written > 0) this.needsSeparator = true;
      for (const w of waiters) w.reject(error as Error);
      this.settleIdle();
      return;
    }
    this.needsSeparator = false;
    this.syncsInFlight++;
    fdatasync(this.fd, (syncError) => {
      this.syncsInFlight--;
      if (syncError && !isUnsyncable(syncError)) for (const w of waiters) w.reject(syncError);
      else for (const w of waiters) w.resolve();
      this.flush();
      this.settleIdle();
    });
  }

  private settleIdle(): void {
    if (this.syncsInFlight === 0 && this.pending.length === 0) for (const done of this.idleWaiters.splice(0)) done();
  }

  /** Waits for every pending append, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.syncsInFlight > 0 || this.pending.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Pipes and character devices (`-o /dev/stdout`) cannot be fsynced; that is not a failure. */
function isUnsyncable(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EINVAL' || error.code === 'ENOTSUP' || error.code === 'EROFS';
}

function endsWithoutNewline(fd: number): boolean {
  const st = fstatSync(fd);
  if (!st.isFile() || st.size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, st.size - 1);
  return last[0] !== 0x0a;
}

export interface LogProblem {
  line: number;
  message: string;
}

/** Parses one line; undefined for a torn or foreign line. */
export function parseRecord(line: string): EventRecord | undefined {
  if (!line.startsWith('{') || !line.endsWith('}')) return undefined;
  try {
    const value = JSON.parse(line) as EventRecord;
    if (value.v !== EVENT_RECORD_VERSION || typeof value.id !== 'string' || typeof value.time !== 'string') return undefined;
    return value;
  } catch {
    return undefined;
  }
}

/** Reads every record; unreadable lines (a torn tail after a crash) are skipped and reported. */
export async function readEventLog(path: string, onProblem: (p: LogProblem) => void = () => {}): Promise<EventRecord[]> {
  const records: EventRecord[] = [];
  try {
    await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return records;
    throw error;
  }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line === '') continue;
    const record = parseRecord(line);
    if (record) records.push(record);
    else onProblem({ line: n, message: `skipped unreadable line ${n} of ${path} (torn by a crash?)` });
  }
  return records;
}

/** Ids of verified events at the end of the log (at most `maxBytes`), to keep marking duplicates after a restart. */
export async function recentEventIds(path: string, maxBytes = 8 * 1024 * 1024, onProblem: (p: LogProblem) => void = () => {}): Promise<string[]> {
  let handle;
  try {
    handle = await openAsync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n');
    if (start > 0) lines.shift();
    const ids: string[] = [];
    lines.forEach((line, i) => {
      if (line === '') return;
      const record = parseRecord(line);
      if (record) {
        if (record.eventId && record.verdict === 'valid') ids.push(record.eventId);
      } else if (i === lines.length - 1) {
        onProblem({ line: i + 1, message: `skipped a torn last line in ${path} (left by a crash; not an acknowledged event)` });
      } else {
        onProblem({ line: i + 1, message: `skipped an unreadable line in ${path}` });
      }
    });
    return ids;
  } finally {
    await handle.close();
  }
}
