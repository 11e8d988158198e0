// A large upload streams from disk: the uploading process's peak memory stays bounded however big
// the file is (bounded, not timed).
import { readFileSync, writeFileSync, truncateSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';

const PROBE = pathToFileURL(join(import.meta.dirname, 'fixtures', 'rss-probe.mjs')).href;
const MiB = 1024 * 1024;
const BIG = 200 * MiB;

let fake: FakeX;
let temp: ReturnType<typeof tempConfigDir>;
beforeAll(async () => {
  fake = await startFakeX();
  temp = tempConfigDir();
  mkdirSync(temp.dir, { recursive: true });
});
afterAll(async () => {
  await fake.close();
  temp.cleanup();
});

/** Uploads a sparse MP4 of `size` bytes in 1 MiB chunks; returns the child's peak RSS in MiB. */
async function peakRssOfUpload(size: number): Promise<number> {
  const file = join(temp.dir, `big-${size}.mp4`);
  writeFileSync(file, Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0])]));
  truncateSync(file, size);
  const rssFile = join(temp.dir, `rss-${size}`);
  // The fake logs every request body; drop the log while the upload runs so this process stays small.
  const trim = setInterval(() => fake.sandbox.requests.splice(0), 50);
  try {
    const r = await runCli(['media', 'upload', file, '--no-wait', '--chunk-size', '1m'], {
      env: fake.env({
        oauth1: true,
        extra: { XCLI_CONFIG_DIR: temp.dir, NODE_OPTIONS: `--import=${PROBE}`, XCLI_TEST_RSS_FILE: rssFile },
      }),
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const { id } = JSON.parse(r.stdout) as { id: string };
    expect(fake.sandbox.state.media.get(id)?.received_bytes).toBe(size);
  } finally {
    clearInterval(trim);
  }
  return Number(readFileSync(rssFile, 'utf8')) / 1024;
}

it('uploads 200 MB with peak memory close to that of a 1 MB upload', { timeout: 90_000 }, async () => {
  const small = await peakRssOfUpload(1 * MiB);
  const big = await peakRssOfUpload(BIG);
  // Reading the whole file would add 200 MB; streaming reuses one chunk-sized buffer.
  expect(big - small).toBeLessThan(32);
});
