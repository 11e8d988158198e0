// The event log: append-only JSONL, one delivery per line, group-committed (one write + one fdatasync
// per batch) so acknowledging only durable events still keeps throughput high. The file is 0600 in
// a 0700 directory (events can carry DMs). It rotates by size (events.jsonl → events.jsonl.1 → …),
// and everything that reads it streams, so a log of months stays cheap to keep and to read.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createReadStream } from 'node:fs';
import { open as openAsync, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SignatureVerdict } from './signature.js';
import type { EventInfo } from './types.js';

export const EVENT_RECORD_VERSION = 1;

/** How much of an unverified body is kept (unless `--log-unverified full`): junk must not fill the disk. */
export const UNVERIFIED_HEAD_BYTES = 4096;

/** `--max-log-size` default, and how many rotated files are kept next to the live one. */
export const DEFAULT_MAX_LOG_BYTES = 256 * 1024 * 1024;
export const ROTATED_FILES_KEPT = 3;

/** How many verified event ids a restart remembers for marking duplicates. */
export const DEDUPE_IDS = 100_000;

/**
 * One delivery as stored: the raw body byte for byte (`body` when it is UTF-8 that JSON escaping
 * does not blow up, else `bodyBase64`). Of an unverified body only the first UNVERIFIED_HEAD_BYTES
 * may be kept: then `bodyTruncated`, with the whole body's `bodyLength` and `bodySha256`.
 */
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
  bodyTruncated?: true;
  bodyLength?: number;
  bodySha256?: string;
}

/** `whole` for verified events (and `--log-unverified full`), `head` for the rest. */
export type BodyLogging = 'whole' | 'head';

/** A record in the log's field order (the order `--json` shows), from what was understood of the body. */
export function eventRecord(
  base: Pick<EventRecord, 'id' | 'time' | 'path' | 'headers' | 'verdict' | 'dup' | 'signedWith'>,
  info: EventInfo,
  body: Buffer,
  logging: BodyLogging = 'whole',
): EventRecord {
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
    ...bodyFields(body, logging),
  };
}

export function bodyFields(
  body: Buffer,
  logging: BodyLogging = 'whole',
): Pick<EventRecord, 'body' | 'bodyBase64' | 'bodyTruncated' | 'bodyLength' | 'bodySha256'> {
  if (logging === 'whole' || body.length <= UNVERIFIED_HEAD_BYTES) return encodeBytes(body);
  // Cut on a character boundary when it is text, so the head still reads as text.
  let end = UNVERIFIED_HEAD_BYTES;
  while (end > UNVERIFIED_HEAD_BYTES - 3 && (body[end]! & 0xc0) === 0x80) end--;
  if (!isUtf8(body.subarray(0, end))) end = UNVERIFIED_HEAD_BYTES;
  return {
    ...encodeBytes(body.subarray(0, end)),
    bodyTruncated: true,
    bodyLength: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
  };
}

function encodeBytes(bytes: Buffer): Pick<EventRecord, 'body' | 'bodyBase64'> {
  return storesAsText(bytes) ? { body: bytes.toString('utf8') } : { bodyBase64: bytes.toString('base64') };
}

/**
 * UTF-8 whose JSON string is at most a third longer than the bytes: kept as text. Anything else
 * (binary, or text dense in quotes or control bytes, which JSON escapes up to 6 bytes each) is
 * base64, so a stored body never takes more than ~4/3 of its size.
 */
function storesAsText(bytes: Buffer): boolean {
  if (!isUtf8(bytes)) return false;
  const budget = bytes.length / 3;
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x22 || b === 0x5c || b === 0x08 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d) extra += 1;
    else if (b < 0x20) extra += 5;
    else continue;
    if (extra > budget) return false;
  }
  return true;
}

