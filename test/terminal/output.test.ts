// Output that fits the screen: display widths, tables and the media bar cut to the terminal's
// columns, the final progress state, colour levels as chalk reads them, and XCLI_FORCE_TTY.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/io.js';
import { displayWidth, truncate } from '../../src/terminal/width.js';
import { formatTable } from '../../src/webhook/table.js';
import { harness, type Harness } from '../shortcuts/harness.js';
import { drawnLines, hasPython, runInPty } from './pty.js';

describe('display width', () => {
  it('counts CJK and emoji as two cells and combining marks as none, and cuts with …', () => {
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('🎬')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(truncate('日本語テキスト', 7)).toBe('日本語…');
    expect(displayWidth(truncate('日本語テキスト', 7))).toBeLessThanOrEqual(7);
    expect(truncate('👩‍👩‍👧 family', 3)).toBe('👩‍👩‍👧…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('aligns table columns by display width and fits them to the terminal', () => {
    const rows = [
      ['1', '日本語のイベント', 'ok'],
      ['2', 'plain event', 'ok'],
      ['3', '🎉 party', 'é\u0301'],
    ];
    const natural = formatTable(['ID', 'WHAT', 'STATE'], rows).trimEnd().split('\n');
    // The third column starts at the same cell on every line.
    const starts = natural.map((line) => displayWidth(line.slice(0, line.lastIndexOf(' ') + 1)));
    expect(new Set(starts).size).toBe(1);
    const fitted = formatTable(
      ['ID', 'WHAT', 'STATE'],
      [...rows, ['4', 'a very long description that cannot fit in twenty cells', 'ok']],
      24,
    )
      .trimEnd()
      .split('\n');
    for (const line of fitted) expect(displayWidth(line)).toBeLessThanOrEqual(24);
    expect(fitted[4]).toMatch(/… +ok$/);
    expect(fitted[1]).toBe('1   日本語のイベ…  ok');
  });
});

describe('colour levels', () => {
  it('reads FORCE_COLOR as chalk does, then NO_COLOR, then the terminal', () => {
    expect(colorLevel(true, { FORCE_COLOR: '0' })).toBe(0);
    expect(colorLevel(true, { FORCE_COLOR: 'false' })).toBe(0);
    expect(colorLevel(false, { FORCE_COLOR: '' })).toBe(1);
    expect(colorLevel(false, { FORCE_COLOR: 'true' })).toBe(1);
    expect(colorLevel(false, { FORCE_COLOR: '2' })).toBe(2);
    expect(colorLevel(false, { FORCE_COLOR: '9' })).toBe(3);
    expect(colorLevel(true, { NO_COLOR: '1', TERM: 'xterm-256color' })).toBe(0);
    expect(colorLevel(true, { NO_COLOR: '', TERM: 'xterm-256color' })).toBe(2);
    expect(colorLevel(true, { COLORTERM: 'truecolor' })).toBe(3);
    expect(colorLevel(true, { TERM: 'dumb' })).toBe(0);
    expect(colorLevel(false, { TERM: 'xterm-256color' })).toBe(0);
  });
});

describe('on a terminal', () => {
  let h: Harness;
  let video: string;
  let python = false;
  beforeAll(async () => {
    python = await hasPython();
    h = await harness({ XCLI_MEDIA_CHUNK_SIZE: '1000' });
    const dir = join(h.configDir, '..', 'files');
    mkdirSync(dir, { recursive: true });
    // A long name with CJK and an emoji: the bar must still fit 56 columns.
    video = join(dir, '動画クリップ-🎬-a-rather-long-file-name.mp4');
    const bytes = Buffer.alloc(5000, 7);
    Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0])]).copy(bytes);
    writeFileSync(video, bytes);
  });
  afterAll(() => h.close());
  const env = () => h.fake.env({ oauth1: true, extra: { XCLI_CONFIG_DIR: h.configDir, XCLI_MEDIA_CHUNK_SIZE: '1000' } });

  it('draws the media bar within the columns, never wrapping, and ends on the final state', async (test) => {
    if (!python) return test.skip('python3 with pty is not installed');
    const r = await runInPty(['media', 'upload', video], { ...env(), NO_COLOR: '1' }, 56);
    expect(r.code).toBe(0);
    const lines = drawnLines(r.output);
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(55);
    expect(lines.some((l) => /\[#+ *\] \d+% /.test(l))).toBe(true);
    expect(lines.some((l) => /processing (pending|in_progress)/.test(l))).toBe(true);
    const final = r.output.slice(r.output.lastIndexOf('\x1b[2K') + 4).split(/\r?\n/)[0];
    expect(final).toMatch(/: uploaded 4\.9 KiB, processing succeeded$/);
  });

  it('XCLI_FORCE_TTY=1 gives the terminal view when piped; nothing of it without', async () => {
    const forced = await h.run(['media', 'upload', video], { env: { XCLI_FORCE_TTY: '1', COLUMNS: '50', NO_COLOR: '1' } });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/processing succeeded\n$/);
    for (const line of drawnLines(forced.stderr)) expect(displayWidth(line)).toBeLessThanOrEqual(49);
    expect(forced.stdout).toMatch(/^\{\n {2}"/); // pretty JSON, as on a terminal
    const piped = await h.run(['media', 'upload', video]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toMatch(/^\{"/);
  });

  it('colours forced-TTY JSON unless NO_COLOR or FORCE_COLOR=0 says no', async () => {
    const coloured = await h.run(['/2/users/me'], { env: { XCLI_FORCE_TTY: '1' } });
    expect(coloured.stdout).toContain('\x1b[');
    for (const off of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }, { FORCE_COLOR: 'false' }]) {
      const plain = await h.run(['/2/users/me'], { env: { XCLI_FORCE_TTY: '1', ...off } });
      expect(plain.stdout).not.toContain('\x1b[');
      expect(plain.stdout).toMatch(/^\{\n/);
    }
  });
});

describe('waits', () => {
  it('webhook start says it is opening the tunnel on a terminal, then erases the line; nothing when piped', async () => {
    const { startServer } = await import('../webhook/helpers.js');
    const tunnel = new URL('../webhook/fixtures/fake-tunnel.mjs', import.meta.url).pathname;
    for (const [env, shown] of [
      [{ XCLI_FORCE_TTY: '1' }, true],
      [{}, false],
    ] as const) {
      const s = await startServer(['--tunnel-module', tunnel], env);
      try {
        const err = s.stderr();
        expect(err.includes('\r\x1b[2Kxcli: opening the tunnel…')).toBe(shown);
        // Erased once the tunnel is open (the fake tunnel prints a line of its own meanwhile).
        expect(err.lastIndexOf('\r\x1b[2K') > err.indexOf('opening the tunnel')).toBe(shown);
        expect(await s.stop()).toBe(0);
      } finally {
        s.cleanup();
      }
    }
  });
});
