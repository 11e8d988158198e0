// Display width of text as a terminal draws it (CJK and emoji take two cells, combining marks none:
// string-width), and cutting text to a width with "…", so tables and status lines fit the screen.
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` cut to at most `max` cells, ending in "…" when cut; whole graphemes only. */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  if (max <= 0) return '';
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const width = displayWidth(segment);
    if (used + width > max - 1) break;
    out += segment;
    used += width;
  }
  return `${out}…`;
}

/** `text` followed by spaces up to `width` cells. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * Column widths that fit `columns` cells (with `gap` between columns): the widest column gives
 * way first, never below its header or 4 cells. Undefined `columns` keeps the natural widths.
 */
export function fitWidths(
  natural: readonly number[],
  minimum: readonly number[],
  columns: number | undefined,
  gap: number,
): number[] {
  const widths = [...natural];
  if (columns === undefined) return widths;
  let excess = widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) - columns;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > minimum[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) break;
    widths[widest]!--;
    excess--;
  }
  return widths;
}
