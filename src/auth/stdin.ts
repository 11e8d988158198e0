// Reading secrets and pasted redirects from stdin one line at a time, so `-` values work both piped
// (`printf '%s\n' "$KEY" "$SECRET" | xcli auth oauth1 …`) and typed at a terminal.
import type { Readable } from 'node:stream';

export interface LineReader {
  /** Resolves with up to `count` lines (fewer at end of input), without their line endings. */
  lines: Promise<string[]>;
  /** Stops listening (for a reader whose result is no longer needed). */
  stop: () => void;
}

export function readLines(stream: Readable, count: number): LineReader {
  let buffered = '';
  const lines: string[] = [];
  let stop = (): void => {};
  const promise = new Promise<string[]>((resolve, reject) => {
    const finish = (): void => {
      stop();
      resolve(lines);
    };
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      let end: number;
      while (lines.length < count && (end = buffered.indexOf('\n')) >= 0) {
        lines.push(buffered.slice(0, end).replace(/\r$/, ''));
        buffered = buffered.slice(end + 1);
      }
      if (lines.length >= count) finish();
    };
    const onEnd = (): void => {
      if (buffered !== '' && lines.length < count) lines.push(buffered.replace(/\r$/, ''));
      finish();
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    stop = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    if (stream.readableEnded) onEnd();
    else stream.resume();
  });
  return { lines: promise, stop: () => stop() };
}
