// One output-mode decision: the human view on a terminal, JSON with --json or when piped.
import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { prettyWanted, printJson, wantsJson } from '../../src/http/output.js';
import { testIO } from '../../src/io.js';

const contextOn = (stdoutTTY: boolean) => {
  const io = testIO({ stdoutTTY });
  return { io, ctx: createContext(io, {}, '0.0.0') };
};

describe('output mode', () => {
  it('is JSON when piped or with --json, the human view only on a terminal without --json', () => {
    expect(wantsJson(contextOn(false).ctx)).toBe(true);
    expect(wantsJson(contextOn(false).ctx, false)).toBe(true);
    expect(wantsJson(contextOn(true).ctx, true)).toBe(true);
    expect(wantsJson(contextOn(true).ctx, false)).toBe(false);
    expect(wantsJson(contextOn(true).ctx)).toBe(false);
  });

  it('raw bodies are pretty exactly where the human view is', () => {
    for (const tty of [true, false]) expect(prettyWanted(contextOn(tty).ctx)).toBe(!wantsJson(contextOn(tty).ctx));
  });

  it('printJson: one compact line when piped, indented on a terminal', () => {
    const piped = contextOn(false);
    printJson(piped.ctx, { id: '1', n: [1, 2] });
    expect(piped.io.out()).toBe('{"id":"1","n":[1,2]}\n');
    const tty = contextOn(true);
    printJson(tty.ctx, { id: '1' });
    expect(tty.io.out()).toBe('{\n  "id": "1"\n}\n');
  });
});
