// A one-line progress bar on stderr, drawn only when stderr is a terminal (never in logs or pipes).
import type { Context } from '../context.js';
import { formatBytes } from './detect.js';

export interface Progress {
  /** Bytes sent so far. */
  sent(bytes: number): void;
  /** A status word while X processes the file (`in_progress 40%`). */
  note(text: string): void;
  /** Erases the bar. */
  clear(): void;
}

const WIDTH = 24;

export function progressBar(ctx: Context, label: string, total: number): Progress {
  if (!ctx.io.isStderrTTY) return { sent() {}, note() {}, clear() {} };
  const err = ctx.io.stderr;
  let drawn = false;
  const draw = (line: string) => {
    err.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  return {
    sent(bytes) {
      const ratio = total === 0 ? 1 : Math.min(1, bytes / total);
      const filled = Math.round(ratio * WIDTH);
      draw(`${label} [${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${Math.floor(ratio * 100)}% ${formatBytes(bytes)}/${formatBytes(total)}`);
    },
    note(text) {
      draw(`${label}: ${text}`);
    },
    clear() {
      if (drawn) err.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
