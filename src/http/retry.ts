// `--retry N`: waits out 429s using X's reset headers (never for usage caps or forbidden clients,
// which no wait fixes) and backs off exponentially on 5xx, 408 and network failures. A POST or PATCH
// that may have reached X is not sent again (it could post, like or DM twice) unless --retry-unsafe.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '../io.js';
import { NetworkError } from '../errors.js';
import { problemSummary, problemType } from './problem.js';
import { exchange, type ApiSession, type RequestSpec } from './session.js';
import { neverReachedServer, type BodyObserver, type ResponseHead } from '../net/transport.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Longest single wait in seconds; a 429 that resets later than this gives up at once. */
  maxWaitSeconds: number;
  /** `--retry-unsafe`: retry POST and PATCH after 5xx and lost connections too. */
  unsafe?: boolean;
}

/** Methods that HTTP (RFC 9110 9.2.2) and X treat as idempotent: sending one twice does nothing more. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** 429 problems that waiting does not fix. */
const NOT_RETRYABLE_429 = new Set(['usage-capped', 'client-forbidden']);

/** `XCLI_BACKOFF_SCALE` shrinks every wait (tests use 0.01); 1 by default. */
export function backoffScale(env: Env): number {
  const value = Number(env.XCLI_BACKOFF_SCALE);
  return Number.isFinite(value) && value >= 0 && env.XCLI_BACKOFF_SCALE !== undefined && env.XCLI_BACKOFF_SCALE !== ''
    ? value
    : 1;
}

/** Milliseconds until a 429 may be retried, from `retry-after` or the exhausted window's reset. */
export function rateLimitWaitMs(headers: Record<string, string>, now: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  // A spent daily cap outlasts the 15-minute window; wait for the later of the spent limits.
  const resets: number[] = [];
  for (const prefix of ['x-rate-limit', 'x-app-limit-24hour', 'x-user-limit-24hour']) {
    const reset = Number(headers[`${prefix}-reset`]);
    const remaining = headers[`${prefix}-remaining`];
    if (Number.isFinite(reset) && reset > 0 && (prefix === 'x-rate-limit' || remaining === '0')) resets.push(reset * 1000);
  }
  if (resets.length === 0) return undefined;
  // One extra second: X's reset is whole seconds, and an early retry costs another 429.
  return Math.max(0, Math.max(...resets) - now + 1000);
}

function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

const TRANSIENT = new Set([408, 500, 502, 503, 504]);

export type RetriedResponse = ResponseHead & {
  body: Buffer;
  /** Set when 429 retries ran out or the wait was too long: the one line to report (exit 5). */
  gaveUp?: string;
};

/**
 * Sends with retries and returns the last response: a final 5xx or a non-retryable 429 as it
 * came, and a 429 the retries could not get past with `gaveUp` set.
 */
export async function exchangeWithRetry(
  session: ApiSession,
  spec: RequestSpec,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onBody?: BodyObserver,
): Promise<RetriedResponse> {
  const { env, io } = session.ctx;
  const scale = backoffScale(env);
  const maxWaitMs = policy.maxWaitSeconds * 1000;
  const idempotent = IDEMPOTENT.has(spec.method.toUpperCase());
  // `-v` says why a failure is or is not sent again.
  const explain = (line: string) => {
    if (session.globals.verbose) io.stderr.write(`* ${line}\n`);
  };
  const unsafeRetry = (what: string): boolean => {
    if (idempotent) return true;
    if (policy.unsafe) {
      explain(`retrying ${spec.method} after ${what} because of --retry-unsafe (it may have reached the server)`);
      return true;
    }
    explain(
      `not retrying ${spec.method} after ${what}: it may have reached the server, and sending it again could post twice (--retry-unsafe retries anyway)`,
    );
    return false;
  };
  for (let attempt = 0; ; attempt++) {
    const left = policy.retries - attempt;
    let response: (ResponseHead & { body: Buffer }) | undefined;
    let waitMs: number;
    let why: string;
    try {
      response = await exchange(session, spec, signal, onBody);
    } catch (error) {
      if (!(error instanceof NetworkError) || left <= 0 || signal?.aborted) throw error;
      if (!idempotent && neverReachedServer(error))
        explain(`retrying ${spec.method}: it never reached the server (${error.message})`);
      else if (!unsafeRetry(`a network failure (${error.message})`)) {
        throw new NetworkError(
          `${error.message} (not retried: the ${spec.method} may have reached the server; --retry-unsafe retries it)`,
          { cause: error },
        );
      }
      waitMs = Math.min(1000 * 2 ** attempt, maxWaitMs);
      why = error.message;
    }
    if (response) {
      if (response.status === 429) {
        const type = problemType(response.body);
        if (policy.retries === 0 || (type && NOT_RETRYABLE_429.has(type))) return response;
        const summary = problemSummary(response.status, response.headers, response.body);
        const wait = rateLimitWaitMs(response.headers, session.ctx.now()) ?? Math.min(1000 * 2 ** attempt, maxWaitMs);
        if (left <= 0)
          return {
            ...response,
            gaveUp: `${summary}; gave up after ${policy.retries} ${policy.retries === 1 ? 'retry' : 'retries'}`,
          };
        if (wait > maxWaitMs) {
          return {
            ...response,
            gaveUp: `${summary}; the limit resets in ${formatWait(wait)}, longer than --max-wait ${policy.maxWaitSeconds}s`,
          };
        }
        waitMs = wait;
        why = `${response.status} rate limited`;
        if (!idempotent) explain(`retrying ${spec.method} after 429: X did not process it`);
      } else if (
        TRANSIENT.has(response.status) &&
        left > 0 &&
        unsafeRetry(`${response.status} ${response.statusText}`.trimEnd())
      ) {
        // Exponential from 1 s (curl's schedule) with up to 25 % jitter, so clients do not retry in step.
        waitMs = Math.min(1000 * 2 ** attempt * (1 + Math.random() / 4), maxWaitMs);
        why = `${response.status} ${response.statusText}`.trimEnd();
      } else {
        return response;
      }
    }
    io.stderr.write(`xcli: ${why!}; retrying in ${formatWait(waitMs!)} (retry ${attempt + 1} of ${policy.retries})\n`);
    await sleep(waitMs! * scale, undefined, { signal });
  }
}
