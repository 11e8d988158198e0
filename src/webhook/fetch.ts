// The Fetch API handler, for Hono, Next.js route handlers, Bun, Deno and Cloudflare Workers: a
// Request in, a Response out. It loads no node: module (the entry `xcli/webhooks/fetch`): the HMAC
// is node:crypto where the runtime has it (process.getBuiltinModule), else Web Crypto.
import { createMemoryDedupeStore, type DedupeStore, type MemoryDedupeOptions } from './dedupe.js';
import { jsonResponse, respond, type CoreOptions, type HeaderValue, type WebhookResponseParts } from './handler.js';
import { coreOptionsOf, type EventSink, type ReceivedEvent, type WebhookHandlerOptions } from './library.js';
import type { WebhookCrypto } from './protocol.js';

export { createMemoryDedupeStore, type DedupeStore, type MemoryDedupeOptions, type EventSink, type ReceivedEvent };

/** createWebhookHandler's options; events carry the raw body as a Uint8Array (a Buffer where there is one). */
export type FetchHandlerOptions = WebhookHandlerOptions<Uint8Array>;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Answers X's CRC GETs and event POSTs given as a Fetch API Request. */
export async function handleWebhookFetch(request: Request, options: FetchHandlerOptions): Promise<Response> {
  const core: CoreOptions<Uint8Array> = { ...coreOptionsOf(options), crypto: platformCrypto() };
  const url = new URL(request.url);
  const headers: Record<string, HeaderValue> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let body: Uint8Array = EMPTY;
  if (request.method === 'POST') {
    const read = await readBody(request, limit);
    if (read === undefined)
      return toResponse(jsonResponse(413, { error: `body larger than ${limit} bytes` }, { connection: 'close' }));
    body = read;
  }
  return toResponse(await respond({ method: request.method, url: url.pathname + url.search, headers, body }, core));
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** The body's bytes, or undefined past the limit (read no further than that). */
async function readBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (Number(request.headers.get('content-length')) > limit) return undefined;
  if (!request.body) return EMPTY;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = asBuffer(new Uint8Array(size));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** A Buffer where the runtime has one (Node, Bun, Deno), so rawBody.toString() works as on Node. */
function asBuffer(bytes: Uint8Array): Uint8Array {
  const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBuffer, offset: number, length: number): Uint8Array } }).Buffer;
  return NodeBuffer ? NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length) : bytes;
}

function toResponse(parts: WebhookResponseParts): Response {
  return new Response(parts.status === 200 && parts.body === '' ? null : parts.body, {
    status: parts.status,
    headers: parts.headers,
  });
}

type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
type NodeCryptoModule = {
  createHmac(algorithm: string, key: string): { update(data: Uint8Array | string): { digest(encoding: 'base64'): string } };
};

let nodeHmac: WebhookCrypto | undefined;
let webHmac: WebhookCrypto | undefined;

/** node:crypto when the runtime has it, else Web Crypto. */
function platformCrypto(): WebhookCrypto {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const node = typeof getBuiltin === 'function' ? (getBuiltin('node:crypto') as NodeCryptoModule | undefined) : undefined;
  if (!node) return (webHmac ??= webCrypto());
  const sign = (secret: string, data: Uint8Array | string): string =>
    `sha256=${node.createHmac('sha256', secret).update(data).digest('base64')}`;
  return (nodeHmac ??= { crcToken: sign, signBody: sign });
}

/** HMAC-SHA256 with Web Crypto (crypto.subtle): asynchronous, in every runtime with fetch. */
function webCrypto(): WebhookCrypto {
  const encoder = new TextEncoder();
  const keys = new Map<string, Promise<WebCryptoKey>>();
  const keyOf = (secret: string): Promise<WebCryptoKey> => {
    let key = keys.get(secret);
    if (!key) {
      if (keys.size >= 16) keys.clear(); // a few secrets at a time (a rotation), not one per call
      key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      keys.set(secret, key);
    }
    return key;
  };
  const sign = async (secret: string, data: Uint8Array | string): Promise<string> => {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keyOf(secret), bytes as Uint8Array<ArrayBuffer>));
    let binary = '';
    for (const byte of mac) binary += String.fromCharCode(byte);
    return `sha256=${btoa(binary)}`;
  };
  return { crcToken: sign, signBody: sign };
}
