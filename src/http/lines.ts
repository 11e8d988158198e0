// Lines of a byte stream (X's streaming endpoints: one JSON record per line, blank heartbeat lines)
// handled as bytes: a line split across chunks is joined, nothing else is copied or decoded, and
// stdout gets slices of the chunks as received. Decoding and re-joining every 1 KB line cost more
// than the reading itself (bench/cases/stream.mjs, docs/performance.md).
import type { Readable, Writable } from 'node:stream';

export type ReadOutcome =
  | { end: 'eof' | 'stall' | 'stopped'; gotData: boolean }
  | { end: 'error'; reason: string; gotData: boolean };

const NEWLINE = 0x0a;
const CR = 0x0d;
/** X's in-stream errors are JSON objects with this key (and no `data`). */
export const ERRORS_KEY = Buffer.from('"errors"');

/** The complete, non-blank lines of one chunk: [starts[i], ends[i]) of `data`, without CR or LF. */
export interface ChunkLines {
  data: Buffer;
  starts: number[];
  ends: number[];
  count: number;
}

/** Whether data[start, end) holds only spaces, tabs and CRs: X's heartbeat is an empty line. */
function isBlank(data: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = data[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
  }
  return true;
}

/** Finds the non-blank lines of data[from, to) (`to` just past a newline) into `lines`. */
function splitLines(data: Buffer, from: number, to: number, lines: ChunkLines): void {
  lines.data = data;
  lines.count = 0;
  for (let start = from; start < to; ) {
    const newline = data.indexOf(NEWLINE, start);
    let end = newline;
    if (end > start && data[end - 1] === CR) end--;
    if (end > start && !isBlank(data, start, end)) {
      lines.starts[lines.count] = start;
      lines.ends[lines.count] = end;
      lines.count++;
    }
    start = newline + 1;
  }
}

/**
 * Collects lines for stdout as slices of the chunks they came in: lines that follow each other in a
 * chunk (LF-terminated, no heartbeat between) stay one slice, written with their newlines as received.
 */
export class LineBatch {
  private pieces: Buffer[] = [];
  private data: Buffer | undefined;
  private start = 0;
  private end = 0;

  add(data: Buffer, start: number, end: number): void {
    if (data === this.data && start === this.end + 1 && data[this.end] === NEWLINE) {
      this.end = end;
      return;
    }
    this.close();
    this.data = data;
    this.start = start;
    this.end = end;
  }

  /** Writes what was collected; resolves once `out` has room again (stdout's backpressure). */
  flush(out: Writable): Promise<void> | undefined {
    this.close();
    if (this.pieces.length === 0) return undefined;
    const bytes = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces);
    this.pieces = [];
    if (out.write(bytes) || out.destroyed) return undefined;
    return roomIn(out);
  }

  private close(): void {
    const data = this.data;
    if (!data) return;
    if (data[this.end] === NEWLINE) this.pieces.push(data.subarray(this.start, this.end + 1));
    else this.pieces.push(data.subarray(this.start, this.end), Buffer.from('\n'));
    this.data = undefined;
  }
}

/**
 * The chunks of a body as they arrive. `for await (… of body)` reads with Readable.read(), which
 * joins every chunk buffered meanwhile into one new Buffer: a copy of most of a fast stream.
 * Reading stops (backpressure) while a few chunks wait.
 */
async function* chunksOf(body: Readable): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    if (queue.length >= 8) body.pause();
    wake?.();
  };
  const onEnd = (): void => {
    ended = true;
    wake?.();
  };
  const onError = (error: Error): void => {
    failure ??= error;
    wake?.();
  };
  const onClose = (): void => onError(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
  body.on('data', onData);
  body.on('end', onEnd);
  body.on('error', onError);
  body.on('close', onClose);
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        if (queue.length < 2 && body.isPaused()) body.resume();
        yield chunk;
        continue;
      }
      if (ended) return;
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    body.off('data', onData);
    body.off('end', onEnd);
    body.off('error', onError);
    body.off('close', onClose);
  }
}

/** Resolves when `out` drains, or closes or fails (then nothing more will be written anyway). */
function roomIn(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}

/**
 * Reads lines until EOF, a stall, an error, or `onLines` returning false; calls `onChunkDone` after
 * the lines of each chunk and at the end (and waits for it); always leaves the body destroyed.
 * Lines stay bytes: a line split across chunks is joined, nothing else is copied or decoded.
 */
export async function readLines(
  body: Readable,
  stallMs: number,
  signal: AbortSignal,
  onLines: (lines: ChunkLines) => Promise<boolean>,
  onChunkDone: () => Promise<void> | undefined,
): Promise<ReadOutcome> {
  let stalled = false;
  let gotData = false;
  // One timer, pushed back on every chunk (refresh() allocates nothing; a new timer per chunk did).
  const timer = setTimeout(() => {
    stalled = true;
    body.destroy();
  }, stallMs);
  const lines: ChunkLines = { data: Buffer.alloc(0), starts: [], ends: [], count: 0 };
  /** The unfinished line at the end of the chunks so far. */
  let partial: Buffer[] = [];
  const deliver = async (data: Buffer, from: number, to: number): Promise<boolean> => {
    splitLines(data, from, to, lines);
    return lines.count === 0 || (await onLines(lines));
  };
  try {
    for await (const chunk of chunksOf(body)) {
      timer.refresh();
      gotData = true;
      let from = 0;
      if (partial.length > 0) {
        const newline = chunk.indexOf(NEWLINE);
        if (newline < 0) {
          partial.push(chunk);
          continue;
        }
        const joined = Buffer.concat([...partial, chunk.subarray(0, newline + 1)]);
        partial = [];
        if (!(await deliver(joined, 0, joined.length))) return { end: 'stopped', gotData };
        from = newline + 1;
      }
      const last = chunk.lastIndexOf(NEWLINE);
      if (last >= from && !(await deliver(chunk, from, last + 1))) return { end: 'stopped', gotData };
      if (Math.max(last + 1, from) < chunk.length) partial.push(chunk.subarray(Math.max(last + 1, from)));
      await onChunkDone();
    }
    if (stalled) return { end: 'stall', gotData };
    if (signal.aborted) return { end: 'stopped', gotData };
    if (partial.length > 0) {
      const rest = Buffer.concat([...partial, Buffer.from('\n')]);
      if (!(await deliver(rest, 0, rest.length))) return { end: 'stopped', gotData };
    }
    return { end: 'eof', gotData };
  } catch (error) {
    if (signal.aborted) return { end: 'stopped', gotData };
    if (stalled) return { end: 'stall', gotData };
    return { end: 'error', reason: (error as Error).message || 'connection lost', gotData };
  } finally {
    clearTimeout(timer);
    body.destroy();
    await onChunkDone();
  }
}
