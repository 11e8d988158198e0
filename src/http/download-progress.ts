// `-o FILE`'s progress line on stderr, as curl's meter: bytes so far, of the total when X sends a
// content-length, and the rate. Only on a terminal (src/terminal/status.ts) and only for large
// bodies: it appears once the body is known to be, or has grown, larger than 1 MiB, so a usual
// JSON answer never flashes a line. The final line stays; `--no-progress` keeps stderr quiet.
import type { Context } from '../context.js';
import { formatBytes } from '../terminal/bytes.js';
import { fitLabel, statusLine } from '../terminal/status.js';
import type { BodyObserver } from '../net/transport.js';

/** Bodies up to this size get no line. */
export const PROGRESS_THRESHOLD = 1024 * 1024;
/** Least time between redraws: enough to read, few enough writes for a fast download. */
const REDRAW_MS = 100;

export interface DownloadProgress {
  /** Sees each chunk arrive (for `exchangeWithRetry`). */
  onBody: BodyObserver;
  /** The final line (what arrived, how fast), when a line was shown. */
  done(): void;
  /** Erases the line (after a failure: the error line says the rest). */
  clear(): void;
}

function rate(bytes: number, ms: number): string {
  return ms > 0 ? `${formatBytes(Math.round((bytes * 1000) / ms))}/s` : '';
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

export function downloadProgress(ctx: Context, file: string): DownloadProgress | undefined {
  const line = statusLine(ctx.io);
  if (!line) return undefined;
  const label = `xcli: -o ${file}`;
  // The file name gives way first, so the numbers stay readable in a narrow window.
  const labelled = (rest: string) => fitLabel(label, rest, line.room());
  let start = 0;
  let lastDraw = -Infinity;
  let received = 0;
  let total: number | undefined;
  let shown = false;
  return {
    onBody(bytes, head) {
      const now = ctx.now();
      // A retried request starts over.
      if (bytes < received || received === 0) {
        start = now;
        lastDraw = -Infinity;
      }
      received = bytes;
      const length = Number(head.headers['content-length']);
      total = Number.isFinite(length) && length > 0 ? length : undefined;
      if (Math.max(bytes, total ?? 0) <= PROGRESS_THRESHOLD) return;
      if (now - lastDraw < REDRAW_MS && bytes !== total) return;
      lastDraw = now;
      shown = true;
      const speed = rate(bytes, now - start);
      const amount =
        total === undefined
          ? formatBytes(bytes)
          : `${formatBytes(bytes)} of ${formatBytes(total)} (${Math.floor((Math.min(bytes, total) / total) * 100)}%)`;
      line.show(labelled(`: ${amount}${speed ? `, ${speed}` : ''}`));
    },
    done() {
      if (!shown) return;
      const elapsed = ctx.now() - start;
      const speed = rate(received, elapsed);
      line.done(labelled(`: ${formatBytes(received)} in ${seconds(elapsed)}${speed ? ` (${speed})` : ''}`));
    },
    clear: () => line.clear(),
  };
}
