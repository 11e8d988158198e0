// The console of `webhook start`, and the only module here that knows colour: one line per CRC and
// per event on stdout, status and problems on stderr; `--json` turns every server event into one
// NDJSON record on stdout instead.
import type { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { EventRecord } from './event-log.js';
import type { IOStreams } from '../io.js';
import { terminalText as printable } from '../terminal-text.js';
import type { ServerEvent } from './server.js';
import type { LiveStatus } from './live-status.js';

export interface RenderOptions {
  json: boolean;
  quiet: boolean;
  pretty: boolean;
  /** The event log, named in `--json` records whose body was cut. */
  logFile?: string;
  /** stdout failed (not EPIPE): the caller stops the server. */
  onOutputError?: (error: Error) => void;
  /** The status line kept under the event lines on a terminal (src/webhook/live-status.ts). */
  live?: LiveStatus;
}

type Paint = (s: string) => string;

function palette(enabled: boolean): Record<'green' | 'red' | 'yellow' | 'dim' | 'bold' | 'cyan', Paint> {
  const wrap = (open: number, close: number): Paint => (enabled ? (s) => `\u001b[${open}m${s}\u001b[${close}m` : (s) => s);
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** How long a console line may wait for others to share its write. */
const LINE_BATCH_MS = 20;
const LINE_BATCH_BYTES = 16 * 1024;
/** Console text held while the reader lags; past it, records are dropped (the event log has them). */
export const CONSOLE_BUFFER_BYTES = 1024 * 1024;
/** `--json` event records carry at most this much body; the log keeps the whole of it. */
export const CONSOLE_BODY_BYTES = 64 * 1024;

/**
 * Console output with backpressure. Lines are gathered into one write every LINE_BATCH_MS (or
 * 16 KB): under load (thousands of CRC checks a second) a write per line cost ~20% of the server's
 * throughput (bench/cases/crc.mjs). While the stream has not drained, lines wait in a buffer of
 * CONSOLE_BUFFER_BYTES; past it they are dropped and counted, so a slow reader (`| jq`) can never
 * grow the server's memory or stop it. A write error (other than the EPIPE bin/xcli.js handles)
 * goes to `onError` once, and nothing more is written.
 */
class ConsoleWriter {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  private failed = false;
  /** Records dropped since the last report. */
  dropped = 0;

  constructor(
    private readonly stream: Writable,
    private readonly onDrain: () => void,
    private readonly onError: (error: Error) => void,
    /** Wraps each write (the live status line steps aside for it). */
    private readonly around: <T>(write: () => T) => T = (write) => write(),
  ) {
    stream.on('error', (error: Error) => this.fail(error));
  }

  line(text: string): void {
    if (this.failed) return;
    const bytes = Buffer.byteLength(text) + 1;
    if (this.pendingBytes + bytes > CONSOLE_BUFFER_BYTES) {
      this.dropped++;
      return;
    }
    this.pending.push(text, '\n');
    this.pendingBytes += bytes;
    if (this.pendingBytes >= LINE_BATCH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), LINE_BATCH_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waitingForDrain || this.failed || this.pendingBytes === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    let flowing: boolean;
    try {
      flowing = this.around(() => this.stream.write(text));
    } catch (error) {
      // A file or device stdout writes synchronously and throws (/dev/full: ENOSPC).
      return this.fail(error as Error);
    }
    if (flowing) return;
    this.waitingForDrain = true;
    this.stream.once('drain', () => {
      this.waitingForDrain = false;
      this.onDrain();
      this.flush();
    });
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    clearTimeout(this.timer);
    this.pending = [];
    this.pendingBytes = 0;
    this.onError(error);
  }
}

export function createRenderer(io: IOStreams, options: RenderOptions): (event: ServerEvent) => void {
  const live = options.live;
  /** One line on stderr; the live status line steps aside for it. */
  const stderrLine = (s: string): void => {
    if (live) live.around(() => io.stderr.write(`${s}\n`));
    else io.stderr.write(`${s}\n`);
  };
  const reportDropped = (): void => {
    if (stdout.dropped === 0) return;
    stderrLine(
      `${stdout.dropped} console ${stdout.dropped === 1 ? 'record' : 'records'} dropped (the reader of stdout is slower than the events); the event log has them`,
    );
    stdout.dropped = 0;
  };
  const stdout = new ConsoleWriter(
    io.stdout,
    reportDropped,
    (error) => {
      if (options.onOutputError) options.onOutputError(error);
      else stderrLine(`xcli: cannot write to stdout (${describeWriteError(error)})`);
    },
    live && ((write) => live.around(write)),
  );
  const line = (s: string): void => stdout.line(s);
  const note = (s: string): void => {
    stdout.flush();
    stderrLine(s);
  };
  if (options.json) {
    return (event) => {
      if (event.type === 'summary') reportDropped();
      line(jsonRecord(event, options.logFile));
    };
  }
  const out = palette(io.colorStdout);
  const err = palette(io.colorStderr);
  return (event) => {
    live?.observe(event);
    switch (event.type) {
      case 'ready': {
        note(
          `${err.green('Ready.')} Webhook URL: ${err.bold(event.url)}${event.publicUrl ? err.dim(`  (local ${event.localUrl})`) : ''}`,
        );
        note(
          err.dim(
            `Events are logged to ${event.logFiles.join(' and ')}${event.forwardTo ? `, forwarded to ${event.forwardTo}` : ''}. Ctrl-C to stop.`,
          ),
        );
        return;
      }
      case 'crc': {
        if (options.quiet) return;
        const o = event.outcome;
        if (!o.answered) {
          line(`${out.dim(clock(event.time))}  ${out.cyan('CRC')}  ${out.red(`✗ ${o.status}`)} ${o.reason}`);
        } else if (o.passthrough) {
          const p = o.passthrough;
          line(
            `${out.dim(clock(event.time))}  ${out.cyan('CRC')}  via app ${p.ok ? out.green(`✓ ${o.status}`) : out.red(`✗ ${o.status} ${p.problem ?? ''}`)} ${out.dim(ms(p.latencyMs))}`,
          );
        } else {
          line(
            `${out.dim(clock(event.time))}  ${out.cyan('CRC')}  ${out.green('✓ 200')}${o.nonce ? out.dim(`  nonce ${printable(o.nonce)}`) : ''}`,
          );
        }
        return;
      }
      case 'event': {
        if (options.quiet) return;
        const r = event.record;
        const sig =
          r.verdict === 'valid'
            ? out.green('✓')
            : out.red(`✗ ${verdictText(r.verdict)}${r.signedWith ? ` (signed with ${r.signedWith})` : ''}`);
        const parts = [
          `${out.dim(clock(r.time))} `,
          out.bold(printable(r.type)),
          printable(r.actor ?? ''),
          r.summary ? printable(JSON.stringify(r.summary)) : '',
          sig,
        ];
        if (r.eventId) parts.push(out.dim(`[${printable(r.eventId)}]`));
        if (r.dup) parts.push(out.yellow('(dup)'));
        line(parts.filter(Boolean).join(' '));
        if (options.pretty && event.json !== undefined)
          line(
            indent(
              JSON.stringify(event.json, null, 2)
                .split('\n')
                .map((l) => printable(l))
                .join('\n'),
            ),
          );
        return;
      }
      case 'rejected':
        if (!options.quiet)
          line(
            `${out.dim(clock(event.time))}  ${out.red(`✗ 403 ${verdictText(event.verdict)}`)} ${printable(event.eventType)} (refused, not logged)`,
          );
        return;
      case 'forward': {
        const f = event.result;
        if (f.error) {
          note(`${err.red('  ✗ forward')} ${f.error}`);
        } else if (!options.quiet) {
          const status = f.status === 200 ? out.green(String(f.status)) : out.yellow(String(f.status));
          line(
            `  ${out.dim('→')} ${status} ${f.url} ${out.dim(ms(f.latencyMs))}${f.status !== 200 && f.responseBody ? out.dim(`  ${printable(f.responseBody)}`) : ''}`,
          );
        }
        for (const w of f.warnings) if (!f.error) note(`  ${err.yellow('!')} ${w}`);
        return;
      }
      case 'tunnel':
        if (event.state === 'open') note(`${err.green('Tunnel open:')} ${event.url}`);
        else if (event.state === 'reconnecting')
          note(
            err.yellow(
              `Tunnel closed${event.message ? ` (${event.message})` : ''}; reconnecting in ${ms(event.retryInMs ?? 0)}…`,
            ),
          );
        else note(err.yellow(`Tunnel ${event.state}${event.message ? `: ${event.message}` : ''}`));
        return;
      case 'selfcheck':
        note(
          event.ok
            ? `${err.green('✓')} CRC through ${event.url} answered correctly in ${ms(event.latencyMs ?? 0)}`
            : `${err.red('✗')} CRC through ${event.url} failed: ${event.problem}`,
        );
        return;
      case 'register':
        note(`${err.green('✓')} webhook ${event.webhookId} ${event.action} for ${event.url}`);
        return;
      case 'note':
        note(`${err.dim('note:')} ${event.message}`);
        return;
      case 'warning':
        note(`${err.yellow('warning:')} ${printable(event.message)}`);
        return;
      case 'error':
        note(`${err.red('error:')} ${printable(event.message)}`);
        return;
      case 'summary': {
        reportDropped();
        const byType = live?.stop() ?? [];
        const s = event.stats;
        const forwarded =
          s.forwarded + s.forwardFailures + s.forwardDropped > 0
            ? `, forwarded ${s.forwarded} (${s.forwardFailures} failed, ${s.forwardDropped} dropped)`
            : '';
        note(
          `Stopped after ${event.seconds.toFixed(0)} s: ${s.crc} CRC, ${s.events} ${s.events === 1 ? 'event' : 'events'} (${s.verified} verified, ${s.unverified} unverified, ${s.duplicates} ${s.duplicates === 1 ? 'duplicate' : 'duplicates'}${s.rejected ? `, ${s.rejected} refused` : ''}${s.storeFailures ? `, ${s.storeFailures} not stored` : ''})${forwarded}${s.busy ? `; ${s.busy} answered 503 (over a memory budget)` : ''}.`,
        );
        for (const typeLine of byType) note(typeLine);
        return;
      }
    }
  };
}

/**
 * The NDJSON record of an event; an event embeds its log line as `record` instead of serialising
 * again, unless its body is over CONSOLE_BODY_BYTES: then the body is cut there, with
 * `bodyTruncated: true`, its full length, and the log that holds all of it.
 */
export function jsonRecord(event: ServerEvent, logFile?: string): string {
  switch (event.type) {
    case 'event':
      if (event.line.length > CONSOLE_BODY_BYTES) {
        const cut = truncatedBodies(event.record);
        if (cut !== event.record) return JSON.stringify({ type: 'event', record: cut, log: logFile });
      }
      return `{"type":"event","record":${event.line}}`;
    case 'crc': {
      const o = event.outcome;
      return JSON.stringify({
        type: 'crc',
        time: event.time,
        ok: o.answered && (o.passthrough?.ok ?? true),
        status: o.status,
        nonce: o.nonce,
        reason: o.answered ? o.passthrough?.problem : o.reason,
        passthrough: o.answered && o.passthrough ? true : undefined,
      });
    }
    case 'forward':
      return JSON.stringify({ type: 'forward', ...event.result, latencyMs: jsonMs(event.result.latencyMs) });
    case 'selfcheck':
      return JSON.stringify({ ...event, latencyMs: event.latencyMs === undefined ? undefined : jsonMs(event.latencyMs) });
    default:
      return JSON.stringify(event);
  }
}

/** Latencies in JSON records: to 0.1 ms (finer is timer noise, and 15 digits of it is unreadable). */
export function jsonMs(value: number): number {
  return Math.round(value * 10) / 10;
}

function verdictText(verdict: string): string {
  if (verdict === 'missing') return 'unsigned';
  if (verdict === 'not-object') return 'not a JSON object (not an X event)';
  return 'bad signature';
}

export function describeWriteError(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

function truncatedBodies(record: EventRecord): EventRecord {
  const body = record.body !== undefined ? Buffer.from(record.body, 'utf8') : undefined;
  if (body && body.length > CONSOLE_BODY_BYTES) {
    // The decoder keeps only whole characters of the cut bytes.
    return {
      ...record,
      body: new StringDecoder('utf8').write(body.subarray(0, CONSOLE_BODY_BYTES)),
      bodyTruncated: true,
      bodyLength: record.bodyLength ?? body.length,
    };
  }
  if (record.bodyBase64 !== undefined && record.bodyBase64.length > CONSOLE_BODY_BYTES) {
    // Base64 cut on a 4-character boundary stays decodable.
    return {
      ...record,
      bodyBase64: record.bodyBase64.slice(0, CONSOLE_BODY_BYTES - (CONSOLE_BODY_BYTES % 4)),
      bodyTruncated: true,
      bodyLength: record.bodyLength ?? Buffer.byteLength(record.bodyBase64, 'base64'),
    };
  }
  return record;
}

/** The last second formatted: under load most lines share it, and parsing dates cost per line. */
let lastClock = { second: '', text: '' };

/** HH:MM:SS in local time of an ISO timestamp. */
function clock(iso: string): string {
  const second = iso.slice(0, 19);
  if (second !== lastClock.second) {
    const d = new Date(iso);
    const p = (n: number): string => String(n).padStart(2, '0');
    lastClock = { second, text: `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` };
  }
  return lastClock.text;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
