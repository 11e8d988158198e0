// Lossless JSON surgery: splits a JSON text into the raw text of its members and items without
// turning values into JavaScript, so merged pages keep 19-digit numbers, escapes and key order
// exactly as X sent them. Only whitespace between tokens is ever dropped.
import { JsonSyntaxError } from './json-format.js';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  space(): void {
    while (this.pos < this.text.length && ' \n\r\t'.includes(this.text[this.pos]!)) this.pos++;
  }

  fail(what: string): never {
    throw new JsonSyntaxError(`${what} at offset ${this.pos}`);
  }

  token(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** Skips one value; returns its [start, end) span. */
  value(): [number, number] {
    this.space();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === '{') this.members(() => this.value());
    else if (c === '[') this.items(() => this.value());
    else if (!(this.token(STRING) ?? this.token(NUMBER) ?? this.token(LITERAL))) this.fail('unexpected character');
    return [start, this.pos];
  }

  /** Walks an object, calling `each(key)` positioned at each member's value, which `each` must consume. */
  members(each: (key: string, rawKey: string) => void): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') return void this.pos++;
    for (;;) {
      this.space();
      const key = this.token(STRING) ?? this.fail('expected a key');
      this.space();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      each(JSON.parse(key) as string, key);
      this.space();
      const c = this.text[this.pos++];
      if (c === '}') return;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  items(each: () => void): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') return void this.pos++;
    for (;;) {
      each();
      this.space();
      const c = this.text[this.pos++];
      if (c === ']') return;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  end(): void {
    this.space();
    if (this.pos < this.text.length) this.fail('expected the end of the document');
  }
}

/** The members of a JSON object as `[key, raw value text]`, in order; undefined when the text is not an object. */
export function objectMembers(text: string): Array<[string, string]> | undefined {
  const s = new Scanner(text);
  s.space();
  if (s.text[s.pos] !== '{') return undefined;
  const out: Array<[string, string]> = [];
  s.members((key) => {
    const [a, b] = s.value();
    out.push([key, text.slice(a, b)]);
  });
  s.end();
  return out;
}

/** The raw text of each item of a JSON array; undefined when the text is not an array. */
export function arrayItems(text: string): string[] | undefined {
  const s = new Scanner(text);
  s.space();
  if (s.text[s.pos] !== '[') return undefined;
  const out: string[] = [];
  s.items(() => {
    const [a, b] = s.value();
    out.push(text.slice(a, b));
  });
  s.end();
  return out;
}

/** One JSON text on one line: whitespace between tokens removed, every token kept as it was. */
export function compactJson(text: string): string {
  const s = new Scanner(text);
  const out: string[] = [];
  const copy = (): void => {
    s.space();
    const c = s.text[s.pos];
    if (c === '{') {
      out.push('{');
      let first = true;
      s.members((_key, rawKey) => {
        out.push(`${first ? '' : ','}${rawKey}:`);
        first = false;
        copy();
      });
      out.push('}');
    } else if (c === '[') {
      out.push('[');
      let first = true;
      s.items(() => {
        if (!first) out.push(',');
        first = false;
        copy();
      });
      out.push(']');
    } else {
      const [a, b] = s.value();
      out.push(text.slice(a, b));
    }
  };
  copy();
  s.end();
  return out.join('');
}
