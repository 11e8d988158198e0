// Plain aligned columns for terminal listings (piped output is JSON instead), measured in display
// cells and fitted to the terminal's width: the widest column is cut with "…" first.
import { displayWidth, fitWidths, padEnd, truncate } from '../terminal/width.js';

export function formatTable(header: string[], rows: string[][], columns?: number): string {
  const natural = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const widths = fitWidths(natural, header.map((h) => Math.max(displayWidth(h), 4)), columns, 2);
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? truncate(c, widths[i]!) : padEnd(truncate(c, widths[i]!), widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
