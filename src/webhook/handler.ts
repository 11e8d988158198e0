// The webhook protocol apart from any transport: request parts in, response parts out. The CLI's
// server and the library's createWebhookHandler both use it; node-adapter.ts is the node:http glue.
import { classifyEvent } from './classify.js';
import { crcResponseBody, isTokenShaped } from './crc.js';
import { checkEventSignature, SIGNATURE_HEADER, type SignatureVerdict } from './signature.js';
import type { EventInfo } from './types.js';

export type HeaderValue = string | string[] | undefined;

export interface WebhookRequestParts {
  method: string;
  /** Path and query as received (`/webhook?crc_token=…`). */
  url: string;
  /** Lower-case header names (node's `req.headers`). */
  headers: Record<string, HeaderValue>;
  body: Buffer;
}

export interface WebhookResponseParts {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface CrcRequest {
  token: string;
  /** X also sends a nonce; it is shown, never signed. */
  nonce?: string;
  query: string;
  headers: Record<string, HeaderValue>;
}

export type CrcOutcome =
  | { answered: true; token: string; nonce?: string; status: number; passthrough?: PassthroughCheck }
  | { answered: false; status: number; reason: string; nonce?: string };

export interface PassthroughCheck {
  ok: boolean;
  problem?: string;
  latencyMs: number;
}

/** One POST, verified and classified. */
export interface Delivery {
  receivedAt: Date;
  path: string;
  headers: Record<string, HeaderValue>;
  rawBody: Buffer;
  verdict: SignatureVerdict;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
  info: EventInfo;
}

export interface HandlerOptions {
  consumerSecret: string;
  /** Only this path is served (404 elsewhere); any path when undefined. */
  path?: string;
  /** Answer 403 to unsigned or wrongly signed POSTs, and to bodies that are not a JSON object, instead of 200. */
  requireSignature?: boolean;
  /** Awaited before answering 200; a throw answers 503 so X delivers again. */
  onDelivery?: (delivery: Delivery) => void | Promise<void>;
  /** A POST refused with 403 under `requireSignature`. */
  onRejected?: (delivery: Delivery) => void;
  onCrc?: (outcome: CrcOutcome) => void;
  /** Answers a well-formed CRC instead of this handler (`--crc passthrough`); the result is relayed. */
  answerCrc?: (crc: CrcRequest) => Promise<{ response: WebhookResponseParts; check: PassthroughCheck }>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(status: number, value: unknown, extra: Record<string, string> = {}): WebhookResponseParts {
  return { status, headers: { 'content-type': JSON_TYPE, ...extra }, body: JSON.stringify(value) };
}

export async function handleWebhookRequest(req: WebhookRequestParts, options: HandlerOptions): Promise<WebhookResponseParts> {
  return respond(req, options);
}

/**
 * handleWebhookRequest's work, with CRC answers (and refusals) returned at once rather than as a
 * promise: node-adapter.ts then writes them in the same tick, which X's CRC load rewards (a turn
 * of the microtask queue per answer showed in the CRC benchmark).
 */
export function respond(req: WebhookRequestParts, options: HandlerOptions): WebhookResponseParts | Promise<WebhookResponseParts> {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const query = q === -1 ? '' : req.url.slice(q + 1);
  if (options.path !== undefined && path !== options.path) return jsonResponse(404, { error: `not found; the webhook path is ${options.path}` });
  if (req.method === 'GET') return answerCrc(query, req.headers, options);
  if (req.method === 'POST') return receiveDelivery(req, path, options);
  return jsonResponse(405, { error: 'method not allowed; X sends GET (CRC) and POST (events)' }, { allow: 'GET, POST' });
}

function answerCrc(query: string, headers: Record<string, HeaderValue>, options: HandlerOptions): WebhookResponseParts | Promise<WebhookResponseParts> {
  const params = new URLSearchParams(query);
  const tokens = params.getAll('crc_token');
  const nonce = params.get('nonce') ?? undefined;
  const refuse = (reason: string): WebhookResponseParts => {
    options.onCrc?.({ answered: false, status: 400, reason, nonce });
    return jsonResponse(400, { error: reason });
  };
  if (tokens.length === 0) return refuse('missing crc_token');
  if (tokens.length > 1) return refuse('more than one crc_token');
  const token = tokens[0]!;
  if (!isTokenShaped(token)) return refuse('crc_token is not token-shaped (8-128 characters of base64/base64url)');
  if (options.answerCrc) {
    return options.answerCrc({ token, nonce, query, headers }).then(({ response, check }) => {
      options.onCrc?.({ answered: true, token, nonce, status: response.status, passthrough: check });
      return response;
    });
  }
  options.onCrc?.({ answered: true, token, nonce, status: 200 });
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: crcResponseBody(options.consumerSecret, token) };
}

async function receiveDelivery(req: WebhookRequestParts, path: string, options: HandlerOptions): Promise<WebhookResponseParts> {
  const json = parseJson(req.body);
  const verdict = checkEventSignature(options.consumerSecret, req.body, req.headers[SIGNATURE_HEADER], json);
  const delivery: Delivery = { receivedAt: new Date(), path, headers: req.headers, rawBody: req.body, verdict, json, info: safeClassify(json) };
  if (options.requireSignature && verdict !== 'valid') {
    options.onRejected?.(delivery);
    return jsonResponse(403, { error: refusalReason(verdict) });
  }
  try {
    await options.onDelivery?.(delivery);
  } catch {
    return jsonResponse(503, { error: 'the event could not be stored; deliver it again' }, { 'retry-after': '5' });
  }
  return { status: 200, headers: {}, body: '' };
}

function refusalReason(verdict: SignatureVerdict): string {
  if (verdict === 'missing') return `missing ${SIGNATURE_HEADER} header`;
  if (verdict === 'not-object') return 'the body is not a JSON object, so it is not an event from X';
  return `${SIGNATURE_HEADER} does not match the body`;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Hostile bodies (deep nesting, odd types) must never break the server: unknown is a fine answer. */
function safeClassify(json: unknown): EventInfo {
  try {
    return classifyEvent(json);
  } catch {
    return { product: 'unknown', type: 'unknown' };
  }
}
