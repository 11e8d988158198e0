// IO streams passed to every command, so tests can drive commands without touching the process.
import { PassThrough, Readable, Writable } from 'node:stream';

export type Env = Readonly<Record<string, string | undefined>>;

export interface IOStreams {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  isStdinTTY: boolean;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  /** Whether colour codes may be written to stdout / stderr. */
  colorStdout: boolean;
  colorStderr: boolean;
}

/** Colour follows the TTY, `NO_COLOR`, `TERM=dumb`, and `FORCE_COLOR`/`CLICOLOR_FORCE`. */
export function colorEnabled(isTTY: boolean, env: Env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb' || env.CLICOLOR === '0') return false;
  return isTTY;
}

export function systemIO(env: Env): IOStreams {
  const isStdoutTTY = process.stdout.isTTY === true;
  const isStderrTTY = process.stderr.isTTY === true;
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
    colorStdout: colorEnabled(isStdoutTTY, env),
    colorStderr: colorEnabled(isStderrTTY, env),
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
export function testIO(options: { stdin?: string | Buffer; stdinTTY?: boolean; stdoutTTY?: boolean; stderrTTY?: boolean; color?: boolean } = {}): TestIO {
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