/** The stored body bytes: the whole body, or only its head when `bodyTruncated`. */
export function recordBody(record: EventRecord): Buffer {
  if (record.bodyBase64 !== undefined) return Buffer.from(record.bodyBase64, 'base64');
  return Buffer.from(record.body ?? '', 'utf8');
}

/** The file-system calls the log makes while running: a seam for tests that inject failures. */
export type LogFileSystem = Pick<typeof fs, 'writeSync' | 'fdatasync' | 'ftruncateSync'>;

export interface EventLogOptions {
  /** Rotate once the file reaches this size (regular files only); undefined never rotates. */
  maxBytes?: number;
  /** Rotated files kept (`events.jsonl.1` … `.N`); older ones are deleted. */
  keep?: number;
  fs?: LogFileSystem;
}

/** An append that failed; `notLogged` when none of its bytes stayed in the file (the batch was cut off again). */
export type LogWriteError = NodeJS.ErrnoException & { notLogged?: boolean };

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
  private readonly fs: LogFileSystem;
  private readonly maxBytes: number | undefined;
  private readonly keep: number;
  /** Bytes in the live file; undefined for pipes and devices (never truncated or rotated). */
  private size: number | undefined;
  private pending: Buffer[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private scheduled = false;
  private syncsInFlight = 0;
  /** Syncs in flight per file descriptor: a rotated-out file is closed once its last sync ends. */
  private readonly syncsByFd = new Map<number, number>();
  private readonly retired = new Set<number>();
  private idleWaiters: Array<() => void> = [];
  /** Set when the file (or a failed write) ends without a newline: the next batch starts a new line. */
  private needsSeparator: boolean;
  private closed = false;

  private constructor(path: string, fd: number, options: EventLogOptions) {
    this.path = path;
    this.fd = fd;
    this.fs = options.fs ?? fs;
    this.maxBytes = options.maxBytes;
    this.keep = options.keep ?? ROTATED_FILES_KEPT;
    const st = fs.fstatSync(fd);
    this.size = st.isFile() ? st.size : undefined;
    this.needsSeparator = endsWithoutNewline(fd, st);
  }

  /** Opens (creating 0600, and its directory 0700) for appending. */
  static open(path: string, options: EventLogOptions = {}): EventLog {
    fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return new EventLog(path, fs.openSync(path, 'a+', 0o600), options);
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
    const fd = this.fd;
    // Writes go in order on this thread (a copy into the page cache); only the sync waits on the disk.
    let written = 0;
    try {
      while (written < batch.length) written += this.fs.writeSync(fd, batch, written, batch.length - written);
    } catch (error) {
      const failure = error as LogWriteError;
      failure.notLogged = this.undoPartialWrite(fd, written);
      for (const w of waiters) w.reject(failure);
      this.settleIdle();
      return;
    }
    this.needsSeparator = false;
    if (this.size !== undefined) this.size += batch.length;
    this.syncsInFlight++;
    this.syncsByFd.set(fd, (this.syncsByFd.get(fd) ?? 0) + 1);
    this.fs.fdatasync(fd, (syncError) => {
      this.syncsInFlight--;
      this.syncEnded(fd);
      // The bytes may or may not be on disk: the records stay "logged" for dedupe (LogWriteError.notLogged unset).
      if (syncError && !isUnsyncable(syncError)) for (const w of waiters) w.reject(syncError);
      else for (const w of waiters) w.resolve();
      this.flush();
      this.settleIdle();
    });
    if (this.maxBytes !== undefined && this.size !== undefined && this.size >= this.maxBytes) this.rotate();
  }

  /**
   * A batch that failed part way (disk full) is cut back to where it started, so no record of it
   * stays in the file: X's retry is then the one record of the event. True when that worked.
   */
  private undoPartialWrite(fd: number, written: number): boolean {
    if (this.size === undefined) {
      // A pipe or device: what went out cannot be taken back.
      if (written > 0) this.needsSeparator = true;
      return written === 0;
    }
    try {
      // The file's own size, not `written`: a failing write may have stored bytes it did not report.
      if (fs.fstatSync(fd).size !== this.size) this.fs.ftruncateSync(fd, this.size);
      return true;
    } catch {
      // A torn line stays: start the next batch on a fresh line.
      this.size = sizeOf(fd) ?? this.size + written;
      this.needsSeparator = true;
      return false;
    }
  }

  private syncEnded(fd: number): void {
    const left = (this.syncsByFd.get(fd) ?? 1) - 1;
    if (left > 0) return void this.syncsByFd.set(fd, left);
    this.syncsByFd.delete(fd);
    if (this.retired.delete(fd)) fs.closeSync(fd);
  }

  /** events.jsonl → .1 → .2 …; the oldest beyond `keep` is deleted. A failure keeps the current file. */
  private rotate(): void {
    try {
      fs.rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--) renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      fs.renameSync(this.path, `${this.path}.1`);
    } catch {
      return; // tried again after the next batch
    }
    const old = this.fd;
    try {
      this.fd = fs.openSync(this.path, 'a+', 0o600);
    } catch {
      return; // keeps appending to the renamed file; the next batch tries again
    }
    this.size = 0;
    syncDirectory(dirname(this.path));
    if (this.syncsByFd.has(old)) this.retired.add(old);
    else fs.closeSync(old);
  }

  private settleIdle(): void {
    if (this.syncsInFlight === 0 && this.pending.length === 0) for (const done of this.idleWaiters.splice(0)) done();
  }

  /** Waits for every pending append, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.syncsInFlight > 0 || this.pending.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

function sizeOf(fd: number): number | undefined {
  try {
    return fs.fstatSync(fd).size;
  } catch {
    return undefined;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Makes the renames and the new file's entry durable (best effort: not every file system allows it). */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse to fsync a directory; the data itself is synced per batch.
  }
}

