// `--forward-to`: relays each delivery byte for byte (body and X's headers, signature included) to
// the user's app and reports what X would think of the answer. A bounded queue and timeouts keep a
// slow or dead app from piling up memory or stopping the server.
import type { OutgoingHttpHeaders } from 'node:http';
import { describeExchangeError, exchange, type Exchange } from '../net/exchange.js';
import { judgeCrcAnswer, X_DEADLINE_MS } from './act-as-x.js';
import type { HeaderValue, PassthroughCheck, WebhookResponseParts } from './handler.js';

/**
 * Headers that belong to one connection, not to the message (RFC 9110 §7.6.1: Connection and the
 * fields it names, Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade; the proxy
 * credentials of §11.7; Trailer of the chunked coding), and those xcli sets itself for the hop to
 * the app: host, and content-length of the bytes sent. `expect` too: the 100-continue exchange
 * happened with xcli, which has the whole body.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'host',
  'content-length',
  'expect',
]);

export interface ForwardJob {
  id: string;
  eventId?: string;
  body: Buffer;
  headers: Record<string, HeaderValue>;
}

export interface ForwardResult {
  id: string;
  eventId?: string;
  url: string;
  status?: number;
  latencyMs: number;
  /** Start of the app's answer, for the console. */
  responseBody?: string;
  location?: string;
  error?: string;
  /** Things X would not like: retries, redirects. */
  warnings: string[];
}

export interface ForwarderOptions {
  maxQueue?: number;
  /** Body bytes queued or in flight at which the queue counts as full (the server then answers 503). */
  maxQueueBytes?: number;
  concurrency?: number;
  timeoutMs?: number;
  slowMs?: number;
  onResult: (result: ForwardResult) => void;
  /** A job dropped because the queue was full (it stays in the event log). */
  onDropped?: (job: ForwardJob) => void;
}

/** How much of an app's answer is kept: it is shown, never stored. */
export const ANSWER_KEPT_BYTES = 64 * 1024;

export class Forwarder {
  readonly target: URL;
  private readonly queue: ForwardJob[] = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly maxQueue: number;
  private readonly maxQueueBytes: number;
  private bytes = 0;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly slowMs: number;
  private readonly stopper = new AbortController();

  constructor(
    target: string,
    private readonly options: ForwarderOptions,
  ) {
    this.target = new URL(target);
    this.maxQueue = options.maxQueue ?? 1000;
    this.maxQueueBytes = options.maxQueueBytes ?? Infinity;
    this.concurrency = options.concurrency ?? 8;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.slowMs = options.slowMs ?? X_DEADLINE_MS;
  }

  /** False (and onDropped) when the queue is full. */
  enqueue(job: ForwardJob): boolean {
    if (this.queue.length >= this.maxQueue) {
      this.options.onDropped?.(job);
      return false;
    }
    this.queue.push(job);
    this.bytes += job.body.length;
    this.pump();
    return true;
  }

  get pending(): number {
    return this.queue.length + this.active;
  }

  /** The bytes budget is spent: new events are refused (503) until the app catches up. */
  get full(): boolean {
    return this.bytes >= this.maxQueueBytes;
  }

  /** Resolves when every queued job finished, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Shutdown: drops what is queued and cancels requests in flight, so exit never waits on a hung app. */
  abort(): void {
    for (const job of this.queue.splice(0)) this.bytes -= job.body.length;
    this.stopper.abort();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.active++;
      void this.deliver(job).finally(() => {
        this.active--;
        this.bytes -= job.body.length;
        this.pump();
        if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async deliver(job: ForwardJob): Promise<void> {
    const url = this.target.href;
    const base = { id: job.id, eventId: job.eventId, url };
    try {
      const answer = await exchange(this.target, {
        method: 'POST',
        headers: relayHeaders(job.headers, this.target),
        body: job.body,
        timeoutMs: this.timeoutMs,
        signal: this.stopper.signal,
        keepBytes: ANSWER_KEPT_BYTES,
      });
      const warnings: string[] = [];
      const location = headerString(answer.headers.location);
      if (answer.status >= 300 && answer.status < 400) {
        warnings.push(
          `your app redirected${location ? ` to ${location}` : ''}; X never follows redirects and a 3xx to a CRC invalidates the webhook`,
        );
      } else if (answer.status !== 200) {
        warnings.push(`X would retry: your app answered ${answer.status}, X expects 200`);
      }
      if (answer.latencyMs > this.slowMs)
        warnings.push(`X would retry: your app took ${(answer.latencyMs / 1000).toFixed(1)} s, X waits ${this.slowMs / 1000} s`);
      this.options.onResult({
        ...base,
        status: answer.status,
        latencyMs: answer.latencyMs,
        location,
        responseBody: snippet(answer.body),
        warnings,
      });
    } catch (error) {
      if (this.stopper.signal.aborted) return;
      const latencyMs = (error as { latencyMs?: number }).latencyMs ?? 0;
      this.options.onResult({
        ...base,
        latencyMs,
        error: describeExchangeError(error, this.target, this.timeoutMs),
        warnings: ['X would retry: no answer from your app'],
      });
    }
  }

  /** `--crc passthrough`: the app answers the CRC; its answer is checked and relayed (never a 3xx). */
  async passCrc(
    consumerSecret: string,
    token: string,
    query: string,
    headers: Record<string, HeaderValue>,
  ): Promise<{ response: WebhookResponseParts; check: PassthroughCheck }> {
    const url = new URL(this.target.href);
    url.search = query;
    const started = performance.now();
    let answer: Exchange;
    try {
      answer = await exchange(url, {
        method: 'GET',
        headers: relayHeaders(headers, url),
        timeoutMs: this.timeoutMs,
        keepBytes: ANSWER_KEPT_BYTES,
      });
    } catch (error) {
      const problem = `your app did not answer the CRC: ${describeExchangeError(error, url, this.timeoutMs)}`;
      return {
        response: { status: 502, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: problem }) },
        check: { ok: false, problem, latencyMs: performance.now() - started },
      };
    }
    const { problems } = judgeCrcAnswer(answer, consumerSecret, token, { slowMs: this.slowMs });
    const check: PassthroughCheck = { ok: problems.length === 0, problem: problems[0]?.message, latencyMs: answer.latencyMs };
    if (answer.status >= 300 && answer.status < 400) {
      return {
        response: {
          status: 502,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: 'the app redirected the CRC' }),
        },
        check,
      };
    }
    const contentType = headerString(answer.headers['content-type']);
    return {
      response: {
        status: answer.status,
        headers: contentType ? { 'content-type': contentType } : {},
        body: answer.body.toString('utf8'),
      },
      check,
    };
  }
}

/** The end-to-end headers of a request, as a proxy forwards them (names are node's lower case). */
export function relayHeaders(headers: Record<string, HeaderValue>, target: URL): OutgoingHttpHeaders {
  const named = new Set(
    [headers.connection ?? []]
      .flat()
      .flatMap((value) => value.split(','))
      .map((name) => name.trim().toLowerCase()),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  out.host = target.host;
  return out;
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function snippet(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  const text = body.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ').trim();
  return body.length > 200 ? `${text}…` : text;
}
