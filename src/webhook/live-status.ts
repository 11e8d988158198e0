// The live view of `webhook start` on a terminal: one status line kept under the event lines
// (events per minute, verified / failed, duplicates, forward p50 and errors, tunnel state), redrawn
// in place, and on stop a count by event type. Never with --json or when piped (see liveStatusFor).
import { Writable } from 'node:stream';
import type { Context } from '../context.js';
import { truncate } from '../terminal/width.js';
import type { Reach, ServerEvent } from './server.js';

/** Erases the line the cursor is on: the status line has no newline, so the cursor stays on it. */
const ERASE_LINE = '\r\u001b[K';
/** Redraws wait this long for the next events, so a burst is one redraw. */
const REDRAW_MS = 100;
/** The rate is over the last minute, counted per second. */
const WINDOW_SECONDS = 60;
/** Forward latencies kept for the median: the most recent ones. */
const LATENCY_SAMPLES = 256;

/** Said in place of a tunnel state when no tunnel runs (nothing when X cannot reach the server). */
const REACH_TEXT: Record<Reach, string | undefined> = {
  tunnel: undefined,
  'public-url': 'via --public-url',
  local: 'no tunnel (local URL)',
  none: undefined,
};

export interface LiveStatusOptions {
  stream: Writable;
  /** The terminal's width now (it may be resized while the server runs). */
  columns: () => number;
  now: () => number;
}

export class LiveStatus {
  private readonly perSecond = new Map<number, number>();
  private readonly byType = new Map<string, number>();
  private readonly latencies: number[] = [];
  private verified = 0;
  private failed = 0;
  private duplicates = 0;
  private forwardErrors = 0;
  private tunnel: string | undefined;
  private reach: Reach | undefined;
  private shown = false;
  /** Drawn only once the server is ready: before, the tunnel's wait line or a prompt owns the line. */
  private started = false;
  /** Text without its newline yet was written below: the line is the writer's until one comes. */
  private held = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** Refreshes the rate while no event comes; unref'd, so it never keeps the process alive. */
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly options: LiveStatusOptions) {
    this.ticker = setInterval(() => this.draw(), 1000);
    this.ticker.unref();
  }

  observe(event: ServerEvent): void {
    switch (event.type) {
      case 'event': {
        const r = event.record;
        const second = Math.floor(this.options.now() / 1000);
        this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
        this.byType.set(r.type, (this.byType.get(r.type) ?? 0) + 1);
        if (r.verdict === 'valid') this.verified++;
        else this.failed++;
        if (r.dup) this.duplicates++;
        break;
      }
      case 'rejected':
        this.failed++;
        break;
      case 'forward': {
        const f = event.result;
        if (f.error || f.status === undefined || f.status < 200 || f.status >= 300) this.forwardErrors++;
        if (!f.error) {
          this.latencies.push(f.latencyMs);
          if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
        }
        break;
      }
      case 'tunnel':
        this.tunnel = event.state;
        break;
      case 'ready':
        this.started = true;
        this.tunnel = event.reach === 'tunnel' ? (this.tunnel ?? 'open') : undefined;
        this.reach = event.reach;
        break;
      default:
        return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, REDRAW_MS);
    this.timer.unref();
  }

  /** Runs a write of other lines with the status line taken away first and drawn again after. */
  around<T>(write: () => T): T {
    if (this.shown) {
      this.options.stream.write(ERASE_LINE);
      this.shown = false;
    }
    const result = write();
    this.draw();
    return result;
  }

  /**
   * stderr for everything else said while the server runs (hooks, API retries and warnings): each
   * write goes through `around`, so no note is ever glued to the status line.
   */
  readonly stderr: Writable = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      const text = chunk.toString();
      this.around(() => {
        this.held = !text.endsWith('\n');
        this.options.stream.write(chunk);
      });
      done();
    },
  });

  /** The status line as text, cut to `width` columns. */
  text(width: number): string {
    const now = Math.floor(this.options.now() / 1000);
    let lastMinute = 0;
    for (const [second, count] of this.perSecond) {
      if (second <= now - WINDOW_SECONDS) this.perSecond.delete(second);
      else lastMinute += count;
    }
    const parts = [
      `${lastMinute}/min`,
      `${this.verified} verified, ${this.failed} failed`,
      `${this.duplicates} dup`,
      this.latencies.length || this.forwardErrors ? `fwd p50 ${median(this.latencies)}, ${this.forwardErrors} err` : undefined,
      this.tunnel ? `tunnel ${this.tunnel}` : REACH_TEXT[this.reach ?? 'none'],
    ];
    const line = parts.filter(Boolean).join(' · ');
    return truncate(line, Math.max(width - 1, 1)); // the last column would wrap on some terminals
  }

  /** Takes the status line away for good; `Events by type: …` lines for the summary. */
  stop(): string[] {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.ticker);
    if (this.shown) this.options.stream.write(ERASE_LINE);
    this.shown = false;
    if (this.byType.size === 0) return [];
    const sorted = [...this.byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return ['Events by type:', ...sorted.map(([type, count]) => `  ${String(count).padStart(6)}  ${type}`)];
  }

  private draw(): void {
    if (this.stopped || !this.started || this.held) return;
    this.options.stream.write(`${ERASE_LINE}${this.text(this.options.columns())}`);
    this.shown = true;
  }
}

function median(values: number[]): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/**
 * The live view when people watch: stdout and stderr both a terminal (XCLI_FORCE_TTY=1 makes them
 * one, src/io.ts), never with --json. The width is the terminal's (COLUMNS for a forced one).
 */
export function liveStatusFor(ctx: Context, json: boolean): LiveStatus | undefined {
  if (json || !ctx.io.isStdoutTTY || !ctx.io.isStderrTTY) return undefined;
  return new LiveStatus({ stream: ctx.io.stderr, columns: () => ctx.io.stderrColumns ?? 80, now: () => ctx.now() });
}