/** Pipes and character devices (`-o /dev/stdout`) cannot be fsynced; that is not a failure. */
function isUnsyncable(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EINVAL' || error.code === 'ENOTSUP' || error.code === 'EROFS';
}

function endsWithoutNewline(fd: number, st: fs.Stats): boolean {
  if (!st.isFile() || st.size === 0) return false;
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, st.size - 1);
  return last[0] !== 0x0a;
}

export interface LogProblem {
  line?: number;
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

/** The files of a log, oldest first: the rotated `events.jsonl.N` … `.1`, then the live file. */
export async function logSegments(path: string): Promise<string[]> {
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const rotated = entries
    .map((entry) => ({
      entry,
      n: entry.startsWith(`${name}.`) && /^\d+$/.test(entry.slice(name.length + 1)) ? Number(entry.slice(name.length + 1)) : 0,
    }))
    .filter((e) => e.n > 0)
    .sort((a, b) => b.n - a.n)
    .map((e) => join(dirname(path), e.entry));
  return entries.includes(name) ? [...rotated, path] : rotated;
}

export interface LoggedEvent {
  record: EventRecord;
  /** The line as stored (what `--json` prints, without serialising again). */
  line: string;
  file: string;
}

/**
 * Every record of the log and its rotated files, oldest first, one line in memory at a time.
 * Unreadable lines (a torn tail after a crash) are skipped and reported.
 */
export async function* streamEventLog(path: string, onProblem: (p: LogProblem) => void = () => {}): AsyncGenerator<LoggedEvent> {
  for (const file of await logSegments(path)) yield* streamSegment(file, onProblem);
}

async function* streamSegment(file: string, onProblem: (p: LogProblem) => void): AsyncGenerator<LoggedEvent> {
  let input: fs.ReadStream;
  try {
    input = createReadStream(file);
    await new Promise<void>((resolve, reject) => input!.once('open', () => resolve()).once('error', reject));
  } catch (error) {
    // Rotated away or pruned between listing and opening.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (line === '') continue;
    const record = parseRecord(line);
    if (record) yield { record, line, file };
    else onProblem({ line: n, message: `skipped unreadable line ${n} of ${file} (torn by a crash?)` });
  }
}

/** Reads every record into memory: for tests and small logs; the CLI streams (streamEventLog). */
export async function readEventLog(path: string, onProblem: (p: LogProblem) => void = () => {}): Promise<EventRecord[]> {
  const records: EventRecord[] = [];
  for await (const { record } of streamEventLog(path, onProblem)) records.push(record);
  return records;
}

/** Lines of a file from its end, in chunks: memory is one chunk plus the longest line. */
async function* linesFromEnd(file: string, chunkBytes = 1024 * 1024): AsyncGenerator<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await openAsync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    let position = (await handle.stat()).size;
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const length = Math.min(chunkBytes, position);
      position -= length;
      const chunk = Buffer.allocUnsafe(length);
      await handle.read(chunk, 0, length, position);
      const buf = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let end = buf.length;
      for (let nl = buf.lastIndexOf(0x0a, end - 1); end > 0 && nl !== -1; nl = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1) {
        yield buf.subarray(nl + 1, end);
        end = nl;
      }
      carry = Buffer.from(buf.subarray(0, end));
    }
    if (carry.length > 0) yield carry;
  } finally {
    await handle.close();
  }
}

