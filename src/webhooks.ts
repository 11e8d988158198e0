// The xcli webhook library (`xcli/webhooks`): X webhook primitives for production apps, the same
// code `xcli webhook start` runs. It loads only node: built-ins and its own modules; ioredis loads
// only when a Redis store or sink is made from a URL.
//
//   import { createServer } from 'node:http';
//   import { createWebhookHandler } from 'xcli/webhooks';
//   createServer(createWebhookHandler({ consumerSecret, path: '/webhook', onEvent })).listen(8080);
import { classifyEvent } from './webhook/classify.js';
import { crcResponseToken, isTokenShaped } from './webhook/crc.js';
import { coreOptionsOf, type WebhookHandlerOptions } from './webhook/library.js';
import { createNodeListener, DEFAULT_MAX_BODY_BYTES, type NodeListener } from './webhook/node-adapter.js';

export { classifyEvent, crcResponseToken, isTokenShaped, DEFAULT_MAX_BODY_BYTES };
export { checkSignature, signBody, verifySignature, SIGNATURE_HEADER, type SignatureVerdict } from './webhook/signature.js';
export { handleWebhookRequest, type NodeListener } from './webhook/node-adapter.js';
export type { HandlerOptions, WebhookRequestParts, WebhookResponseParts } from './webhook/handler.js';
export { DEFAULT_DEDUPE_TTL_MS, type EventSink, type ReceivedEvent, type WebhookHandlerOptions } from './webhook/library.js';
export { createMemoryDedupeStore, type DedupeStore, type MemoryDedupeOptions } from './webhook/dedupe.js';
export {
  createRedisDedupeStore,
  createRedisStreamSink,
  type RedisClientLike,
  type RedisDedupeOptions,
  type RedisStreamEntry,
  type RedisStreamOptions,
  type RedisStreamSink,
  type RedisTarget,
} from './webhook/redis.js';
export { handleWebhookFetch, type FetchHandlerOptions } from './webhook/fetch.js';
export type {
  AccountActivityPayload,
  ActivityEnvelope,
  EventInfo,
  StreamDelivery,
  WebhookEvent,
  WebhookProduct,
  XPost,
  XUser,
} from './webhook/types.js';

/**
 * The JSON body answering X's CRC: `{ response_token: "sha256=…" }`. Throws for a token that is
 * not token-shaped, so a CRC route built on it is never a signing oracle for forged event bodies.
 */
export function crcResponse(consumerSecret: string, crcToken: string): { response_token: string } {
  if (!consumerSecret) throw new TypeError('[xcli/webhooks] consumerSecret is required');
  if (!isTokenShaped(crcToken))
    throw new TypeError('[xcli/webhooks] crc_token is not token-shaped (8-128 characters of base64/base64url)');
  return { response_token: crcResponseToken(consumerSecret, crcToken) };
}

/** A `(req, res, next?)` handler for node:http, Express, Connect, and Fastify (req.raw, reply.raw). */
export function createWebhookHandler(options: WebhookHandlerOptions): NodeListener {
  return createNodeListener({ ...coreOptionsOf(options), maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
}
