// The byte-level line reader of streams (src/http/lines.ts): whatever the chunk boundaries, the lines
// out are the lines in, heartbeats and CRs dropped, and stdout gets them byte for byte.
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineBatch, readLines } from '../../src/http/lines.js';

/** Deterministic pseudo-random numbers (no flaky failures, any failure reproducible). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function chunked(bytes: Buffer, next: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * 40);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

class Sink extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk);
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Reads `chunks` as a stream body; returns the lines seen (decoded) and what stdout received. */
async function read(chunks: Buffer[], stopAfter = Infinity) {
  const seen: string[] = [];
  const sink = new Sink();
  const batch = new LineBatch();
  const outcome = await readLines(
    Readable.from(chunks),
    60_000,
    new AbortController().signal,
    async (lines) => {
      for (let i = 0; i < lines.count; i++) {
        if (seen.length === stopAfter) return false;
        seen.push(lines.data.toString('utf8', lines.starts[i], lines.ends[i]));
        batch.add(lines.data, lines.starts[i]!, lines.ends[i]!);
      }
      return seen.length < stopAfter;
    },
    () => batch.flush(sink),
  );
  return { seen, out: sink.text(), outcome };
}

describe('stream lines as bytes', () => {
  const records = [
    '{"data":{"id":"1","text":"héllo 🌍"}}',
    '{"data":{"id":"2","text":"a\\nb"}}',
    '{"data":{"id":"3"}}',
    '  {"data":{"id":"4"}}  ',
  ];

  it('finds the same lines for any chunking: LF, CRLF, heartbeats, blank lines, a last line without newline', async () => {
    const text = `\r\n${records[0]}\r\n\r\n${records[1]}\n\n \t\r\n${records[2]}\r\n${records[3]}`;
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const { seen, out, outcome } = await read(chunked(Buffer.from(text), next));
      expect(seen).toEqual(records);
      expect(out).toBe(`${records.join('\n')}\n`);
      expect(outcome.end).toBe('eof');
    }
  });

  it('passes LF-terminated records through as the very bytes received', async () => {
    const text = `${records.join('\n')}\n`;
    const next = random(11);
    for (let round = 0; round < 100; round++) {
      const { out } = await read(chunked(Buffer.from(text), next));
      expect(out).toBe(text);
    }
  });

  it('stops when told to, with only the lines taken written', async () => {
    const { seen, out, outcome } = await read([Buffer.from(`${records.join('\n')}\n`)], 2);
    expect(seen).toEqual(records.slice(0, 2));
    expect(out).toBe(`${records.slice(0, 2).join('\n')}\n`);
    expect(outcome.end).toBe('stopped');
  });

  it('waits for a slow stdout (backpressure) instead of buffering without bound', async () => {
    let writes = 0;
    let pendingCallbacks = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, cb) {
        writes++;
        pendingCallbacks++;
        setTimeout(() => {
          pendingCallbacks--;
          cb();
        }, 2);
      },
    });
    let maxPending = 0;
    const batch = new LineBatch();
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.from(`{"n":${i}}\n`));
    await readLines(
      Readable.from(chunks),
      60_000,
      new AbortController().signal,
      async (lines) => {
        for (let i = 0; i < lines.count; i++) batch.add(lines.data, lines.starts[i]!, lines.ends[i]!);
        maxPending = Math.max(maxPending, pendingCallbacks);
        return true;
      },
      () => batch.flush(slow),
    );
    expect(writes).toBe(20);
    expect(maxPending).toBeLessThanOrEqual(1);
    for (const event of ['drain', 'close', 'error']) expect(slow.listenerCount(event)).toBe(0);
  });
});
