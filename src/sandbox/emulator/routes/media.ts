// X's v2 chunked media upload in the sandbox: INITIALIZE, APPEND (multipart or JSON base64),
// FINALIZE, STATUS and metadata (alt text). Only chunk sizes are kept, never the bytes, so large
// uploads cost no memory. Videos and GIFs are "processed": STATUS answers in_progress, then succeeded.
import type { SandboxApp } from '../app.js';
import { invalidRequest, problem } from '../problems.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';
import { nextId, type MediaUpload, type SandboxState } from '../store.js';

const MEDIA_TYPES = [
  'video/mp4',
  'video/webm',
  'video/mp2t',
  'video/quicktime',
  'text/srt',
  'text/vtt',
  'image/jpeg',
  'image/gif',
  'image/bmp',
  'image/png',
  'image/webp',
  'image/pjpeg',
  'image/tiff',
  'model/gltf-binary',
  'model/vnd.usdz+zip',
];
const CATEGORIES = ['amplify_video', 'tweet_gif', 'tweet_image', 'tweet_video', 'dm_gif', 'dm_image', 'dm_video', 'subtitles'];
const MAX_TOTAL_BYTES = 17_179_869_184;
/** APPEND takes chunks up to 5 MB. */
const MAX_CHUNK_BYTES = 5 * 1024 * 1024;
const EXPIRES_AFTER_SECS = 86_400;
const MEDIA_ID = /^[0-9]{1,19}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/** Parses a multipart/form-data body (RFC 7578); undefined when it is not well formed. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) return undefined;
  for (;;) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') return parts;
    const headerEnd = body.indexOf('\r\n\r\n', afterDelimiter);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd);
    if (headerEnd < 0 || next < 0) return undefined;
    const headers = body.subarray(afterDelimiter, headerEnd).toString('utf8');
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers);
    const name = disposition && /\bname="([^"]*)"/i.exec(disposition[1]!);
    if (!name) return undefined;
    const filename = /\bfilename="([^"]*)"/i.exec(disposition[1]!)?.[1];
    parts.push({ name: name[1]!, ...(filename !== undefined ? { filename } : {}), data: body.subarray(headerEnd + 4, next) });
    start = next + 2;
  }
}

function mediaKeyPrefix(category: string | undefined): string {
  if (category?.endsWith('_gif')) return '16';
  if (category?.endsWith('video')) return '7';
  return '3';
}

function uploadNotFound(id: string): SandboxResponse {
  return invalidRequest(`Could not find media upload with id: [${id}].`, { parameters: { media_id: [id] } });
}

function ownUpload(state: SandboxState, req: SandboxRequest, id: string): MediaUpload | SandboxResponse {
  const upload = MEDIA_ID.test(id) ? state.media.get(id) : undefined;
  if (!upload || (upload.owner_id !== undefined && upload.owner_id !== req.auth.userId)) return uploadNotFound(id);
  return upload;
}

function receivedBytes(upload: MediaUpload): number {
  return (upload.segments ?? []).reduce((sum, size) => sum + (size ?? 0), 0);
}

function processingInfo(upload: MediaUpload): Obj | undefined {
  switch (upload.state) {
    case 'pending':
      return { state: 'pending', check_after_secs: 1 };
    case 'in_progress':
      return { state: 'in_progress', check_after_secs: 1, progress_percent: 50 };
    case 'succeeded':
      return isProcessed(upload) ? { state: 'succeeded', progress_percent: 100 } : undefined;
    case 'failed':
      return {
        state: 'failed',
        progress_percent: 100,
        error: { code: 1, name: 'InvalidMedia', message: 'Unsupported video format' },
      };
    default:
      return undefined;
  }
}

const isProcessed = (upload: MediaUpload) => /video|gif/.test(upload.media_category ?? '');

/** The `data` object of FINALIZE and STATUS. */
export function mediaData(upload: MediaUpload): Obj {
  const data: Obj = {
    id: upload.id,
    media_key: upload.media_key,
    size: upload.total_bytes ?? 0,
    expires_after_secs: EXPIRES_AFTER_SECS,
  };
  const info = processingInfo(upload);
  if (info) data.processing_info = info;
  if (upload.state === 'succeeded' && upload.media_type?.startsWith('image/'))
    data.image = { image_type: upload.media_type, w: 1200, h: 675 };
  if (upload.state === 'succeeded' && upload.media_type?.startsWith('video/')) data.video = { video_type: upload.media_type };
  return data;
}

function initialize(app: SandboxApp, req: SandboxRequest): SandboxResponse {
  const body = req.json;
  if (!isObj(body)) return invalidRequest('The request body must be a JSON object with media_type and total_bytes');
  const extra = Object.keys(body).find(
    (k) => !['media_type', 'total_bytes', 'media_category', 'shared', 'additional_owners'].includes(k),
  );
  if (extra) return invalidRequest(`[${extra}] is not a valid field`);
  const { media_type: mediaType, total_bytes: totalBytes, media_category: category } = body;
  if (typeof mediaType !== 'string' || !MEDIA_TYPES.includes(mediaType))
    return invalidRequest(`The \`media_type\` value [${String(mediaType)}] is not one of [${MEDIA_TYPES.join(', ')}]`);
  if (typeof totalBytes !== 'number' || !Number.isInteger(totalBytes) || totalBytes < 0 || totalBytes > MAX_TOTAL_BYTES) {
    return invalidRequest(`The \`total_bytes\` value [${String(totalBytes)}] is not between 0 and ${MAX_TOTAL_BYTES}`);
  }
  if (category !== undefined && (typeof category !== 'string' || !CATEGORIES.includes(category)))
    return invalidRequest(`The \`media_category\` value [${String(category)}] is not one of [${CATEGORIES.join(', ')}]`);
  const id = nextId(app.state, app.now());
  const upload: MediaUpload = {
    id,
    media_key: `${mediaKeyPrefix(category as string | undefined)}_${id}`,
    media_type: mediaType,
    ...(category !== undefined ? { media_category: category as string } : {}),
    total_bytes: totalBytes,
    received_bytes: 0,
    segments: [],
    state: 'initialized',
    ...(req.auth.userId !== undefined ? { owner_id: req.auth.userId } : {}),
    created_at: new Date(app.now()).toISOString(),
  };
  app.state.media.set(id, upload);
  app.changed();
  return { status: 200, json: { data: { id, media_key: upload.media_key, expires_after_secs: EXPIRES_AFTER_SECS } } };
}

