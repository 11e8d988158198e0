// The upload's progress bar on stderr, on a terminal only (src/terminal/status.ts): label, bar,
// percentage and bytes, with the label cut first so the numbers stay visible in a narrow window.
import type { Context } from '../context.js';
import { fitLabel, MIN_LABEL, statusLine } from '../terminal/status.js';
import { displayWidth } from '../terminal/width.js';
import { formatBytes } from './detect.js';

export interface Progress {
  /** Bytes sent so far. */
  sent(bytes: number): void;
  /** A status while X processes the file (`processing in_progress 40%`). */
  note(text: string): void;
  /** Replaces the bar with its final state, which stays on screen (`uploaded 5.0 MB, processing succeeded`). */
  done(text: string): void;
  /** Erases the bar (after a failure: the error line says the rest). */
  clear(): void;
}

const BAR = 24;

export function progressBar(ctx: Context, label: string, total: number): Progress {
  const line = statusLine(ctx.io);
  if (!line) return { sent() {}, note() {}, done() {}, clear() {} };
  const labelled = (rest: string) => fitLabel(label, rest, line.room());
  return {
    sent(bytes) {
      const ratio = total === 0 ? 1 : Math.min(1, bytes / total);
      const numbers = ` ${Math.floor(ratio * 100)}% ${formatBytes(bytes)}/${formatBytes(total)}`;
      // The bar gives way first (down to 10 cells), then the label.
      const room = line.room() - displayWidth(numbers) - 3;
      const bar = Math.max(0, Math.min(BAR, Math.max(room - displayWidth(label), Math.min(10, room - MIN_LABEL))));
      const filled = Math.round(ratio * bar);
      line.show(labelled(`${bar > 0 ? ` [${'#'.repeat(filled)}${' '.repeat(bar - filled)}]` : ''}${numbers}`));
    },
    note: (text) => line.show(labelled(`: ${text}`)),
    done: (text) => line.done(labelled(`: ${text}`)),
    clear: () => line.clear(),
  };
}
