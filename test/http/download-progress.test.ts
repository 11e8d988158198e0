// `-o FILE`'s progress line (issue 19): on a terminal, for bodies over 1 MiB, bytes so far / total and
// the rate, cut to the terminal's width, the final state left on the last line; nothing when stderr
// is not a terminal, with --no-progress, or for a small body. The file always holds the exact bytes.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import { displayWidth } from '../../src/terminal/width.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';
import { runCli } from '../helpers/run-cli.js';
import { useLocalApi } from './local-server.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
/** 3 MiB of varied bytes (not JSON: the file must hold them exactly). */
const BIG = Buffer.from(Array.from({ length: 3 * MiB }, (_, i) => (i * 7 + (i >> 10)) & 0xff));

const api = useLocalApi();
const cleanups = cleanupAfterEach();
let env: Record<string, string>;
let dir: string;

beforeEach(async () => {
  dir = cleanups.configDir();
  mkdirSync(dir);
  env = await api.serve((req, res) => {
    if (req.url.startsWith('/small')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
      return res.end('{"data":{}}');
    }
    // /known sends a content-length; /unknown is chunked, its length unknown until the end.
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      ...(req.url.startsWith('/known') ? { 'content-length': String(BIG.length) } : {}),
    });
    let offset = 0;
    const more = () => {
      while (offset < BIG.length) {
        const chunk = BIG.subarray(offset, offset + CHUNK);
        offset += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
});

/** A clock that moves 10 ms each time it is read: rates are finite and nothing waits on real time. */
function steppingClock(): () => number {
  let t = 1_000_000;
  return () => (t += 10);
}

/** The lines drawn on stderr: each `\r\x1b[2K…` redraw, and whether the last one stayed (ends in \n). */
function drawn(err: string): string[] {
  return err
    .split('\r\x1b[2K')
    .filter((part) => part !== '')
    .map((part) => part.replace(/\n$/, ''));
}

async function download(path: string, opts: { columns?: number; args?: string[]; tty?: boolean } = {}) {
  const file = join(dir, 'a-rather-long-file-name-for-the-download.bin');
  const io = testIO({ stderrTTY: opts.tty ?? true, columns: opts.columns ?? 80 });
  const code = await main([path, '-o', file, ...(opts.args ?? [])], io, env, { now: steppingClock() });
  return { code, err: io.err(), out: io.out(), file };
}

describe('-o FILE progress line', () => {
  it('known length: bytes of total (percent) and rate while it arrives, the final state stays', async () => {
    const r = await download('/known', { columns: 250 });
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(r.file).equals(BIG)).toBe(true);
    expect(r.out).toBe('');
    const lines = drawn(r.err);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const progress = lines.slice(0, -1);
    for (const line of progress)
      expect(line).toMatch(/: \d+(\.\d)? (B|KiB|MiB) of 3\.0 MiB \(\d{1,3}%\)(, [\d.]+ (B|KiB|MiB)\/s)?$/);
    expect(progress[0]).toMatch(/^xcli: -o .*a-rather-long-file-name-for-the-download\.bin: /);
    // The final line replaces the last redraw and stays (a newline after it, nothing erased later).
    expect(lines.at(-1)).toMatch(/^xcli: -o .*download\.bin: 3\.0 MiB in \d+\.\ds \([\d.]+ (KiB|MiB)\/s\)$/);
    expect(r.err.endsWith('\n')).toBe(true);
    expect(r.err.indexOf('\n')).toBe(r.err.length - 1);
  });

  it('unknown length: nothing until 1 MiB has arrived, then bytes so far and rate', async () => {
    const r = await download('/unknown');
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(r.file).equals(BIG)).toBe(true);
    const lines = drawn(r.err);
    const progress = lines.slice(0, -1);
    for (const line of progress) {
      const [, amount, unit] = line.match(/: ([\d.]+) (MiB)(, [\d.]+ (B|KiB|MiB)\/s)?$/) ?? [];
      expect(unit, line).toBe('MiB');
      expect(Number(amount)).toBeGreaterThanOrEqual(1);
      expect(line).not.toContain(' of ');
    }
    expect(lines.at(-1)).toMatch(/: 3\.0 MiB in \d+\.\ds \([\d.]+ (KiB|MiB)\/s\)$/);
  });

  it('fits a narrow terminal in display cells: the file name gives way, the numbers stay', async () => {
    const r = await download('/known', { columns: 44 });
    expect(r.code, r.err).toBe(0);
    for (const line of drawn(r.err)) expect(displayWidth(line)).toBeLessThanOrEqual(43);
    const final = drawn(r.err).at(-1)!;
    expect(final).toContain('…');
    expect(final).toMatch(/: 3\.0 MiB in \d+\.\ds \([\d.]+ (KiB|MiB)\/s\)$/);
  });

  it('nothing when stderr is not a terminal, with --no-progress, or for a small body', async () => {
    const piped = await download('/known', { tty: false });
    expect(piped.code).toBe(0);
    expect(piped.err).toBe('');
    expect(readFileSync(piped.file).equals(BIG)).toBe(true);
    const quiet = await download('/known', { args: ['--no-progress'] });
    expect(quiet.code).toBe(0);
    expect(quiet.err).toBe('');
    const small = await download('/small');
    expect(small.code).toBe(0);
    expect(small.err).toBe('');
    expect(readFileSync(small.file, 'utf8')).toBe('{"data":{}}');
  });

  it('the built CLI: XCLI_FORCE_TTY=1 shows the line in a pipe, without it stderr stays empty', async () => {
    const file = join(dir, 'out.bin');
    const forced = await runCli(['/known', '-o', file], { env: { ...env, XCLI_FORCE_TTY: '1', COLUMNS: '250' } });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file).equals(BIG)).toBe(true);
    expect(drawn(forced.stderr).at(-1)).toMatch(/^xcli: -o .*out\.bin: 3\.0 MiB in [\d.]+s/);
    const plain = await runCli(['/known', '-o', file], { env });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe('');
  });
});
