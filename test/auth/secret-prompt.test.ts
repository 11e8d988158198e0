// Issue 14 item 4: a secret typed at a terminal never appears on the screen. Each case runs xcli in a
// real pseudo-terminal (util-linux `script`, part of every Debian install) whose echo is on, as a
// user's terminal is, and types only after the prompt has appeared.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, tempConfigDir, XCLI_BIN } from '../helpers/run-cli.js';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs xcli in a pseudo-terminal; `answers` maps a prompt to what is typed once it shows. */
function inTerminal(
  args: string[],
  answers: Array<[prompt: string, typed: string]>,
  env: Record<string, string>,
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, XCLI_BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env: cleanEnv({ ...env, SHELL: '/bin/sh' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let next = 0;
  const onOutput = (chunk: Buffer): void => {
    screen += chunk.toString('utf8');
    // Type the next answer only once its prompt is on the screen.
    while (next < answers.length && screen.includes(answers[next]![0])) {
      child.stdin.write(`${answers[next]![1]}\r`);
      next++;
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

describe('secrets typed at a terminal are not echoed (#14.4)', () => {
  let config: ReturnType<typeof tempConfigDir>;
  beforeEach(() => {
    config = tempConfigDir();
  });
  afterEach(() => config.cleanup());
  const stored = () =>
    JSON.parse(readFileSync(join(config.dir, 'config.json'), 'utf8')) as { apps: Record<string, Record<string, any>> };

  it('auth oauth1 --consumer-secret - --token-secret -', async () => {
    const r = await inTerminal(
      ['auth', 'oauth1', '--consumer-key', 'ck', '--consumer-secret', '-', '--access-token', 'at', '--token-secret', '-'],
      [
        ['Consumer secret: ', 'typed-consumer-secret'],
        ['Access token secret: ', 'typed-token-secret'],
      ],
      { XCLI_CONFIG_DIR: config.dir },
    );
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).not.toContain('typed-');
    expect(stored().apps.default!.oauth1).toEqual({
      consumerKey: 'ck',
      consumerSecret: 'typed-consumer-secret',
      accessToken: 'at',
      tokenSecret: 'typed-token-secret',
    });
  });

  it('auth app -', async () => {
    const r = await inTerminal(['auth', 'app', '-'], [['Bearer token: ', 'typed-bearer-token']], { XCLI_CONFIG_DIR: config.dir });
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).not.toContain('typed-');
    expect(stored().apps.default!.bearerToken).toBe('typed-bearer-token');
  });

  it('auth apps add and update --client-secret -', async () => {
    const add = await inTerminal(
      ['auth', 'apps', 'add', 'work', '--client-id', 'cid', '--client-secret', '-'],
      [['Client secret: ', 'typed-client-secret']],
      { XCLI_CONFIG_DIR: config.dir },
    );
    expect(add.code, add.screen).toBe(0);
    const update = await inTerminal(
      ['auth', 'apps', 'update', 'work', '--client-secret', '-'],
      [['Client secret: ', 'typed-new-secret']],
      { XCLI_CONFIG_DIR: config.dir },
    );
    expect(update.code, update.screen).toBe(0);
    expect(add.screen + update.screen).not.toContain('typed-');
    expect(stored().apps.work!.clientSecret).toBe('typed-new-secret');
  });
});
