// Offline tools: `crc`, `sign`, `verify`, `trigger`, `check`, and `replay-local`'s sender.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Context } from '../context.js';
import { FailureError, NetworkError, UsageError } from '../errors.js';
import { readAll } from '../io.js';
import { consumerSecretOf } from './credentials.js';
import { crcResponseToken, isTokenShaped } from './crc.js';
import { describeExchangeError, exchange, type Exchange } from '../net/exchange.js';
import { ANSWER_KEPT_BYTES } from './forward.js';
import {
  crcChallengeUrl,
  judgeCrcAnswer,
  makeCrcChallenge,
  signDelivery,
  signedToken,
  X_DEADLINE_MS,
  type CrcProblemKind,
} from './act-as-x.js';
import { applyOverride, freshSample, sampleBody, sampleTypes } from './samples.js';
import { checkSignature, signBody } from './signature.js';
import { parseHttpUrl } from './manage.js';
import { jsonMs } from './render.js';
import { announcedServerUrl } from './serve.js';
import { dispatcherForX, proxyFor } from '../net/dispatcher.js';
import type { Dispatcher } from 'undici';

export async function runCrc(ctx: Context, token: string, app?: string): Promise<void> {
  if (!isTokenShaped(token))
    throw new UsageError(
      'the token is not token-shaped (8-128 characters of base64/base64url); a webhook server should refuse it',
    );
  ctx.io.stdout.write(`${crcResponseToken(await consumerSecretOf(ctx, app), token)}\n`);
}

