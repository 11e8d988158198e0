// --jq EXPR with a real jq: jq 1.7 compiled to WebAssembly (the jq-web package: no native code, no
// download at install; its .wasm ships in the package), loaded only when --jq is used. (jq-wasm was
// tried first: it copies its buffers once per byte, ~10 s for a 100 KB page.) The JSON text goes to jq as received, never
// through JSON.parse, and jq 1.7 prints a number it did not compute with exactly as written, so
// 19-digit ids keep every digit.
import { importExternal } from '../startup/external.js';
import { FailureError, UsageError } from '../errors.js';

interface JqWeb {
  /** jq's output, trimmed; throws `Non-zero exit code: N` and jq's stderr (3: compile error). */
  raw(input: string, filter: string, flags?: string[]): string;
}

/** Applies the filter to a text holding zero or more JSON values; returns jq's output lines. */
export type JqRun = (json: string) => Promise<string>;

const oneLine = (message: string) =>
  message
    .replace(/^Non-zero exit code: \d+\s*/, '')
    .replace(/\s*\n\s*/g, '; ')
    .trim();

/**
 * Loads jq and checks the expression before anything is sent: a compile error is a usage error
 * (exit 2) with jq's own message. Strings print raw (as `gh --jq` and `jq -r`); JSON is indented on
 * a terminal and compact when piped.
 */
export async function loadJq(expression: string, pretty: boolean): Promise<JqRun> {
  // The package's export is a promise of the initialised module.
  const jq = await (await importExternal<{ default: Promise<JqWeb> }>('jq-web')).default;
  const flags = pretty ? ['-r'] : ['-r', '-c'];
  try {
    jq.raw('null', expression, flags);
  } catch (error) {
    const message = (error as Error).message;
    if (/^Non-zero exit code: 3\b/.test(message)) throw new UsageError(`--jq: ${oneLine(message)}`);
  }
  return async (json) => {
    if (json.trim() === '') return '';
    try {
      const out = jq.raw(json, expression, flags);
      return out === '' ? '' : `${out}\n`;
    } catch (error) {
      throw new FailureError(`--jq: ${oneLine((error as Error).message)}`, { code: 'XCLI_JQ' });
    }
  };
}