function append(app: SandboxApp, req: SandboxRequest): SandboxResponse {
  const found = ownUpload(app.state, req, req.params.id!);
  if (!('id' in found)) return found;
  if (found.state !== 'initialized') return invalidRequest(`Media upload [${found.id}] is already finalized`);
  let segment: unknown;
  let chunk: Buffer | undefined;
  const contentType = String(req.headers['content-type'] ?? '');
  if (/^multipart\/form-data/i.test(contentType)) {
    const parts = parseMultipart(req.rawBody, contentType);
    if (!parts) return invalidRequest('The multipart body could not be parsed');
    const index = parts.find((p) => p.name === 'segment_index')?.data.toString('utf8');
    segment = index !== undefined && /^\d+$/.test(index) ? Number(index) : index;
    chunk = parts.find((p) => p.name === 'media')?.data;
  } else if (isObj(req.json)) {
    segment = req.json.segment_index;
    chunk = typeof req.json.media === 'string' ? Buffer.from(req.json.media, 'base64') : undefined;
  }
  if (typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0 || segment > 999) {
    return invalidRequest(`The \`segment_index\` value [${String(segment)}] is not between 0 and 999`);
  }
  if (!chunk) return invalidRequest('The `media` field is required');
  if (chunk.length > MAX_CHUNK_BYTES)
    return invalidRequest(`The segment is ${chunk.length} bytes; segments are at most ${MAX_CHUNK_BYTES} bytes`);
  const segments = (found.segments ??= []);
  segments[segment] = chunk.length;
  found.received_bytes = receivedBytes(found);
  app.changed();
  return { status: 200, json: { data: { expires_at: Math.floor(app.now() / 1000) + EXPIRES_AFTER_SECS } } };
}

function finalize(app: SandboxApp, req: SandboxRequest): SandboxResponse {
  const found = ownUpload(app.state, req, req.params.id!);
  if (!('id' in found)) return found;
  if (found.state === 'initialized') {
    const received = receivedBytes(found);
    const missing = (found.segments ?? []).findIndex((s) => s === undefined || s === null);
    if (missing >= 0) return invalidRequest(`InvalidMedia: segment ${missing} of media [${found.id}] was never appended`);
    if (received !== found.total_bytes) {
      return invalidRequest(
        `InvalidMedia: segments add up to ${received} bytes, not the total_bytes ${found.total_bytes} given at initialize`,
      );
    }
    found.state = isProcessed(found) ? 'pending' : 'succeeded';
    app.changed();
  }
  return { status: 200, json: { data: mediaData(found) } };
}

function status(app: SandboxApp, req: SandboxRequest): SandboxResponse {
  const command = req.query.get('command');
  if (command !== null && command !== 'STATUS') return invalidRequest(`The \`command\` value [${command}] is not STATUS`);
  const id = req.query.get('media_id');
  if (id === null) return invalidRequest('The `media_id` query parameter is required');
  const found = ownUpload(app.state, req, id);
  if (!('id' in found)) return found;
  if (found.state === 'initialized')
    return problem(400, {
      title: 'Invalid Request',
      detail: `Media [${id}] has not been finalized`,
      type: 'https://api.x.com/2/problems/invalid-request',
      status: 400,
    });
  // One step of processing per STATUS call: pending → in_progress → succeeded.
  if (found.state === 'pending') found.state = 'in_progress';
  else if (found.state === 'in_progress') found.state = 'succeeded';
  app.changed();
  return { status: 200, json: { data: mediaData(found) } };
}

function metadata(app: SandboxApp, req: SandboxRequest): SandboxResponse {
  const body = req.json;
  if (!isObj(body) || typeof body.id !== 'string') return invalidRequest('`id` is required and must be a media id');
  const found = ownUpload(app.state, req, body.id);
  if (!('id' in found)) return found;
  const meta = isObj(body.metadata) ? body.metadata : {};
  const alt = isObj(meta.alt_text) ? meta.alt_text.text : undefined;
  if (meta.alt_text !== undefined && (typeof alt !== 'string' || alt.length > 1000))
    return invalidRequest('`metadata.alt_text.text` must be a string of at most 1000 characters');
  if (typeof alt === 'string') found.alt_text = alt;
  app.changed();
  return { status: 200, json: { data: { id: found.id, associated_metadata: meta } } };
}

export function registerMediaRoutes(app: SandboxApp): void {
  app.route('POST', '/2/media/metadata', (req) => metadata(app, req));
  app.route('POST', '/2/media/upload/initialize', (req) => initialize(app, req));
  app.route('POST', '/2/media/upload/:id/append', (req) => append(app, req));
  app.route('POST', '/2/media/upload/:id/finalize', (req) => finalize(app, req));
  app.route('GET', '/2/media/upload', (req) => status(app, req));
}
