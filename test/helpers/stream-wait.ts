import type { Readable } from 'node:stream';

/** Resolves once `check` holds, re-checked on every chunk `stream` emits (waits on the stream, not a clock). */
export function whenStreamShows(stream: Readable, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const test = (): void => {
      if (!check()) return;
      stream.off('data', test);
      resolve();
    };
    stream.on('data', test);
    test();
  });
}
