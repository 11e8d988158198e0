// Fuzzing the CLI's argument parser and its -d / -f / -H / -X / -F values (issue 7, hostile input).
// The bulk runs in-process through main(argv, testIO(), env) from src/cli.ts (thousands of spawns
// would take minutes), against the fake X API; a handful go through bin/xcli.js as a user's shell
// would. Whatever the input: an exit code from the documented set, never a stack trace or an
// "internal error", a failure ends with exactly one `xcli: …` line, and a usage error is exit 2
// with nothing on stdout. Seeded: FUZZ_SEED=n reproduces a run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli } from '../helpers/run-cli.js';
import { reportFigure, scaled, timeLimit } from './lib/scale.js';
import { fuzzSeed, seeded, type Seeded } from './lib/seeded.js';

const SEED = fuzzSeed(2_7_2026);
const CASES = scaled(2000, 30_000);
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

let fake: FakeX;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeX();
  dir = mkdtempSync(join(tmpdir(), 'xcli-cli-fuzz-'));
  writeFileSync(join(dir, 'body.json'), '{"text":"from a file"}');
  env = { ...fake.env({ all: true }), XCLI_CONFIG_DIR: join(dir, 'config'), HOME: dir, PATH: process.env.PATH ?? '' };
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const urls = (r: Seeded): string =>
  r.pick([
    '/2/users/me',
    '2/tweets/20',
    '/2/tweets?ids=20,21',
    '/2/webhooks',
    '/2/users/by/username/xdevelopers',
    '/2/does/not/exist',
    '/2/tweets/%zz',
    '/2/ü/✓',
    `${fake.url}/2/users/me`,
    'http://127.0.0.1:9/2/users/me',
    'http://nohost.invalid/2/users/me',
    'ht!tp://x',
    'ftp://127.0.0.1/x',
    'http://',
    'tweets',
    'example.com',
    ' ',
    '-',
    `/2/${'a'.repeat(5000)}`,
  ]);

/** Header, body and field values, from fine to hostile. */
const headerValue = (r: Seeded): string =>
  r.pick([
    'Accept: application/json',
    'X-Thing: 1',
    'Content-Type: application/json',
    'Content-Type: text/plain',
    'Authorization: Bearer not-a-real-token',
    'X-Empty:',
    'X-Unicode: ✓ ü',
    `X-Long: ${'v'.repeat(9000)}`,
    'NoColon',
    ': no name',
    'Bad Name: v',
    'X-Inject: a\r\nX-Evil: b',
    'X-Nul: a\u0000b',
    '',
    ':',
  ]);
