// Issue 19 item 5: `webhook events --stats` on a generated log: counts per minute, a sparkline on a
// terminal (a real pseudo-terminal through `script`, Debian package bsdutils), the top event types.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanups.js';
import { XCLI_BIN, cleanEnv, runCli } from '../helpers/run-cli.js';

const { configDir } = cleanupAfterEach();

/** A log of 5 events at 09:00 (before --since), 3 at 10:00, none at 10:01, 6 at 10:02. */
function generatedLog(): string {
  const dir = configDir();
  const lines: string[] = [];
  const add = (time: string, type: string): void => {
    lines.push(
      JSON.stringify({
        v: 1,
        id: `e${lines.length}`,
        time,
        path: '/webhook',
        headers: {},
        verdict: 'valid',
        dup: false,
        type,
        product: 'x-activity',
        body: '{}',
      }),
    );
  };
  for (let i = 0; i < 5; i++) add(`2026-01-01T09:00:0${i}.000Z`, 'follow.follow');
  for (let i = 0; i < 3; i++) add(`2026-01-01T10:00:1${i}.000Z`, 'post.create');
  for (let i = 0; i < 4; i++) add(`2026-01-01T10:02:2${i}.000Z`, 'like.create');
  for (let i = 0; i < 2; i++) add(`2026-01-01T10:02:3${i}.000Z`, 'post.create');
  mkdirSync(join(dir, 'events'), { recursive: true });
  writeFileSync(join(dir, 'events', 'events.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

const SINCE = ['--since', '2026-01-01T09:59:00Z'];

describe('webhook events --stats', () => {
  it('--json: the counts per minute and the top types since --since', async () => {
    const r = await runCli(['webhook', 'events', '--stats', '--json', ...SINCE], { env: { XCLI_CONFIG_DIR: generatedLog() } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      since: '2026-01-01T09:59:00.000Z',
      total: 9,
      perMinute: [
        { minute: '2026-01-01T10:00:00.000Z', count: 3 },
        { minute: '2026-01-01T10:02:00.000Z', count: 6 },
      ],
      topTypes: [
        { type: 'post.create', count: 5 },
        { type: 'like.create', count: 4 },
      ],
    });
  });

  it('piped: the table without a sparkline', async () => {
    const r = await runCli(['webhook', 'events', '--stats', ...SINCE], { env: { XCLI_CONFIG_DIR: generatedLog() } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '9 events since 2026-01-01 09:59 UTC',
        '',
        'MINUTE (UTC)      EVENTS',
        '2026-01-01 10:00       3',
        '2026-01-01 10:02       6',
        '',
        'TOP EVENT TYPES',
        '     5  post.create',
        '     4  like.create',
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toMatch(/[▁-█]/);
  });

  it('--stats with --follow is a usage error', async () => {
    const r = await runCli(['webhook', 'events', '--stats', '--follow'], { env: { XCLI_CONFIG_DIR: generatedLog() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('xcli: --stats and --follow do not go together\n');
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('on a terminal: a sparkline of every minute from the first event to the last, and the peak', () => {
    const dir = generatedLog();
    const command = `'${process.execPath}' '${XCLI_BIN}' webhook events --stats ${SINCE.join(' ')}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env: cleanEnv({ XCLI_CONFIG_DIR: dir, COLUMNS: '80' }),
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.replace(/\r\n/g, '\n').split('\n');
    expect(lines.slice(0, 3)).toEqual(['9 events since 2026-01-01 09:59 UTC', '▅▁█', '10:00–10:02 UTC, peak 6/min at 10:02']);
  });
});
