import { describe, expect, it } from 'vitest';
import { COLOR, formatJson, JsonSyntaxError } from '../../src/http/json-format.js';

describe('formatJson', () => {
  it('keeps 19-digit numbers, escapes and key order exactly', () => {
    const text = '{"z":1,"id":12345678901234567890,"a":"\\u003cb\\u003e &amp;","n":-1.5e+300,"e":"\\"\\\\\\/\\n"}';
    expect(formatJson(text)).toBe(
      '{\n  "z": 1,\n  "id": 12345678901234567890,\n  "a": "\\u003cb\\u003e &amp;",\n  "n": -1.5e+300,\n  "e": "\\"\\\\\\/\\n"\n}\n',
    );
  });

  it('indents nested values and prints empty containers compactly', () => {
    expect(formatJson(' { "a" : [ 1 , { } , [ ] , true , null ] , "b" : { "c" : false } } ')).toBe(
      '{\n  "a": [\n    1,\n    {},\n    [],\n    true,\n    null\n  ],\n  "b": {\n    "c": false\n  }\n}\n',
    );
  });

  it('keeps ": " inside strings and non-ASCII text as it is', () => {
    expect(formatJson('["key: value","héllo 🎉"]')).toBe('[\n  "key: value",\n  "héllo 🎉"\n]\n');
  });

  it('formats scalars and several documents (NDJSON)', () => {
    expect(formatJson('"x"')).toBe('"x"\n');
    expect(formatJson('{"a":1}\n{"b":2}\n')).toBe('{\n  "a": 1\n}\n{\n  "b": 2\n}\n');
  });

  it('escapes DEL and C1 controls so a terminal does not act on them', () => {
    expect(formatJson('["a\u009bb\u007f"]')).toBe('[\n  "a\\u009bb\\u007f"\n]\n');
  });

  it('rejects what is not JSON', () => {
    for (const bad of ['', '{', '{"a"}', '{"a":1,}', '[1 2', "{'a':1}", 'nul', '01', '"\u0001"', '{"a":1}x', '<html>']) {
      expect(() => formatJson(bad), bad).toThrow(JsonSyntaxError);
    }
  });

  it('colours keys, strings, numbers and literals, and only those', () => {
    const out = formatJson('{"k":"v","n":1,"t":true,"z":null}', COLOR);
    expect(out).toContain('\x1b[1;34m"k"\x1b[0m: \x1b[32m"v"\x1b[0m');
    expect(out).toContain('\x1b[33m1\x1b[0m');
    expect(out).toContain('\x1b[35mtrue\x1b[0m');
    expect(out).toContain('\x1b[2mnull\x1b[0m');
    expect(out.replace(/\x1b\[[\d;]*m/g, '')).toBe(formatJson('{"k":"v","n":1,"t":true,"z":null}'));
  });
});
