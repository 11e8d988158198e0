import { describe, expect, it } from 'vitest';
import { categoryFor, detectMediaType, needsProcessing, parseCategory, parseMediaType, sizeCap } from '../../src/media/detect.js';
import { parseDuration } from '../../src/duration.js';
import { appendEnvelope, MAX_SEGMENTS, parseChunkSize, planChunkSize } from '../../src/media/upload.js';
import { parseMultipart } from '../../src/sandbox/emulator/routes/media.js';
import type { XcliError } from '../../src/errors.js';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

const SAMPLES: Record<string, Buffer> = {
  'image/jpeg': bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'),
  'image/png': bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 13]),
  'image/gif': bytes('GIF89a', [1, 0, 1, 0]),
  'image/webp': bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '),
  'video/mp4': bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]),
  'video/quicktime': bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 0, 0]),
  'video/webm': bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]),
  'text/vtt': bytes('WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n'),
};

describe('media type detection', () => {
  it('recognises each format by its magic bytes, whatever the name', () => {
    for (const [type, head] of Object.entries(SAMPLES)) expect(detectMediaType('upload.bin', head).mediaType).toBe(type);
  });

  it('falls back to the extension, case-insensitively (xurl: PHOTO.JPEG)', () => {
    expect(detectMediaType('PHOTO.JPEG', Buffer.alloc(0)).mediaType).toBe('image/jpeg');
    expect(detectMediaType('clip.MOV', Buffer.from('????')).mediaType).toBe('video/quicktime');
    expect(detectMediaType('subs.srt', Buffer.from('1\n00:00:00,000 --> 00:00:01,000\nhi\n')).mediaType).toBe('text/srt');
  });

  it('trusts the content over a misleading extension, and says so', () => {
    expect(detectMediaType('cat.jpg', SAMPLES['image/png']!)).toEqual({ mediaType: 'image/png', mismatch: 'image/jpeg' });
  });

  it('refuses unknown content with a hint naming --media-type', () => {
    expect(() => detectMediaType('notes.unknownext', Buffer.from('hello'))).toThrow(/--media-type/);
    try {
      detectMediaType('a.pdf', Buffer.from('%PDF-1.7'));
    } catch (error) {
      expect((error as XcliError).exitCode).toBe(2);
    }
  });

  it('maps types to categories and knows which need processing', () => {
    expect(categoryFor('image/gif')).toBe('tweet_gif');
    expect(categoryFor('image/png')).toBe('tweet_image');
    expect(categoryFor('video/mp4')).toBe('tweet_video');
    expect(categoryFor('text/vtt')).toBe('subtitles');
    expect(() => categoryFor('model/gltf-binary')).toThrow(/--category/);
    expect(['tweet_video', 'amplify_video', 'tweet_gif', 'dm_video'].every(needsProcessing)).toBe(true);
    expect(needsProcessing('tweet_image')).toBe(false);
  });

  it("applies X's size caps per category", () => {
    expect(sizeCap('tweet_image')).toBe(5 * 1024 * 1024);
    expect(sizeCap('dm_gif')).toBe(15 * 1024 * 1024);
    expect(sizeCap('amplify_video')).toBe(512 * 1024 * 1024);
    expect(sizeCap('subtitles')).toBeUndefined();
  });

  it('validates --media-type and --category against the values X accepts', () => {
    expect(parseMediaType('Video/MP4')).toBe('video/mp4');
    expect(() => parseMediaType('application/pdf')).toThrow(/X accepts/);
    expect(parseCategory('dm_image')).toBe('dm_image');
    expect(() => parseCategory('tweet_audio')).toThrow(/X accepts/);
  });
});

describe('chunking', () => {
  it('keeps the requested chunk size while 1000 segments suffice, and grows it otherwise', () => {
    expect(planChunkSize(10, 4)).toBe(4);
    expect(planChunkSize(4_000_000, 1024)).toBe(4000);
    expect(Math.ceil((512 * 1024 * 1024) / planChunkSize(512 * 1024 * 1024, 1024))).toBeLessThanOrEqual(MAX_SEGMENTS);
    expect(() => planChunkSize(6 * 1024 * 1024 * 1000, 1024)).toThrow(/too large/);
  });

  it('parses chunk sizes and durations', () => {
    expect(parseChunkSize('64k', '--chunk-size')).toBe(65536);
    expect(parseChunkSize('1m', '--chunk-size')).toBe(1048576);
    expect(() => parseChunkSize('6m', '--chunk-size')).toThrow(/expected 1 to/);
    expect(() => parseChunkSize('0', '--chunk-size')).toThrow();
    expect(parseDuration('90', '--timeout')).toBe(90_000);
    expect(parseDuration('1.5m', '--timeout')).toBe(90_000);
    expect(parseDuration('250ms', '--timeout')).toBe(250);
    expect(() => parseDuration('soon', '--timeout')).toThrow(/duration/);
  });

  it('builds APPEND bodies that a multipart parser reads back byte for byte', () => {
    const chunk = Buffer.from([0, 13, 10, 45, 45, 255, 1, 2]);
    const { head, tail } = appendEnvelope('xcli-b0undary', 7, 'we"ird\r\nname.mp4');
    const body = Buffer.concat([head, chunk, tail]);
    const parts = parseMultipart(body, 'multipart/form-data; boundary=xcli-b0undary')!;
    expect(parts.map((p) => p.name)).toEqual(['segment_index', 'media']);
    expect(parts[0]!.data.toString()).toBe('7');
    expect(parts[1]!.filename).toBe('we_ird__name.mp4');
    expect(parts[1]!.data.equals(chunk)).toBe(true);
  });
});
