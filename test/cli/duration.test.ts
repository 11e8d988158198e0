// One duration parser for every duration flag: the forms it accepts, and each flag family end to end.
import { afterEach, describe, expect, it } from 'vitest';
import { durationSeconds, parseDuration, parseTimeOrAgo } from '../../src/duration.js';
import { UsageError } from '../../src/errors.js';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';

describe('parseDuration', () => {
  it('reads ms, s, m, h, d and decimals; a plain number is seconds', () => {
    const vectors: Array<[string, number]> = [
      ['500ms', 500],
      ['90', 90_000],
      ['90s', 90_000],
      ['1.5m', 90_000],
      ['90m', 5_400_000],
      ['1.5h', 5_400_000],
      ['2d', 172_800_000],
      [' 10 s ', 10_000],
      ['0', 0],
    ];
    for (const [text, ms] of vectors) expect(parseDuration(text, '--timeout'), text).toBe(ms);
  });

  it('refuses anything else with a usage error naming the flag', () => {
    for (const text of ['', 'soon', '-5s', '5w', '1e3', '.5s', '5 minutes', '1h30m']) {
      expect(() => parseDuration(text, '--timeout'), text).toThrow(UsageError);
      expect(() => parseDuration(text, '--timeout'), text).toThrow(/^--timeout /);
    }
  });

  it('checks a range in seconds for flags counted in seconds', () => {
    const forwardTimeout = durationSeconds('--forward-timeout', 1, 600);
    expect(forwardTimeout('1.5m')).toBe(90);
    expect(forwardTimeout('10')).toBe(10);
    expect(() => forwardTimeout('11m')).toThrow(/--forward-timeout 11m: must be between 1s and 600s/);
    expect(() => durationSeconds('--timeout', 1)('500ms')).toThrow(/at least 1s/);
  });
});

describe('parseTimeOrAgo', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  it('reads a duration ago (unit required) or a time', () => {
    expect(parseTimeOrAgo('1.5h', now, '--since')).toBe(now - 5_400_000);
    expect(parseTimeOrAgo('2d', now, '--since')).toBe(now - 172_800_000);
    expect(parseTimeOrAgo('500ms', now, '--since')).toBe(now - 500);
    expect(parseTimeOrAgo('2026-01-31T12:00:00Z', now, '--since')).toBe(Date.parse('2026-01-31T12:00:00Z'));
    expect(() => parseTimeOrAgo('yesterday', now, '--before')).toThrow(/^--before yesterday: expected/);
  });
});

describe('duration flags through bin/xcli.js', () => {
  let cleanup: () => void = () => {};
  afterEach(() => cleanup());

  it('a bad duration is exit 2 with one line naming the flag, for every duration flag', async () => {
    const config = tempConfigDir();
    cleanup = config.cleanup;
    const env = { XCLI_CONFIG_DIR: config.dir };
    const cases: Array<[string[], string]> = [
      [['/2/users/me', '--max-wait', 'soon'], '--max-wait'],
      [['webhook', 'start', '--forward-timeout', '2 weeks'], '--forward-timeout'],
      [['webhook', 'start', '--forward-timeout', '11m'], '--forward-timeout'],
      [['auth', 'oauth2', '--timeout', 'x'], '--timeout'],
      [['webhook', 'events', '--since', 'last tuesday-ish'], '--since'],
      [['webhook', 'events', 'prune', '--before', 'never'], '--before'],
      [['webhook', 'replay', '1', '--from', 'soon', '--to', '10m'], '--from'],
    ];
    for (const [args, flag] of cases) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^xcli: ${flag} .*\\n$`));
      expect(r.stdout).toBe('');
    }
  });

  it('decimal and day forms are accepted by the "ago" flags', async () => {
    const config = tempConfigDir();
    cleanup = config.cleanup;
    const r = await runCli(['webhook', 'events', '--since', '1.5h', '--json'], { env: { XCLI_CONFIG_DIR: config.dir } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const prune = await runCli(['webhook', 'events', 'prune', '--before', '2d'], { env: { XCLI_CONFIG_DIR: config.dir } });
    expect(prune.code, prune.stderr).toBe(0);
  });
});
