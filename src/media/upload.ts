// X's v2 chunked upload: INITIALIZE, APPEND (multipart, one chunk read from disk at a time, each
// retried on transient failures), FINALIZE, then STATUS polls for media X processes (video, GIF).
import { randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../context.js';
import { FailureError, HttpStatusError, NetworkError, UsageError } from '../errors.js';
import { ApiError, callApi } from '../http/api.js';
import { backoffScale, rateLimitWaitMs } from '../http/retry.js';
import type { ApiSession } from '../http/session.js';
import {
  categoryFor,
  detectMediaType,
  formatBytes,
  MAGIC_BYTES,
  needsProcessing,
  sizeCap,
  type MediaCategory,
} from './detect.js';
import { progressBar, type Progress } from './progress.js';

const MiB = 1024 * 1024;
/** xurl's chunk size; X's APPEND takes chunks up to 5 MB. */
export const DEFAULT_CHUNK_SIZE = 4 * MiB;
export const MAX_CHUNK_SIZE = 5 * MiB;
/** `segment_index` runs from 0 to 999. */
export const MAX_SEGMENTS = 1000;
/** Retries of one APPEND after the first attempt. */
const CHUNK_RETRIES = 3;

export interface ProcessingInfo {
  state?: string;
  check_after_secs?: number;
  progress_percent?: number;
  error?: { code?: number; name?: string; message?: string };
}

/** The `data` object of X's FINALIZE and STATUS responses; what `media upload`/`status` print. */
export interface MediaData {
  id: string;
  media_key?: string;
  processing_info?: ProcessingInfo;
  [key: string]: unknown;
}

export interface UploadOptions {
  mediaType?: string;
  category?: MediaCategory;
  /** Poll STATUS until processing ends (video and GIF only). */
  wait: boolean;
  timeoutMs: number;
  chunkSize: number;
  /** Alt text for screen readers, set with POST /2/media/metadata after FINALIZE. */
  altText?: string;
}

/** X's limit on alt text. */
export const MAX_ALT_TEXT = 1000;

/** The chunk size to use: the requested one, grown when needed so the file fits in 1000 segments. */
export function planChunkSize(totalBytes: number, requested: number): number {
  const size = Math.max(requested, Math.ceil(totalBytes / MAX_SEGMENTS));
  if (size > MAX_CHUNK_SIZE) {
    throw new UsageError(
      `${formatBytes(totalBytes)} is too large for X's chunked upload (${MAX_SEGMENTS} segments of at most ${formatBytes(MAX_CHUNK_SIZE)})`,
    );
  }
  return size;
}

/** `--chunk-size` / XCLI_MEDIA_CHUNK_SIZE: bytes, or with a k/m suffix (KiB, MiB). */
export function parseChunkSize(value: string, source: string): number {
  const match = /^(\d+)([km]?)$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * (match[2]?.toLowerCase() === 'm' ? MiB : match[2] ? 1024 : 1) : NaN;
  if (!(bytes >= 1 && bytes <= MAX_CHUNK_SIZE))
    throw new UsageError(`${source} ${value}: expected 1 to ${MAX_CHUNK_SIZE} bytes (suffix k or m allowed)`);
  return bytes;
}

interface OpenedFile {
  handle: FileHandle;
  size: number;
}

async function openMediaFile(file: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : String(code ?? error);
    throw new UsageError(`${file}: ${reason}`);
  }
  const stat = await handle.stat();
  const problem = stat.isDirectory()
    ? 'is a directory'
    : !stat.isFile()
      ? 'is not a regular file (its size must be known before uploading)'
      : stat.size === 0
        ? 'is empty; there is nothing to upload'
        : undefined;
  if (problem) {
    await handle.close();
    throw new UsageError(`${file}: ${problem}`);
  }
  return { handle, size: stat.size };
}

/** Fills `target` from the file at `position`; a file that shrank meanwhile is an error, not a short chunk. */
async function readInto(handle: FileHandle, file: string, position: number, target: Buffer): Promise<Buffer> {
  let filled = 0;
  while (filled < target.length) {
    const { bytesRead } = await handle.read(target, filled, target.length - filled, position + filled);
    if (bytesRead === 0) throw new FailureError(`${file} shrank while it was being uploaded`);
    filled += bytesRead;
  }
  return target;
}

