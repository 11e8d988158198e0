// One whole-number parser for every count, port and range flag.
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseWholeNumber } from '../../src/numbers.js';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';

describe('parseWholeNumber', () => {
  it('reads whole numbers within the range', () => {
    expect(parseWholeNumber('0', '--port', 0, 65535)).toBe(0);
    expect(parseWholeNumber(' 65535 ', '--port', 0, 65535)).toBe(65535);
    expect(parseWholeNumber('9007199254740991', '--retry', 0)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses fractions, signs, exponents, hex, blanks and values out of range, naming the flag', () => {
    for (const bad of ['', ' ', '1.5', '-1', '+1', '1e3', '0x10', 'ten', '65536', '9007199254740993']) {
      expect(() => parseWholeNumber(bad, '--port', 0, 65535), bad).toThrow(UsageError);
      expect(() => parseWholeNumber(bad, '--port', 0, 65535), bad).toThrow(
        /^--port must be a whole number from 0 to 65535, got '/,
      );
    }
    expect(() => parseWholeNumber('0', '--max-pages', 1)).toThrow("--max-pages must be a whole number of 1 or more, got '0'");
  });
});

describe('whole-number flags through bin/xcli.js', () => {
  let cleanup: () => void = () => {};
  afterEach(() => cleanup());

  it('a bad number is exit 2 with one line naming the flag, nothing sent', async () => {
    const config = tempConfigDir();
    cleanup = config.cleanup;
    const cases: Array<[string[], string]> = [
      [['/2/users/me', '--max-pages', '0'], '--max-pages'],
      [['/2/users/me', '--retry', '1.5'], '--retry'],
      [['webhook', 'start', '--port', '70000'], '--port'],
      [['sandbox', '--port', '1e3'], '--port'],
      [['post', 'x', '--poll', 'a,b', '--poll-minutes', '4'], '--poll-minutes'],
    ];
    for (const [args, flag] of cases) {
      const r = await runCli(args, { env: { XCLI_CONFIG_DIR: config.dir } });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^xcli: ${flag} must be a whole number .*\\n$`));
      expect(r.stdout).toBe('');
    }
  });
});
