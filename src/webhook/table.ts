// Plain aligned columns for terminal listings (piped output is JSON instead). Cells are text from
// the network: each is made terminal-safe here, so no table can pass a control or bidi character.
// Widths are display cells (CJK, emoji: src/terminal/width.ts), and the table fits `columns`, the
// terminal's width: the widest column is cut with "…" first.
import { terminalText } from '../terminal-text.js';
import { displayWidth, fitWidths, padEnd, truncate } from '../terminal/width.js';

export function formatTable(header: string[], rows: string[][], columns?: number): string {
  const table = streamingTable(header, Infinity, columns);
  return rows.map((r) => table.add(r)).join('') + table.flush();
}

export interface StreamingTable {
  /** Text to print now ('' while the first rows are gathered to size the columns). */
  add(cells: string[]): string;
  /** The header and gathered rows, if not printed yet (call at the end, or when output pauses). */
  flush(): string;
}

/**
 * A table printed as its rows come: the first `sampleRows` size the columns, later rows are cut
 * to fit them (with …), so a listing of millions of rows keeps memory flat.
 */
export function streamingTable(header: string[], sampleRows = 1000, columns?: number): StreamingTable {
  let sample: string[][] | undefined = [];
  let widths: number[] = [];
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? truncate(c, widths[i]!) : padEnd(truncate(c, widths[i]!), widths[i]!)))
      .join('  ')
      .trimEnd();
  const flush = (): string => {
    if (!sample) return '';
    const natural = header.map((h, i) => Math.max(displayWidth(h), ...sample!.map((r) => displayWidth(r[i] ?? ''))));
    widths = fitWidths(
      natural,
      header.map((h) => Math.max(displayWidth(h), 4)),
      columns,
      2,
    );
    // After the sample the last column is cut to what fits, not to the sample's widest.
    if (columns !== undefined)
      widths[widths.length - 1] = Math.max(widths.at(-1)!, columns - widths.slice(0, -1).reduce((a, b) => a + b + 2, 0));
    else widths[widths.length - 1] = Infinity;
    const text = [header, ...sample].map((r) => `${line(r)}\n`).join('');
    sample = undefined;
    return text;
  };
  return {
    add(cells) {
      const safe = cells.map((c) => terminalText(c));
      if (!sample) return `${line(safe)}\n`;
      sample.push(safe);
      return sample.length >= sampleRows ? flush() : '';
    },
    flush,
  };
}
