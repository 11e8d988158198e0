// Network failures on requests (issue 7, faults): refused, unresolvable host (.invalid, never a real
// one), no answer, a stall or a reset in the middle of the body. Every command exits 4 with one line
// on stderr and prints nothing that could pass for a complete answer: no partial body, and with
// --paginate or a stream only the whole pages / records received before the failure.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';

let server: Server;
let base: string;
const temp = tempConfigDir();

/** Behaviour by the first path segment, so one server serves every fault as its own "API base". */
function serve(req: IncomingMessage, res: ServerResponse): void {
  const [, kind] = (req.url ?? '/').split('/');
  req.resume();
  if (kind === 'hang') return; // never answers
  if (kind === 'stall') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
    res.write('{"data":{"id":"1","text":"a stalled body');
    return;
  }
  if (kind === 'reset') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400000' });
    res.write(`{"data":[${'{"id":"12345678901234567890","text":"part of a long answer"},'.repeat(3000)}`);
    setTimeout(() => res.socket?.destroy(), 30);
    return;
  }
  if (kind === 'pages') {
    const url = new URL(req.url!, 'http://x');
    if (url.searchParams.has('next_token') || url.searchParams.has('pagination_token')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '3000' });
      res.write('{"data":[{"id":"2"');
      setTimeout(() => res.socket?.destroy(), 30);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"data":[{"id":"1","text":"page one"}],"meta":{"result_count":1,"next_token":"p2"}}');
    return;
  }
  if (kind === 'stream') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":{"id":"1","text":"whole"}}\r\n\r\n{"data":{"id":"2","text":"torn');
    setTimeout(() => res.socket?.destroy(), 30);
    return;
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  temp.cleanup();
});

function env(apiBase: string): Record<string, string> {
  return {
    XCLI_CONFIG_DIR: temp.dir,
    XCLI_API_BASE_URL: apiBase,
    XCLI_HTTP_TIMEOUT_MS: '400',
    X_BEARER_TOKEN: 'AAAAnetworkTestBearer',
    X_CONSUMER_KEY: 'ck',
    X_CONSUMER_SECRET: 'cs',
    X_ACCESS_TOKEN: '1-at',
    X_ACCESS_TOKEN_SECRET: 'ats',
  };
}

const FAULTS: Record<string, () => string> = {
  refused: () => 'http://127.0.0.1:9',
  'unresolvable host': () => 'http://api.xcli-test.invalid',
  'no answer': () => `${base}/hang`,
  'stall mid-body': () => `${base}/stall`,
  'reset mid-body': () => `${base}/reset`,
};

const COMMANDS: string[][] = [
  ['/2/tweets/20'],
  ['-X', 'POST', '/2/tweets', '-d', '{"text":"hi"}'],
  ['-i', '/2/users/by/username/xdevelopers'],
  ['read', '20'],
  ['webhook', 'list'],
  ['stream', 'rules', 'list'],
];

describe('network failures', () => {
  it('exit 4, one line, and nothing on stdout, for every command and every fault', async () => {
    const runs = Object.entries(FAULTS).flatMap(([fault, apiBase]) =>
      COMMANDS.map((argv) => ({ fault, argv, apiBase: apiBase() })),
    );
    const results = await Promise.all(runs.map((run) => runCli(run.argv, { env: env(run.apiBase), timeoutMs: 15_000 })));
    const problems: string[] = [];
    results.forEach((r, i) => {
      const { fault, argv } = runs[i]!;
      const where = `${fault}: xcli ${argv.join(' ')}`;
      if (r.code !== 4) problems.push(`${where}: exit ${r.code}: ${r.stderr.trim()}`);
      if (!/^xcli: [^\n]+\n$/.test(r.stderr)) problems.push(`${where}: not one line: ${JSON.stringify(r.stderr)}`);
      if (r.stdout !== '') problems.push(`${where}: stdout ${JSON.stringify(r.stdout.slice(0, 120))}`);
    });
    expect(problems).toEqual([]);
  }, 60_000);

  it('--paginate keeps the whole pages it got, drops the torn one, and says how to resume', async () => {
    const r = await runCli(['/2/tweets/search/recent', '-f', 'query=x', '--paginate'], { env: env(`${base}/pages`) });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('{"data":[{"id":"1","text":"page one"}],"meta":{"result_count":1,"next_token":"p2"}}\n');
    expect(r.stderr).toMatch(/^xcli: [^\n]*p2[^\n]*\n$/);
  });

  it('a stream that breaks mid-record prints only the whole records', async () => {
    const r = await runCli(['/2/tweets/search/stream', '--no-reconnect'], { env: env(`${base}/stream`) });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('{"data":{"id":"1","text":"whole"}}\n');
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^xcli: /);
  });
});
