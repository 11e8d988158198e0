// `xcli media upload|status` against the fake X API: the chunked flow, chunk boundaries, retries,
// processing, timeouts and refusals.
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import type { SandboxApp } from '../../src/sandbox/emulator/app.js';
import { parseMultipart, registerMediaRoutes } from '../../src/sandbox/emulator/routes/media.js';
import { harness, type Harness } from '../shortcuts/harness.js';

let h: Harness;
let dir: string;
/** Every APPEND's chunk as the fake received it, by media id and segment. */
const received = new Map<string, Map<number, Buffer>>();

/** (Re-)registers the fake's media routes with APPEND wrapped, to see the bytes (the fake keeps only sizes). */
function installMediaRoutes(): void {
  const { sandbox } = h.fake;
  const app = {
    state: sandbox.state,
    now: () => Date.now(),
    changed: () => {},
    route: (method: string, template: string, handler: Parameters<SandboxApp['route']>[2]) =>
      sandbox.route(method, template, (req) => {
        if (template.endsWith('/append')) {
          const parts = parseMultipart(req.rawBody, String(req.headers['content-type']));
          const segment = Number(parts?.find((p) => p.name === 'segment_index')?.data.toString());
          const media = parts?.find((p) => p.name === 'media')?.data;
          if (media)
            (received.get(req.params.id!) ?? received.set(req.params.id!, new Map()).get(req.params.id!)!).set(
              segment,
              Buffer.from(media),
            );
        }
        return handler(req);
      }),
  } as unknown as SandboxApp;
  registerMediaRoutes(app);
}

beforeAll(async () => {
  h = await harness({ XCLI_MEDIA_CHUNK_SIZE: '1000' });
  dir = join(h.configDir, '..', 'files');
  mkdirSync(dir, { recursive: true });
  installMediaRoutes();
});
afterAll(() => h.close());
afterEach(() => {
  h.newRequests();
  installMediaRoutes();
});

const MP4_HEAD = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0])]);
const PNG_HEAD = Buffer.from('\x89PNG\r\n\x1a\n', 'latin1');

/** A file of `size` bytes starting with `head`, the rest pseudo-random. */
function file(name: string, size: number, head = MP4_HEAD): { path: string; bytes: Buffer } {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919 + 13) & 0xff;
  head.copy(bytes, 0, 0, Math.min(head.length, size));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

function reassembled(id: string): Buffer {
  const segments = received.get(id) ?? new Map<number, Buffer>();
  return Buffer.concat([...segments.keys()].sort((a, b) => a - b).map((k) => segments.get(k)!));
}

const steps = () => h.newRequests().map((r) => `${r.method} ${r.route ?? r.path}${r.status === 200 ? '' : ` ${r.status}`}`);

