// Runs the examples of docs/library.md as a user would: each is written to a file inside this
// checkout (so `xcli/webhooks` resolves through package.json's exports, as in an app that installed
// xcli) and started with node; test/library/fixtures/listen-report.mjs moves it to a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cleanEnv } from '../helpers/run-cli.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/library/fixtures');

export function docsExample(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(
    readFileSync(join(ROOT, 'docs/library.md'), 'utf8'),
  );
  if (!m) throw new Error(`docs/library.md has no example '${name}'`);
  return m[1]!;
}

export interface RunningExample {
  url: string;
  child: ChildProcess;
  /** Resolves with the first n stdout lines (rejects if the example exits first). */
  lines(n: number): Promise<string[]>;
  /** Resolves once a stdout line passes `test`, with all lines so far. */
  waitForLine(test: (line: string) => boolean): Promise<string[]>;
  stderr(): string;
  stop(): Promise<void>;
}

export async function startExample(name: string, env: Record<string, string>): Promise<RunningExample> {
  mkdirSync(join(ROOT, '.test-tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.test-tmp', `${name}-`));
  const file = join(dir, name === 'nextjs' ? 'route.mjs' : `${name}.mjs`);
  writeFileSync(file, docsExample(name));
  const args = name === 'nextjs' ? [join(FIXTURES, 'next-route-server.mjs'), file] : [file];
  const child = spawn(process.execPath, ['--import', join(FIXTURES, 'listen-report.mjs'), ...args], {
    cwd: dir,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`example ${name} exited (${code}): ${err}`))),
  );
  exited.catch(() => {});
  const port = await Promise.race([
    new Promise<number>((res) => child.once('message', (m: { port: number }) => res(m.port))),
    exited,
  ]);
  const waitFor = (done: (lines: string[]) => boolean): Promise<string[]> =>
    Promise.race([
      new Promise<string[]>((res) => {
        const check = (): void => {
          const all = out.split('\n').filter(Boolean);
          if (done(all)) {
            child.stdout!.off('data', check);
            res(all);
          }
        };
        child.stdout!.on('data', check);
        check();
      }),
      exited,
    ]);
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    child,
    lines: (n) => waitFor((all) => all.length >= n),
    waitForLine: (test) => waitFor((all) => all.some(test)),
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) {
        const gone = new Promise((res) => child.once('exit', res));
        child.kill('SIGKILL');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
