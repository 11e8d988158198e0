// One line on stderr that says what xcli is waiting for, redrawn in place, on a terminal only (never
// in logs or pipes). Each line is cut to the terminal's width in display cells: a wrapped line cannot
// be erased by `\r`, and every redraw would leave a stale copy behind.
import type { IOStreams } from '../io.js';
import { displayWidth, truncate } from './width.js';

/** A label cut to this many cells at least, so it still says what the line is about. */
export const MIN_LABEL = 8;

/** `label` then `rest` in `room` cells: the label gives way first, so the numbers in `rest` stay readable. */
export function fitLabel(label: string, rest: string, room: number): string {
  return `${truncate(label, Math.max(MIN_LABEL, room - displayWidth(rest)))}${rest}`;
}

export interface StatusLine {
  /** Cells a line may use (the last one stays free: a full row wraps on some terminals). */
  room(): number;
  show(text: string): void;
  /** A final line that stays on screen. */
  done(text: string): void;
  /** Erases the line. */
  clear(): void;
}

export function statusLine(io: IOStreams): StatusLine | undefined {
  if (!io.isStderrTTY) return undefined;
  let drawn = false;
  const room = () => (io.stderrColumns ?? 80) - 1;
  const draw = (text: string, end: string) => {
    io.stderr.write(`\r\x1b[2K${truncate(text, room())}${end}`);
    drawn = end === '';
  };
  return {
    room,
    show: (text) => draw(text, ''),
    done: (text) => draw(text, '\n'),
    clear() {
      if (drawn) io.stderr.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
