// Splits stdin into lines for the SDK's stdio transport and drops any line over the cap with a
// note, keeping memory bounded: the SDK's own reader would close the whole transport instead.
import { Transform, type TransformCallback } from 'node:stream';

/** xurl's limit for one JSON-RPC message on stdin. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class LineCap extends Transform {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onDropped: (bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      this.addPiece(chunk.subarray(start, end), newline !== -1);
      start = end;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    // A last message without its newline is still a message.
    if (this.size > 0) this.addPiece(Buffer.from('\n'), true);
    done();
  }

  private addPiece(piece: Buffer, lineEnds: boolean): void {
    this.size += piece.length;
    if (!this.skipping) {
      if (this.size - (lineEnds ? 1 : 0) > this.maxBytes) {
        this.skipping = true;
        this.parts = [];
      } else {
        this.parts.push(piece);
      }
    }
    if (!lineEnds) return;
    if (this.skipping) this.onDropped(this.size - 1);
    else if (this.size > 1) this.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts));
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }
}
