// Streaming endpoints as X specifies them: one record per line, heartbeats (blank lines) skipped,
// a stall watchdog, and X's reconnect rules (reconnect.ts). Records go to stdout, people's text to stderr.
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../context.js';
import { HttpStatusError, NetworkError } from '../errors.js';
import { ApiError, parseJsonBody } from './api.js';
import { ERRORS_KEY, LineBatch, readLines } from './lines.js';
import { writeBody } from './output.js';
import { problemSummary } from './problem.js';
import { ReconnectSchedule, type FailureKind } from './reconnect.js';
import { backoffScale } from './retry.js';
import { exchangeStreaming, openSession, type ApiSession, type RequestSpec } from './session.js';
import type { ApiCall, ApiResult, GlobalOptions } from './types.js';
import { resolveRequestUrl, withQuery } from './url.js';

export interface StreamOptions {
  /** Reconnect after disconnects, stalls and retryable errors (default true). */
  reconnect?: boolean;
  /** Stop after this many records. */
  maxRecords?: number;
  /** Receives each record (one line, without the newline); default: the line on stdout. */
  onRecord?: (line: string) => void | Promise<void>;
  /** Stops the stream (in addition to Ctrl-C). */
  signal?: AbortSignal;
  /** The clock the reconnect rules read and wait on (tests advance a fake one); default: real time, waits scaled by XCLI_BACKOFF_SCALE. */
  clock?: StreamClock;
}

export interface StreamClock {
  now(): number;
  /** Resolves after `ms`, rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface StreamSummary {
  records: number;
  reconnects: number;
  /** Why the stream stopped: max-records, interrupted, or ended (the server closed it, --no-reconnect). */
  stopped: 'max-records' | 'interrupted' | 'ended';
}

/** Seconds without data or heartbeat before a stream counts as stalled; X sends a heartbeat every 20 s. */
export function stallTimeoutMs(ctx: Context): number {
  const value = Number(ctx.env.XCLI_STREAM_STALL_MS);
  return Number.isFinite(value) && value > 0 ? value : 30_000;
}

type Failure = { kind: FailureKind; reason: string; error: Error };

/** HTTP statuses after which reconnecting cannot help: stop and say what to fix. */
function stopAdvice(status: number): string | undefined {
  if (status === 401) return "check the credentials: 'xcli auth status' (streams need the app's bearer token)";
  if (status === 403) return 'the app or token is not allowed to use this stream (check its access level)';
  if (status === 409) return 'the filtered stream has no rules: add some with POST /2/tweets/search/stream/rules';
  if (status >= 400 && status < 500 && status !== 408 && status !== 420 && status !== 429) return 'fix the request and try again';
  return undefined;
}

/** Streams an API call (for other commands: `activity stream` and the like). */
export async function streamApi(
  ctx: Context,
  globals: GlobalOptions,
  call: ApiCall,
  options: StreamOptions = {},
): Promise<StreamSummary> {
  const session = await openSession(ctx, globals);
  const url = withQuery(resolveRequestUrl(call.path, session.resolved.apiBaseUrl), call.query);
  return runStream(session, { method: call.method.toUpperCase(), url, headers: call.headers, authKind: call.authKind }, options);
}

