// --jq EXPR (a real jq, per page, per stream record, on any --json command) and -o FILE.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { fullApp, json, useLocalApi } from '../http/local-server.js';

const api = useLocalApi();
let env: Record<string, string>;
/** Ids beyond 2^53 as numbers: JSON.parse would turn them into other numbers. */
const PAGE = (page: number, next?: string) =>
  `{"data":[{"id":1234567890123456789${page},"text":"post ${page}"},{"id":9007199254740993,"text":"second"}],"meta":{"result_count":2${next ? `,"next_token":"${next}"` : ''}}}`;

beforeEach(async () => {
  env = await api.serve((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/2/tweets/sample/stream') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":{"id":1234567890123456789,"text":"one"}}\r\n');
      // The second record waits until the first has come out filtered: per record, not at the end.
      const later = setInterval(() => {
        if (!existsSync(join(api.configDir, 'first-seen'))) return;
        clearInterval(later);
        res.end('{"data":{"id":1234567890123456780,"text":"two"}}\r\n');
      }, 10);
      return;
    }
    const token = url.searchParams.get('pagination_token');
    json(res, 200, token ? PAGE(2) : PAGE(1, 't2'));
  }, fullApp);
});

describe('--jq', () => {
  it('filters with real jq, strings raw, compact when piped, 19-digit ids with every digit', async () => {
    const ids = await runCli(['/2/users/1/tweets', '--jq', '.data[].id'], { env });
    expect(ids.code).toBe(0);
    expect(ids.stdout).toBe('12345678901234567891\n9007199254740993\n');
    const texts = await runCli(['/2/users/1/tweets', '--jq', '.data[] | "\\(.id): \\(.text)"'], { env });
    expect(texts.stdout).toBe('12345678901234567891: post 1\n9007199254740993: second\n');
    const object = await runCli(['/2/users/1/tweets', '--jq', '.data[0]'], { env });
    expect(object.stdout).toBe('{"id":12345678901234567891,"text":"post 1"}\n');
  });

  it('applies the filter to each page with --paginate', async () => {
    const r = await runCli(['/2/users/1/tweets', '--paginate', '--jq', '.data | map(.id) | length'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2\n2\n');
    const merged = await runCli(['/2/users/1/tweets', '--merge', '--jq', '.data | length'], { env });
    expect(merged.stdout).toBe('4\n');
  });

  it('applies it to each record of a stream as the record arrives', async () => {
    const child = spawnCli(['/2/tweets/sample/stream', '--no-reconnect', '--jq', '.data.id'], { env });
    let out = '';
    const { writeFileSync } = await import('node:fs');
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) writeFileSync(join(api.configDir, 'first-seen'), '');
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toBe('1234567890123456789\n1234567890123456780\n');
  });

  it('works on every command with --json (and implies it)', async () => {
    const r = await runCli(['activity', 'event-types', '--jq', '.data[] | select(.category == "news") | .name']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('news.new\n');
  });

  it("a bad expression is exit 2 with jq's message in one line, and nothing is sent", async () => {
    const r = await runCli(['/2/users/1/tweets', '--jq', '.data['], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^xcli: --jq: jq: error: syntax error, .*compile error\n$/);
    expect(api.server.requests).toHaveLength(0);
    const both = await runCli(['/2/users/1/tweets', '-i', '--jq', '.'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('xcli: --jq and -i cannot be used together: jq reads the body only\n');
    const runtime = await runCli(['/2/users/1/tweets', '--jq', '.data[0].text.x'], { env });
    expect(runtime.code).toBe(1);
    expect(runtime.stderr).toBe('xcli: --jq: jq: error (at inputString:0): Cannot index string with string "x"\n');
  });
});

describe('-o FILE', () => {
  it('writes the body to the file as received, -o - to stdout, and filters with --jq', async () => {
    const file = join(api.configDir, 'body.json');
    const r = await runCli(['/2/users/1/tweets', '-o', file], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(PAGE(1, 't2'));
    const dash = await runCli(['/2/users/1/tweets', '-o', '-'], { env });
    expect(dash.stdout).toBe(PAGE(1, 't2'));
    await runCli(['/2/users/1/tweets', '-o', file, '--jq', '.meta.next_token'], { env });
    expect(readFileSync(file, 'utf8')).toBe('t2\n');
  });

  it('a file that cannot be written is one line and exit 1, before anything is sent', async () => {
    const r = await runCli(['/2/users/1/tweets', '-o', join(api.configDir, 'no', 'such', 'dir', 'x.json')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xcli: -o: cannot write .*x\.json: ENOENT\n$/);
    expect(api.server.requests).toHaveLength(0);
  });
});