// Only top-level keys appear with bare quotes in a record line (strings inside it escape theirs),
// so this finds verified records without parsing the junk around them.
const VERIFIED_MARK = Buffer.from(',"verdict":"valid",');

/**
 * The ids of the last `limit` verified events, oldest first, to keep marking duplicates after a
 * restart. Reads the log and its rotated files backwards in chunks until it has them, whatever
 * the junk between them; never the whole log into memory.
 */
export async function recentEventIds(
  path: string,
  options: { limit?: number; onProblem?: (p: LogProblem) => void } = {},
): Promise<string[]> {
  const limit = options.limit ?? DEDUPE_IDS;
  const ids = new Set<string>();
  const segments = (await logSegments(path)).reverse();
  for (const [index, file] of segments.entries()) {
    let last = index === 0;
    for await (const line of linesFromEnd(file)) {
      const isLast = last;
      last = false;
      if (line.length === 0) {
        last = isLast; // the final newline: the line before it is the last one
        continue;
      }
      if (line.indexOf(VERIFIED_MARK) === -1) {
        if (line[0] !== 0x7b || line[line.length - 1] !== 0x7d) report(options.onProblem, file, isLast);
        continue;
      }
      const record = parseRecord(line.toString('utf8'));
      if (!record) report(options.onProblem, file, isLast);
      else if (record.eventId && record.verdict === 'valid' && !ids.has(record.eventId)) {
        ids.add(record.eventId);
        if (ids.size >= limit) return [...ids].reverse();
      }
    }
  }
  return [...ids].reverse();
}

function report(onProblem: ((p: LogProblem) => void) | undefined, file: string, last: boolean): void {
  onProblem?.({
    message: last
      ? `skipped a torn last line in ${file} (left by a crash; not an acknowledged event)`
      : `skipped an unreadable line in ${file}`,
  });
}

/**
 * `events --follow`: every record as streamEventLog gives it, then each new one as it is appended,
 * across rotations (the old file is read to its end before the new one), until `signal` aborts.
 * Only whole lines are yielded: a line being written is waited for.
 */
