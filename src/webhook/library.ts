// The library's options and what it does with each verified event, shared by the node:http handler
// (webhooks.ts) and the Fetch API one (fetch.ts): the isDuplicate hook, a dedupe store's claim, the
// sink's hand-off, then onEvent; a failure after the claim releases it so X's retry gets through.
import type { DedupeStore } from './dedupe.js';
import type { Delivery, HandlerOptions, HeaderValue } from './handler.js';
import type { SignatureVerdict } from './signature.js';
import type { EventInfo, WebhookEvent } from './types.js';

/** An event as the app receives it: narrow on `product` to get the typed body. */
export type ReceivedEvent<Body extends Uint8Array = Buffer> = WebhookEvent &
  Omit<EventInfo, 'product'> & {
    rawBody: Body;
    signature: SignatureVerdict;
    receivedAt: Date;
    headers: Record<string, HeaderValue>;
  };

/** Where verified, non-duplicate events are handed off before X is answered (a queue, a stream). */
export interface EventSink<Body extends Uint8Array = Buffer> {
  /** Resolves once the event is stored; a rejection answers 503 so X delivers again. */
  append(event: ReceivedEvent<Body>): Promise<void>;
}

export interface WebhookHandlerOptions<Body extends Uint8Array = Buffer> {
  /**
   * The app's OAuth 1.0a consumer secret (API Key Secret): the key of CRC answers and signatures.
   * During a rotation, an array: events signed with any verify; the CRC is answered with the first.
   */
  consumerSecret: string | readonly string[];
  /** Serve only this path (other paths: 404, or `next()` under Express). Default: any path. */
  path?: string;
  /** Refuse unsigned or wrongly signed POSTs with 403. Default true; false passes them on, flagged. */
  requireSignature?: boolean;
  /** Largest body accepted (413 above). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Called for each event before X gets its 200; a throw answers 503 so X delivers again. */
  onEvent?: (event: ReceivedEvent<Body>) => void | Promise<void>;
  /**
   * Dedupe hook: X may deliver an event more than once. Return true for an event id already
   * handled and onEvent is skipped (X still gets 200).
   */
  isDuplicate?: (eventId: string) => boolean | Promise<boolean>;
  /**
   * A store shared by every instance (createRedisDedupeStore) or one process's
   * (createMemoryDedupeStore): a verified event runs onEvent only if its id is claimed here.
   * A store that fails answers 503, so X delivers again.
   */
  dedupe?: DedupeStore;
  /** How long a claimed event id is remembered. Default 24 hours. */
  dedupeTtlMs?: number;
  /** Each verified, non-duplicate event is appended here before X gets its 200 (and before onEvent). */
  sink?: EventSink<Body>;
}

export const DEFAULT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

/** Checks the options and turns them into the handler core's. */
export function coreOptionsOf<Body extends Uint8Array>(options: WebhookHandlerOptions<Body>): HandlerOptions<Body> {
  const secrets = typeof options.consumerSecret === 'string' ? [options.consumerSecret] : options.consumerSecret;
  if (!Array.isArray(secrets) || secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s === '')) {
    throw new TypeError(
      '[xcli/webhooks] consumerSecret is required (a string, or a non-empty array of strings during a rotation)',
    );
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function')
    throw new TypeError('[xcli/webhooks] onEvent must be a function');
  if (options.onEvent === undefined && options.sink === undefined)
    throw new TypeError('[xcli/webhooks] onEvent must be a function (or pass a sink)');
  const { dedupe, sink, onEvent, isDuplicate } = options;
  const ttlMs = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
  return {
    consumerSecret: options.consumerSecret,
    path: options.path,
    requireSignature: options.requireSignature ?? true,
    onDelivery: async (delivery: Delivery<Body>) => {
      const { info } = delivery;
      const id = info.eventId;
      if (id !== undefined && isDuplicate && (await isDuplicate(id))) return;
      // Only verified events claim an id: unsigned junk must not make X's real event a duplicate.
      const claims = id !== undefined && dedupe !== undefined && delivery.verdict === 'valid';
      if (claims && !(await dedupe.claim(id, ttlMs))) return;
      const event = {
        ...info,
        body: delivery.json,
        rawBody: delivery.rawBody,
        signature: delivery.verdict,
        receivedAt: delivery.receivedAt,
        headers: delivery.headers,
      } as ReceivedEvent<Body>;
      try {
        await sink?.append(event);
        await onEvent?.(event);
      } catch (error) {
        // X delivers again after the 503: its retry must not be taken for a duplicate.
        if (claims) await dedupe.release(id).catch(() => {});
        throw error;
      }
    },
  };
}
