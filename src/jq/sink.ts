// A stdout stand-in that passes each complete top-level JSON value written to it through jq, in
// order: a page, a merged document, one NDJSON record of a stream as soon as its line ends. Values
// may arrive in several writes (pretty printing) or several in one write (JSON Lines).
import { Writable } from 'node:stream';
import type { JqRun } from './engine.js';

export class JqSink extends Writable {
  private pending = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** How far `pending` has been scanned. */
  private scanned = 0;

  constructor(
    private readonly run: JqRun,
    private readonly out: Writable,
  ) {
    super({ decodeStrings: false });
  }

  /** The end of the last complete value in `pending`: a newline (or end of a bracketed value) at depth 0. */
  private completeUpTo(): number {
    let complete = 0;
    for (let i = this.scanned; i < this.pending.length; i++) {
      const c = this.pending[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        if (--this.depth === 0) complete = i + 1;
      } else if (c === '\n' && this.depth === 0) complete = i + 1;
    }
    this.scanned = this.pending.length;
    return complete;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const end = this.completeUpTo();
    if (end === 0) {
      callback();
      return;
    }
    const values = this.pending.slice(0, end);
    this.pending = this.pending.slice(end);
    this.scanned -= end;
    this.emitFiltered(values, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const rest = this.pending;
    this.pending = '';
    this.emitFiltered(rest, callback);
  }

  private emitFiltered(values: string, callback: (error?: Error | null) => void): void {
    this.run(values).then(
      (text) => {
        if (text === '') callback();
        else this.out.write(text, () => callback());
      },
      (error: Error) => callback(error),
    );
  }
}
