// How response bodies reach stdout: pretty and coloured on a terminal (or with --pretty), the exact
// bytes when piped (or with --raw). Non-JSON bodies are printed as they are.
import type { Context } from '../context.js';
import { COLOR, formatJson, JsonSyntaxError } from './json-format.js';
import type { ResponseHead } from '../net/transport.js';

export type OutputMode = 'auto' | 'pretty' | 'raw';

export function prettyWanted(ctx: Context, mode: OutputMode = 'auto'): boolean {
  return mode === 'pretty' || (mode === 'auto' && !wantsJson(ctx));
}

function looksJson(body: Buffer, contentType: string | undefined): boolean {
  if (contentType && /[/+]json\b/i.test(contentType)) return true;
  const first = body.subarray(0, 64).toString('utf8').trimStart()[0];
  return first === '{' || first === '[';
}

/**
 * The bytes to print for a body. `terminate` adds a final newline when the body lacks one, so
 * several documents (pages) stay one per line; a lone raw body is left byte for byte.
 */
export function renderBody(
  ctx: Context,
  body: Buffer,
  contentType: string | undefined,
  mode: OutputMode = 'auto',
  terminate = false,
): Buffer {
  if (prettyWanted(ctx, mode)) {
    if (body.length > 0 && looksJson(body, contentType)) {
      try {
        return Buffer.from(formatJson(body.toString('utf8'), ctx.io.colorStdout ? COLOR : undefined));
      } catch (error) {
        if (!(error instanceof JsonSyntaxError || error instanceof RangeError)) throw error;
      }
    }
    terminate = true;
  }
  if (terminate && body.length > 0 && body[body.length - 1] !== 0x0a) return Buffer.concat([body, Buffer.from('\n')]);
  return body;
}

export function writeBody(
  ctx: Context,
  body: Buffer,
  contentType: string | undefined,
  mode: OutputMode = 'auto',
  terminate = false,
): void {
  const bytes = renderBody(ctx, body, contentType, mode, terminate);
  if (bytes.length > 0) ctx.io.stdout.write(bytes);
}

/** `-i`: the status line and headers, as curl and gh print them, before the body. */
export function renderHead(ctx: Context, head: ResponseHead): string {
  const bold = ctx.io.colorStdout ? (t: string) => `\x1b[1;34m${t}\x1b[0m` : (t: string) => t;
  const lines = [`HTTP/1.1 ${head.status} ${head.statusText}`.trimEnd()];
  for (const [name, value] of head.headerLines) lines.push(`${bold(name)}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * The one output-mode decision for commands with a human view: data (JSON) with --json or when
 * stdout is not a terminal, the human view (table, text) on a terminal or with XCLI_FORCE_TTY.
 */
export function wantsJson(ctx: Context, json?: boolean): boolean {
  return json === true || !ctx.io.isStdoutTTY;
}

/** A value as JSON on stdout: pretty (and coloured) on a terminal, one compact line when piped. */
export function printJson(ctx: Context, value: unknown): void {
  writeBody(ctx, Buffer.from(JSON.stringify(value)), 'application/json', 'auto', true);
}
