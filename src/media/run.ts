// The `media upload` and `media status` commands: options in, X's media data out on stdout.
import type { Context } from '../context.js';
import { openSession } from '../http/session.js';
import { writeBody } from '../http/output.js';
import { parseCategory, parseMediaType } from './detect.js';
import { parseDuration } from '../duration.js';
import {
  DEFAULT_CHUNK_SIZE,
  mediaStatus,
  MediaWaitError,
  parseChunkSize,
  uploadMedia,
  waitForProcessing,
  type MediaData,
  type UploadOptions,
} from './upload.js';
import { UsageError } from '../errors.js';

/** Default overall wait for X's processing of a video or GIF. */
export const DEFAULT_TIMEOUT = '10m';

export interface UploadFlags {
  mediaType?: string;
  category?: string;
  wait?: boolean;
  timeout?: string;
  chunkSize?: string;
  alt?: string;
}

/** Upload options from flags and XCLI_MEDIA_CHUNK_SIZE (for tests and slow links). */
export function uploadOptions(ctx: Context, flags: UploadFlags): UploadOptions {
  const envChunk = ctx.env.XCLI_MEDIA_CHUNK_SIZE;
  return {
    mediaType: flags.mediaType === undefined ? undefined : parseMediaType(flags.mediaType),
    category: flags.category === undefined ? undefined : parseCategory(flags.category),
    wait: flags.wait !== false,
    timeoutMs: parseDuration(flags.timeout ?? DEFAULT_TIMEOUT, '--timeout'),
    altText: flags.alt,
    chunkSize:
      flags.chunkSize !== undefined
        ? parseChunkSize(flags.chunkSize, '--chunk-size')
        : envChunk
          ? parseChunkSize(envChunk, 'XCLI_MEDIA_CHUNK_SIZE')
          : DEFAULT_CHUNK_SIZE,
  };
}

function printData(ctx: Context, data: MediaData): void {
  writeBody(ctx, Buffer.from(JSON.stringify(data)), 'application/json', 'auto', true);
}

/** Prints the data a failed or timed-out wait ended with (stdout is data), then fails. */
async function printing(ctx: Context, work: () => Promise<MediaData>): Promise<void> {
  try {
    printData(ctx, await work());
  } catch (error) {
    if (error instanceof MediaWaitError) printData(ctx, error.data);
    throw error;
  }
}

export async function runUpload(ctx: Context, flags: UploadFlags & { file: string }): Promise<void> {
  const { file } = flags;
  const options = uploadOptions(ctx, flags);
  const session = await openSession(ctx, ctx.api);
  await printing(ctx, () => uploadMedia(ctx, session, file, options));
}

export function parseMediaId(value: string): string {
  const id = value.trim();
  if (!/^\d{1,19}$/.test(id)) throw new UsageError(`'${value}' is not a media id (digits, as printed by 'xcli media upload')`);
  return id;
}

export async function runStatus(ctx: Context, flags: { id: string; wait?: boolean; timeout?: string }): Promise<void> {
  const idArg = flags.id;
  const id = parseMediaId(idArg);
  const timeoutMs = parseDuration(flags.timeout ?? DEFAULT_TIMEOUT, '--timeout');
  const session = await openSession(ctx, ctx.api);
  await printing(ctx, async () => {
    const data = await mediaStatus(ctx, session, id);
    if (!flags.wait) return data;
    if (!data.processing_info) ctx.io.stderr.write(`xcli: media ${id} has no processing to wait for\n`);
    return waitForProcessing(ctx, session, data, ctx.now() + timeoutMs);
  });
}
