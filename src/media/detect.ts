// What X should be told about a file: its media type (from the magic bytes, else the extension),
// the upload category that type implies, and the size cap of that category.
import { extname } from 'node:path';
import { UsageError } from '../errors.js';

/** X's `media_category` values (InitializeMediaUploadRequest). */
export const MEDIA_CATEGORIES = [
  'tweet_image',
  'tweet_gif',
  'tweet_video',
  'amplify_video',
  'dm_image',
  'dm_gif',
  'dm_video',
  'subtitles',
] as const;
export type MediaCategory = (typeof MEDIA_CATEGORIES)[number];

interface KnownType {
  mediaType: string;
  extensions: string[];
  /** True when the first bytes of a file identify this type. */
  magic?: (head: Buffer) => boolean;
}

const ascii = (head: Buffer, offset: number, text: string) =>
  head.subarray(offset, offset + text.length).toString('latin1') === text;

/** ISO base media (`ftyp` box): QuickTime says brand `qt  `; every other brand is sent as MP4. */
const isoBrand = (head: Buffer) => (ascii(head, 4, 'ftyp') ? head.subarray(8, 12).toString('latin1') : undefined);

// The media types X accepts, in the order they are tried against the magic bytes.
const KNOWN_TYPES: KnownType[] = [
  {
    mediaType: 'image/jpeg',
    extensions: ['.jpg', '.jpeg', '.jpe', '.jfif'],
    magic: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff,
  },
  { mediaType: 'image/png', extensions: ['.png'], magic: (h) => ascii(h, 0, '\x89PNG\r\n\x1a\n') },
  { mediaType: 'image/gif', extensions: ['.gif'], magic: (h) => ascii(h, 0, 'GIF87a') || ascii(h, 0, 'GIF89a') },
  { mediaType: 'image/webp', extensions: ['.webp'], magic: (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'WEBP') },
  { mediaType: 'image/bmp', extensions: ['.bmp'], magic: (h) => ascii(h, 0, 'BM') && h.length >= 14 },
  { mediaType: 'image/tiff', extensions: ['.tif', '.tiff'], magic: (h) => ascii(h, 0, 'II*\0') || ascii(h, 0, 'MM\0*') },
  { mediaType: 'video/quicktime', extensions: ['.mov', '.qt'], magic: (h) => isoBrand(h) === 'qt  ' },
  { mediaType: 'video/mp4', extensions: ['.mp4', '.m4v'], magic: (h) => isoBrand(h) !== undefined && isoBrand(h) !== 'qt  ' },
  {
    mediaType: 'video/webm',
    extensions: ['.webm'],
    magic: (h) => h[0] === 0x1a && h[1] === 0x45 && h[2] === 0xdf && h[3] === 0xa3,
  },
  // MPEG transport stream: a sync byte every 188 bytes.
  {
    mediaType: 'video/mp2t',
    extensions: ['.ts', '.m2ts'],
    magic: (h) => h.length > 376 && h[0] === 0x47 && h[188] === 0x47 && h[376] === 0x47,
  },
  { mediaType: 'text/vtt', extensions: ['.vtt'], magic: (h) => ascii(h, 0, 'WEBVTT') || ascii(h, 0, '\ufeffWEBVTT') },
  { mediaType: 'text/srt', extensions: ['.srt'] },
  { mediaType: 'model/gltf-binary', extensions: ['.glb'], magic: (h) => ascii(h, 0, 'glTF') },
  { mediaType: 'model/vnd.usdz+zip', extensions: ['.usdz'] },
  { mediaType: 'image/pjpeg', extensions: [] },
];

/** X's `media_type` values. */
export const MEDIA_TYPES = KNOWN_TYPES.map((t) => t.mediaType);

/** How many leading bytes `detectMediaType` needs. */
export const MAGIC_BYTES = 512;

export interface Detected {
  mediaType: string;
  /** Set when the extension names another type than the content; the content wins. */
  mismatch?: string;
}

/**
 * The media type of a file from its first bytes, else its extension. Magic bytes win because a
 * misnamed file (a PNG saved as .jpg) is processed by X as what it is.
 */
export function detectMediaType(file: string, head: Buffer): Detected {
  const ext = extname(file).toLowerCase();
  const byExtension = KNOWN_TYPES.find((t) => t.extensions.includes(ext))?.mediaType;
  const byContent = KNOWN_TYPES.find((t) => t.magic?.(head))?.mediaType;
  if (byContent) {
    return byExtension && byExtension !== byContent ? { mediaType: byContent, mismatch: byExtension } : { mediaType: byContent };
  }
  if (byExtension) return { mediaType: byExtension };
  throw new UsageError(
    `cannot tell the media type of ${file} from its name or content; pass --media-type (one of ${MEDIA_TYPES.join(', ')})`,
  );
}

/** X's category for a type in posts: GIFs and videos are processed asynchronously, images are not. */
export function categoryFor(mediaType: string): MediaCategory {
  if (mediaType === 'image/gif') return 'tweet_gif';
  if (mediaType.startsWith('image/')) return 'tweet_image';
  if (mediaType.startsWith('video/')) return 'tweet_video';
  if (mediaType.startsWith('text/')) return 'subtitles';
  throw new UsageError(`no default category for ${mediaType}; pass --category (one of ${MEDIA_CATEGORIES.join(', ')})`);
}

/** Whether X processes this category after FINALIZE (so STATUS must be polled). */
export function needsProcessing(category: string): boolean {
  return /video|gif/.test(category);
}

const MiB = 1024 * 1024;

/** X's documented size caps: images 5 MB, GIFs 15 MB, videos 512 MB. */
export function sizeCap(category: string): number | undefined {
  if (category.endsWith('_image')) return 5 * MiB;
  if (category.endsWith('_gif')) return 15 * MiB;
  if (category.endsWith('_video')) return 512 * MiB;
  return undefined;
}

export function parseMediaType(value: string): string {
  const type = value.trim().toLowerCase();
  if (!MEDIA_TYPES.includes(type)) throw new UsageError(`--media-type ${value}: X accepts ${MEDIA_TYPES.join(', ')}`);
  return type;
}

export function parseCategory(value: string): MediaCategory {
  const category = value.trim().toLowerCase() as MediaCategory;
  if (!MEDIA_CATEGORIES.includes(category)) throw new UsageError(`--category ${value}: X accepts ${MEDIA_CATEGORIES.join(', ')}`);
  return category;
}

export { formatBytes } from '../terminal/bytes.js';
