// The xcli library: X webhook primitives for production apps, the same code `xcli webhook start` runs.
//
//   import { createServer } from 'node:http';
//   import { createWebhookHandler } from 'xcli';
//   createServer(createWebhookHandler({ consumerSecret, path: '/webhook', onEvent })).listen(8080);
import { classifyEvent } from './webhook/classify.js';
import { crcResponseToken, isTokenShaped } from './webhook/crc.js';
import type { Delivery } from './webhook/handler.js';
import { createNodeListener, DEFAULT_MAX_BODY_BYTES, type NodeListener } from './webhook/node-adapter.js';
import type { SignatureVerdict } from './webhook/signature.js';
import type { EventInfo, WebhookEvent } from './webhook/types.js';

export { classifyEvent, crcResponseToken, isTokenShaped, DEFAULT_MAX_BODY_BYTES };
export { checkSignature, signBody, verifySignature, SIGNATURE_HEADER, type SignatureVerdict } from './webhook/signature.js';
export { handleWebhookRequest, type HandlerOptions, type WebhookRequestParts, type WebhookResponseParts } from './webhook/handler.js';
export type { NodeListener } from './webhook/node-adapter.js';
export type { AccountActivityPayload, ActivityEnvelope, EventInfo, StreamDelivery, WebhookEvent, WebhookProduct, XPost, XUser } from './webhook/types.js';

/**
 * The JSON body answering X's CRC: `{ response_token: "sha256=…" }`. Throws for a token that is
 * not token-shaped, so a CRC route built on it is never a signing oracle for forged event bodies.
 */
export function crcResponse(consumerSecret: string, crcToken: string): { response_token: string } {
  if (!consumerSecret) throw new TypeError('[xcli/webhooks] consumerSecret is required');
  if (!isTokenShaped(crcToken)) throw new TypeError('[xcli/webhooks] crc_token is not token-shaped (8-128 characters of base64/base64url)');
  return { response_token: crcResponseToken(consumerSecret, crcToken) };
}

/** An event as the app receives it: narrow on `product` to get the typed body. */
export type ReceivedEvent = WebhookEvent &
  Omit<EventInfo, 'product'> & {
    rawBody: Buffer;
    signature: SignatureVerdict;
    receivedAt: Date;
    headers: Record<string, string | string[] | undefined>;
  };

export interface WebhookHandlerOptions {
  /** The app's OAuth 1.0a consumer secret (API Key Secret): the key of CRC answers and signatures. */
  consumerSecret: string;
  /** Serve only this path (other paths: 404, or `next()` under Express). Default: any path. */
  path?: string;
  /** Refuse unsigned or wrongly signed POSTs with 403. Default true; false passes them on, flagged. */
  requireSignature?: boolean;
  /** Largest body accepted (413 above). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Called for each event before X gets its 200; a throw answers 503 so X delivers again. */
  onEvent: (event: ReceivedEvent) => void | Promise<void>;
  /**
   * Dedupe hook: X may deliver an event more than once. Return true for an event id already
   * handled and onEvent is skipped (X still gets 200).
   */
  isDuplicate?: (eventId: string) => boolean | Promise<boolean>;
}

/** A `(req, res, next?)` handler for node:http, Express, Connect, Fastify's raw mode… */
export function createWebhookHandler(options: WebhookHandlerOptions): NodeListener {
  if (!options.consumerSecret) throw new TypeError('[xcli/webhooks] consumerSecret is required');
  if (typeof options.onEvent !== 'function') throw new TypeError('[xcli/webhooks] onEvent must be a function');
  return createNodeListener({
    consumerSecret: options.consumerSecret,
    path: options.path,
    requireSignature: options.requireSignature ?? true,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onDelivery: async (delivery: Delivery) => {
      const { info } = delivery;
      if (info.eventId !== undefined && options.isDuplicate && (await options.isDuplicate(info.eventId))) return;
      const event = {
        ...info,
        body: delivery.json,
        rawBody: delivery.rawBody,
        signature: delivery.verdict,
        receivedAt: delivery.receivedAt,
        headers: delivery.headers,
      } as ReceivedEvent;
      await options.onEvent(event);
    },
  });
}
