// node:http glue for handleWebhookRequest: reads the raw body as bytes (with a size limit), writes
// the response. Works with node:http, Express and any server passing node's (req, res).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyBudget } from './budget.js';
import { handleWebhookRequest, jsonResponse, respond, type HandlerOptions, type WebhookResponseParts } from './handler.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface NodeAdapterOptions extends HandlerOptions {
  maxBodyBytes?: number;
  /** Body bytes held across all requests (`webhook start`); without it, only the per-request limit. */
  bodyBudget?: BodyBudget;
  /** Asked before a POST's body is read: a reason to answer 503 + Retry-After (a server budget is spent). */
  refuseEvent?: (req: IncomingMessage) => string | undefined;
  /** An event answered 503 because a budget was spent. */
  onBusy?: (reason: string) => void;
}

export type NodeListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

export function createNodeListener(options: NodeAdapterOptions): NodeListener {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (req, res, next) => {
    const url = req.url ?? '/';
    // Mounted in Express/Connect: let other routes handle other paths.
    if (next && options.path !== undefined && pathOf(url) !== options.path) return next();
    const method = req.method ?? 'GET';
    if (method !== 'POST') {
      // GET has no body worth reading; other methods are refused without reading theirs (node:http
      // discards an unread request body once the response is sent).
      let answer: ReturnType<typeof respond>;
      try {
        answer = respond({ method, url, headers: req.headers, body: EMPTY }, options);
      } catch (error) {
        return fail(res, error, next);
      }
      if (answer instanceof Promise) answer.then((r) => send(res, r), (e) => fail(res, e, next));
      else send(res, answer);
      return;
    }
    // Behind express.raw() the bytes are already read; behind express.json() they are lost.
    const parsed = (req as { body?: unknown }).body;
    if (Buffer.isBuffer(parsed)) {
      if (parsed.length > limit) return tooLarge(res, limit);
      void handleWebhookRequest({ method, url, headers: req.headers, body: parsed }, options).then((r) => send(res, r), (e) => fail(res, e, next));
      return;
    }
    if (parsed !== undefined && req.readableEnded) {
      return fail(res, new Error('[xcli/webhooks] the body was parsed before the webhook handler: mount it before express.json(), or use express.raw({ type: "*/*" })'), next);
    }
    const refusal = options.refuseEvent?.(req);
    if (refusal) return busy(res, refusal, options);
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return tooLarge(res, limit);
    const budget = options.bodyBudget;
    const ticket = budget?.ticket();
    if (budget && ticket) {
      res.once('close', () => budget.release(ticket));
      // The declared length is held up front: a stalled body holds what it announced.
      if (declared > 0 && !budget.hold(ticket, declared)) return busy(res, 'too many event bodies in flight', options);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        tooLarge(res, limit);
        return;
      }
      if (budget && ticket && !budget.hold(ticket, size)) {
        over = true;
        busy(res, 'too many event bodies in flight', options);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (over) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      handleWebhookRequest({ method, url, headers: req.headers, body }, options).then((r) => send(res, r), (e) => fail(res, e, next));
    });
  };
}

const EMPTY = Buffer.alloc(0);

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function send(res: ServerResponse, r: WebhookResponseParts): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
  res.end(r.body);
}

function tooLarge(res: ServerResponse, limit: number): void {
  // Close the connection rather than read the rest of an oversized body.
  send(res, jsonResponse(413, { error: `body larger than ${limit} bytes` }, { connection: 'close' }));
}

/** Over a budget: X delivers a 503 again later; the unread body is not read (the connection closes). */
function busy(res: ServerResponse, reason: string, options: NodeAdapterOptions): void {
  options.onBusy?.(reason);
  send(res, jsonResponse(503, { error: `${reason}; deliver it again` }, { 'retry-after': String(BUSY_RETRY_AFTER_SECONDS), connection: 'close' }));
}

const BUSY_RETRY_AFTER_SECONDS = 5;

function fail(res: ServerResponse, error: unknown, next?: (error?: unknown) => void): void {
  if (next) return next(error);
  send(res, jsonResponse(500, { error: 'internal error' }));
}