describe('media upload', () => {
  it('uploads an image in INITIALIZE, APPEND, FINALIZE and prints only the media data', async () => {
    const { path, bytes } = file('pic.png', 600, PNG_HEAD);
    const r = await h.run(['media', 'upload', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const data = JSON.parse(r.stdout);
    const requests = h.newRequests();
    expect(JSON.parse(requests[0]!.body)).toEqual({ total_bytes: 600, media_type: 'image/png', media_category: 'tweet_image' });
    expect(requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /2/media/upload/initialize',
      `POST /2/media/upload/${data.id}/append`,
      `POST /2/media/upload/${data.id}/finalize`,
    ]);
    expect(requests[1]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(data).toMatchObject({ id: expect.stringMatching(/^\d+$/), media_key: `3_${data.id}`, size: 600 });
    expect(data.processing_info).toBeUndefined();
    expect(reassembled(data.id).equals(bytes)).toBe(true);
  });

  it('sets alt text with POST /2/media/metadata after FINALIZE', async () => {
    const { path } = file('alt.png', 200, PNG_HEAD);
    const r = await h.run(['media', 'upload', path, '--alt', 'a "cat" on a mat']);
    expect(r.code, r.stderr).toBe(0);
    const { id } = JSON.parse(r.stdout);
    const requests = h.newRequests();
    expect(requests.map((q) => q.route)).toEqual([
      '/2/media/upload/initialize',
      '/2/media/upload/:id/append',
      '/2/media/upload/:id/finalize',
      '/2/media/metadata',
    ]);
    expect(JSON.parse(requests[3]!.body)).toEqual({ id, metadata: { alt_text: { text: 'a "cat" on a mat' } } });
    expect(h.fake.sandbox.state.media.get(id)?.alt_text).toBe('a "cat" on a mat');
  });

  describe('chunk boundaries (chunk size 1000)', () => {
    it('refuses a 0-byte file before any request', async () => {
      const { path } = file('empty.mp4', 0);
      const r = await h.run(['media', 'upload', path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`xcli: ${path}: is empty; there is nothing to upload\n`);
      expect(h.newRequests()).toEqual([]);
    });

    for (const [size, segments] of [
      [3000, [1000, 1000, 1000]],
      [3001, [1000, 1000, 1000, 1]],
      [999, [999]],
    ] as const) {
      it(`${size} bytes → ${segments.length} segments`, async () => {
        const { path, bytes } = file(`clip-${size}.mp4`, size);
        const r = await h.run(['media', 'upload', path, '--no-wait']);
        expect(r.code, r.stderr).toBe(0);
        const { id } = JSON.parse(r.stdout);
        const appends = h.newRequests().filter((q) => q.route === '/2/media/upload/:id/append');
        expect(appends).toHaveLength(segments.length);
        expect([...received.get(id)!.entries()].sort(([a], [b]) => a - b).map(([, chunk]) => chunk.length)).toEqual(segments);
        expect(reassembled(id).equals(bytes)).toBe(true);
        expect(h.fake.sandbox.state.media.get(id)?.segments).toEqual(segments);
      });
    }

    it('takes --chunk-size over the environment', async () => {
      const { path } = file('flag.mp4', 2048);
      const r = await h.run(['media', 'upload', path, '--no-wait', '--chunk-size', '1k']);
      expect(r.code, r.stderr).toBe(0);
      expect(h.newRequests().filter((q) => q.route === '/2/media/upload/:id/append')).toHaveLength(2);
    });
  });

  describe('failed chunks', () => {
    it('retries a failed APPEND and still delivers every byte', async () => {
      const { path, bytes } = file('retry.mp4', 2500);
      h.fake.sandbox.failNext('POST', '/2/media/upload/:id/append', {
        status: 503,
        json: { title: 'Service Unavailable', detail: 'try again', type: 'about:blank', status: 503 },
      });
      const r = await h.run(['media', 'upload', path, '--no-wait']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^xcli: segment 0 failed \(503 Service Unavailable: try again.*\); retrying \(1\/3\)\n$/);
      const { id } = JSON.parse(r.stdout);
      expect(steps()).toEqual([
        'POST /2/media/upload/initialize',
        `POST /2/media/upload/${id}/append 503`,
        'POST /2/media/upload/:id/append',
        'POST /2/media/upload/:id/append',
        'POST /2/media/upload/:id/append',
        'POST /2/media/upload/:id/finalize',
      ]);
      expect(reassembled(id).equals(bytes)).toBe(true);
    });

    it('gives up after 3 retries (exit 1)', async () => {
      const { path } = file('broken.mp4', 1500);
      h.fake.sandbox.failNext('POST', '/2/media/upload/:id/append', { status: 500, times: 4 });
      const r = await h.run(['media', 'upload', path, '--no-wait']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^xcli: media append of segment 0 failed: 500/);
      expect(
        h
          .newRequests()
          .filter((q) => q.path.endsWith('/append'))
          .map((q) => q.status),
      ).toEqual([500, 500, 500, 500]);
    });

    it('does not retry what a retry cannot fix (400)', async () => {
      const { path } = file('bad.mp4', 1500);
      h.fake.sandbox.failNext('POST', '/2/media/upload/:id/append', {
        status: 400,
        json: { title: 'Invalid Request', detail: 'bad segment', type: 'https://api.x.com/2/problems/invalid-request' },
      });
      const r = await h.run(['media', 'upload', path, '--no-wait']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^xcli: media append of segment 0 failed: 400 Invalid Request: bad segment \(x-transaction-id: \w+\)\n$/,
      );
      expect(h.newRequests().filter((q) => q.path.endsWith('/append'))).toHaveLength(1);
    });
  });

  describe('processing', () => {
    it('polls STATUS for a video until it succeeds', async () => {
      const { path } = file('video.mp4', 1200);
      const r = await h.run(['media', 'upload', path]);
      expect(r.code, r.stderr).toBe(0);
      const data = JSON.parse(r.stdout);
      expect(data.processing_info.state).toBe('succeeded');
      const status = h.newRequests().filter((q) => q.method === 'GET');
      expect(status.map((q) => q.query)).toEqual([
        { command: 'STATUS', media_id: data.id },
        { command: 'STATUS', media_id: data.id },
      ]);
    });

    it('--no-wait returns FINALIZE as it is', async () => {
      const { path } = file('nowait.mp4', 500);
      const r = await h.run(['media', 'upload', path, '--no-wait']);
      expect(JSON.parse(r.stdout).processing_info).toEqual({ state: 'pending', check_after_secs: 1 });
      expect(h.newRequests().filter((q) => q.method === 'GET')).toEqual([]);
    });

    it('reports processing that fails (exit 1, the data still on stdout)', async () => {
      h.fake.sandbox.route('GET', '/2/media/upload', (req) => ({
        status: 200,
        json: {
          data: {
            id: req.query.get('media_id'),
            processing_info: {
              state: 'failed',
              progress_percent: 100,
              error: { code: 1, name: 'InvalidMedia', message: 'Unsupported video codec' },
            },
          },
        },
      }));
      const { path } = file('fails.mp4', 800);
      const r = await h.run(['media', 'upload', path]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).processing_info.state).toBe('failed');
      expect(r.stderr).toMatch(/^xcli: media \d+ processing failed: Unsupported video codec\n$/);
    });

    it('stops waiting at --timeout (exit 1) and says how to check later', async () => {
      h.fake.sandbox.route('GET', '/2/media/upload', (req) => ({
        status: 200,
        json: {
          data: {
            id: req.query.get('media_id'),
            processing_info: { state: 'in_progress', check_after_secs: 5, progress_percent: 10 },
          },
        },
      }));
      const { path } = file('slow.mp4', 800);
      const r = await h.run(['media', 'upload', path, '--timeout', '300ms']);
      expect(r.code).toBe(1);
      const data = JSON.parse(r.stdout);
      expect(data.processing_info.state).toBe('in_progress');
      expect(r.stderr).toBe(
        `xcli: media ${data.id} is still processing (in_progress) after the timeout; check later with 'xcli media status ${data.id} --wait'\n`,
      );
      expect(h.newRequests().filter((q) => q.method === 'GET')).toHaveLength(1);
    });
  });

  describe('media status', () => {
    it('prints the state once; --wait on an image reports there is nothing to wait for', async () => {
      const { path } = file('still.png', 300, PNG_HEAD);
      const { id } = JSON.parse((await h.run(['media', 'upload', path])).stdout);
      h.newRequests();
      const r = await h.run(['media', 'status', id, '--wait']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).id).toBe(id);
      expect(r.stderr).toBe(`xcli: media ${id} has no processing to wait for\n`);
      expect(h.newRequests()).toHaveLength(1);
    });

    it('--wait follows a video to the end', async () => {
      const { path } = file('later.mp4', 300);
      const { id } = JSON.parse((await h.run(['media', 'upload', path, '--no-wait'])).stdout);
      h.newRequests();
      const r = await h.run(['media', 'status', id, '--wait', '--timeout', '30s']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).processing_info.state).toBe('succeeded');
      expect(h.newRequests()).toHaveLength(2);
    });

    it("passes X's error on for an unknown id (exit 1)", async () => {
      const r = await h.run(['media', 'status', '123']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^xcli: media status failed: 400 Invalid Request/);
    });
  });

  describe('types and refusals', () => {
    it('trusts the content over the extension, and warns', async () => {
      const { path } = file('really-a-png.jpg', 100, PNG_HEAD);
      const r = await h.run(['media', 'upload', path]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe(
        `xcli: warning: ${path} is named like image/jpeg but contains image/png; uploading it as image/png\n`,
      );
      expect(JSON.parse(h.newRequests()[0]!.body).media_type).toBe('image/png');
    });

    it('takes --media-type and --category as given', async () => {
      const { path } = file('clip.bin', 100, Buffer.from('no magic here'));
      const r = await h.run(['media', 'upload', path, '--media-type', 'video/mp4', '--category', 'amplify_video', '--no-wait']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(h.newRequests()[0]!.body)).toEqual({
        total_bytes: 100,
        media_type: 'video/mp4',
        media_category: 'amplify_video',
      });
    });

    const refusals: Array<[string, () => string[], RegExp]> = [
      ['a missing file', () => ['media', 'upload', join(dir, 'nope.mp4')], /nope\.mp4: no such file\n$/],
      ['a directory', () => ['media', 'upload', dir], /files: is a directory\n$/],
      [
        'an unknown type',
        () => ['media', 'upload', file('notes.txt', 10, Buffer.from('plain text')).path],
        /cannot tell the media type of .*notes\.txt.*; pass --media-type \(one of image\/jpeg/,
      ],
      [
        'an image over 5 MB',
        () => {
          const { path } = file('huge.png', 10, PNG_HEAD);
          truncateSync(path, 6 * 1024 * 1024);
          return ['media', 'upload', path];
        },
        /huge\.png is 6\.0 MiB; X accepts at most 5\.0 MiB for tweet_image\n$/,
      ],
      [
        'a bad --media-type',
        () => ['media', 'upload', join(dir, 'pic.png'), '--media-type', 'application/pdf'],
        /--media-type application\/pdf: X accepts image\/jpeg/,
      ],
      [
        'a bad --timeout',
        () => ['media', 'upload', join(dir, 'pic.png'), '--timeout', 'forever'],
        /--timeout forever: expected a duration/,
      ],
      [
        'alt text over 1000 characters',
        () => ['media', 'upload', join(dir, 'pic.png'), '--alt', 'x'.repeat(1001)],
        /--alt: alt text must be 1 to 1000 characters/,
      ],
    ];
    for (const [name, args, message] of refusals) {
      it(`refuses ${name} before any request (exit 2)`, async () => {
        const r = await h.run(args());
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^xcli: /);
        expect(r.stderr).toMatch(message);
        expect(r.stdout).toBe('');
        expect(h.newRequests()).toEqual([]);
      });
    }

    it('needs user context: a bearer token alone is refused before sending (exit 3)', async () => {
      const r = await h.run(['media', 'upload', join(dir, 'pic.png')], {
        env: { X_CONSUMER_KEY: '', X_BEARER_TOKEN: h.fake.sandbox.credentials.bearerToken },
      });
      expect(r.code).toBe(3);
      expect(h.newRequests()).toEqual([]);
    });
  });

  it('draws a progress bar and the processing state on stderr when stderr is a terminal', async () => {
    const { path } = file('bar.mp4', 2500);
    const io = testIO({ stderrTTY: true, columns: 100 });
    const code = await main(
      ['media', 'upload', path],
      io,
      h.fake.env({ oauth1: true, extra: { XCLI_CONFIG_DIR: h.configDir, XCLI_MEDIA_CHUNK_SIZE: '1000' } }),
    );
    expect(code, io.err()).toBe(0);
    const { id } = JSON.parse(io.out());
    expect(io.err()).toContain(`\r\x1b[2Kbar.mp4 → media ${id} [##########              ] 40% 1000 B/2.4 KiB`);
    expect(io.err()).toContain('100% 2.4 KiB/2.4 KiB');
    expect(io.err()).toContain(`\r\x1b[2Kbar.mp4 → media ${id}: processing in_progress 50%`);
    // The last line shows the final state and stays (it used to be erased, or left at "pending").
    expect(io.err().endsWith(`\r\x1b[2Kbar.mp4 → media ${id}: uploaded 2.4 KiB, processing succeeded\n`)).toBe(true);
  });
});
