// IO streams passed to every command, so tests can drive commands without touching the process.
import { PassThrough, Readable, Writable } from 'node:stream';
import { Chalk, type ChalkInstance } from 'chalk';

export type Env = Readonly<Record<string, string | undefined>>;

export type ColorLevel = 0 | 1 | 2 | 3;

export interface IOStreams {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  isStdinTTY: boolean;
  /** A terminal, or XCLI_FORCE_TTY: the human view (tables, progress, colour) instead of data. */
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  /** Whether colour codes may be written to stdout / stderr. */
  colorStdout: boolean;
  colorStderr: boolean;
  /** chalk at the colour level of each stream (level 0 writes plain text). */
  paintStdout: ChalkInstance;
  paintStderr: ChalkInstance;
  /** Width of the terminal (read on each use: it can be resized); undefined when not a terminal. */
  readonly stdoutColumns: number | undefined;
  readonly stderrColumns: number | undefined;
}

/**
 * The colour level of a stream. `FORCE_COLOR` is read as chalk reads it ('' or true → 1, false → 0,
 * 0 to 3 → that level) and wins over everything; then `NO_COLOR` (any non-empty value),
 * `CLICOLOR_FORCE`, a terminal, `TERM=dumb` and `CLICOLOR=0`. On a terminal the level follows
 * `COLORTERM` and `TERM` as chalk's detection does (truecolor → 3, *-256color → 2, else 1).
 */
export function colorLevel(isTTY: boolean, env: Env): ColorLevel {
  const detected: ColorLevel = /^(truecolor|24bit)$/i.test(env.COLORTERM ?? '')
    ? 3
    : /-256(color)?$/i.test(env.TERM ?? '')
      ? 2
      : 1;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    const forced = force === '' || force === 'true' ? 1 : force === 'false' ? 0 : Number.parseInt(force, 10);
    if (forced === 0) return 0;
    if (forced >= 1) return Math.max(Math.min(forced, 3), detected) as ColorLevel;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== '0') return detected;
  if (!isTTY || env.TERM === 'dumb' || env.CLICOLOR === '0') return 0;
  return detected;
}

export function colorEnabled(isTTY: boolean, env: Env): boolean {
  return colorLevel(isTTY, env) > 0;
}

/** `XCLI_FORCE_TTY=1` (gh's GH_FORCE_TTY): the terminal view when piped, e.g. to record or test it. */
export function forcedTTY(env: Env): boolean {
  const value = env.XCLI_FORCE_TTY;
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** A terminal's width, or COLUMNS (80 when unset) for a forced one. */
function columnsOf(stream: NodeJS.WriteStream, forced: boolean, env: Env): number | undefined {
  if (stream.isTTY === true && stream.columns > 0) return stream.columns;
  return forced ? Number.parseInt(env.COLUMNS ?? '', 10) || 80 : undefined;
}

export function systemIO(env: Env): IOStreams {
  const forced = forcedTTY(env);
  const isStdoutTTY = forced || process.stdout.isTTY === true;
  const isStderrTTY = forced || process.stderr.isTTY === true;
  const stdoutLevel = colorLevel(isStdoutTTY, env);
  const stderrLevel = colorLevel(isStderrTTY, env);
  return {
    // process.stdin builds a stream on first use (~9 ms of start-up): most commands never read it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    get isStdinTTY() {
      return process.stdin.isTTY === true;
    },
    isStdoutTTY,
    isStderrTTY,
    colorStdout: stdoutLevel > 0,
    colorStderr: stderrLevel > 0,
    paintStdout: new Chalk({ level: stdoutLevel }),
    paintStderr: new Chalk({ level: stderrLevel }),
    get stdoutColumns() {
      return isStdoutTTY ? columnsOf(process.stdout, forced, env) : undefined;
    },
    get stderrColumns() {
      return isStderrTTY ? columnsOf(process.stderr, forced, env) : undefined;
    },
  };
}

export interface TestIO extends IOStreams {
  /** Everything written to stdout so far. */
  out(): string;
  err(): string;
  outBytes(): Buffer;
}

class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    cb();
  }
}

/** In-memory streams for in-process tests. */
export function testIO(
  options: {
    stdin?: string | Buffer;
    stdinTTY?: boolean;
    stdoutTTY?: boolean;
    stderrTTY?: boolean;
    color?: boolean;
    columns?: number;
  } = {},
): TestIO {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = options.stdin === undefined ? new PassThrough() : Readable.from([Buffer.from(options.stdin)]);
  if (options.stdin === undefined) (stdin as PassThrough).end();
  return {
    stdin,
    stdout,
    stderr,
    isStdinTTY: options.stdinTTY ?? false,
    isStdoutTTY: options.stdoutTTY ?? false,
    isStderrTTY: options.stderrTTY ?? false,
    colorStdout: options.color ?? false,
    colorStderr: options.color ?? false,
    paintStdout: new Chalk({ level: options.color ? 1 : 0 }),
    paintStderr: new Chalk({ level: options.color ? 1 : 0 }),
    stdoutColumns: options.stdoutTTY ? options.columns : undefined,
    stderrColumns: options.stderrTTY ? options.columns : undefined,
    out: () => Buffer.concat(stdout.chunks).toString('utf8'),
    err: () => Buffer.concat(stderr.chunks).toString('utf8'),
    outBytes: () => Buffer.concat(stdout.chunks),
  };
}

/** Reads all of a stream (stdin for `-d @-`, `auth app -`) into a Buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