/** What surrounds a chunk in the multipart body of one APPEND: `segment_index`, then the file part `media`. */
export function appendEnvelope(boundary: string, segmentIndex: number, filename: string): { head: Buffer; tail: Buffer } {
  const safeName = filename.replace(/["\\\r\n]/g, '_');
  return {
    head: Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${segmentIndex}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
  };
}

/**
 * APPEND bodies built in one buffer reused for every segment, the chunk read from disk straight
 * into place: memory stays at one chunk whatever the file size.
 */
class AppendBodies {
  private readonly scratch: Buffer;

  constructor(
    private readonly upload: PreparedUpload,
    private readonly boundary: string,
  ) {
    const widest = appendEnvelope(boundary, MAX_SEGMENTS - 1, basename(upload.file));
    this.scratch = Buffer.allocUnsafe(widest.head.length + upload.chunkSize + widest.tail.length);
  }

  /** The body of one segment; valid until the next call. */
  async body(segment: number, offset: number, length: number): Promise<Buffer> {
    const { head, tail } = appendEnvelope(this.boundary, segment, basename(this.upload.file));
    head.copy(this.scratch, 0);
    await readInto(this.upload.handle, this.upload.file, offset, this.scratch.subarray(head.length, head.length + length));
    tail.copy(this.scratch, head.length + length);
    return this.scratch.subarray(0, head.length + length + tail.length);
  }
}

/** Whether a failed APPEND may succeed when sent again. */
function transient(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  return error instanceof ApiError && (error.status === 408 || error.status === 429 || error.status >= 500);
}

function stepError(step: string, error: unknown): unknown {
  if (error instanceof ApiError) return new HttpStatusError(error.status, `media ${step} failed: ${error.summary}`);
  if (error instanceof NetworkError) return new NetworkError(`media ${step} failed: ${error.message}`, { cause: error });
  return error;
}

function dataOf(json: unknown, step: string): MediaData {
  const data = (json as { data?: unknown } | undefined)?.data as MediaData | undefined;
  if (!data || typeof data.id !== 'string' || !/^\d{1,19}$/.test(data.id))
    throw new FailureError(`media ${step}: X's response has no media id`);
  return data;
}

async function appendWithRetry(
  ctx: Context,
  session: ApiSession,
  id: string,
  segment: number,
  body: Buffer,
  boundary: string,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await callApi(
        ctx,
        session.globals,
        {
          method: 'POST',
          path: `/2/media/upload/${id}/append`,
          body,
          headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        },
        session,
      );
      return;
    } catch (error) {
      if (attempt >= CHUNK_RETRIES || !transient(error)) throw stepError(`append of segment ${segment}`, error);
      const limitWait =
        error instanceof ApiError && error.status === 429 ? rateLimitWaitMs(error.result.headers, ctx.now()) : undefined;
      const wait = Math.min(limitWait ?? 500 * 2 ** attempt, 60_000) * backoffScale(ctx.env);
      const reason = error instanceof ApiError ? error.summary : (error as Error).message;
      ctx.io.stderr.write(
        `${ctx.io.isStderrTTY ? '\r\x1b[2K' : ''}xcli: segment ${segment} failed (${reason}); retrying (${attempt + 1}/${CHUNK_RETRIES})\n`,
      );
      await sleep(wait);
    }
  }
}

/** A file opened and checked for upload; `close` it if it is never sent. */
export interface PreparedUpload {
  file: string;
  handle: FileHandle;
  size: number;
  mediaType: string;
  category: MediaCategory;
  chunkSize: number;
  altText?: string;
  close(): Promise<void>;
}

