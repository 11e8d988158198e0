// X's side of a webhook, written once: the CRC challenge X sends, how X judges the answer, and the
// headers X signs a delivery with. `webhook check`, `webhook start`'s self-check, `--crc passthrough`
// and the sandbox all act as X through this module, so they agree on the rules and on the words.
// Rules: docs.x.com/x-api/webhooks/introduction (invalidation) and /work/shared/research/x-webhooks.md A1.
import { randomUUID } from 'node:crypto';
import { crcResponseToken } from './crc.js';
import { SIGNATURE_HEADER } from './protocol.js';
import { signBody } from './signature.js';

/** X retries a delivery that is not answered 200 within three seconds, and a CRC that slow may time out. */
export const X_DEADLINE_MS = 3000;

export interface CrcChallenge {
  token: string;
  nonce: string;
}

/** A challenge like X's: the token is base64 of a UUID, the nonce base64url of a millisecond time. */
export function makeCrcChallenge(now: number): CrcChallenge {
  return { token: Buffer.from(randomUUID()).toString('base64'), nonce: Buffer.from(String(now)).toString('base64url') };
}

/** The webhook URL with the challenge in its query, as X sends it (`?crc_token=…&nonce=…`). */
export function crcChallengeUrl(webhookUrl: URL | string, challenge: CrcChallenge): URL {
  const url = new URL(webhookUrl);
  url.searchParams.set('crc_token', challenge.token);
  url.searchParams.set('nonce', challenge.nonce);
  return url;
}

/** What came back to a CRC: an HTTP answer, or no answer (`failure` says why: timeout, connection refused…). */
export type CrcAnswer =
  | { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer | string; latencyMs: number }
  | { failure: string; latencyMs: number };

/**
 * `failed`: X marks the webhook invalid at once (any 3xx, a 200 without the right response_token).
 * `transient`: invalid only after X's grace period (4xx, 5xx, timeout, connection error).
 * `advice`: X's docs ask for it, but X is not known to refuse an answer for it alone.
 */
export type CrcProblemWeight = 'failed' | 'transient' | 'advice';

export type CrcProblemKind =
  | 'no-answer'
  | 'redirect'
  | 'status'
  | 'content-type'
  | 'not-json'
  | 'no-response-token'
  | 'wrong-token'
  | 'slow';

export interface CrcProblem {
  kind: CrcProblemKind;
  weight: CrcProblemWeight;
  message: string;
}

export interface CrcJudgement {
  /** What X does with the webhook: the weightiest problem decides (`advice` never fails it). */
  verdict: 'passed' | 'failed' | 'transient';
  /** The problem that decided the verdict, in words; undefined when it passed. */
  reason?: string;
  /** Everything xcli objects to, in the order X meets it (redirect, status, type, body, time). */
  problems: CrcProblem[];
  status?: number;
  latencyMs: number;
}

export interface JudgeOptions {
  /** Above this the answer counts as slow (`advice`); X_DEADLINE_MS unless given. */
  slowMs?: number;
}

/** Judges a CRC answer the way X does, with a precise reason for each problem. */
export function judgeCrcAnswer(
  answer: CrcAnswer,
  consumerSecret: string,
  token: string,
  options: JudgeOptions = {},
): CrcJudgement {
  if ('failure' in answer) return judged([problem('no-answer', 'transient', answer.failure)], answer.latencyMs);
  const problems: CrcProblem[] = [];
  const { status } = answer;
  if (status >= 300 && status < 400) {
    const location = headerString(answer.headers.location);
    problems.push(
      problem(
        'redirect',
        'failed',
        `answered ${status}${location ? ` to ${location}` : ' (a redirect)'}: X follows no redirect, and a 3xx invalidates the webhook at once`,
      ),
    );
  } else if (status !== 200) {
    problems.push(problem('status', 'transient', `answered ${status}, X expects 200`));
  } else {
    const type = headerString(answer.headers['content-type']) ?? '';
    if (!/^application\/json\b/i.test(type))
      problems.push(problem('content-type', 'advice', `content type is ${type || 'missing'}, X expects application/json`));
    const tokenProblem = responseTokenProblem(answer.body, crcResponseToken(consumerSecret, token));
    if (tokenProblem) problems.push(tokenProblem);
  }
  const slowMs = options.slowMs ?? X_DEADLINE_MS;
  if (answer.latencyMs > slowMs)
    problems.push(problem('slow', 'advice', `took ${(answer.latencyMs / 1000).toFixed(1)} s, X waits ${slowMs / 1000} s`));
  return { ...judged(problems, answer.latencyMs), status };
}

/** Whether an answer carries this token's signature: a server that does, signed the token it was sent. */
export function signedToken(answer: CrcAnswer, consumerSecret: string, token: string): boolean {
  return (
    !('failure' in answer) &&
    answer.status === 200 &&
    responseTokenProblem(answer.body, crcResponseToken(consumerSecret, token)) === undefined
  );
}

/**
 * The headers of X's delivery of these exact bytes, signed with the consumer secret. As X sends them,
 * byte for byte: apps that compare the content type exactly (Twitter's own webhook helper) ignore
 * anything else, and X sends no user agent.
 */
export function signDelivery(body: Buffer | Uint8Array | string, consumerSecret: string): Record<string, string> {
  return { 'content-type': 'application/json', 'user-agent': '', [SIGNATURE_HEADER]: signBody(consumerSecret, body) };
}

function responseTokenProblem(body: Buffer | string, expected: string): CrcProblem | undefined {
  let token: unknown;
  try {
    token = (JSON.parse(body.toString()) as { response_token?: unknown } | null)?.response_token;
  } catch {
    return problem('not-json', 'failed', 'the body is not JSON, X expects {"response_token":"sha256=…"}');
  }
  if (typeof token !== 'string') return problem('no-response-token', 'failed', 'the body has no response_token');
  if (token !== expected)
    return problem(
      'wrong-token',
      'failed',
      // X's own words first (CrcValidationFailed … Invalid response_token), then the usual cause.
      'Invalid response_token: it must be sha256= + base64 HMAC-SHA256 of crc_token keyed with the consumer secret (not the OAuth2 client secret)',
    );
  return undefined;
}

function judged(problems: CrcProblem[], latencyMs: number): CrcJudgement {
  const deciding = problems.find((p) => p.weight === 'failed') ?? problems.find((p) => p.weight === 'transient');
  const verdict = deciding ? (deciding.weight as 'failed' | 'transient') : 'passed';
  return { verdict, reason: deciding?.message, problems, latencyMs };
}

function problem(kind: CrcProblemKind, weight: CrcProblemWeight, message: string): CrcProblem {
  return { kind, weight, message };
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
