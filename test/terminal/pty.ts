// Runs bin/xcli.js on a real pseudo-terminal of a given width (python3's pty module), so stdout and
// stderr are TTYs as in a user's terminal; returns everything the terminal received.
import { spawn } from 'node:child_process';
import { XCLI_BIN, cleanEnv } from '../helpers/run-cli.js';

const RUNNER = `
import fcntl, os, pty, struct, sys, termios
columns = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 24, columns, 0, 0))
    os.execv(sys.argv[2], sys.argv[2:])
out = bytearray()
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out))
sys.exit(os.waitstatus_to_exitcode(status))
`;

export const hasPython = (): Promise<boolean> =>
  new Promise((resolve) =>
    spawn('python3', ['-c', 'import pty'], { stdio: 'ignore' })
      .on('close', (code) => resolve(code === 0))
      .on('error', () => resolve(false)),
  );

export function runInPty(
  args: string[],
  env: Record<string, string | undefined>,
  columns: number,
): Promise<{ code: number | null; output: string }> {
  const child = spawn('python3', ['-c', RUNNER, String(columns), process.execPath, XCLI_BIN, ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** The lines a terminal shows in turn: split at \r and \n, erase-line codes removed. */
export function drawnLines(output: string): string[] {
  return output
    .replace(/\x1b\[2K/g, '')
    .split(/\r\n|\r|\n/)
    .filter(Boolean);
}
