// How activity, account-activity and stream commands print: an aligned table on a terminal,
// JSON (pretty on a terminal, compact when piped) with --json or when stdout is not a terminal.
import type { Context } from '../context.js';
import { printJson, wantsJson } from '../http/output.js';
import { formatTable } from '../webhook/table.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | undefined;
}

/** A table on a terminal, or the JSON document otherwise; `empty` is said on stderr when there are no rows. */
export function printRows<T>(
  ctx: Context,
  opts: { json?: boolean },
  doc: unknown,
  rows: readonly T[],
  columns: readonly Column<T>[],
  empty: string,
): void {
  if (wantsJson(ctx, opts.json)) return printJson(ctx, doc);
  if (rows.length === 0) {
    ctx.io.stderr.write(`${empty}\n`);
    return;
  }
  ctx.io.stdout.write(
    formatTable(
      columns.map((c) => c.header),
      rows.map((row) => columns.map((c) => (c.value(row) ?? '-').replace(/\s+/g, ' '))),
      ctx.io.stdoutColumns,
    ),
  );
}

/** `key: value` lines for one object on a terminal, or its JSON otherwise. */
export function printRecord(
  ctx: Context,
  opts: { json?: boolean },
  doc: unknown,
  fields: ReadonlyArray<[string, string | undefined]>,
): void {
  if (wantsJson(ctx, opts.json)) return printJson(ctx, doc);
  const width = Math.max(...fields.map(([k]) => k.length));
  ctx.io.stdout.write(`${fields.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v ?? '-'}`).join('\n')}\n`);
}
