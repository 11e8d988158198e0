// A token-based JSON pretty-printer. It never parses values into JavaScript: numbers (19-digit ids),
// escapes (`\u003c`) and key order are copied exactly as they arrived, only whitespace changes.

export interface JsonStyle {
  key(text: string): string;
  string(text: string): string;
  number(text: string): string;
  literal(text: string): string;
  punct(text: string): string;
}

const PLAIN: JsonStyle = { key: (t) => t, string: (t) => t, number: (t) => t, literal: (t) => t, punct: (t) => t };

const paint = (code: string) => (t: string) => `\x1b[${code}m${t}\x1b[0m`;

/** Colours as jq and xurl use them: blue keys, green strings, yellow numbers, magenta booleans, dim null. */
export const COLOR: JsonStyle = {
  key: paint('1;34'),
  string: paint('32'),
  number: paint('33'),
  literal: (t) => (t === 'null' ? paint('2')(t) : paint('35')(t)),
  punct: (t) => t,
};

export class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;
// DEL and C1 controls are legal raw in JSON but drive terminals; shown escaped (same value).
const TERMINAL_CONTROLS = /[\u007f-\u009f]/g;

/**
 * Pretty-prints one JSON text, or several whitespace-separated ones (NDJSON), with a two-space
 * indent. Throws JsonSyntaxError when the input is not JSON, so callers can print it raw instead.
 */
export function formatJson(text: string, style: JsonStyle = PLAIN, indent = '  '): string {
  let pos = 0;
  const out: string[] = [];

  const skipSpace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${pos}`);
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    pos += m[0].length;
    return m[0];
  };
  const stringToken = (): string => {
    const s = match(STRING) ?? fail('bad string');
    return s.replace(TERMINAL_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  };

  const value = (depth: number): void => {
    skipSpace();
    const c = text[pos];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      pos++;
      skipSpace();
      if (text[pos] === close) {
        pos++;
        out.push(style.punct(c + close));
        return;
      }
      out.push(style.punct(c));
      const inner = indent.repeat(depth + 1);
      for (let first = true; ; first = false) {
        if (!first) out.push(style.punct(','));
        out.push(`\n${inner}`);
        if (c === '{') {
          skipSpace();
          if (text[pos] !== '"') fail('expected a key');
          out.push(style.key(stringToken()));
          skipSpace();
          if (text[pos] !== ':') fail("expected ':'");
          pos++;
          out.push(style.punct(':'), ' ');
        }
        value(depth + 1);
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === close) {
          pos++;
          break;
        }
        fail(`expected ',' or '${close}'`);
      }
      out.push(`\n${indent.repeat(depth)}`, style.punct(close));
      return;
    }
    if (c === '"') return void out.push(style.string(stringToken()));
    const number = match(NUMBER);
    if (number !== undefined) return void out.push(style.number(number));
    const literal = match(LITERAL);
    if (literal !== undefined) return void out.push(style.literal(literal));
    fail('unexpected character');
  };

  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  skipSpace();
  if (pos >= text.length) fail('empty input');
  while (pos < text.length) {
    value(0);
    out.push('\n');
    const end = pos;
    skipSpace();
    // Documents of a sequence (NDJSON) must be apart: `01` or `truefalse` is not JSON.
    if (pos < text.length && pos === end) fail('expected the end of the document');
  }
  return out.join('');
}