export async function* followEventLog(
  path: string,
  signal: AbortSignal,
  onProblem: (p: LogProblem) => void = () => {},
  onCaughtUp: () => void = () => {},
): AsyncGenerator<LoggedEvent> {
  const segments = await logSegments(path);
  for (const file of segments) {
    if (file === path) break;
    yield* streamSegment(file, onProblem);
  }
  let wake: (() => void) | undefined;
  const watcher = watchQuietly(dirname(path), () => wake?.());
  const waitForChange = (): Promise<void> =>
    new Promise((resolve) => {
      // The watch is the fast path; the timer covers file systems without change events.
      const timer = setTimeout(done, 1000);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      }
      wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  let handle: fs.promises.FileHandle | undefined;
  try {
    while (!signal.aborted && !handle) {
      handle = await openAsync(path, 'r').catch(() => undefined);
      if (!handle) {
        onCaughtUp();
        await waitForChange();
      }
    }
    let offset = 0;
    let carry = Buffer.alloc(0);
    let lineNumber = 0;
    while (handle && !signal.aborted) {
      const own = await handle.stat();
      if (own.size > offset) {
        const chunk = Buffer.allocUnsafe(Math.min(own.size - offset, 1024 * 1024));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, offset);
        offset += bytesRead;
        const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        let start = 0;
        for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a, start)) {
          const line = buf.toString('utf8', start, nl);
          start = nl + 1;
          lineNumber++;
          if (line === '') continue;
          const record = parseRecord(line);
          if (record) yield { record, line, file: path };
          else onProblem({ line: lineNumber, message: `skipped unreadable line ${lineNumber} of ${path} (torn by a crash?)` });
        }
        carry = Buffer.from(buf.subarray(start));
        continue;
      }
      const current = await fs.promises.stat(path).catch(() => undefined);
      if (current && (current.ino !== own.ino || current.dev !== own.dev)) {
        // Rotated: this file is complete; go on with the new live file from its start.
        if (carry.length > 0) onProblem({ message: `skipped a torn last line of a rotated file (left by a crash)` });
        await handle.close();
        handle = await openAsync(path, 'r').catch(() => undefined);
        offset = 0;
        carry = Buffer.alloc(0);
        lineNumber = 0;
        continue;
      }
      onCaughtUp();
      await waitForChange();
    }
  } finally {
    watcher?.close();
    await handle?.close();
  }
}

function watchQuietly(dir: string, onChange: () => void): fs.FSWatcher | undefined {
  try {
    const watcher = fs.watch(dir, { persistent: false }, onChange);
    watcher.on('error', () => {});
    return watcher;
  } catch {
    return undefined;
  }
}

/**
 * `events prune --before`: drops the records received before `cutoffMs` from the log and its
 * rotated files, one file at a time (rewritten beside it, then renamed over it; deleted when
 * nothing is left). Lines that are not records are kept. Needs the server stopped.
 */
export async function pruneEventLog(
  path: string,
  cutoffMs: number,
): Promise<{ removed: number; kept: number; filesDeleted: number }> {
  const totals = { removed: 0, kept: 0, filesDeleted: 0 };
  for (const file of await logSegments(path)) {
    const temp = `${file}.pruning`;
    const out = await openAsync(temp, 'w', 0o600);
    let removed = 0;
    let kept = 0;
    try {
      let buffered: string[] = [];
      let bufferedBytes = 0;
      const input = createReadStream(file);
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        if (line === '') continue;
        const record = parseRecord(line);
        if (record && Date.parse(record.time) < cutoffMs) {
          removed++;
          continue;
        }
        kept++;
        buffered.push(line);
        bufferedBytes += line.length;
        if (bufferedBytes >= 1024 * 1024) {
          await out.write(`${buffered.join('\n')}\n`);
          buffered = [];
          bufferedBytes = 0;
        }
      }
      if (buffered.length > 0) await out.write(`${buffered.join('\n')}\n`);
      await out.sync();
    } finally {
      await out.close();
    }
    totals.removed += removed;
    totals.kept += kept;
    if (kept === 0) {
      fs.rmSync(file, { force: true });
      fs.rmSync(temp, { force: true });
      totals.filesDeleted++;
    } else if (removed > 0) fs.renameSync(temp, file);
    else fs.rmSync(temp, { force: true });
  }
  syncDirectory(dirname(path));
  return totals;
}
