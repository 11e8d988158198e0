// Request bodies from the command line: `-d` (literal, @file, @- for stdin), `-f key=value` fields
// (a JSON body, or the query string for GET), and `-F` files sent as multipart/form-data.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs';
import { promisify } from 'node:util';
import { basename, extname } from 'node:path';
import type { Context } from '../context.js';
import { readAll } from '../io.js';
import { UsageError } from '../errors.js';

/** `-d` value: `@-` reads stdin, `@file` a file (bytes kept exactly, unlike curl's -d), else the text. */
export async function readData(ctx: Context, data: string): Promise<Buffer> {
  if (data === '@-') return readAll(ctx.io.stdin);
  if (data.startsWith('@')) return readFileForFlag(data.slice(1), '-d');
  return Buffer.from(data, 'utf8');
}

/** fs's callback readFile: fs/promises would load on every request's path for the rare `@file`. */
const readFileAsync = promisify(readFile);

async function readFileForFlag(path: string, flag: string): Promise<Buffer> {
  if (!path) throw new UsageError(`${flag} @: missing file name`);
  try {
    return await readFileAsync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String(code ?? error);
    throw new UsageError(`${flag} ${path}: ${reason}`);
  }
}

/** Content types whose bodies must be JSON. */
export function isJsonContentType(contentType: string): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim());
}

/** xurl's automatic type: JSON when the body parses as JSON, else a form. */
export function autoContentType(body: Buffer): string {
  try {
    JSON.parse(body.toString('utf8'));
    return 'application/json';
  } catch {
    return 'application/x-www-form-urlencoded';
  }
}

export interface Field {
  key: string;
  value: string;
}

export function parseField(spec: string): Field {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`-f '${spec}': expected key=value`);
  const key = spec.slice(0, eq);
  if (!/^[^[\]]+(\[[^[\]]*\])*$/.test(key)) throw new UsageError(`-f '${spec}': bad key '${key}' (use key, key[sub] or key[])`);
  return { key, value: spec.slice(eq + 1) };
}

// X ids are strings in every schema; keys that name ids never become numbers.
const ID_KEY = /(^|_)ids?$/;

/** `-f` typing: true/false/null and plain numbers become JSON values, except for id keys and long digit strings. */
function typedValue(key: string, value: string): unknown {
  if (ID_KEY.test(key)) return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null') return null;
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** Builds a JSON object from fields; `a[b]=1` nests, `a[]=1` appends to an array. */
export function fieldsToJson(fields: Field[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { key, value } of fields) {
    const parts = [
      key.slice(0, key.includes('[') ? key.indexOf('[') : undefined),
      ...[...key.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!),
    ];
    const typed = typedValue(parts.filter((p) => p !== '').pop() ?? key, value);
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (Array.isArray(node)) {
        if (part !== '') throw new UsageError(`-f ${key}: cannot mix key[] and key[name]`);
        if (last) node.push(typed);
        else {
          const child: Record<string, unknown> | unknown[] = parts[i + 1] === '' ? [] : {};
          node.push(child);
          node = child;
        }
        continue;
      }
      if (part === '') throw new UsageError(`-f ${key}: bad key`);
      if (last) {
        node[part] = typed;
        continue;
      }
      const wantArray = parts[i + 1] === '';
      const existing = node[part];
      if (existing === undefined) node[part] = wantArray ? [] : {};
      else if (Array.isArray(existing) !== wantArray || typeof existing !== 'object' || existing === null) {
        throw new UsageError(`-f ${key}: conflicts with an earlier field`);
      }
      node = node[part] as Record<string, unknown> | unknown[];
    }
  }
  return root;
}

export interface FilePart {
  name: string;
  path: string;
}

/** `-F file` (sent as the field `media`, X's upload field) or `-F name=@file`. */
export function parseFilePart(spec: string): FilePart {
  const named = /^([^=@]+)=@(.+)$/.exec(spec);
  if (named) return { name: named[1]!, path: named[2]! };
  if (spec.startsWith('@')) return { name: 'media', path: spec.slice(1) };
  return { name: 'media', path: spec };
}

const MEDIA_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.srt': 'application/x-subrip',
  '.vtt': 'text/vtt',
  '.json': 'application/json',
  '.txt': 'text/plain',
};

/** A multipart/form-data body with text fields first, then the files. */
export async function multipartBody(fields: Field[], files: FilePart[]): Promise<{ body: Buffer; contentType: string }> {
  const boundary = `xcli-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  const quote = (s: string) => s.replace(/["\r\n\\]/g, (c) => encodeURIComponent(c));
  for (const { key, value } of fields) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(key)}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    const bytes = await readFileForFlag(file.path, '-F');
    const type = MEDIA_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.name)}"; filename="${quote(basename(file.path))}"\r\nContent-Type: ${type}\r\n\r\n`,
      ),
      bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** `-H "Name: value"`: split on the first colon, both sides trimmed; no colon is a usage error. */
export function parseHeaders(specs: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const name = colon > 0 ? spec.slice(0, colon).trim() : '';
    if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`-H '${spec}': expected 'Name: value'`);
    const value = spec.slice(colon + 1).trim();
    if (/[\r\n]/.test(value)) throw new UsageError(`-H '${name}': header values cannot contain line breaks`);
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) headers[existing] = `${headers[existing]}, ${value}`;
    else headers[name] = value;
  }
  return headers;
}
