// node:http glue for the handler core: reads the raw body as bytes (with a size limit), writes the
// response. Works with node:http, Express, Connect and Fastify (given req.raw and reply.raw).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyBudget } from './budget.js';
import { jsonResponse, respond, type HandlerOptions, type WebhookRequestParts, type WebhookResponseParts } from './handler.js';
import { nodeCrypto } from './node-crypto.js';

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

/** What frameworks add to node's request: Express's mount-free URL and parsed body, a kept raw body. */
type FrameworkRequest = IncomingMessage & { originalUrl?: string; rawBody?: unknown; body?: unknown };

/** The request parts in, the response parts out, on Node (node:crypto). */
export async function handleWebhookRequest(req: WebhookRequestParts, options: HandlerOptions): Promise<WebhookResponseParts> {
  return respond(req, { ...options, crypto: nodeCrypto });
}

export const BODY_ALREADY_READ =
  "[xcli/webhooks] the request body was read before the webhook handler and its bytes were not kept: mount the handler before body parsers, or keep them as req.rawBody (express.json({ verify: (req, res, buf) => { req.rawBody = buf } }); Fastify: a parseAs 'buffer' parser that sets req.raw.rawBody, see docs/library.md)";

export function createNodeListener(options: NodeAdapterOptions): NodeListener {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const core = { ...options, crypto: nodeCrypto };
  let warned = false;
  return (request, res, next) => {
    const req = request as FrameworkRequest;
    // Express strips the mount path from req.url (app.use('/webhook', handler)); originalUrl keeps it.
    const url = req.originalUrl ?? req.url ?? '/';
    // Mounted in Express/Connect: let other routes handle other paths.
    if (next && options.path !== undefined && pathOf(url) !== options.path) return next();
    const method = req.method ?? 'GET';
    const answer = (body: Buffer): void => {
      let result: ReturnType<typeof respond>;
      try {
        result = respond({ method, url, headers: req.headers, body }, core);
      } catch (error) {
        fail(res, error, next);
        return;
      }
      if (result instanceof Promise)
        result.then(
          (r) => send(res, r),
          (e) => fail(res, e, next),
        );
      else send(res, result);
    };
    // GET has no body worth reading; other methods are refused without reading theirs (node:http
    // discards an unread request body once the response is sent).
    if (method !== 'POST') return answer(EMPTY);
    // Bytes an app kept: express.json({ verify }) or a Fastify buffer parser (rawBody), express.raw() (body).
    const kept = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.isBuffer(req.body) ? req.body : undefined;
    if (kept) return kept.length > limit ? tooLarge(res, limit) : answer(kept);
    // Someone else read the stream (a body parser, Fastify): waiting for it would hang.
    if (req.readableEnded || req.readableDidRead) {
      if (!warned) process.emitWarning(BODY_ALREADY_READ);
      warned = true;
      return send(res, jsonResponse(500, { error: BODY_ALREADY_READ }));
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
      answer(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
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

function fail(res: ServerResponse, error: unknown, next?: (error?: unknown) => void): void {
  if (next) next(error);
  else send(res, jsonResponse(500, { error: 'internal error' }));
}

/** Over a budget: X delivers a 503 again later; the unread body is not read (the connection closes). */
function busy(res: ServerResponse, reason: string, options: NodeAdapterOptions): void {
  options.onBusy?.(reason);
  send(
    res,
    jsonResponse(
      503,
      { error: `${reason}; deliver it again` },
      { 'retry-after': String(BUSY_RETRY_AFTER_SECONDS), connection: 'close' },
    ),
  );
}

const BUSY_RETRY_AFTER_SECONDS = 5;
