// Plain aligned columns for terminal listings (piped output is JSON instead). Cells are text from
// the network: each is made terminal-safe here, so no table can pass a control or bidi character.
import { terminalText } from '../terminal-text.js';

export function formatTable(header: string[], rows: string[][]): string {
  const table = streamingTable(header, Infinity);
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
export function streamingTable(header: string[], sampleRows = 1000): StreamingTable {
  let sample: string[][] | undefined = [];
  let widths: number[] = [];
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => {
        if (i === cells.length - 1) return c;
        const cell = clip(c, widths[i]!);
        return cell + ' '.repeat(widths[i]! - width(cell));
      })
      .join('  ')
      .trimEnd();
  const flush = (): string => {
    if (!sample) return '';
    widths = header.map((h, i) => Math.max(width(h), ...sample!.map((r) => width(r[i] ?? ''))));
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

function clip(s: string, max: number): string {
  return width(s) <= max ? s : `${[...s].slice(0, Math.max(0, max - 1)).join('')}…`;
}

function width(s: string): number {
  return [...s].length;
}