/** Opens a file and settles its type, category and chunk size, refusing what X would refuse. */
export async function prepareUpload(
  ctx: Context,
  file: string,
  options: Pick<UploadOptions, 'mediaType' | 'category' | 'chunkSize' | 'altText'>,
): Promise<PreparedUpload> {
  if (options.altText !== undefined && (options.altText.trim() === '' || [...options.altText].length > MAX_ALT_TEXT)) {
    throw new UsageError(`--alt: alt text must be 1 to ${MAX_ALT_TEXT} characters`);
  }
  const { handle, size } = await openMediaFile(file);
  try {
    let mediaType = options.mediaType;
    if (!mediaType) {
      const detected = detectMediaType(file, await readInto(handle, file, 0, Buffer.alloc(Math.min(MAGIC_BYTES, size))));
      if (detected.mismatch)
        ctx.io.stderr.write(
          `xcli: warning: ${file} is named like ${detected.mismatch} but contains ${detected.mediaType}; uploading it as ${detected.mediaType}\n`,
        );
      mediaType = detected.mediaType;
    }
    const category = options.category ?? categoryFor(mediaType);
    const cap = sizeCap(category);
    if (cap !== undefined && size > cap)
      throw new UsageError(`${file} is ${formatBytes(size)}; X accepts at most ${formatBytes(cap)} for ${category}`);
    const chunkSize = planChunkSize(size, options.chunkSize);
    return { file, handle, size, mediaType, category, chunkSize, altText: options.altText, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Sends a prepared file (INITIALIZE, APPENDs, FINALIZE, STATUS polls) and closes it. */
export async function sendUpload(
  ctx: Context,
  session: ApiSession,
  upload: PreparedUpload,
  options: Pick<UploadOptions, 'wait' | 'timeoutMs'>,
): Promise<MediaData> {
  const { file, size, mediaType, category, chunkSize } = upload;
  let progress: Progress | undefined;
  try {
    let init;
    try {
      init = await callApi(
        ctx,
        session.globals,
        {
          method: 'POST',
          path: '/2/media/upload/initialize',
          json: { total_bytes: size, media_type: mediaType, media_category: category },
        },
        session,
      );
    } catch (error) {
      throw stepError('initialize', error);
    }
    const id = dataOf(init.json, 'initialize').id;
    // The id is on screen from here on, so an interrupted wait still tells where to look.
    progress = progressBar(ctx, `${basename(file)} → media ${id}`, size);
    const boundary = `xcli-${randomBytes(12).toString('hex')}`;
    const bodies = new AppendBodies(upload, boundary);
    for (let segment = 0, offset = 0; offset < size; segment++, offset += chunkSize) {
      const length = Math.min(chunkSize, size - offset);
      await appendWithRetry(ctx, session, id, segment, await bodies.body(segment, offset, length), boundary);
      progress.sent(offset + length);
    }
    let finalized: MediaData;
    try {
      finalized = dataOf(
        (await callApi(ctx, session.globals, { method: 'POST', path: `/2/media/upload/${id}/finalize` }, session)).json,
        'finalize',
      );
    } catch (error) {
      throw stepError('finalize', error);
    }
    if (upload.altText !== undefined) {
      try {
        await callApi(
          ctx,
          session.globals,
          { method: 'POST', path: '/2/media/metadata', json: { id, metadata: { alt_text: { text: upload.altText } } } },
          session,
        );
      } catch (error) {
        throw stepError('metadata (alt text)', error);
      }
    }
    const result =
      !options.wait || !needsProcessing(category)
        ? finalized
        : await waitForProcessing(ctx, session, finalized, ctx.now() + options.timeoutMs, progress);
    const state = result.processing_info?.state;
    progress.done(`uploaded ${formatBytes(size)}${state ? `, processing ${state}` : ''}`);
    return result;
  } finally {
    progress?.clear();
    await upload.close();
  }
}

export async function uploadMedia(ctx: Context, session: ApiSession, file: string, options: UploadOptions): Promise<MediaData> {
  return sendUpload(ctx, session, await prepareUpload(ctx, file, options), options);
}

export async function mediaStatus(ctx: Context, session: ApiSession, id: string): Promise<MediaData> {
  try {
    const result = await callApi(
      ctx,
      session.globals,
      { method: 'GET', path: '/2/media/upload', query: { command: 'STATUS', media_id: id } },
      session,
    );
    return dataOf(result.json, 'status');
  } catch (error) {
    throw stepError('status', error);
  }
}

/** A processing state after which polling is pointless: no processing at all, succeeded or failed. */
export function processingDone(data: MediaData): boolean {
  const state = data.processing_info?.state;
  return state === undefined || state === 'succeeded' || state === 'failed';
}

/** Thrown when processing failed or did not end in time; carries the last data for stdout. */
export class MediaWaitError extends FailureError {
  readonly data: MediaData;
  constructor(message: string, data: MediaData) {
    super(message, { code: 'XCLI_MEDIA' });
    this.data = data;
  }
}

/**
 * Polls STATUS until processing succeeds, fails or the deadline passes, waiting `check_after_secs`
 * between polls (at least 1 s, as xurl does) but never past the deadline.
 */
export async function waitForProcessing(
  ctx: Context,
  session: ApiSession,
  first: MediaData,
  deadline: number,
  progress?: Progress,
): Promise<MediaData> {
  let data = first;
  while (!processingDone(data)) {
    const info = data.processing_info!;
    progress?.note(`processing ${info.state ?? ''}${info.progress_percent !== undefined ? ` ${info.progress_percent}%` : ''}`);
    const remaining = deadline - ctx.now();
    if (remaining <= 0) {
      throw new MediaWaitError(
        `media ${data.id} is still processing (${info.state}) after the timeout; check later with 'xcli media status ${data.id} --wait'`,
        data,
      );
    }
    await sleep(Math.min(Math.max(info.check_after_secs ?? 1, 1) * 1000, remaining));
    data = await mediaStatus(ctx, session, data.id);
  }
  if (data.processing_info?.state === 'failed') {
    const reason = data.processing_info.error?.message ?? data.processing_info.error?.name;
    throw new MediaWaitError(`media ${data.id} processing failed${reason ? `: ${reason}` : ''}`, data);
  }
  return data;
}