/** FILE, `-` or nothing (stdin): the exact bytes, never re-encoded. */
export async function readInput(ctx: Context, file: string | undefined): Promise<Buffer> {
  if (file === undefined || file === '-') return readAll(ctx.io.stdin);
  try {
    return await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export async function runSign(ctx: Context, file: string | undefined, app?: string): Promise<void> {
  const body = await readInput(ctx, file);
  ctx.io.stdout.write(`${signBody(await consumerSecretOf(ctx, app), body)}\n`);
}

export async function runVerify(ctx: Context, signature: string, file: string | undefined, app?: string): Promise<void> {
  const body = await readInput(ctx, file);
  const verdict = checkSignature(await consumerSecretOf(ctx, app), body, signature);
  if (verdict !== 'valid')
    throw new FailureError(
      `signature does not match these ${body.length} bytes (wrong secret, or the body was changed or re-serialised)`,
    );
  ctx.io.stdout.write('valid\n');
}

/** Where `trigger` and `replay-local` send by default: the one running `webhook start`. */
export function defaultTarget(ctx: Context): string {
  return announcedServerUrl(ctx);
}

/**
 * POSTs a body signed with the consumer secret, with X's headers (`headers`, a logged delivery's own
 * content type and user agent, replace X's), through `dispatcher` when given (a proxy).
 */
export async function postSigned(
  url: URL,
  body: Buffer,
  secret: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
  dispatcher?: Dispatcher,
): Promise<Exchange> {
  try {
    return await exchange(url, {
      method: 'POST',
      headers: { ...signDelivery(body, secret), ...headers },
      body,
      timeoutMs,
      keepBytes: ANSWER_KEPT_BYTES,
      dispatcher,
    });
  } catch (error) {
    throw new NetworkError(describeExchangeError(error, url, timeoutMs), { cause: error });
  }
}

export interface TriggerOptions {
  to?: string;
  overrides: string[];
  app?: string;
  json: boolean;
  /** Print the body instead of sending it. */
  print: boolean;
}

export async function runTrigger(ctx: Context, type: string, options: TriggerOptions): Promise<void> {
  const sample = freshSample(type);
  if (!sample) throw new UsageError(`unknown event type '${type}'; known: ${sampleTypes().join(', ')}`);
  for (const spec of options.overrides) {
    try {
      applyOverride(sample, spec);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const body = sampleBody(sample);
  if (options.print) {
    ctx.io.stdout.write(`${body.toString('utf8')}\n`);
    return;
  }
  const url = parseHttpUrl(options.to ?? defaultTarget(ctx));
  const answer = await postSigned(url, body, await consumerSecretOf(ctx, options.app));
  const eventId = eventIdOf(sample);
  if (options.json)
    ctx.io.stdout.write(
      `${JSON.stringify({ type, eventId, url: url.href, status: answer.status, latencyMs: jsonMs(answer.latencyMs) })}\n`,
    );
  else
    ctx.io.stdout.write(
      `sent ${type}${eventId ? ` [${eventId}]` : ''} → ${url.href}: ${answer.status} in ${Math.round(answer.latencyMs)} ms\n`,
    );
  if (answer.status < 200 || answer.status >= 300)
    throw new FailureError(
      `${url.href} answered ${answer.status}${answer.body.length ? `: ${answer.body.subarray(0, 200).toString('utf8')}` : ''}`,
    );
}

function eventIdOf(sample: Record<string, unknown>): string | undefined {
  const data = sample.data as { event_uuid?: unknown } | undefined;
  return typeof data?.event_uuid === 'string' ? data.event_uuid : undefined;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What the line says when the check fails (the name says what passing means). */
  failure?: string;
  detail?: string;
  /** For the checks that time an answer (`--json`). */
  latencyMs?: number;
  /** Reported, but X does not require it, so it does not fail the check. */
  advisory?: boolean;
}

/** `check URL`: act as X against a webhook server and report every check. */
export async function runCheck(
  ctx: Context,
  target: string,
  options: { event?: string; app?: string; json: boolean },
): Promise<void> {
  const url = parseHttpUrl(target);
  // Acting as X toward a public URL: through HTTPS_PROXY/HTTP_PROXY when one applies, as X calls are.
  const dispatcher = proxyFor(ctx.env, url) ? await dispatcherForX(ctx.env) : undefined;
  const getAsX = (u: URL): Promise<Exchange> =>
    exchange(u, { method: 'GET', headers: { 'user-agent': '' }, timeoutMs: 10_000, keepBytes: ANSWER_KEPT_BYTES, dispatcher });
  const secret = await consumerSecretOf(ctx, options.app);
  const checks: CheckResult[] = [];
  const challenge = makeCrcChallenge(Date.now());
  let answer: Exchange | undefined;
  try {
    answer = await getAsX(crcChallengeUrl(url, challenge));
  } catch (error) {
    checks.push({
      name: 'CRC answered',
      ok: false,
      failure: 'CRC not answered',
      detail: describeExchangeError(error, url, 10_000),
    });
  }
  if (answer) {
    const { problems } = judgeCrcAnswer(answer, secret, challenge.token);
    const about = (...kinds: CrcProblemKind[]) => problems.find((p) => kinds.includes(p.kind))?.message;
    const check = (name: string, failure: string, detail: string | undefined): CheckResult => ({
      name,
      ok: detail === undefined,
      failure,
      detail,
    });
    // X reads the type and the body of a 200 answer only: on any other status those checks fail too.
    const unread = answer.status === 200 ? undefined : `X reads only a 200 answer, this was ${answer.status}`;
    checks.push(check('no redirect', 'redirected', about('redirect')));
    checks.push(check('status 200', 'status not 200', about('status') ?? unread));
    checks.push(check('content type application/json', 'content type not application/json', about('content-type') ?? unread));
    checks.push(
      check(
        'response_token correct',
        'response_token missing or wrong',
        about('not-json', 'no-response-token', 'wrong-token') ?? unread,
      ),
    );
    checks.push({
      ...check(
        `answered within ${X_DEADLINE_MS / 1000} s`,
        `answered too late for X (over ${X_DEADLINE_MS / 1000} s)`,
        about('slow'),
      ),
      detail: `${Math.round(answer.latencyMs)} ms`,
      latencyMs: jsonMs(answer.latencyMs),
    });
  }
  const refusal = await probeOracle(url, secret, getAsX);
  if (refusal) checks.push(refusal);
  if (options.event) {
    const sample = freshSample(options.event);
    if (!sample) throw new UsageError(`unknown event type '${options.event}'; known: ${sampleTypes().join(', ')}`);
    try {
      const posted = await postSigned(url, sampleBody(sample), secret, {}, undefined, dispatcher);
      checks.push({
        name: `signed ${options.event} event answered 200`,
        ok: posted.status === 200,
        failure: `signed ${options.event} event not answered 200`,
        detail: `${posted.status} in ${Math.round(posted.latencyMs)} ms`,
      });
      // X delivers again what is not answered within 3 s, so a slow app sees every event twice.
      checks.push({
        name: `event answered within ${X_DEADLINE_MS / 1000} s`,
        ok: posted.latencyMs < X_DEADLINE_MS,
        failure: `event answered too late for X (over ${X_DEADLINE_MS / 1000} s: X delivers it again)`,
        detail: `${Math.round(posted.latencyMs)} ms`,
        latencyMs: jsonMs(posted.latencyMs),
      });
    } catch (error) {
      checks.push({
        name: `signed ${options.event} event answered 200`,
        ok: false,
        failure: `signed ${options.event} event not answered`,
        detail: (error as Error).message,
      });
    }
  }
  if (options.json)
    ctx.io.stdout.write(`${JSON.stringify({ url: url.href, ok: checks.every((c) => c.ok || c.advisory), checks })}\n`);
  else {
    for (const c of checks)
      ctx.io.stdout.write(
        `${c.ok ? `✓ ${c.name}` : `${c.advisory ? '!' : '✗'} ${c.failure ?? c.name}`}${c.detail ? ` (${c.detail})` : ''}\n`,
      );
  }
  const failed = checks.filter((c) => !c.ok && !c.advisory).length;
  if (failed > 0) throw new FailureError(`${failed} of ${checks.length} checks failed for ${url.href}`);
}

/**
 * A good server does not sign JSON-looking tokens (the CRC endpoint would be a signing oracle).
 * Advisory. Only an answer that carries the HMAC of the probe counts as signing it.
 */
async function probeOracle(url: URL, secret: string, get: (u: URL) => Promise<Exchange>): Promise<CheckResult | undefined> {
  const probe = new URL(url.href);
  const forged = `{"forged":"${randomBytes(4).toString('hex')}"}`;
  probe.searchParams.set('crc_token', forged);
  try {
    const answer = await get(probe);
    if (answer.status !== 200) return { name: 'refuses tokens that are not token-shaped', ok: true };
    if (!signedToken(answer, secret, forged))
      return {
        name: 'does not sign tokens that are not token-shaped',
        ok: true,
        detail: `answered ${answer.status} without their signature`,
      };
    return {
      name: 'does not sign tokens that are not token-shaped',
      ok: false,
      failure: 'signs tokens that are not token-shaped',
      advisory: true,
      detail: 'it signed a JSON value: anyone can get forged event bodies signed through the CRC endpoint',
    };
  } catch {
    return undefined;
  }
}
