// The webhook protocol apart from any transport: request parts in, response parts out. The CLI's
// server and the library's handlers all use it; node-adapter.ts is the node:http glue, fetch.ts the
// Fetch API one. It loads no node: module: the HMAC comes in as `crypto` (node:crypto or Web Crypto).
import { classifyEvent } from './classify.js';
import { isEventBody, isTokenShaped, SIGNATURE_HEADER, type WebhookCrypto } from './protocol.js';
import type { SignatureVerdict } from './signature.js';
import type { EventInfo } from './types.js';

export type HeaderValue = string | string[] | undefined;

export interface WebhookRequestParts<Body extends Uint8Array = Buffer> {
  method: string;
  /** Path and query as received (`/webhook?crc_token=…`). */
  url: string;
  /** Lower-case header names (node's `req.headers`). */
  headers: Record<string, HeaderValue>;
  body: Body;
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
export interface Delivery<Body extends Uint8Array = Buffer> {
  receivedAt: Date;
  path: string;
  headers: Record<string, HeaderValue>;
  rawBody: Body;
  verdict: SignatureVerdict;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
  info: EventInfo;
}

export interface HandlerOptions<Body extends Uint8Array = Buffer> {
  /**
   * The app's consumer secret, or several during a rotation: a signature made with any of them
   * verifies, and the CRC is answered with the first (as octokit's verifyWithFallback).
   */
  consumerSecret: string | readonly string[];
  /** Only this path is served (404 elsewhere); any path when undefined. */
  path?: string;
  /** Answer 403 to unsigned or wrongly signed POSTs, and to bodies that are not a JSON object, instead of 200. */
  requireSignature?: boolean;
  /** Awaited before answering 200; a throw answers 503 so X delivers again. */
  onDelivery?: (delivery: Delivery<Body>) => void | Promise<void>;
  /** A POST refused with 403 under `requireSignature`. */
  onRejected?: (delivery: Delivery<Body>) => void;
  onCrc?: (outcome: CrcOutcome) => void;
  /** Answers a well-formed CRC instead of this handler (`--crc passthrough`); the result is relayed. */
  answerCrc?: (crc: CrcRequest) => Promise<{ response: WebhookResponseParts; check: PassthroughCheck }>;
}

/** What respond() runs with: the options, and the HMAC of the platform. */
export type CoreOptions<Body extends Uint8Array = Buffer> = HandlerOptions<Body> & { crypto: WebhookCrypto };

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(status: number, value: unknown, extra: Record<string, string> = {}): WebhookResponseParts {
  return { status, headers: { 'content-type': JSON_TYPE, ...extra }, body: JSON.stringify(value) };
}

/** The secrets to verify with, the CRC one first. */
export function secretsOf(consumerSecret: string | readonly string[]): readonly string[] {
  return typeof consumerSecret === 'string' ? [consumerSecret] : consumerSecret;
}

/**
 * The handler's work, with CRC answers (and refusals) returned at once rather than as a promise
 * when the HMAC is synchronous: node-adapter.ts then writes them in the same tick, which X's CRC
 * load rewards (a turn of the microtask queue per answer showed in the CRC benchmark).
 */
export function respond<Body extends Uint8Array>(
  req: WebhookRequestParts<Body>,
  options: CoreOptions<Body>,
): WebhookResponseParts | Promise<WebhookResponseParts> {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const query = q === -1 ? '' : req.url.slice(q + 1);
  if (options.path !== undefined && path !== options.path)
    return jsonResponse(404, { error: `not found; the webhook path is ${options.path}` });
  if (req.method === 'GET') return answerCrc(query, req.headers, options);
  if (req.method === 'POST') return receiveDelivery(req, path, options);
  return jsonResponse(405, { error: 'method not allowed; X sends GET (CRC) and POST (events)' }, { allow: 'GET, POST' });
}

function answerCrc<Body extends Uint8Array>(
  query: string,
  headers: Record<string, HeaderValue>,
  options: CoreOptions<Body>,
): WebhookResponseParts | Promise<WebhookResponseParts> {
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
  const answer = (responseToken: string): WebhookResponseParts => {
    options.onCrc?.({ answered: true, token, nonce, status: 200 });
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ response_token: responseToken }) };
  };
  const responseToken = options.crypto.crcToken(secretsOf(options.consumerSecret)[0]!, token);
  return typeof responseToken === 'string' ? answer(responseToken) : responseToken.then(answer);
}

/**
 * The signature header checked against each secret (in constant time for each). More than one
 * header value is `invalid` (an attacker could add a second one hoping the first is checked).
 */
export async function verdictOf(
  crypto: WebhookCrypto,
  secrets: readonly string[],
  body: Uint8Array,
  header: HeaderValue,
): Promise<SignatureVerdict> {
  if (header === undefined || header === '') return 'missing';
  if (Array.isArray(header)) return header.length === 0 ? 'missing' : 'invalid';
  const given = header.trim();
  for (const secret of secrets) if (sameText(given, await crypto.signBody(secret, body))) return 'valid';
  return 'invalid';
}

/** Compares without stopping at the first difference; a valid signature's length is public. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

async function receiveDelivery<Body extends Uint8Array>(
  req: WebhookRequestParts<Body>,
  path: string,
  options: CoreOptions<Body>,
): Promise<WebhookResponseParts> {
  const json = parseJson(req.body);
  const signed = await verdictOf(options.crypto, secretsOf(options.consumerSecret), req.body, req.headers[SIGNATURE_HEADER]);
  // A signed body that is not a JSON object cannot be an event from X (isEventBody).
  const verdict: SignatureVerdict = signed === 'valid' && !isEventBody(json) ? 'not-object' : signed;
  const delivery: Delivery<Body> = {
    receivedAt: new Date(),
    path,
    headers: req.headers,
    rawBody: req.body,
    verdict,
    json,
    info: safeClassify(json),
  };
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

const utf8 = new TextDecoder();

function parseJson(body: Uint8Array): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(utf8.decode(body));
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