const dataValue = (r: Seeded): string =>
  r.pick([
    '{"text":"hello"}',
    '{"text":',
    'not json',
    'a=b&c=d',
    '',
    '@-',
    '@',
    '@/nonexistent/file.json',
    `@${join(dir, 'body.json')}`,
    `{"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    '"\u0000"',
    '✓',
    '[1,2,3]',
    'null',
  ]);
const fieldValue = (r: Seeded): string =>
  r.pick(['text=hi', 'ids=20', 'novalue', '=v', 'k=', 'a[b]=c', 'a[]=1', 'a[=1', 'max_results=5', 'ü=✓', 'a[b]=1']);
const methodValue = (r: Seeded): string =>
  r.pick(['GET', 'POST', 'DELETE', 'PUT', 'get', 'GE T', '', 'PATCH\n', 'BREW', 'OPTIONS']);

function randomArgv(r: Seeded): string[] {
  const argv: string[] = [];
  const n = r.int(7);
  for (let i = 0; i < n; i++) {
    argv.push(
      ...r.pick<() => string[]>([
        () => ['-X', methodValue(r)],
        () => ['-H', headerValue(r)],
        () => ['-d', dataValue(r)],
        () => ['-f', fieldValue(r)],
        () => ['-F', r.pick(['@/nonexistent', 'media=@/dev/null', `file=@${join(dir, 'body.json')}`, 'bad'])],
        () => [r.pick(['-i', '--include', '--pretty', '--raw', '-t', '--paginate', '-v'])],
        () => ['--max-pages', r.pick(['1', '2', '0', '-1', 'x', '1e3'])],
        () => ['--auth', r.pick(['app', 'oauth1', 'oauth2', 'bearer', 'nope', ''])],
        () => ['-u', r.pick(['alice', '', 'nobody'])],
        () => ['--app', r.pick(['default', 'missing-app', ''])],
        () => ['--retry', r.pick(['0', '-1', 'x'])],
        () => ['--max-records', r.pick(['1', '0', 'x'])],
        () => [r.pick(['--nope', '-Z', '--', '--method=POST', '--header', '-X', '-d', '--data=', '-vv', '--auth=oauth1'])],
        () => [urls(r)],
      ])(),
    );
  }
  if (r.chance(0.8)) argv.splice(r.int(argv.length + 1), 0, urls(r));
  return argv;
}

/** Inputs that are wrong however the rest of the command line looks: always exit 2. */
const USAGE_ERRORS: string[][] = [
  ['--no-such-flag'],
  ['-Z'],
  ['-H', 'NoColon'],
  ['-H', 'Bad Name: v'],
  ['-H', 'X-Inject: a\r\nX-Evil: b'],
  ['-f', 'novalue'],
  ['-f', '=v'],
  ['-X', 'GE T'],
  ['-X', ''],
  ['--pretty', '--raw'],
  ['--max-pages', '0'],
  ['--max-pages', 'x'],
  ['--retry', '-1'],
  ['--auth', 'nope'],
  ['-d', '{"text":', '-H', 'Content-Type: application/json'],
  ['-d', '@/nonexistent/file.json'],
  ['-d', '{}', '-F', 'media=@/dev/null'],
  ['--max-pages', '2'],
  ['-X'],
];
/** Flags that are fine on GET /2/users/me, to mix around a usage error. */
const BENIGN: string[][] = [['-t'], ['-i'], ['-v'], ['--auth', 'oauth1'], ['-H', 'X-Ok: 1'], ['-f', 'user.fields=id']];

interface Outcome {
  code: number;
  out: string;
  err: string;
}

async function runInProcess(argv: string[], stdin: string): Promise<Outcome> {
  const io = testIO({ stdin });
  const code = await main(argv, io, env);
  return { code, out: io.out(), err: io.err() };
}

function problemsOf(argv: string[], o: Outcome, mustBeUsage: boolean): string[] {
  const where = JSON.stringify(argv).slice(0, 300);
  const problems: string[] = [];
  if (![0, 1, 2, 3, 4, 5].includes(o.code)) problems.push(`${where}: exit ${o.code}`);
  if (STACK_LINE.test(o.err) || STACK_LINE.test(o.out)) problems.push(`${where}: stack trace: ${o.err.slice(0, 500)}`);
  if (/internal error/.test(o.err)) problems.push(`${where}: ${o.err.slice(0, 300)}`);
  if (o.code !== 0) {
    const lines = o.err.split('\n').filter((l) => l !== '');
    const errors = lines.filter((l) => l.startsWith('xcli: ') && !l.startsWith('xcli: warning'));
    if (errors.length !== 1 || lines.at(-1) !== errors[0])
      problems.push(`${where}: exit ${o.code} without exactly one closing 'xcli:' line: ${JSON.stringify(o.err.slice(-400))}`);
  }
  if (mustBeUsage && (o.code !== 2 || o.out !== ''))
    problems.push(
      `${where}: a usage error gave exit ${o.code}, stdout ${JSON.stringify(o.out.slice(0, 100))}, stderr ${JSON.stringify(o.err.slice(0, 200))}`,
    );
  return problems;
}

describe(`CLI argument fuzz (seed ${SEED}, ${CASES} cases; FUZZ_SEED=n to reproduce)`, () => {
  it(
    'in-process: documented exit codes, one closing line, no stack trace; usage errors are exit 2',
    async () => {
      const r = seeded(SEED);
      const problems: string[] = [];
      const codes: Record<number, number> = {};
      const queue: Promise<void>[] = [];
      for (let i = 0; i < CASES; i++) {
        let argv: string[];
        let mustBeUsage = false;
        if (r.chance(0.3)) {
          const benign = Array.from({ length: r.int(3) }, () => r.pick(BENIGN)).flat();
          argv = ['/2/users/me', ...benign, ...r.pick(USAGE_ERRORS)];
          mustBeUsage = true;
        } else argv = randomArgv(r);
        const stdin = r.pick(['', '{"text":"stdin"}', 'not json', '\u0000\u0001']);
        queue.push(
          runInProcess(argv, stdin).then((o) => {
            codes[o.code] = (codes[o.code] ?? 0) + 1;
            problems.push(...problemsOf(argv, o, mustBeUsage));
          }),
        );
        if (queue.length >= 8) await Promise.all(queue.splice(0));
      }
      await Promise.all(queue);
      reportFigure('cli fuzz', {
        seed: SEED,
        cases: CASES,
        ...Object.fromEntries(Object.entries(codes).map(([c, n]) => [`exit${c}`, n])),
      });
      expect(problems.slice(0, 20)).toEqual([]);
      // The fuzz reached past the parser: successes, HTTP errors, usage errors and network errors all occurred.
      for (const code of [0, 1, 2, 4]) expect(codes[code] ?? 0, `exit ${code} in ${JSON.stringify(codes)}`).toBeGreaterThan(0);
    },
    timeLimit(60_000),
  );

  it('through bin/xcli.js: usage errors are exit 2 with one line and no stack trace', async () => {
    const cases = [
      ['--no-such-flag'],
      ['/2/users/me', '-H', 'NoColon'],
      ['/2/users/me', '-X', 'GE T'],
      ['/2/users/me', '-f', '=v'],
      ['/2/users/me', '--pretty', '--raw'],
      ['webhook', 'start', '--port', 'x'],
      ['auth', 'apps', 'add'],
      ['tweets'],
    ];
    const results = await Promise.all(cases.map((argv) => runCli(argv, { env }).then((o) => ({ argv, o }))));
    for (const { argv, o } of results) {
      expect(problemsOf(argv, { code: o.code ?? -1, out: o.stdout, err: o.stderr }, true)).toEqual([]);
      expect(o.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });
});
