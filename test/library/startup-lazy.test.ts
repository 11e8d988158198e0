// Issue 15 item 8: a plain request starts in about the time of a bare node:http script because
// what it never uses is not loaded. These modules cost it 5–40 ms each when they crept back in:
// string-width's Unicode tables (Intl.Segmenter, RGI_Emoji), chalk's colour probe (node:tty) and
// node:crypto. The child records what it loaded; no timing is asserted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli } from '../helpers/run-cli.js';

/** Preloaded into the child: at exit, writes the built-in modules it loaded and whether it built an Intl.Segmenter. */
const PROBE = `
const Segmenter = Intl.Segmenter;
let segmenters = 0;
Intl.Segmenter = function (...args) { segmenters++; return new Segmenter(...args); };
process.on('exit', () => {
  const loaded = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  require('node:fs').writeFileSync(process.env.XCLI_TEST_PROBE_OUT, JSON.stringify({ loaded, segmenters }));
});
`;

describe('what a plain request loads', () => {
  let fake: FakeX;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeX();
    dir = mkdtempSync(join(tmpdir(), 'xcli-probe-'));
    writeFileSync(join(dir, 'probe.cjs'), PROBE);
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function probe(args: string[], credentials: { bearer?: boolean; oauth1?: boolean }) {
    const out = join(dir, `probe-${Math.random().toString(36).slice(2)}.json`);
    const r = await runCli(args, {
      env: fake.env({
        ...credentials,
        extra: {
          XCLI_CONFIG_DIR: join(dir, 'config'),
          NODE_OPTIONS: `--require ${join(dir, 'probe.cjs')}`,
          XCLI_TEST_PROBE_OUT: out,
        },
      }),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return { stdout: r.stdout, ...(JSON.parse(readFileSync(out, 'utf8')) as { loaded: string[]; segmenters: number }) };
  }

  it('a bearer GET loads neither node:crypto, node:tty nor string-width', async () => {
    const { stdout, loaded, segmenters } = await probe(['/2/users/783214'], { bearer: true });
    expect(JSON.parse(stdout).data.id).toBe('783214');
    expect(loaded).toContain('http'); // the probe sees what was loaded
    expect(loaded).not.toContain('crypto');
    expect(loaded).not.toContain('tty');
    expect(segmenters).toBe(0);
  });

  it('node:crypto still loads where it is used: an OAuth 1.0a signature', async () => {
    const { stdout, loaded } = await probe(['/2/users/783214'], { oauth1: true });
    expect(JSON.parse(stdout).data.id).toBe('783214');
    expect(loaded).toContain('crypto');
  });
});