export async function runStream(session: ApiSession, spec: RequestSpec, options: StreamOptions = {}): Promise<StreamSummary> {
  const { ctx } = session;
  const err = ctx.io.stderr;
  const reconnect = options.reconnect ?? true;
  const scale = backoffScale(ctx.env);
  const clock: StreamClock = options.clock ?? { now: ctx.now, sleep: (ms, signal) => sleep(ms * scale, undefined, { signal }) };
  const schedule = new ReconnectSchedule(() => clock.now());
  // Records for stdout leave as slices of the chunks received, one write per chunk: with 1 KB
  // records, decoding each line and writing it cost more than the reading (bench/cases/stream.mjs).
  const toStdout = options.onRecord === undefined;
  const batch = new LineBatch();
  const flush = (): Promise<void> | undefined => batch.flush(ctx.io.stdout);
  const stop = new AbortController();
  const removeInterrupt = ctx.onInterrupt(() => stop.abort());
  const onOuterAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort);
  const where = `${spec.method} ${spec.url.pathname}`;
  const summary: StreamSummary = { records: 0, reconnects: 0, stopped: 'ended' };
  const talk = ctx.io.isStderrTTY || session.globals.verbose === true;
  // A storm stops with its one line; the summary would only repeat the count.
  let storm = false;

  try {
    for (;;) {
      let failure: Failure | undefined;
      try {
        schedule.connecting();
        const response = await exchangeStreaming(session, spec, stop.signal);
        if (response.status >= 400) {
          const body = await readErrorBody(response.body);
          const result: ApiResult = { status: response.status, headers: response.headers, raw: body, json: parseJsonBody(body) };
          const advice = stopAdvice(response.status);
          if (advice || !reconnect) {
            writeBody(ctx, body, response.headers['content-type']);
            const line = problemSummary(response.status, response.headers, body);
            err.write(`xcli: ${line}${advice ? `; ${advice}` : ''}\n`);
            throw new HttpStatusError(response.status, line, { reported: true });
          }
          failure = {
            kind: response.status === 429 ? 'rate' : 'http',
            reason: problemSummary(response.status, response.headers, body),
            error: new ApiError(result),
          };
        } else {
          schedule.connected();
          if (talk) err.write(`xcli: streaming ${where} (Ctrl-C to stop)\n`);
          const outcome = await readLines(
            response.body,
            stallTimeoutMs(ctx),
            stop.signal,
            async (lines) => {
              // A chunk without `"errors"` has no in-stream error: its lines need no decoding.
              const mayHoldErrors = lines.data.indexOf(ERRORS_KEY, lines.starts[0]) !== -1;
              const wanted =
                options.maxRecords === undefined ? lines.count : Math.min(lines.count, options.maxRecords - summary.records);
              for (let i = 0; i < wanted; i++) {
                const start = lines.starts[i]!;
                const end = lines.ends[i]!;
                if (toStdout && !mayHoldErrors) {
                  batch.add(lines.data, start, end);
                  summary.records++;
                  continue;
                }
                const line = lines.data.toString('utf8', start, end);
                if (mayHoldErrors && isInStreamError(line)) {
                  await flush();
                  err.write(`xcli: stream error: ${problemSummary(200, {}, line).replace(/^200 /, '')}\n`);
                  continue;
                }
                summary.records++;
                if (toStdout) batch.add(lines.data, start, end);
                else await options.onRecord!(line);
              }
              // Stop at the last record wanted, not at the next chunk (which may be a heartbeat 20 s away).
              return wanted === lines.count && (options.maxRecords === undefined || summary.records < options.maxRecords);
            },
            flush,
          );
          if (outcome.end === 'stopped') {
            summary.stopped = stop.signal.aborted ? 'interrupted' : 'max-records';
            return summary;
          }
          if (outcome.end === 'eof' && !reconnect) return summary;
          const reason =
            outcome.end === 'eof'
              ? 'the server closed the stream'
              : outcome.end === 'stall'
                ? `no data or heartbeat for ${stallTimeoutMs(ctx) / 1000}s`
                : 'reason' in outcome
                  ? outcome.reason
                  : 'connection lost';
          failure = {
            kind: 'tcp',
            reason,
            error: new NetworkError(`${where}: ${outcome.end === 'stall' ? 'stream stalled' : reason}`),
          };
        }
      } catch (error) {
        if (stop.signal.aborted) {
          summary.stopped = 'interrupted';
          return summary;
        }
        if (!(error instanceof NetworkError)) throw error;
        failure = { kind: 'tcp', reason: error.message, error };
      }
      if (!reconnect) throw failure.error;
      const decision = schedule.next(failure.kind);
      if ('storm' in decision) {
        storm = true;
        throw new NetworkError(`${where}: ${decision.storm} (last disconnect: ${failure.reason})`);
      }
      const delay = decision.delayMs;
      err.write(
        `xcli: stream disconnected (${failure.reason}); reconnecting in ${(delay / 1000).toFixed(delay % 1000 ? 2 : 0)}s\n`,
      );
      try {
        await clock.sleep(delay, stop.signal);
      } catch {
        summary.stopped = 'interrupted';
        return summary;
      }
      summary.reconnects++;
    }
  } finally {
    removeInterrupt();
    options.signal?.removeEventListener('abort', onOuterAbort);
    if (!storm && (talk || summary.reconnects > 0)) {
      err.write(
        `xcli: stream ${summary.stopped}: ${summary.records} record${summary.records === 1 ? '' : 's'}, ${summary.reconnects} reconnect${summary.reconnects === 1 ? '' : 's'}\n`,
      );
    }
  }
}

/** A JSON line with `errors` and no `data`: X's in-stream error or disconnect notice. */
function isInStreamError(line: string): boolean {
  if (!line.includes('"errors"')) return false;
  const value = parseJsonBody<Record<string, unknown>>(Buffer.from(line));
  return !!value && typeof value === 'object' && 'errors' in value && !('data' in value);
}

async function readErrorBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > 1 << 20) break;
    }
  } catch {
    // A broken error body still leaves the status to report.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks);
}
